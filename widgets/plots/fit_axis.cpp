#include "plots/fit_axis.hpp"

#include <cmath>

namespace scaleplan {

DenseLogTicker::DenseLogTicker(TickStyle style) : style_(style) {
  setLogBase(10.0);
  setSubTickCount(8);
}

QVector<double> DenseLogTicker::createTickVector(double tick_step, const QCPRange& range) {
  dense_ = false;
  if (!(range.lower > 0.0) || !(range.upper > range.lower))
    return QCPAxisTickerLog::createTickVector(tick_step, range);
  const double decades = std::log10(range.upper / range.lower);
  if (decades > kDenseDecades) return QCPAxisTickerLog::createTickVector(tick_step, range);
  dense_ = true;
  // One decade beyond each end, so that the axis keeps an outer tick on both sides.
  QVector<double> ticks;
  const int first = static_cast<int>(std::floor(std::log10(range.lower))) - 1;
  const int last = static_cast<int>(std::ceil(std::log10(range.upper))) + 1;
  for (int e = first; e <= last; ++e) {
    for (double m : {1.0, 2.0, 5.0}) ticks << m * std::pow(10.0, e);
  }
  return ticks;
}

int DenseLogTicker::getSubTickCount(double tick_step) {
  // 1-2-5 ticks are dense enough; sub-ticks between them would be unevenly spaced anyway.
  return dense_ ? 0 : QCPAxisTickerLog::getSubTickCount(tick_step);
}

QString DenseLogTicker::getTickLabel(double tick, const QLocale&, QChar, int) {
  return tickLabel(tick, style_);
}

void setDenseLogAxis(QCPAxis* axis, TickStyle style) {
  axis->setScaleType(QCPAxis::stLogarithmic);
  axis->setTicker(QSharedPointer<DenseLogTicker>::create(style));
  // Plain "1e3" as on every other plot: QCustomPlot's default 'b' flag typesets it as 10³, which
  // stood out among the plain "100" and "10" of the benchmark chart's empty axis.
  axis->setNumberFormat("g");
  axis->grid()->setSubGridVisible(true);
}

}  // namespace scaleplan
