#include "plots/frontier_plot.hpp"

#include <QFontMetrics>
#include <algorithm>
#include <cmath>

#include "session/session.hpp"
#include "controls/text_format.hpp"

namespace scaleplan {

FrontierPlot::FrontierPlot(Session* session, QWidget* parent)
    : PlotView(session, tr("Compute-optimal frontier"), parent), models_(publishedModelPoints(session->models())) {
  setLogAxis(plot()->xAxis, TickStyle::Scientific);
  setLogAxis(plot()->yAxis, TickStyle::Count);
  plot()->xAxis->setLabel(tr("training compute C = 6ND (FLOPs)"));
  plot()->yAxis->setLabel(tr("parameters N  /  training tokens D"));
  // Top left is empty: the frontier lines and the published models run from the bottom left to
  // the top right, below the D_opt line.
  plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  setReadoutCorner(Qt::AlignBottom | Qt::AlignRight);
}

void FrontierPlot::rebuild() {
  bands_.clear();
  shaded_.clear();
  const auto laws = session()->plottedLaws();
  const auto& result = session()->currentResult();

  // From a decade below the smallest published model (or the plan) to a decade above the largest.
  double lo = 1e300, hi = 0.0;
  for (const auto& m : models_) {
    lo = std::min(lo, m.flops);
    hi = std::max(hi, m.flops);
  }
  if (result) {
    lo = std::min(lo, result->flops.value);
    hi = std::max(hi, result->flops.value);
  }
  if (hi <= 0.0) {
    lo = 1e21;
    hi = 1e25;
  }
  lo /= 10.0;
  hi *= 10.0;
  setDecadeRange(plot()->xAxis, lo, hi);
  FrontierOptions options;
  options.flops_min = plot()->xAxis->range().lower;
  options.flops_max = plot()->xAxis->range().upper;
  options.points = 91;

  double y_lo = 1e300, y_hi = 0.0;
  auto extend = [&](double v) {
    if (v > 0 && std::isfinite(v)) {
      y_lo = std::min(y_lo, v);
      y_hi = std::max(y_hi, v);
    }
  };
  QStringList skipped;
  for (size_t i = 0; i < laws.size(); ++i) {
    const ScalingLaw& law = laws[i];
    auto frontier = computeOptimalFrontier(law, options);
    if (!frontier) {
      skipped << QString::fromStdString(law.displayName());
      continue;
    }
    QVector<double> c, n, d;
    for (const auto& p : *frontier) {
      c << p.flops;
      n << p.params;
      d << p.tokens;
      extend(p.params);
      extend(p.tokens);
    }
    const QColor color = theme().seriesColor(i);
    const QString name = QString::fromStdString(law.displayName());
    AllocationBandOptions band_options;
    band_options.flops_min = options.flops_min;
    band_options.flops_max = options.flops_max;
    band_options.points = 61;
    if (auto band = allocationBand(law, band_options); band && !band->empty() && band->front().params) {
      QVector<double> bc, n_low, n_high, d_low, d_high;
      for (const auto& p : *band) {
        if (!p.params || !p.tokens) continue;
        bc << p.flops;
        n_low << p.params->low, n_high << p.params->high;
        d_low << p.tokens->low, d_high << p.tokens->high;
      }
      addBand(tr("95% band of N_opt and D_opt — %1").arg(name), color, bc, n_low, n_high);
      addBand(QString(), color, bc, d_low, d_high);
      bands_.push_back(std::move(band).value());
    }
    addGraph(tr("N_opt — %1").arg(name), color, Qt::SolidLine, 2.2)->setData(c, n, true);
    addGraph(tr("D_opt — %1").arg(name), color, Qt::DashLine, 2.2)->setData(c, d, true);
  }

  // Published models.
  QVector<double> mc, mn, md;
  for (const auto& m : models_) {
    mc << m.flops;
    mn << m.params;
    md << m.tokens;
    extend(m.params);
    extend(m.tokens);
  }
  if (!models_.empty()) {
    // Thin vertical links from each model's N to its D make the pairs readable.
    for (const auto& m : models_) {
      auto* link = new QCPItemLine(plot());
      link->start->setCoords(m.flops, m.params);
      link->end->setCoords(m.flops, m.tokens);
      QColor c = theme().model_points;
      c.setAlpha(70);
      link->setPen(QPen(c, 1, Qt::DotLine));
      link->setSelectable(false);
      trackItem(link);
    }
    addScatter(tr("published models: N"), theme().model_points, QCPScatterStyle::ssCircle, 7.0, true)
        ->setData(mc, mn);
    addScatter(tr("published models: D"), theme().model_points, QCPScatterStyle::ssCircle, 7.0, false)
        ->setData(mc, md);
  }
  if (result) {
    extend(result->params);
    extend(result->tokens);
  }
  if (y_hi > 0) plot()->yAxis->setRange(y_lo / 1.6, y_hi * 1.6);
  // Outside the planning law's data the frontier is an extrapolation: shaded, as on Loss vs C.
  if (!laws.empty()) {
    if (auto fitted = fittedComputeRange(laws.front().dataRange())) shaded_ = shadeExtrapolation(*fitted, 0.22);  // below the legend (top left)
  }

  // Labels for the published models, placed greedily where they overlap nothing placed so far
  // (right of the point, then left, above, below), in pixels of the current layout.
  if (!models_.empty()) {
    QFont f = plot()->font();
    if (f.pointSizeF() > 0) f.setPointSizeF(std::max(6.0, f.pointSizeF() - 1));
    const QFontMetrics fm(f);
    std::vector<QRectF> taken;
    for (const auto& m : models_) {
      const double px = plot()->xAxis->coordToPixel(m.flops);
      taken.emplace_back(px - 4, plot()->yAxis->coordToPixel(m.params) - 4, 8, 8);
      taken.emplace_back(px - 5, plot()->yAxis->coordToPixel(m.tokens) - 5, 10, 10);
    }
    if (result) {
      const double px = plot()->xAxis->coordToPixel(result->flops.value);
      taken.emplace_back(px - 9, plot()->yAxis->coordToPixel(result->params) - 9, 18, 18);
      taken.emplace_back(px - 9, plot()->yAxis->coordToPixel(result->tokens) - 9, 18, 18);
    }
    std::vector<size_t> order(models_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return models_[a].params > models_[b].params; });
    // Models drawn within a few pixels of each other (GPT-3 and Jurassic-1) share one label.
    std::vector<bool> merged(models_.size(), false);
    for (size_t idx : order) {
      if (merged[idx]) continue;
      const auto& m = models_[idx];
      QString text = QString::fromStdString(m.name);
      const double px = plot()->xAxis->coordToPixel(m.flops), py = plot()->yAxis->coordToPixel(m.params);
      for (size_t other : order) {
        if (other == idx || merged[other]) continue;
        const double ox = plot()->xAxis->coordToPixel(models_[other].flops);
        const double oy = plot()->yAxis->coordToPixel(models_[other].params);
        if (std::hypot(ox - px, oy - py) < 9.0) {
          text += " / " + QString::fromStdString(models_[other].name);
          merged[other] = true;
        }
      }
      merged[idx] = true;
      const QSizeF size = fm.boundingRect(text).size() + QSizeF(4, 2);
      struct Candidate {
        QRectF rect;
        Qt::Alignment alignment;
        QMargins padding;
      };
      const double w = size.width(), h = size.height();
      const Candidate candidates[] = {
          {QRectF(px + 6, py - h / 2, w, h), Qt::AlignLeft | Qt::AlignVCenter, QMargins(7, 0, 0, 0)},
          {QRectF(px - 6 - w, py - h / 2, w, h), Qt::AlignRight | Qt::AlignVCenter, QMargins(0, 0, 7, 0)},
          {QRectF(px + 4, py - 4 - h, w, h), Qt::AlignLeft | Qt::AlignBottom, QMargins(5, 0, 0, 4)},
          {QRectF(px + 4, py + 4, w, h), Qt::AlignLeft | Qt::AlignTop, QMargins(5, 4, 0, 0)},
          {QRectF(px - 4 - w, py - 4 - h, w, h), Qt::AlignRight | Qt::AlignBottom, QMargins(0, 0, 5, 4)},
          {QRectF(px - 4 - w, py + 4, w, h), Qt::AlignRight | Qt::AlignTop, QMargins(0, 4, 5, 0)},
          {QRectF(px - w / 2, py - 5 - h, w, h), Qt::AlignHCenter | Qt::AlignBottom, QMargins(0, 0, 0, 5)},
          {QRectF(px - w / 2, py + 5, w, h), Qt::AlignHCenter | Qt::AlignTop, QMargins(0, 5, 0, 0)},
      };
      // The first candidate that overlaps nothing, else the one overlapping least.
      const Candidate* chosen = &candidates[0];
      double least = 1e300;
      for (const Candidate& c : candidates) {
        double overlap = 0.0;
        for (const QRectF& t : taken) {
          if (t.width() == 8 && t.contains(QPointF(px, py))) continue;  // the point's own dot
          const QRectF i = t.intersected(c.rect);
          if (!i.isEmpty()) overlap += i.width() * i.height();
        }
        if (overlap < least) {
          least = overlap;
          chosen = &c;
        }
        if (overlap == 0.0) break;
      }
      taken.push_back(chosen->rect);
      QCPItemText* label = addLabel(text, m.flops, m.params, chosen->alignment, theme().model_points, -1);
      label->setPadding(chosen->padding);
    }
  }

  if (result) {
    addPlanMarker(result->flops.value, result->params, tr("current plan (N and D)"));
    addPlanMarker(result->flops.value, result->tokens, QString());
    addLabel(tr("plan: %1").arg(text::count(result->params)), result->flops.value, result->params,
             Qt::AlignLeft | Qt::AlignTop, theme().plan, 0)
        ->setPadding(QMargins(9, 6, 0, 0));
  }
  if (!skipped.isEmpty()) {
    auto* note = addLabel(tr("not on the frontier (cannot allocate compute): %1").arg(skipped.join(", ")), 0, 0,
                          Qt::AlignLeft | Qt::AlignBottom, theme().foreground, -1);
    note->position->setType(QCPItemPosition::ptAxisRectRatio);
    note->position->setCoords(0.01, 0.99);
  }
}

QString FrontierPlot::readoutText(double x, double y) const {
  QStringList lines;
  lines << tr("C = %1   (y = %2)").arg(text::flops(x), text::count(y));
  const auto laws = session()->plottedLaws();
  for (const auto& law : laws) {
    auto a = law.computeOptimal(Flops{x});
    if (!a) continue;
    lines << tr("%1: N_opt %2, D_opt %3 (%4 tokens/param)")
                 .arg(QString::fromStdString(law.displayName()), text::count(a->params), text::count(a->tokens),
                      text::number(a->tokensPerParam(), 3));
  }
  // The published model nearest the mouse (within 14 px of its N or D point).
  const double mx = plot()->xAxis->coordToPixel(x), my = plot()->yAxis->coordToPixel(y);
  const ModelPoint* nearest = nullptr;
  double best = 14.0;
  for (const auto& m : models_) {
    const double px = plot()->xAxis->coordToPixel(m.flops);
    for (double v : {m.params, m.tokens}) {
      const double dist = std::hypot(px - mx, plot()->yAxis->coordToPixel(v) - my);
      if (dist < best) {
        best = dist;
        nearest = &m;
      }
    }
  }
  if (nearest && !laws.empty()) {
    lines << tr("%1 (%2): %3 params × %4 tokens = %5, %6 tokens/param")
                 .arg(QString::fromStdString(nearest->name))
                 .arg(nearest->year)
                 .arg(text::count(nearest->params), text::count(nearest->tokens), text::flops(nearest->flops),
                      text::number(nearest->tokensPerParam(), 3));
    if (auto cmp = compareWithOptimal(laws.front(), *nearest)) {
      const QString verdict = cmp->tokens_ratio > 1.25   ? tr("over-trained (smaller model, more tokens)")
                              : cmp->tokens_ratio < 0.8 ? tr("under-trained (larger model, fewer tokens)")
                                                        : tr("close to compute-optimal");
      lines << tr("vs %1: %2× the optimal tokens, %3× the optimal size — %4")
                   .arg(QString::fromStdString(laws.front().displayName()), text::number(cmp->tokens_ratio, 2),
                        text::number(cmp->params_ratio, 2), verdict);
    }
  }
  return lines.join('\n');
}

}  // namespace scaleplan
