// The fit view's curves (fit_plot.hpp): the fitted law along the x axis at each group's sizes,
// with its bootstrap band, and an IsoFLOP analysis's parabolas and optima.
#include <QBrush>
#include <QVector>
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "gpubench/statistics.hpp"  // geometricMean
#include "panels/fit_panel.hpp"
#include "plots/fit_plot.hpp"

namespace scaleplan {

namespace {

constexpr int kCurveSamples = 90;  // samples along each drawn curve (log-spaced)
// Size groups draw one curve per distinct size in them (sizes within 2% count as one, the fit's
// size_group_tolerance), so that every point lies on a curve of its colour, up to this many
// curves; beyond it, one curve per group at the group's geometric mean.
constexpr std::size_t kMaxDistinctCurves = 40;
constexpr double kSameSizeTolerance = 0.02;

// The distinct sizes among `values` (sorted; a value within kSameSizeTolerance of the first of
// a run joins it), each as its run's geometric mean.
std::vector<double> distinctSizes(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  std::vector<double> out;
  std::vector<double> run;
  for (double v : values) {
    if (!run.empty() && v > run.front() * (1.0 + kSameSizeTolerance)) {
      out.push_back(geometricMean(run));
      run.clear();
    }
    run.push_back(v);
  }
  if (!run.empty()) out.push_back(geometricMean(run));
  return out;
}

// (N, D) of a point on a curve at axis value x for a group whose colour variable is v.
std::pair<double, double> sizesAt(double x, double v, FitPlot::XVariable var) {
  switch (var) {
    case FitPlot::XVariable::Params: return {x, v};
    case FitPlot::XVariable::Tokens: return {v, x};
    case FitPlot::XVariable::Flops: return {v, x / (6.0 * v)};
  }
  return {x, v};
}

}  // namespace

void FitPlot::drawLawCurves(const ScalingLaw& law, const FitRecord& fit, const std::vector<FitPoint>& points,
                            double x_lo, double x_hi) {
  const XVariable xv = x_variable_;
  const bool single_curve = law.kind() == LawKind::PowerLaw &&
                            ((xv == XVariable::Params && fit.summary.law == FitLaw::PowerParams) ||
                             (xv == XVariable::Tokens && fit.summary.law == FitLaw::PowerTokens) ||
                             (xv == XVariable::Flops && fit.summary.law == FitLaw::PowerFlops));
  const bool has_samples = law.uncertainty() && !law.uncertainty()->samples.empty();
  const double c_lo = std::log(x_lo / 1.6), c_hi = std::log(x_hi * 1.6);
  // Size groups draw the law at each of their distinct sizes (see kMaxDistinctCurves), else at
  // their representative value; the run view draws one curve at the mean size (one curve per
  // run would be unreadable), in a neutral colour. `banded` marks the curve of each group that
  // carries the bootstrap band (one per group keeps the plot readable).
  std::vector<std::pair<double, QColor>> at;
  std::vector<bool> banded;
  std::vector<int> group_of;
  bool per_size = false;
  if (colour_by_ == ColourBy::Size) {
    std::vector<std::vector<double>> sizes;
    std::size_t total = 0;
    for (const Group& g : groups_) {
      std::vector<double> v;
      for (const FitPoint& pt : g.points) v.push_back(otherSize(pt, xv));
      sizes.push_back(distinctSizes(v));
      total += sizes.back().size();
    }
    per_size = total <= kMaxDistinctCurves;
    for (std::size_t i = 0; i < groups_.size(); ++i) {
      if (!per_size) {
        at.emplace_back(groups_[i].representative, groups_[i].color);
        banded.push_back(true);
        group_of.push_back(static_cast<int>(i));
        continue;
      }
      // The band goes on the size nearest the group's representative.
      std::size_t nearest = 0;
      for (std::size_t k = 0; k < sizes[i].size(); ++k) {
        if (std::fabs(std::log(sizes[i][k] / groups_[i].representative)) <
            std::fabs(std::log(sizes[i][nearest] / groups_[i].representative))) {
          nearest = k;
        }
      }
      for (std::size_t k = 0; k < sizes[i].size(); ++k) {
        at.emplace_back(sizes[i][k], groups_[i].color);
        banded.push_back(k == nearest);
        group_of.push_back(static_cast<int>(i));
      }
    }
  } else {
    std::vector<double> v;
    for (const FitPoint& pt : points) v.push_back(otherSize(pt, xv));
    QColor neutral = theme().foreground;
    neutral.setAlpha(150);
    at.emplace_back(geometricMean(v), neutral);
    banded.push_back(true);
    group_of.push_back(-1);
  }
  if (single_curve) at.resize(1), banded.resize(1), group_of.resize(1);
  // Against compute, the run view draws the law along its compute-optimal allocation (the
  // frontier the runs approach), when the law can allocate.
  const bool frontier = colour_by_ == ColourBy::Run && xv == XVariable::Flops && !single_curve &&
                        law.computeOptimal(Flops{std::exp(c_lo)}).isOk();
  bool first = true, first_band = true;
  for (std::size_t index = 0; index < at.size(); ++index) {
    const auto& [v, color] = at[index];
    Curve curve;
    curve.other_size = frontier ? 0.0 : v;
    curve.group = group_of[index];
    for (int i = 0; i < kCurveSamples; ++i) {
      const double x = std::exp(c_lo + (c_hi - c_lo) * i / (kCurveSamples - 1));
      auto [n, d] = sizesAt(x, v, xv);
      if (frontier) {
        const auto allocation = law.computeOptimal(Flops{x});
        if (!allocation) continue;
        n = allocation->params;
        d = allocation->tokens;
      }
      const auto l = law.loss(n, d);
      if (!l || !std::isfinite(*l)) continue;
      curve.x.push_back(x);
      curve.loss.push_back(*l);
      if (has_samples && show_band_ && banded[index]) {
        if (auto band = law.lossInterval(n, d)) {
          curve.low.push_back(band->low);
          curve.high.push_back(band->high);
        } else {
          curve.low.push_back(*l);
          curve.high.push_back(*l);
        }
      }
    }
    if (curve.x.empty()) continue;
    const QVector<double> qx(curve.x.begin(), curve.x.end());
    if (!curve.low.empty()) {
      QColor band = color;
      band.setAlpha(theme().is_dark ? 55 : 45);
      QCPGraph* high = addGraph(QString(), band, Qt::SolidLine, 0.5);
      high->setData(qx, QVector<double>(curve.high.begin(), curve.high.end()), true);
      QCPGraph* low =
          addGraph(first_band ? tr("95% band (bootstrap)") : QString(), band, Qt::SolidLine, 0.5);
      low->setData(qx, QVector<double>(curve.low.begin(), curve.low.end()), true);
      low->setBrush(QBrush(band));
      low->setChannelFillGraph(high);
      first_band = false;
    }
    const QString curve_name =
        !first         ? QString()
        : single_curve ? tr("fitted law")
        : frontier     ? tr("fitted law, compute-optimal N and D")
        : colour_by_ == ColourBy::Size
            ? (per_size ? tr("fitted law at each point's %1").arg(xv == XVariable::Params ? "D" : "N")
                        : tr("fitted law at each group's %1").arg(xv == XVariable::Params ? "D" : "N"))
            : tr("fitted law at the mean %1").arg(xv == XVariable::Params ? "D" : "N");
    addGraph(curve_name, color, Qt::SolidLine, 1.8)
        ->setData(qx, QVector<double>(curve.loss.begin(), curve.loss.end()), true);
    first = false;
    curves_.push_back(std::move(curve));
  }
}

void FitPlot::drawIsoFlopParabolas(const FitRecord& fit) {
  bool first = true;
  QVector<double> opt_n, opt_l;
  const auto& budgets = fit.summary.isoflop->budgets;
  double c_min = std::numeric_limits<double>::infinity(), c_max = -c_min;
  for (const IsoFlopBudget& budget : budgets) {
    if (!budget.used) continue;
    c_min = std::min(c_min, std::log(budget.flops));
    c_max = std::max(c_max, std::log(budget.flops));
  }
  const double c_span = c_max - c_min;
  for (size_t b = 0; b < budgets.size(); ++b) {
    const IsoFlopBudget& budget = budgets[b];
    if (!budget.used) continue;
    // The N range of the points at this budget (within ±0.1 decade of its C).
    double n_lo = budget.n_opt / 3.0, n_hi = budget.n_opt * 3.0;
    bool any = false;
    for (const FitPoint& pt : fit.points) {
      if (std::fabs(std::log10(xOf(pt, XVariable::Flops) / budget.flops)) > 0.1) continue;
      n_lo = any ? std::min(n_lo, pt.params) : pt.params;
      n_hi = any ? std::max(n_hi, pt.params) : pt.params;
      any = true;
    }
    QVector<double> qx, qy;
    for (int i = 0; i < 40; ++i) {
      const double ln_n = std::log(n_lo) + (std::log(n_hi) - std::log(n_lo)) * i / 39.0;
      qx << std::exp(ln_n);
      qy << budget.c0 + budget.c1 * ln_n + budget.c2 * ln_n * ln_n;
    }
    // Coloured by budget on the same blue-to-red scale as the size groups (small to large C).
    const double t = c_span > 0 ? (std::log(budget.flops) - c_min) / c_span : 0.0;
    addGraph(first ? tr("IsoFLOP parabola per budget (blue: smallest C, red: largest)") : QString(),
             sequentialColor(t, theme().is_dark), Qt::DashLine, 1.4)
        ->setData(qx, qy, true);
    opt_n << budget.n_opt;
    opt_l << budget.loss_at_opt;
    first = false;
  }
  if (!opt_n.isEmpty()) {
    addScatter(tr("optimum per budget"), theme().plan, QCPScatterStyle::ssDiamond, 10.0)
        ->setData(opt_n, opt_l);
  }
}

}  // namespace scaleplan
