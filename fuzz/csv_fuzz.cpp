// The CSV reader (io::read_csv) and the price-table loader on top of it (data::load_price_table):
// quoting, line ends, byte-order marks and encodings, then dates, numbers, missing values, sorting,
// duplicates and long-format symbols. The first byte picks the loader's options, so one corpus
// explores both the strict and the forward-filling paths and the symbol filter; the rest is the
// file. Seeds: tests/fixtures/data/*.csv (each with a leading options byte).
#include "fuzz_file.h"
#include "fuzz_main.h"
#include "recur/data/price_table.h"
#include "recur/io/csv.h"

void run_one(const uint8_t* data, size_t size) {
  if (size == 0) return;
  const uint8_t options = data[0];
  static const recur::fuzz::ScratchFile file(".csv");
  const std::string& path = file.write(data + 1, size - 1);

  const char separator = (options & 1) != 0 ? ';' : ',';
  const recur::io::CsvTable table = recur::io::read_csv(path, separator);
  double sum = 0.0;
  for (const recur::io::CsvRow& row : table.rows) {
    for (const std::string& field : row.fields) {
      if (const auto number = recur::io::parse_number(field)) sum += *number;
    }
  }
  fuzz_sink = sum;

  recur::data::LoadOptions load;
  if ((options & 2) != 0) load.missing = recur::data::MissingValues::kForwardFill;
  if ((options & 4) != 0) load.symbol = "AAA";
  if ((options & 8) != 0) load.columns = {"close"};
  const recur::data::PriceTable prices = separator == ','
                                             ? recur::data::load_price_table(path, load)
                                             : recur::data::price_table_from_csv(table, load);
  for (const auto& column : prices.columns) {
    for (double v : column) sum += v;
  }
  fuzz_sink = sum + static_cast<double>(prices.rows());
}
