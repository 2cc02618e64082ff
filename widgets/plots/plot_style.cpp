#include "plots/plot_style.hpp"

#include <cmath>

namespace scaleplan {

namespace {

// Mantissa with up to 3 significant digits and no trailing zeros: 1 -> "1", 2.5 -> "2.5".
QString mantissa(double m) { return QString::number(m, 'g', 3); }

}  // namespace

PlotTheme lightPlotTheme() {
  PlotTheme t;
  t.is_dark = false;
  t.background = QColor(255, 255, 255);
  t.foreground = QColor(40, 40, 40);
  t.grid = QColor(205, 205, 205);
  t.sub_grid = QColor(236, 236, 236);
  t.legend_border = QColor(190, 190, 190);
  t.crosshair = QColor(90, 90, 90, 160);
  t.readout_background = QColor(255, 255, 255, 250);
  t.extrapolation = QColor(120, 120, 120, 45);
  t.plan = QColor(214, 39, 40);
  t.model_points = QColor(30, 30, 30);
  // Tableau-like qualitative colours, dark enough for a white background.
  t.series = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(148, 103, 189),
              QColor(140, 86, 75),  QColor(227, 119, 194), QColor(23, 190, 207), QColor(188, 189, 34)};
  return t;
}

PlotTheme darkPlotTheme() {
  PlotTheme t;
  t.is_dark = true;
  t.background = QColor(37, 39, 43);
  t.foreground = QColor(222, 222, 222);
  t.grid = QColor(78, 80, 86);
  t.sub_grid = QColor(54, 56, 61);
  t.legend_border = QColor(95, 97, 104);
  t.crosshair = QColor(200, 200, 200, 150);
  t.readout_background = QColor(30, 31, 35, 250);
  t.extrapolation = QColor(200, 200, 200, 38);
  t.plan = QColor(255, 99, 99);
  t.model_points = QColor(235, 235, 235);
  // Lighter variants of the same hues: readable on a dark grey background.
  t.series = {QColor(100, 170, 240), QColor(255, 165, 80), QColor(110, 210, 110), QColor(190, 150, 235),
              QColor(205, 150, 130), QColor(245, 155, 215), QColor(80, 215, 230), QColor(215, 215, 90)};
  return t;
}

PlotTheme plotThemeForPalette(const QPalette& palette) {
  return palette.color(QPalette::Window).lightnessF() < 0.5 ? darkPlotTheme() : lightPlotTheme();
}

QString tickLabel(double value, TickStyle style) {
  if (!std::isfinite(value) || value <= 0.0) return QString::number(value, 'g', 3);
  const double exponent = std::floor(std::log10(value) + 1e-9);
  if (style == TickStyle::Scientific) {
    if (value >= 0.01 && value < 1000.0) return mantissa(value);
    const double m = value / std::pow(10.0, exponent);
    const QString e = QString::number(static_cast<int>(exponent));
    if (std::fabs(m - 1.0) < 1e-6) return "1e" + e;
    return mantissa(m) + "e" + e;
  }
  // Count: K, M, B, T up to 1e15, scientific beyond.
  struct Unit {
    double scale;
    const char* suffix;
  };
  static const Unit kUnits[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
  if (value >= 1e15) return tickLabel(value, TickStyle::Scientific);
  for (const Unit& u : kUnits) {
    if (value >= u.scale * (1.0 - 1e-9)) return mantissa(value / u.scale) + u.suffix;
  }
  return mantissa(value);
}

QString LogTicker::getTickLabel(double tick, const QLocale&, QChar, int) { return tickLabel(tick, style_); }

void setExponentAxis(QCPAxis* axis, TickStyle style) {
  axis->setScaleType(QCPAxis::stLinear);
  axis->setTicker(QSharedPointer<ExponentTicker>::create(style));
  axis->setNumberFormat("g");
}

ExponentTicker::ExponentTicker(TickStyle style) : style_(style) {
  setTickStep(1.0);
  setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
}

QString ExponentTicker::getTickLabel(double tick, const QLocale&, QChar, int) {
  return tickLabel(std::pow(10.0, tick), style_);
}

void setLogAxis(QCPAxis* axis, TickStyle style) {
  axis->setScaleType(QCPAxis::stLogarithmic);
  auto ticker = QSharedPointer<LogTicker>::create(style);
  ticker->setLogBase(10.0);
  ticker->setSubTickCount(8);
  // Aim for a label on every decade over the ranges the plots use (up to ~10 decades).
  ticker->setTickCount(10);
  axis->setTicker(ticker);
  // Plain "1e21" labels: the 'b' (beautiful powers) flag would typeset them as 10^21.
  axis->setNumberFormat("g");
  axis->grid()->setSubGridVisible(true);
}

void applyTheme(QCustomPlot* plot, const PlotTheme& theme) {
  plot->setBackground(QBrush(theme.background));
  const QList<QCPAxisRect*> rects = plot->axisRects();
  for (QCPAxisRect* rect : rects) {
    rect->setBackground(QBrush(theme.background));
    for (QCPAxis* axis : rect->axes()) {
      axis->setBasePen(QPen(theme.foreground, 1));
      axis->setTickPen(QPen(theme.foreground, 1));
      axis->setSubTickPen(QPen(theme.foreground, 1));
      axis->setTickLabelColor(theme.foreground);
      axis->setLabelColor(theme.foreground);
      axis->grid()->setPen(QPen(theme.grid, 1, Qt::SolidLine));
      axis->grid()->setSubGridPen(QPen(theme.sub_grid, 1, Qt::DotLine));
      axis->grid()->setZeroLinePen(Qt::NoPen);
    }
  }
  plot->legend->setBrush(QBrush(theme.background));
  plot->legend->setBorderPen(QPen(theme.legend_border));
  plot->legend->setTextColor(theme.foreground);
  // Colour scales (the landscape) share the axis styling.
  for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
    if (auto* scale = qobject_cast<QCPColorScale*>(plot->plotLayout()->elementAt(i))) {
      QCPAxis* axis = scale->axis();
      axis->setBasePen(QPen(theme.foreground, 1));
      axis->setTickPen(QPen(theme.foreground, 1));
      axis->setSubTickPen(QPen(theme.foreground, 1));
      axis->setTickLabelColor(theme.foreground);
      axis->setLabelColor(theme.foreground);
    }
  }
}

}  // namespace scaleplan
