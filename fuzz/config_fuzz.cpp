// The forecast config.json reader (forecast::load_config: JSON parsing, every field's type and
// range, the scalers' state, validate()). A config it accepts must also survive a round trip
// through to_json and config_from_json, since `forecast train` writes what `predict` reads back.
// Seeds: tests/fixtures/forecast/stock_forecaster/config.json and variants.
#include <nlohmann/json.hpp>

#include "fuzz_file.h"
#include "fuzz_main.h"
#include "recur/apps/forecast/forecast_config.h"

void run_one(const uint8_t* data, size_t size) {
  static const recur::fuzz::ScratchFile file(".json");
  const recur::forecast::ForecastConfig config =
      recur::forecast::load_config(file.write(data, size));
  const nlohmann::json saved = recur::forecast::to_json(config);
  try {
    const recur::forecast::ForecastConfig again = recur::forecast::config_from_json(saved);
    fuzz_sink = static_cast<double>(again.window + again.horizon);
  } catch (const recur::Error& e) {
    std::fprintf(stderr, "config_fuzz: accepted config fails its round trip: %s\n", e.what());
    std::abort();
  }
}
