#include "plots/bench_chart.hpp"

#include <algorithm>
#include <cmath>

#include "models/bench_model.hpp"
#include "plots/fit_axis.hpp"
#include "controls/text_format.hpp"

namespace scaleplan {

namespace {
constexpr double kTera = 1e12;
constexpr double kGiga = 1e9;
}  // namespace

BenchChart::BenchChart(Session* session, QWidget* parent) : PlotView(session, tr("GPU benchmark"), parent) {
  setDenseLogAxis(plot()->yAxis, TickStyle::Scientific);
  plot()->yAxis->setLabel(axisLabel());
  plot()->xAxis->setLabel(tr("precision"));
  plot()->xAxis->setSubTicks(false);
  plot()->xAxis->grid()->setVisible(false);
  plot()->setInteractions(QCP::Interactions());
  plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  group_ = new QCPBarsGroup(plot());
  group_->setSpacingType(QCPBarsGroup::stAbsolute);
  group_->setSpacing(2);
}

void BenchChart::setResult(const BenchResult& result) {
  result_ = result;
  scheduleRefresh();
}

void BenchChart::clearResult() {
  result_.reset();
  scheduleRefresh();
}

void BenchChart::rebuild() {
  QCustomPlot* p = plot();
  achieved_ = nullptr;
  peak_ = nullptr;
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  flops_per_axis_unit_ = kTera;
  if (!result_ || result_->summary.empty()) {
    p->yAxis->setLabel(axisLabel());
    p->xAxis->setTicker(ticker);
    auto* message = new QCPItemText(p);
    message->position->setType(QCPItemPosition::ptAxisRectRatio);
    message->position->setCoords(0.5, 0.5);
    message->setText(tr("No benchmark result yet.\nRun the benchmark or load a result."));
    message->setColor(theme().foreground);
    trackItem(message);
    p->legend->setVisible(false);
    p->yAxis->setRange(0.01, 1000.0);
    return;
  }
  p->legend->setVisible(true);
  // TFLOP/s when the tallest bar reaches 1 TFLOP/s (any GPU), GFLOP/s below (a CPU), so that the
  // ticks read 20 and 50 rather than 0.02 and 0.05.
  double tallest = 0.0;
  for (const PrecisionSummary& s : result_->summary) {
    if (s.best) tallest = std::max(tallest, s.best->rate.value);
    if (s.reference_peak) tallest = std::max(tallest, s.reference_peak->value);
  }
  flops_per_axis_unit_ = tallest >= kTera ? kTera : kGiga;
  p->yAxis->setLabel(axisLabel());
  QVector<double> keys, achieved, peak;
  double lo = 1e300, hi = 0.0;
  for (size_t i = 0; i < result_->summary.size(); ++i) {
    const PrecisionSummary& s = result_->summary[i];
    const double key = static_cast<double>(i + 1);
    ticker->addTick(key, qs(toString(s.precision)));
    keys << key;
    const double a = s.best ? s.best->rate.value / flops_per_axis_unit_ : 0.0;
    const double pk = s.reference_peak ? s.reference_peak->value / flops_per_axis_unit_ : 0.0;
    achieved << a;
    peak << pk;
    for (double v : {a, pk}) {
      if (v > 0) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  p->xAxis->setTicker(ticker);
  p->xAxis->setRange(0.4, static_cast<double>(keys.size()) + 0.6);
  if (!(hi > 0)) {
    lo = 0.01;
    hi = 1.0;
  }
  // Room below the shortest bar (bars rise from the axis' lower end: a log axis has no zero) and
  // above the tallest for the utilisation labels and the legend.
  const double y_lo = lo / 3.0;
  const double y_hi = hi * 4.0;
  p->yAxis->setRange(y_lo, y_hi);

  const QColor achieved_color = theme().seriesColor(0);
  QColor peak_color = theme().seriesColor(1);
  achieved_ = new QCPBars(p->xAxis, p->yAxis);
  achieved_->setName(tr("achieved (best shape)"));
  achieved_->setPen(QPen(achieved_color.darker(130)));
  achieved_->setBrush(achieved_color);
  peak_ = new QCPBars(p->xAxis, p->yAxis);
  peak_->setName(result_->catalog_match
                     ? tr("dense peak (catalog %1)").arg(QString::fromStdString(result_->catalog_match->id))
                     : tr("dense peak (estimate)"));
  peak_->setPen(QPen(peak_color.darker(130)));
  peak_->setBrush(peak_color);
  // A log axis has no zero: bars rise from the axis' lower end. QCPBars draws a bar from its base
  // to base + value, so the stored value is the height above the base.
  QVector<double> achieved_height, peak_height;
  for (int i = 0; i < keys.size(); ++i) {
    achieved_height << (achieved[i] > 0 ? achieved[i] - y_lo : 0.0);
    peak_height << (peak[i] > 0 ? peak[i] - y_lo : 0.0);
  }
  for (QCPBars* bars : {achieved_, peak_}) {
    bars->setWidth(0.36);
    bars->setBaseValue(y_lo);
    bars->setBarsGroup(group_);
  }
  achieved_->setData(keys, achieved_height, true);
  peak_->setData(keys, peak_height, true);

  for (size_t i = 0; i < result_->summary.size(); ++i) {
    const PrecisionSummary& s = result_->summary[i];
    if (!s.best) {
      addLabel(tr("failed"), keys[static_cast<int>(i)], y_lo * 1.5, Qt::AlignHCenter | Qt::AlignBottom,
               theme().plan, 0);
      continue;
    }
    const QString label = s.best_utilisation ? QString::number(100.0 * *s.best_utilisation, 'f', 0) + '%'
                                             : formatRate(s.best->rate.value);
    // Over the achieved bar, the left one of its pair (bar width 0.36 plus the group's spacing).
    const double x = keys[static_cast<int>(i)] - 0.19;
    addLabel(label, x, achieved[static_cast<int>(i)] * 1.04, Qt::AlignHCenter | Qt::AlignBottom,
             theme().foreground, 0);
  }
}

QString BenchChart::axisLabel() const {
  return flops_per_axis_unit_ == kTera ? tr("matrix-product throughput (TFLOP/s)")
                                       : tr("matrix-product throughput (GFLOP/s)");
}

std::optional<double> BenchChart::barTop(const QCPBars* bars, double key) {
  if (!bars) return std::nullopt;
  for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) {
    if (it->key == key) return bars->baseValue() + it->value;
  }
  return std::nullopt;
}

QString BenchChart::readoutText(double x, double) const {
  if (!result_ || result_->summary.empty()) return {};
  const int i =
      std::clamp(static_cast<int>(std::lround(x)) - 1, 0, static_cast<int>(result_->summary.size()) - 1);
  const PrecisionSummary& s = result_->summary[static_cast<size_t>(i)];
  QString text = tr("%1: achieved %2")
                     .arg(qs(toString(s.precision)), s.best ? formatRate(s.best->rate.value) : tr("failed"));
  if (s.best) text += tr(" at %1").arg(QString::fromStdString(s.best->shape.toString()));
  if (s.reference_peak)
    text += tr("\npeak %1 (%2)")
                .arg(formatRate(s.reference_peak->value), QString::fromStdString(s.reference_source));
  if (s.best_utilisation) text += tr("\nutilisation %1%").arg(100.0 * *s.best_utilisation, 0, 'f', 1);
  return text;
}

}  // namespace scaleplan
