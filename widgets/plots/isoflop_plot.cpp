#include "plots/isoflop_plot.hpp"

#include <algorithm>
#include <cmath>

#include "session/session.hpp"
#include "controls/text_format.hpp"

namespace scaleplan {

IsoFlopPlot::IsoFlopPlot(Session* session, QWidget* parent)
    : PlotView(session, tr("isoFLOP curves"), parent) {
  setLogAxis(plot()->xAxis, TickStyle::Count);
  plot()->xAxis->setLabel(tr("parameters N (at fixed compute, D = C / 6N)"));
  plot()->yAxis->setLabel(tr("predicted loss (nats/token)"));
  plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
}

void IsoFlopPlot::rebuild() {
  curves_.clear();
  const auto& result = session()->currentResult();
  const ScalingLaw& law = session()->currentRequest().law;
  double centre = 0.0;
  if (result) {
    centre = result->flops.value;
  } else if (auto e = session()->budgetEquivalents()) {
    centre = e->flops;
  }
  if (!(centre > 0.0)) return;

  QVector<double> min_n, min_l;
  double n_lo = 1e300, n_hi = 0.0, l_lo = 1e300, l_hi = -1e300;
  const auto budgets = budgetsAround(centre, kBelow, kAbove);
  for (size_t k = 0; k < budgets.size(); ++k) {
    auto curve = isoFlopCurve(law, Flops{budgets[k]});
    if (!curve) continue;
    QVector<double> n(curve->params.begin(), curve->params.end());
    QVector<double> l(curve->loss.begin(), curve->loss.end());
    const bool is_plan = static_cast<int>(k) == kBelow;
    QColor color = theme().seriesColor(k);
    addGraph(tr("C = %1 FLOPs%2").arg(tickLabel(budgets[k], TickStyle::Scientific), is_plan ? tr(" (plan)") : QString()), color,
             Qt::SolidLine, is_plan ? 3.0 : 2.0)
        ->setData(n, l, true);
    min_n << curve->min_params;
    min_l << curve->min_loss;
    n_lo = std::min(n_lo, curve->params.front());
    n_hi = std::max(n_hi, curve->params.back());
    l_lo = std::min(l_lo, curve->min_loss);
    l_hi = std::max(l_hi, curve->min_loss);
    curves_.push_back(std::move(curve).value());
  }
  if (curves_.empty()) return;
  addGraph(tr("minima (compute-optimal N)"), theme().foreground, Qt::DashLine, 1.2)->setData(min_n, min_l, true);
  QCPGraph* minima = addScatter(QString(), theme().foreground, QCPScatterStyle::ssCircle, 8.0, true);
  minima->setData(min_n, min_l, true);
  for (int i = 0; i < min_n.size(); ++i) {
    addLabel(text::count(min_n[i]), min_n[i], min_l[i], Qt::AlignHCenter | Qt::AlignTop, theme().foreground, -1)
        ->setPadding(QMargins(0, 6, 0, 0));
  }
  if (result && result->predicted_loss) addPlanMarker(result->params, *result->predicted_loss);

  plot()->xAxis->setRange(n_lo, n_hi);
  // From just below the lowest minimum to a little above the highest: the walls of the curves
  // rise steeply and would otherwise flatten the interesting part.
  const double spread = std::max(0.15, l_hi - l_lo);
  plot()->yAxis->setRange(l_lo - 0.12 * spread, l_hi + 0.6 * spread);
  auto* title = addLabel(tr("law: %1").arg(QString::fromStdString(law.displayName())), 0, 0,
                         Qt::AlignLeft | Qt::AlignBottom, theme().foreground, -1);
  title->position->setType(QCPItemPosition::ptAxisRectRatio);
  title->position->setCoords(0.01, 0.99);
}

QString IsoFlopPlot::readoutText(double x, double y) const {
  QStringList lines;
  lines << tr("N = %1, loss = %2").arg(text::count(x), text::number(y, 4));
  const ScalingLaw& law = session()->currentRequest().law;
  for (const auto& c : curves_) {
    const double d = c.flops / (6.0 * x);
    auto l = law.loss(x, d);
    if (!l) continue;
    lines << tr("C = %1: D = %2 (%3 tokens/param), loss %4")
                 .arg(text::scientific(c.flops), text::count(d), text::number(d / x, 3), text::number(*l, 4));
  }
  return lines.join('\n');
}

}  // namespace scaleplan
