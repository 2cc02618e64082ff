#include "plots/loss_plot.hpp"

#include <algorithm>
#include <cmath>

#include "session/session.hpp"
#include "controls/text_format.hpp"

namespace scaleplan {

LossPlot::LossPlot(Session* session, QWidget* parent) : PlotView(session, tr("Loss against compute"), parent) {
  setLogAxis(plot()->xAxis, TickStyle::Scientific);
  plot()->xAxis->setLabel(tr("training compute C (FLOPs), compute-optimal allocation"));
  plot()->yAxis->setLabel(tr("predicted loss (nats/token)"));
  // The curve falls from top left to bottom right: the bottom-left corner is free.
  plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
  setReadoutCorner(Qt::AlignTop | Qt::AlignRight);
}

void LossPlot::rebuild() {
  curves_.clear();
  shaded_.clear();
  const auto laws = session()->plottedLaws();
  const auto& result = session()->currentResult();
  double c_plan = 0.0;
  if (result) {
    c_plan = result->flops.value;
  } else if (auto e = session()->budgetEquivalents()) {
    c_plan = e->flops;
  }
  if (!(c_plan > 0.0) || laws.empty()) return;

  // From well inside the planning law's data (when known) to two decades past the plan.
  double lo = c_plan / 1e4, hi = c_plan * 100.0;
  const auto fitted = fittedComputeRange(laws.front().dataRange());
  if (fitted && fitted->low > 0) lo = std::min(lo, fitted->low);
  setDecadeRange(plot()->xAxis, lo, hi);
  FrontierOptions options;
  options.flops_min = plot()->xAxis->range().lower;
  options.flops_max = plot()->xAxis->range().upper;
  options.points = 121;

  double y_lo = 1e300, y_hi = -1e300;
  for (size_t i = 0; i < laws.size(); ++i) {
    auto curve = lossVsCompute(laws[i], options);
    if (!curve) {
      curves_.emplace_back();
      continue;
    }
    const QColor color = theme().seriesColor(i);
    const QString name = QString::fromStdString(laws[i].displayName());
    QVector<double> c(curve->flops.begin(), curve->flops.end()), l(curve->loss.begin(), curve->loss.end());
    for (double v : curve->loss) {
      if (std::isfinite(v)) {
        y_lo = std::min(y_lo, v);
        y_hi = std::max(y_hi, v);
      }
    }
    if (!curve->loss_low.empty()) {
      addBand(tr("95% band — %1").arg(name), color, c, QVector<double>(curve->loss_low.begin(), curve->loss_low.end()),
              QVector<double>(curve->loss_high.begin(), curve->loss_high.end()));
    }
    addGraph(name, color, Qt::SolidLine, 2.4)->setData(c, l, true);
    curves_.push_back(std::move(curve).value());
  }

  // Extrapolation beyond the planning law's data: shaded, full height.
  if (fitted) {
    shaded_ = shadeExtrapolation(*fitted);
  } else {
    auto* note = addLabel(tr("%1: fitted data range unknown").arg(QString::fromStdString(laws.front().displayName())),
                          0, 0, Qt::AlignLeft | Qt::AlignBottom, theme().foreground, -1);
    note->position->setType(QCPItemPosition::ptAxisRectRatio);
    note->position->setCoords(0.01, 0.99);
  }

  if (result && result->predicted_loss) {
    addPlanMarker(c_plan, *result->predicted_loss);
    addLabel(tr("plan: %1").arg(text::number(*result->predicted_loss, 4)), c_plan, *result->predicted_loss,
             Qt::AlignLeft | Qt::AlignBottom, theme().plan, 0)
        ->setPadding(QMargins(9, 0, 0, 6));
  }
  if (y_hi > y_lo) {
    const double pad = 0.08 * (y_hi - y_lo);
    plot()->yAxis->setRange(y_lo - pad, y_hi + pad);
  }
}

QString LossPlot::readoutText(double x, double y) const {
  QStringList lines;
  lines << tr("C = %1   (loss = %2)").arg(text::flops(x), text::number(y, 4));
  const auto laws = session()->plottedLaws();
  for (const auto& law : laws) {
    auto a = law.computeOptimal(Flops{x});
    if (!a) continue;
    auto l = law.loss(a->params, a->tokens);
    if (!l) continue;
    QString line = tr("%1: loss %2 at N %3, D %4")
                       .arg(QString::fromStdString(law.displayName()), text::number(*l, 4), text::count(a->params),
                            text::count(a->tokens));
    if (auto i = law.lossInterval(a->params, a->tokens)) {
      line += tr(" [95%: %1–%2]").arg(text::number(i->low, 4), text::number(i->high, 4));
    }
    if (auto f = fittedComputeRange(law.dataRange()); f && (x > f->high || x < f->low)) {
      line += tr(" (extrapolated)");
    }
    lines << line;
  }
  return lines.join('\n');
}

}  // namespace scaleplan
