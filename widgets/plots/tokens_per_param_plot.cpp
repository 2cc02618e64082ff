#include "plots/tokens_per_param_plot.hpp"

#include <algorithm>
#include <cmath>

#include "controls/text_format.hpp"
#include "session/session.hpp"

namespace scaleplan {

namespace {
constexpr double kRuleOfThumb = 20.0;  // Hoffmann et al.'s ~20 tokens per parameter
}  // namespace

TokensPerParamPlot::TokensPerParamPlot(Session* session, QWidget* parent)
    : PlotView(session, tr("Tokens per parameter of the compute-optimal model"), parent),
      models_(publishedModelPoints(session->models())) {
  setLogAxis(plot()->xAxis, TickStyle::Scientific);
  setLogAxis(plot()->yAxis, TickStyle::Count);
  plot()->xAxis->setLabel(tr("training compute C = 6ND (FLOPs)"));
  plot()->yAxis->setLabel(tr("tokens per parameter D/N"));
  // The bottom left is empty (the band starts near 20 and published models sit at larger C).
  plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
  setReadoutCorner(Qt::AlignTop | Qt::AlignLeft);
}

void TokensPerParamPlot::rebuild() {
  bands_.clear();
  shaded_.clear();
  const auto laws = session()->plottedLaws();
  const auto& result = session()->currentResult();
  AllocationBandOptions options;  // 1e18 to 1e28 FLOPs by default
  if (result) {
    options.flops_min = std::min(options.flops_min, result->flops.value);
    options.flops_max = std::max(options.flops_max, result->flops.value);
  }
  setDecadeRange(plot()->xAxis, options.flops_min, options.flops_max);
  options.flops_min = plot()->xAxis->range().lower;
  options.flops_max = plot()->xAxis->range().upper;
  options.points = 81;

  double y_lo = kRuleOfThumb, y_hi = kRuleOfThumb;
  auto extend = [&](double v) {
    if (v > 0 && std::isfinite(v)) y_lo = std::min(y_lo, v), y_hi = std::max(y_hi, v);
  };
  for (size_t i = 0; i < laws.size(); ++i) {
    auto band = allocationBand(laws[i], options);
    if (!band) continue;
    const QColor color = theme().seriesColor(i);
    const QString name = QString::fromStdString(laws[i].displayName());
    QVector<double> c, ratio, low, high;
    for (const auto& p : *band) {
      c << p.flops;
      ratio << p.optimum.tokensPerParam();
      extend(p.optimum.tokensPerParam());
      if (p.tokens_per_param) {
        low << p.tokens_per_param->low;
        high << p.tokens_per_param->high;
        extend(p.tokens_per_param->low);
        extend(p.tokens_per_param->high);
      }
    }
    if (low.size() == c.size()) addBand(tr("95% band — %1").arg(name), color, c, low, high);
    addGraph(name, color, Qt::SolidLine, 2.2)->setData(c, ratio, true);
    bands_.push_back(std::move(band).value());
  }
  // The rule of thumb, for reference.
  QColor rule = theme().foreground;
  rule.setAlpha(120);
  addGraph(tr("%1 tokens per parameter").arg(kRuleOfThumb), rule, Qt::DotLine, 1.2)
      ->setData(QVector<double>{options.flops_min, options.flops_max}, QVector<double>{kRuleOfThumb, kRuleOfThumb}, true);

  QVector<double> mc, mr;
  for (const auto& m : models_) {
    mc << m.flops;
    mr << m.tokensPerParam();
    extend(m.tokensPerParam());
  }
  if (!models_.empty()) addScatter(tr("published models"), theme().model_points, QCPScatterStyle::ssCircle, 7.0, true)->setData(mc, mr);
  if (result) {
    extend(result->tokens_per_param);
    addPlanMarker(result->flops.value, result->tokens_per_param);
  }
  plot()->yAxis->setRange(y_lo / 1.5, y_hi * 1.5);
  if (!laws.empty()) {
    if (auto fitted = fittedComputeRange(laws.front().dataRange())) shaded_ = shadeExtrapolation(*fitted);
  }
}

QString TokensPerParamPlot::readoutText(double x, double y) const {
  QStringList lines;
  lines << tr("C = %1   (D/N = %2)").arg(text::flops(x), text::number(y, 3));
  for (const auto& law : session()->plottedLaws()) {
    AllocationBandOptions one;
    one.flops_min = one.flops_max = x;
    one.points = 2;
    auto band = allocationBand(law, one);
    if (!band || band->empty()) continue;
    const auto& p = band->front();
    QString line = tr("%1: %2 tokens/param").arg(QString::fromStdString(law.displayName()),
                                                 text::number(p.optimum.tokensPerParam(), 3));
    if (p.tokens_per_param) {
      line += tr(" (95%: %1–%2)").arg(text::number(p.tokens_per_param->low, 3), text::number(p.tokens_per_param->high, 3));
    }
    lines << line;
  }
  return lines.join('\n');
}

}  // namespace scaleplan
