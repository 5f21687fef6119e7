// A thin RAII layer over PLplot for recur's charts (the forecast plots and classify's confusion
// heat map): one Canvas is one PNG file. PLplot keeps global state and is not thread-safe, so a
// Canvas holds a process-wide lock from construction to destruction. The picture is written to a
// temporary file next to the target and renamed over it by finish(), so a failed plot never leaves
// a half-written PNG behind.
#pragma once

#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "recur/apps/forecast/plot.h"

namespace recur::forecast::plotting {

// Colour-map-0 slots (Okabe–Ito colours, distinguishable with colour-blindness).
enum Color : int {
  kBackground = 0,
  kInk = 1,  // axes and text
  kActual = 2,
  kBlue = 3,
  kOrange = 4,
  kBand = 5,  // translucent blue
  kGrid = 6,
  kVermillion = 7,
  kGreen = 8,
  kPurple = 9,
  kGray = 10,
};

enum class LineStyle { kSolid, kDashed, kDotted };

// Filled point markers, drawn as polygons sized in pixels (round whatever the axes' scales) with
// a white rim.
enum class Marker { kNone, kCircle, kDiamond };

struct LegendEntry {
  std::string text;
  Color color;
  LineStyle style = LineStyle::kSolid;
  double width = 2.0;
  bool box = false;               // a filled box (for a band) instead of a line
  Marker marker = Marker::kNone;  // a marker instead of a line (for points())
};

// How the x values are labelled. kDays: x is days since 1970-01-01; kCategories: x = 0, 1, 2, ...
// are slots named by Frame::categories, the y axis numbered as usual.
enum class XAxis { kNumbers, kDays, kCategories };

struct Frame {
  double x_min, x_max, y_min, y_max;  // y in log10 units when log_y
  XAxis x_axis = XAxis::kNumbers;
  bool log_y = false;
  std::string title, x_label, y_label;
  double x_tick = 0.0;        // spacing of x ticks; 0: PLplot chooses
  size_t legend_entries = 0;  // room is kept above the frame for a legend of this many entries
  bool numbered = true;       // false: no grid, ticks or numbers (label_x / label_y instead)
  double left_pixels = 0.0;   // room left of the frame; 0: enough for numeric tick labels
  // kCategories: the slots' names, written under the frame; turned upright when they would
  // overlap, and then every k-th only if they still would (long names are shortened with "…").
  std::vector<std::string> categories;
};

inline constexpr size_t kLegendColumns = 4;

class Canvas {
 public:
  Canvas(const std::string& path, PlotSize size);
  ~Canvas();
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  // Sets the world coordinates and draws grid, axes, tick labels, title and axis labels.
  void frame(const Frame& f);
  // A polyline broken at NaNs in y.
  void line(std::span<const double> x, std::span<const double> y, Color color,
            LineStyle style = LineStyle::kSolid, double width = 2.0);
  // A marker of the given radius at each (x, y), skipping NaNs; later markers cover earlier ones.
  void points(std::span<const double> x, std::span<const double> y, Color color, Marker marker,
              double radius_pixels);
  // The area between lower and upper, broken at NaNs.
  void band(std::span<const double> x, std::span<const double> lower, std::span<const double> upper,
            Color color);
  // A horizontal line across the frame.
  void horizontal(double y, Color color, LineStyle style);
  // The legend, in rows of up to kLegendColumns entries between the title and the frame (outside
  // the data, so it never hides any).
  void legend(const std::vector<LegendEntry>& entries);
  // A rectangle in data coordinates filled with colour-map-1 shade t in [0, 1] (white to dark
  // blue), for heat maps.
  void shade(double x0, double y0, double x1, double y1, double t);
  // Text centred on (x, y) in data coordinates.
  void text(double x, double y, const std::string& s, Color color);
  // A label under the frame at data x, or left of it at data y (categorical axes).
  void label_x(double x, const std::string& s);
  void label_y(double y, const std::string& s);
  // The colour-map-1 ramp from 0 to 1, in the legend band (reserve it with legend_entries = 1),
  // captioned on its left and with `low` / `high` at its ends.
  void color_bar(const std::string& caption, const std::string& low, const std::string& high);
  // Closes the plot and moves the PNG into place. Throws IoError on failure.
  void finish();

 private:
  void date_axis();
  void use_page();   // world coordinates = page fractions, nothing clipped
  void use_frame();  // world coordinates = the data's, clipped to the frame
  // A filled marker centred on (x, y) in the current world coordinates, `per_pixel` world units
  // per pixel along each axis.
  void marker(double x, double y, Marker m, Color color, double radius_pixels, double x_per_pixel,
              double y_per_pixel);
  // How the category names are laid out under the frame.
  struct CategoryLayout {
    size_t every = 1;        // a name for every k-th slot
    bool turned = false;     // written upwards (perpendicular to the axis)
    double max_width = 0.0;  // in character heights; longer names are shortened
    double bottom = 0.0;     // the frame's bottom, page fraction
    double x_label = 3.0;    // the x label's distance under the frame, in character heights
  };
  CategoryLayout category_layout(const std::vector<std::string>& names) const;
  void category_axis(const CategoryLayout& layout);
  // `em` character heights as a fraction of the page width.
  double char_width(double em) const;
  double char_height() const;  // a character's height as a fraction of the page height

  std::unique_lock<std::mutex> lock_;
  std::string path_;
  std::string temp_path_;
  Frame frame_{};
  double width_, height_;    // pixels
  double frame_left_ = 0.0;  // page fractions
  double frame_bottom_ = 0.0;
  double frame_top_ = 0.0;
  bool open_ = false;
};

// min and max of the finite values over several series, padded by 5 % (never an empty range).
struct Range {
  double low, high;
};
Range padded_range(const std::vector<std::span<const double>>& series);

}  // namespace recur::forecast::plotting
