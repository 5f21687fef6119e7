#include "plplot_canvas.h"

#include <fcntl.h>
#include <plplot/plplot.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <numbers>

#include "recur/tensor/error.h"

namespace recur::forecast::plotting {
namespace {

// Page layout, as fractions of the page (0 = bottom/left).
constexpr double kFrameRight = 0.965, kFrameBottom = 0.12;
constexpr double kFrameLeftPixels = 120.0;  // room for tick labels such as "12040" and the y label
constexpr double kYLabelPixels = 24.0;      // the y label's centre line, from the left edge
constexpr double kTitleBaseline = 0.945;
constexpr double kLegendTop = 0.885;      // centre line of the first legend row
constexpr double kLegendRow = 0.05;       // height of one legend row
constexpr double kMaxFrameBottom = 0.35;  // upright category names take at most this much
// Mixed lower-case text's average character width in character heights, as cairo draws DejaVu
// Sans (PLplot's character height is smaller than cairo's em).
constexpr double kTextEm = 0.62;

std::mutex& plplot_mutex() {
  static std::mutex m;
  return m;
}

// Without its cairo driver PLplot would prompt for a device on stdin; fail clearly instead.
void require_pngcairo() {
  const char* menus[128];
  const char* names[128];
  const char** menu_list = menus;
  const char** name_list = names;
  int count = 128;
  plgDevs(&menu_list, &name_list, &count);
  for (int i = 0; i < count; ++i) {
    if (std::strcmp(names[i], "pngcairo") == 0) return;
  }
  throw IoError(
      "PNG plots need PLplot's cairo driver (Debian: apt-get install plplot-driver-cairo)");
}

void set_palette() {
  struct Rgba {
    int r, g, b;
    double a;
  };
  // Indexed by Color.
  static constexpr Rgba kPalette[] = {
      {255, 255, 255, 1.0},  // background
      {30, 30, 30, 1.0},     // ink
      {20, 20, 20, 1.0},     // actual
      {0, 114, 178, 1.0},    // blue
      {230, 159, 0, 1.0},    // orange
      {86, 180, 233, 0.30},  // band
      {225, 225, 225, 1.0},  // grid
      {213, 94, 0, 1.0},     // vermillion
      {0, 158, 115, 1.0},    // green
      {204, 121, 167, 1.0},  // purple
      {150, 150, 150, 1.0},  // gray
  };
  plscmap0n(16);
  for (int i = 0; i < static_cast<int>(std::size(kPalette)); ++i) {
    plscol0a(i, kPalette[i].r, kPalette[i].g, kPalette[i].b, kPalette[i].a);
  }
  // Colour map 1, for heat maps: white to ColorBrewer's darkest "Blues" (8, 48, 107), a
  // sequential ramp that stays readable in grey.
  PLFLT position[2] = {0.0, 1.0}, red[2] = {1.0, 8 / 255.0}, green[2] = {1.0, 48 / 255.0},
        blue[2] = {1.0, 107 / 255.0};
  plscmap1n(256);
  plscmap1l(/*itype=rgb*/ 1, 2, position, red, green, blue, nullptr);
}

void fill_rectangle(double x0, double y0, double x1, double y1) {
  PLFLT px[4] = {x0, x1, x1, x0};
  PLFLT py[4] = {y0, y0, y1, y1};
  plfill(4, px, py);
}

void outline_rectangle(double x0, double y0, double x1, double y1) {
  PLFLT px[5] = {x0, x1, x1, x0, x0};
  PLFLT py[5] = {y0, y0, y1, y1, y0};
  plline(5, px, py);
}

// PLplot reads '#' as the start of an escape sequence.
std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '#') out += '#';
  }
  return out;
}

void set_style(LineStyle style, double width) {
  pllsty(style == LineStyle::kSolid ? 1 : style == LineStyle::kDashed ? 3 : 2);
  plwidth(width);
}

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// A category name's width in character heights: series names are mostly capitals (tickers),
// which DejaVu Sans draws wider than digits and lower case (measured: "GOOGL" 4.85, "AAPL" 3.4,
// "Y106" 2.9, "series-30" 6.3). Other code points count as capitals, to be safe.
double name_width(const std::string& s) {
  double width = 0.0;
  for (char c : s) {
    if (continuation_byte(c)) continue;
    width += (c >= 'A' && c <= 'Z') || (static_cast<unsigned char>(c) & 0x80) ? 0.97 : 0.75;
  }
  return width;
}

// s, or as many of its first code points as fit in `width` character heights followed by "…".
std::string shortened(const std::string& s, double width) {
  if (name_width(s) <= width) return s;
  size_t end = 0;
  for (size_t next = 0; end < s.size(); end = next) {
    next = end + 1;
    while (next < s.size() && continuation_byte(s[next])) ++next;
    if (name_width(s.substr(0, next)) + 0.75 > width) break;  // 0.75: the ellipsis
  }
  return s.substr(0, end) + "\u2026";
}

// Runs [begin, end) of indices where every one of `series` is finite at every index.
std::vector<std::pair<size_t, size_t>> finite_runs(
    const std::vector<std::span<const double>>& series) {
  std::vector<std::pair<size_t, size_t>> runs;
  const size_t n = series.front().size();
  size_t begin = 0;
  auto finite = [&](size_t i) {
    return std::all_of(series.begin(), series.end(),
                       [i](std::span<const double> s) { return std::isfinite(s[i]); });
  };
  while (begin < n) {
    while (begin < n && !finite(begin)) ++begin;
    size_t end = begin;
    while (end < n && finite(end)) ++end;
    if (end > begin) runs.emplace_back(begin, end);
    begin = end;
  }
  return runs;
}

struct Tick {
  double x;
  std::string label;
};

struct YearMonth {
  int year, month;  // month 1..12
};

YearMonth year_month(int32_t days) {
  std::string s = data::Date::from_days(days).str();  // YYYY-MM-DD
  return {std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2))};
}

// Month starts labelled YYYY-MM, every 1, 2, 3, 6, 12, ... months so that at most 8 show; for
// spans with fewer than two month starts, days labelled YYYY-MM-DD instead.
std::vector<Tick> date_ticks(double first, double last) {
  const int32_t lo = static_cast<int32_t>(std::ceil(first));
  const int32_t hi = static_cast<int32_t>(std::floor(last));
  std::vector<int32_t> month_starts;
  for (YearMonth ym = year_month(lo);;) {
    int32_t day = data::Date::from_ymd(ym.year, ym.month, 1).days_since_1970();
    if (day > hi) break;
    if (day >= lo) month_starts.push_back(day);
    ym = ym.month == 12 ? YearMonth{ym.year + 1, 1} : YearMonth{ym.year, ym.month + 1};
  }
  std::vector<Tick> ticks;
  if (month_starts.size() >= 2) {
    for (int step : {1, 2, 3, 6, 12, 24, 60, 120, 240}) {
      ticks.clear();
      for (int32_t day : month_starts) {
        YearMonth ym = year_month(day);
        if ((ym.year * 12 + ym.month - 1) % step != 0) continue;
        ticks.push_back({static_cast<double>(day), data::Date::from_days(day).str().substr(0, 7)});
      }
      if (ticks.size() <= 8) break;
    }
    return ticks;
  }
  for (int step : {1, 2, 5, 7, 14, 28}) {
    ticks.clear();
    for (int32_t day = lo; day <= hi; day += step) {
      ticks.push_back({static_cast<double>(day), data::Date::from_days(day).str()});
    }
    if (ticks.size() <= 7) break;
  }
  return ticks;
}

}  // namespace

Range padded_range(const std::vector<std::span<const double>>& series) {
  double low = INFINITY, high = -INFINITY;
  for (std::span<const double> s : series) {
    for (double v : s) {
      if (!std::isfinite(v)) continue;
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  if (!(low <= high)) throw ValueError("plot: nothing to draw (no finite values)");
  if (low == high) {
    double pad = low != 0.0 ? 0.1 * std::abs(low) : 1.0;
    return {low - pad, high + pad};
  }
  double pad = 0.05 * (high - low);
  return {low - pad, high + pad};
}

Canvas::Canvas(const std::string& path, PlotSize size)
    : lock_(plplot_mutex()), path_(path), width_(size.width), height_(size.height) {
  if (size.width < 100 || size.height < 100) {
    throw ValueError("plot " + path + ": size must be at least 100x100 pixels");
  }
  require_pngcairo();
  // Creating the temporary ourselves checks the directory is writable before PLplot, which
  // exits the process when it cannot open its output file, ever tries.
  std::string pattern = path + ".tmp-XXXXXX";
  int fd = mkstemp(pattern.data());
  if (fd < 0) throw IoError("cannot write plot " + path + ": " + std::strerror(errno));
  ::fchmod(fd, 0644);  // mkstemp's 0600 would make the final PNG private
  ::close(fd);
  temp_path_ = pattern;

  setenv("PLPLOT_FREETYPE_SANS_FAMILY", "DejaVu Sans", /*overwrite=*/0);
  PLINT stream = 0;
  plmkstrm(&stream);
  plsdev("pngcairo");
  plsfnam(temp_path_.c_str());
  plspage(0.0, 0.0, size.width, size.height, 0, 0);
  set_palette();
  plinit();
  open_ = true;
  pladv(0);
}

Canvas::~Canvas() {
  if (open_) plend1();
  if (!temp_path_.empty()) std::remove(temp_path_.c_str());
}

void Canvas::use_page() {
  plvpor(0.0, 1.0, 0.0, 1.0);
  plwind(0.0, 1.0, 0.0, 1.0);
}

void Canvas::use_frame() {
  plvpor(frame_left_, kFrameRight, frame_bottom_, frame_top_);
  plwind(frame_.x_min, frame_.x_max, frame_.y_min, frame_.y_max);
}

void Canvas::frame(const Frame& f) {
  frame_ = f;
  frame_left_ = std::max(0.06, (f.left_pixels > 0.0 ? f.left_pixels : kFrameLeftPixels) / width_);
  const size_t legend_rows = (f.legend_entries + kLegendColumns - 1) / kLegendColumns;
  frame_top_ = legend_rows == 0
                   ? kLegendTop
                   : kLegendTop - kLegendRow * static_cast<double>(legend_rows - 1) - 0.035;
  plschr(0.0, 1.05);  // the size of the tick labels and category names, measured here
  const CategoryLayout categories =
      f.x_axis == XAxis::kCategories ? category_layout(f.categories) : CategoryLayout{};
  frame_bottom_ = f.x_axis == XAxis::kCategories ? categories.bottom : kFrameBottom;
  // Title and y label in page coordinates: the y label at a fixed distance from the page edge,
  // clear of tick labels of any width.
  use_page();
  plcol0(kInk);
  plschr(0.0, 1.35);
  plptex(0.5 * (frame_left_ + kFrameRight), kTitleBaseline, 1.0, 0.0, 0.5, escape(f.title).c_str());
  plschr(0.0, 1.05);
  plptex(kYLabelPixels / width_, 0.5 * (frame_bottom_ + frame_top_), 0.0, 1.0, 0.5,
         escape(f.y_label).c_str());

  use_frame();
  if (!f.numbered) {
    plcol0(kInk);
    plmtex("b", 3.0, 0.5, 0.5, escape(f.x_label).c_str());
    plschr(0.0, 1.0);
    return;
  }
  // Grid first, in light grey, so that the data and the axes are drawn over it.
  plcol0(kGrid);
  set_style(LineStyle::kSolid, 1.0);
  plbox(f.x_axis == XAxis::kNumbers ? "g" : "", f.x_tick, 0, "g", 0.0, 0);
  if (f.x_axis == XAxis::kDays) date_axis();
  plcol0(kInk);
  // "f": plain numbers (12040, not 1.204 with a "(x10^4)" note, which reads badly for prices).
  plbox(f.x_axis == XAxis::kNumbers ? "bcnstf" : "bc", f.x_tick, f.x_tick > 0 ? 1 : 0,
        f.log_y ? "bcnstvl" : "bcnstvf", 0.0, 0);
  if (f.x_axis == XAxis::kCategories) category_axis(categories);
  plmtex("b", categories.x_label, 0.5, 0.5, escape(f.x_label).c_str());
  plschr(0.0, 1.0);
}

void Canvas::date_axis() {
  const double tick = 0.012 * (frame_.y_max - frame_.y_min);
  for (const Tick& t : date_ticks(frame_.x_min, frame_.x_max)) {
    plcol0(kGrid);
    pljoin(t.x, frame_.y_min, t.x, frame_.y_max);
    plcol0(kInk);
    pljoin(t.x, frame_.y_min, t.x, frame_.y_min + tick);
    pljoin(t.x, frame_.y_max, t.x, frame_.y_max - tick);
    // A label centred on a tick closer than this to a corner would stick out of the picture.
    double position = (t.x - frame_.x_min) / (frame_.x_max - frame_.x_min);
    if (position > 0.03 && position < 0.97) plmtex("b", 1.6, position, 0.5, t.label.c_str());
  }
}

void Canvas::line(std::span<const double> x, std::span<const double> y, Color color,
                  LineStyle style, double width) {
  plcol0(color);
  set_style(style, width);
  for (auto [begin, end] : finite_runs({x, y})) {
    plline(static_cast<PLINT>(end - begin), x.data() + begin, y.data() + begin);
  }
  set_style(LineStyle::kSolid, 1.0);
}

void Canvas::marker(double x, double y, Marker m, Color color, double radius_pixels,
                    double x_per_pixel, double y_per_pixel) {
  // A circle as a 24-gon, a diamond as a square on its corner (a little larger, to look as big).
  const int corners = m == Marker::kCircle ? 24 : 4;
  const double radius = m == Marker::kCircle ? radius_pixels : 1.25 * radius_pixels;
  PLFLT px[25], py[25];
  for (int i = 0; i <= corners; ++i) {
    const double angle = 2.0 * std::numbers::pi * i / corners;
    px[i] = x + radius * std::cos(angle) * x_per_pixel;
    py[i] = y + radius * std::sin(angle) * y_per_pixel;
  }
  plcol0(color);
  plfill(corners, px, py);
  // A white rim keeps overlapping markers apart.
  plcol0(kBackground);
  set_style(LineStyle::kSolid, 0.8);
  plline(corners + 1, px, py);
  set_style(LineStyle::kSolid, 1.0);
}

void Canvas::points(std::span<const double> x, std::span<const double> y, Color color, Marker m,
                    double radius_pixels) {
  if (m == Marker::kNone) return;
  const double x_per_pixel = (frame_.x_max - frame_.x_min) / ((kFrameRight - frame_left_) * width_);
  const double y_per_pixel =
      (frame_.y_max - frame_.y_min) / ((frame_top_ - frame_bottom_) * height_);
  for (auto [begin, end] : finite_runs({x, y})) {
    for (size_t i = begin; i < end; ++i) {
      marker(x[i], y[i], m, color, radius_pixels, x_per_pixel, y_per_pixel);
    }
  }
}

void Canvas::band(std::span<const double> x, std::span<const double> lower,
                  std::span<const double> upper, Color color) {
  plcol0(color);
  for (auto [begin, end] : finite_runs({x, lower, upper})) {
    // The polygon goes right along the upper bound and back along the lower one.
    std::vector<double> px, py;
    for (size_t i = begin; i < end; ++i) px.push_back(x[i]), py.push_back(upper[i]);
    for (size_t i = end; i-- > begin;) px.push_back(x[i]), py.push_back(lower[i]);
    plfill(static_cast<PLINT>(px.size()), px.data(), py.data());
  }
}

void Canvas::horizontal(double y, Color color, LineStyle style) {
  plcol0(color);
  set_style(style, 1.2);
  pljoin(frame_.x_min, y, frame_.x_max, y);
  set_style(LineStyle::kSolid, 1.0);
}

void Canvas::legend(const std::vector<LegendEntry>& entries) {
  if (entries.empty()) return;
  // Drawn by hand in page coordinates (pllegend's text-width estimate is off with cairo's fonts
  // and spreads the entries past the page edges): entries flow left to right, centred, in rows
  // of at most kLegendColumns, in the band between the title and the frame.
  use_page();
  PLFLT page_x0, page_x1, page_y0, page_y1, default_height, char_height;
  plgspa(&page_x0, &page_x1, &page_y0, &page_y1);
  plgchr(&default_height, &char_height);
  const double char_width = this->char_width(kTextEm);
  const double sample = 0.045, gap = 0.008, spacing = 0.03;
  auto width_of = [&](const LegendEntry& e) {
    return sample + gap + char_width * static_cast<double>(e.text.size());
  };
  for (size_t first = 0; first < entries.size(); first += kLegendColumns) {
    const size_t last = std::min(entries.size(), first + kLegendColumns);
    double total = 0.0;
    for (size_t i = first; i < last; ++i) total += width_of(entries[i]) + (i > first ? spacing : 0);
    double x = 0.5 * (frame_left_ + kFrameRight - total);  // centred over the frame
    const double y = kLegendTop - kLegendRow * static_cast<double>(first / kLegendColumns);
    for (size_t i = first; i < last; ++i) {
      const LegendEntry& e = entries[i];
      plcol0(e.color);
      if (e.box) {
        PLFLT bx[4] = {x, x + sample, x + sample, x};
        PLFLT by[4] = {y - 0.012, y - 0.012, y + 0.012, y + 0.012};
        plfill(4, bx, by);
      } else if (e.marker != Marker::kNone) {
        marker(x + 0.5 * sample, y, e.marker, e.color, 6.0, 1.0 / width_, 1.0 / height_);
      } else {
        set_style(e.style, e.width);
        pljoin(x, y, x + sample, y);
        set_style(LineStyle::kSolid, 1.0);
      }
      plcol0(kInk);
      plptex(x + sample + gap, y - 0.3 * char_height / (page_y1 - page_y0), 1.0, 0.0, 0.0,
             escape(e.text).c_str());
      x += width_of(e) + spacing;
    }
  }
  use_frame();
}

void Canvas::shade(double x0, double y0, double x1, double y1, double t) {
  plcol1(std::clamp(t, 0.0, 1.0));
  fill_rectangle(x0, y0, x1, y1);
  // An outline, so that a white (0) cell still shows where it is.
  plcol0(kGray);
  set_style(LineStyle::kSolid, 1.0);
  outline_rectangle(x0, y0, x1, y1);
}

void Canvas::text(double x, double y, const std::string& s, Color color) {
  plcol0(color);
  PLFLT default_height, char_height;  // mm
  plgchr(&default_height, &char_height);
  PLFLT page_x0, page_x1, page_y0, page_y1;  // mm
  plgspa(&page_x0, &page_x1, &page_y0, &page_y1);
  // plptex puts the baseline at y; lower it by a third of a character to centre the text.
  const double world_per_mm =
      (frame_.y_max - frame_.y_min) / ((frame_top_ - frame_bottom_) * (page_y1 - page_y0));
  plptex(x, y - 0.33 * char_height * world_per_mm, 1.0, 0.0, 0.5, escape(s).c_str());
}

void Canvas::label_x(double x, const std::string& s) {
  plcol0(kInk);
  plmtex("b", 1.6, (x - frame_.x_min) / (frame_.x_max - frame_.x_min), 0.5, escape(s).c_str());
}

double Canvas::char_width(double em) const {
  PLFLT page_x0, page_x1, page_y0, page_y1, default_height, char_height;  // mm
  plgspa(&page_x0, &page_x1, &page_y0, &page_y1);
  plgchr(&default_height, &char_height);
  return em * char_height / (page_x1 - page_x0);
}

double Canvas::char_height() const {
  PLFLT page_x0, page_x1, page_y0, page_y1, default_height, char_height;  // mm
  plgspa(&page_x0, &page_x1, &page_y0, &page_y1);
  plgchr(&default_height, &char_height);
  return char_height / (page_y1 - page_y0);
}

Canvas::CategoryLayout Canvas::category_layout(const std::vector<std::string>& names) const {
  double widest = 1.0;  // character heights
  for (const std::string& s : names) widest = std::max(widest, name_width(s));
  // Page fractions: the width of one slot, and of the widest name with a gap on each side.
  const double slot = (kFrameRight - frame_left_) / (frame_.x_max - frame_.x_min);
  const double flat = char_width(widest + 1.5);
  CategoryLayout layout;
  layout.max_width = widest;
  layout.bottom = kFrameBottom;
  if (flat <= slot) return layout;
  // Turned upright, the names need a line's width each whatever their length, and are cut to
  // the room under the frame (in character heights: a gap, the names, a gap and the x label).
  layout.turned = true;
  const double line = 1.25 * char_width(1.0);
  layout.every = static_cast<size_t>(std::ceil(line / slot - 1e-9));
  const double room = kMaxFrameBottom / char_height() - 0.7 - 2.8;
  layout.max_width = std::min(widest, std::max(3.0, room));
  layout.x_label = 0.7 + layout.max_width + 1.6;
  layout.bottom = std::max(kFrameBottom, (layout.x_label + 1.2) * char_height());
  return layout;
}

void Canvas::category_axis(const CategoryLayout& layout) {
  const double tick = 0.012 * (frame_.y_max - frame_.y_min);
  const size_t n = frame_.categories.size();
  for (size_t i = 0; i < n; i += layout.every) {
    const double x = static_cast<double>(i);
    plcol0(kInk);
    pljoin(x, frame_.y_min, x, frame_.y_min + tick);
    const std::string name = escape(shortened(frame_.categories[i], layout.max_width));
    const double position = (x - frame_.x_min) / (frame_.x_max - frame_.x_min);
    if (layout.turned) {
      plmtex("bv", 0.7, position, 1.0, name.c_str());
    } else {
      plmtex("b", 1.6, position, 0.5, name.c_str());
    }
  }
}

void Canvas::label_y(double y, const std::string& s) {
  plcol0(kInk);
  // "lv": horizontal text, so that class names read like the column labels.
  plmtex("lv", 1.0, (y - frame_.y_min) / (frame_.y_max - frame_.y_min), 1.0, escape(s).c_str());
}

void Canvas::color_bar(const std::string& caption, const std::string& low,
                       const std::string& high) {
  use_page();
  const double x0 = 0.5 * (frame_left_ + kFrameRight) - 0.12, x1 = x0 + 0.24;
  const double y0 = kLegendTop - 0.012, y1 = kLegendTop + 0.012;
  constexpr int kSteps = 64;
  for (int i = 0; i < kSteps; ++i) {
    plcol1((i + 0.5) / kSteps);
    fill_rectangle(x0 + (x1 - x0) * i / kSteps, y0, x0 + (x1 - x0) * (i + 1) / kSteps, y1);
  }
  plcol0(kInk);
  outline_rectangle(x0, y0, x1, y1);
  const double baseline = kLegendTop - 0.01, gap = 0.008;
  const double low_width = char_width(kTextEm) * static_cast<double>(low.size());
  plptex(x0 - low_width - 0.035, baseline, 1.0, 0.0, 1.0, escape(caption).c_str());
  plptex(x0 - gap, baseline, 1.0, 0.0, 1.0, escape(low).c_str());
  plptex(x1 + 0.008, baseline, 1.0, 0.0, 0.0, escape(high).c_str());
  use_frame();
}

namespace {

// PLplot's cairo driver does not report write errors, so a full disk gives a truncated file and
// no error: a complete PNG starts with the signature and ends with the IEND chunk.
bool complete_png(const std::string& path) {
  static const unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  static const unsigned char kEnd[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  unsigned char head[8] = {}, tail[12] = {};
  const off_t size = ::lseek(fd, 0, SEEK_END);
  const bool ok = size >= 20 && ::pread(fd, head, 8, 0) == 8 &&
                  ::pread(fd, tail, 12, size - 12) == 12 && std::memcmp(head, kSignature, 8) == 0 &&
                  std::memcmp(tail, kEnd, 12) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

void Canvas::finish() {
  plend1();
  open_ = false;
  if (!complete_png(temp_path_)) {
    throw IoError("cannot write plot " + path_ + ": PLplot wrote an incomplete image (disk full?)");
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    throw IoError("cannot write plot " + path_ + ": " + std::strerror(errno));
  }
  temp_path_.clear();
}

}  // namespace recur::forecast::plotting
