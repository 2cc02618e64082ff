// The fit's internal parameterisation and start grid (see fit_layout.hpp).
#include "fit/fit_layout.hpp"

#include <algorithm>
#include <cmath>

#include "laws/scaling_law.hpp"

namespace scaleplan::fit_detail {

int lawParameterCount(FitLaw law) {
  switch (law) {
    case FitLaw::Chinchilla: return 5;
    case FitLaw::Kaplan: return 4;
    case FitLaw::IsoFlop: return 0;
    default: return 3;
  }
}

std::vector<std::string> lawParameterNames(FitLaw law) {
  switch (law) {
    case FitLaw::Chinchilla: return {"E", "A", "B", "alpha", "beta"};
    case FitLaw::Kaplan: return {"N_c", "D_c", "alpha_N", "alpha_D"};
    case FitLaw::IsoFlop: return {"a", "k_n", "b", "k_d"};
    default: return {"E", "A", "alpha"};
  }
}

void lawVariables(FitLaw law, const Observation& o, double* v1, double* v2) {
  switch (law) {
    case FitLaw::Chinchilla:
    case FitLaw::Kaplan: *v1 = std::log(o.n), *v2 = std::log(o.d); return;
    case FitLaw::PowerParams: *v1 = std::log(o.n), *v2 = 0.0; return;
    case FitLaw::PowerTokens: *v1 = std::log(o.d), *v2 = 0.0; return;
    case FitLaw::PowerFlops: *v1 = std::log(o.c), *v2 = 0.0; return;
    case FitLaw::IsoFlop: break;
  }
  *v1 = *v2 = 0.0;
}

Layout makeLayout(const FitOptions& options, const std::vector<Observation>& obs) {
  Layout layout;
  layout.law = options.law;
  layout.objective = options.objective;
  layout.delta = options.huber_delta;
  layout.ops = modelOps(options.law);
  double sum1 = 0.0, sum2 = 0.0;
  for (const auto& o : obs) {
    double v1, v2;
    lawVariables(options.law, o, &v1, &v2);
    sum1 += v1, sum2 += v2;
  }
  if (!obs.empty()) {
    layout.c1 = sum1 / static_cast<double>(obs.size());
    layout.c2 = sum2 / static_cast<double>(obs.size());
  }
  return layout;
}

FitData buildData(const Layout& layout, const std::vector<Observation>& obs, const std::vector<int>& weights) {
  FitData d;
  for (std::size_t i = 0; i < obs.size(); ++i) {
    const int w = weights.empty() ? 1 : weights[i];
    if (w == 0) continue;
    double v1, v2;
    lawVariables(layout.law, obs[i], &v1, &v2);
    d.x1.push_back(v1 - layout.c1);
    d.x2.push_back(v2 - layout.c2);
    d.log_loss.push_back(std::log(obs[i].loss));
    d.weight.push_back(w);
    d.total_weight += w;
  }
  return d;
}

std::vector<double> thetaFromStart(const Layout& layout, const std::vector<double>& v) {
  switch (layout.law) {
    case FitLaw::Chinchilla:  // alpha, beta, e, a, b
      return {v[3] - v[0] * layout.c1, v[4] - v[1] * layout.c2, v[2], v[0], v[1]};
    case FitLaw::Kaplan:  // alpha_n, alpha_d, ln_n_c, ln_d_c
      return {v[2] - layout.c1, v[3] - layout.c2, v[0], v[1]};
    default:  // alpha, e, a
      return {v[2] - v[0] * layout.c1, v[1], v[0]};
  }
}

void appendInitialScale(const Layout& layout, const FitData& data, std::vector<double>* theta) {
  if (layout.objective != FitObjective::HuberLikelihood) return;
  double sum = 0.0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    sum += data.weight[i] * std::fabs(layout.ops.predict(theta->data(), data.x1[i], data.x2[i], nullptr) - data.log_loss[i]);
  }
  const double sigma = layout.delta * sum / data.total_weight;
  theta->push_back(std::log(std::isfinite(sigma) && sigma > 1e-300 ? sigma : 1e-300));
}

std::vector<double> naturalParams(const Layout& layout, const double* t) {
  switch (layout.law) {
    case FitLaw::Chinchilla:
      return {std::exp(t[2]), std::exp(t[0] + t[3] * layout.c1), std::exp(t[1] + t[4] * layout.c2), t[3], t[4]};
    case FitLaw::Kaplan: return {std::exp(t[0] + layout.c1), std::exp(t[1] + layout.c2), t[2], t[3]};
    default: return {std::exp(t[1]), std::exp(t[0] + t[2] * layout.c1), t[2]};
  }
}

bool allFinite(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

std::vector<FitParameter> derivedQuantities(FitLaw law, const std::vector<double>& p, double budget) {
  std::vector<FitParameter> out;
  if (law == FitLaw::Chinchilla) {
    const double alpha = p[3], beta = p[4];
    out.push_back({"n_opt_exponent", beta / (alpha + beta)});
    out.push_back({"d_opt_exponent", alpha / (alpha + beta)});
    if (budget > 0.0) {
      const ChinchillaParams cp{p[0], p[1], p[2], alpha, beta};
      const Allocation a = chinchillaOptimalClosedForm(cp, Flops{budget});
      out.push_back({"n_opt", a.params});
      out.push_back({"d_opt", a.tokens});
      out.push_back({"loss_at_budget", chinchillaLoss(cp, a.params, a.tokens)});
    }
  } else if (law == FitLaw::IsoFlop && budget > 0.0) {
    out.push_back({"n_opt", p[1] * std::pow(budget, p[0])});
    out.push_back({"d_opt", p[3] * std::pow(budget, p[2])});
  }
  return out;
}

std::size_t Grid::size() const {
  std::size_t s = 1;
  for (const auto& a : axes) s *= a.values.size();
  return s;
}

std::vector<double> Grid::point(std::size_t index) const {
  std::vector<double> v(axes.size());
  for (std::size_t k = axes.size(); k-- > 0;) {
    const std::size_t m = axes[k].values.size();
    v[k] = axes[k].values[index % m];
    index /= m;
  }
  return v;
}

std::vector<std::string> Grid::edgeAxes(std::size_t index) const {
  const std::vector<double> v = point(index);
  std::vector<std::string> out;
  for (std::size_t k = 0; k < axes.size(); ++k) {
    if (axes[k].values.size() < 2) continue;
    const auto [lo, hi] = std::minmax_element(axes[k].values.begin(), axes[k].values.end());
    if (v[k] == *lo || v[k] == *hi) out.push_back(axes[k].name);
  }
  return out;
}

Grid resolveGrid(const FitOptions& options) {
  const std::vector<GridAxis> given = options.start_grid.empty() ? defaultStartGrid(options.law) : options.start_grid;
  Grid grid;
  for (const auto& name : startGridAxisNames(options.law)) {
    for (const auto& axis : given) {
      if (axis.name == name) grid.axes.push_back(axis);
    }
  }
  return grid;
}

std::vector<double> gridStart(const Layout& layout, const Grid& grid, std::size_t index, const FitData& data) {
  std::vector<double> theta = thetaFromStart(layout, grid.point(index));
  appendInitialScale(layout, data, &theta);
  return theta;
}

}  // namespace scaleplan::fit_detail
