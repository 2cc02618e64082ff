#pragma once
// Shared look of every plot: colours for light and dark palettes, readable logarithmic tick
// labels ("1e21", "10B") and axis styling. Other panels' plots (the fit view...) use these too so
// that every plot follows the theme the same way.

#include <QColor>
#include <QPalette>
#include <QSharedPointer>
#include <QString>
#include <qcustomplot.h>
#include <vector>

namespace scaleplan {

// A plot theme is made by the free functions lightPlotTheme(), darkPlotTheme() and
// plotThemeForPalette() below, not by static members: a member flag next to a static function of
// a similar name (`t.dark` against `PlotTheme::dark()`) once compiled to a function address that
// was always true (GCC -Waddress).
struct PlotTheme {
  bool is_dark = false;  // true for the dark theme's colours
  QColor background;    // plot and legend background
  QColor foreground;    // axes, ticks, labels, text
  QColor grid, sub_grid;
  QColor legend_border;
  QColor crosshair;
  QColor readout_background;
  QColor extrapolation;  // shading of regions beyond a law's data (translucent)
  QColor plan;           // marker of the current plan
  QColor model_points;   // published models
  std::vector<QColor> series;  // one per law/curve, readable on `background`

  QColor seriesColor(size_t index) const { return series[index % series.size()]; }
};

PlotTheme lightPlotTheme();
PlotTheme darkPlotTheme();
// lightPlotTheme() or darkPlotTheme() by the palette's window colour (follows the application
// palette).
PlotTheme plotThemeForPalette(const QPalette& palette);

// How log-axis tick labels read.
enum class TickStyle {
  Scientific,  // FLOPs: 1e21, 1e22
  Count,       // parameters/tokens: 100M, 1B, 10B, 1T
};

// Tick label of one power-of-ten (or other) value in a style: 1e21 -> "1e21"; 1e10 -> "10B".
QString tickLabel(double value, TickStyle style);

// Log10 axis with labels in a TickStyle (ticks at powers of ten, 8 unlabelled sub-ticks).
class LogTicker : public QCPAxisTickerLog {
 public:
  explicit LogTicker(TickStyle style) : style_(style) {}

 protected:
  QString getTickLabel(double tick, const QLocale& locale, QChar format_char, int precision) override;

 private:
  TickStyle style_;
};

// A linear axis whose coordinate is log10 of a quantity (the loss landscape): ticks at integer
// exponents, labelled with the quantity itself ("1B", "1e21").
class ExponentTicker : public QCPAxisTickerFixed {
 public:
  explicit ExponentTicker(TickStyle style);

 protected:
  QString getTickLabel(double tick, const QLocale& locale, QChar format_char, int precision) override;

 private:
  TickStyle style_;
};

// Makes `axis` logarithmic with a LogTicker.
void setLogAxis(QCPAxis* axis, TickStyle style);
// Makes `axis` a linear axis of log10 values with an ExponentTicker.
void setExponentAxis(QCPAxis* axis, TickStyle style);
// Colours, fonts and grids of every axis, the legend and the background of `plot`.
void applyTheme(QCustomPlot* plot, const PlotTheme& theme);

}  // namespace scaleplan
