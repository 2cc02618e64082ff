// The IsoFLOP analysis (Hoffmann et al. 2022, approach 2), the fit summary built on it, and small
// numeric helpers.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "base/format.hpp"
#include "fit/fit_internal.hpp"
#include "fit/fit_layout.hpp"
#include "fit/fit_multistart.hpp"
#include "fit/fit_uncertainty.hpp"

namespace scaleplan::fit_detail {

std::vector<double> distinctGroups(std::vector<double> values, double relative) {
  std::sort(values.begin(), values.end());
  std::vector<double> groups;
  for (double v : values) {
    if (groups.empty() || v > groups.back() * (1.0 + relative)) groups.push_back(v);
  }
  return groups;
}

double percentileSorted(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double weight = position - static_cast<double>(below);
  return sorted[below] + weight * (sorted[above] - sorted[below]);
}

LineFit fitLine(const std::vector<double>& x, const std::vector<double>& y) {
  LineFit fit;
  const auto n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxx = 0.0, sxy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  fit.slope = sxy / sxx;
  fit.intercept = my - fit.slope * mx;
  if (x.size() < 3) {
    fit.se_intercept = fit.se_slope = fit.cov_intercept_slope = std::nan("");
    return fit;
  }
  double rss = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double r = y[i] - fit.intercept - fit.slope * x[i];
    rss += r * r;
  }
  const double s2 = rss / (n - 2.0);
  fit.se_slope = std::sqrt(s2 / sxx);
  fit.se_intercept = std::sqrt(s2 * (1.0 / n + mx * mx / sxx));
  fit.cov_intercept_slope = -mx * s2 / sxx;
  return fit;
}

namespace {

// Least-squares parabola y = c0 + c1·x + c2·x² through (x, y), by the 3×3 normal equations on x
// centred at its mean (returned coefficients are for the centred x). False when singular.
bool fitParabolaCentred(const std::vector<double>& x, const std::vector<double>& y, double c[3]) {
  double s[5] = {0, 0, 0, 0, 0}, t[3] = {0, 0, 0};
  for (std::size_t i = 0; i < x.size(); ++i) {
    double p = 1.0;
    for (int k = 0; k < 5; ++k) {
      if (k < 3) t[k] += p * y[i];
      s[k] += p;
      p *= x[i];
    }
  }
  // Solve [[s0 s1 s2],[s1 s2 s3],[s2 s3 s4]]·c = t by Gaussian elimination with partial pivoting.
  double m[3][4] = {{s[0], s[1], s[2], t[0]}, {s[1], s[2], s[3], t[1]}, {s[2], s[3], s[4], t[2]}};
  for (int col = 0; col < 3; ++col) {
    int pivot = col;
    for (int r = col + 1; r < 3; ++r) {
      if (std::fabs(m[r][col]) > std::fabs(m[pivot][col])) pivot = r;
    }
    if (std::fabs(m[pivot][col]) < 1e-300) return false;
    std::swap(m[col], m[pivot]);
    for (int r = 0; r < 3; ++r) {
      if (r == col) continue;
      const double f = m[r][col] / m[col][col];
      for (int k = col; k < 4; ++k) m[r][k] -= f * m[col][k];
    }
  }
  for (int k = 0; k < 3; ++k) c[k] = m[k][3] / m[k][k];
  return std::isfinite(c[0]) && std::isfinite(c[1]) && std::isfinite(c[2]);
}

}  // namespace

Result<IsoFlopResult> isoFlopAnalysis(const std::vector<double>& params, const std::vector<double>& flops,
                                      const std::vector<double>& loss, const FitOptions& options,
                                      std::vector<std::string>* warnings) {
  std::vector<std::size_t> order(flops.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return flops[a] < flops[b]; });

  // Budgets: consecutive points (by C) within isoflop_bin_decades of the budget's first point.
  std::vector<std::vector<std::size_t>> bins;
  double first_log10 = 0.0;
  for (std::size_t i : order) {
    const double l = std::log10(flops[i]);
    if (bins.empty() || l - first_log10 > options.isoflop_bin_decades) {
      bins.emplace_back();
      first_log10 = l;
    }
    bins.back().push_back(i);
  }

  IsoFlopResult result;
  std::vector<double> log_c, log_n, log_d;
  for (const auto& bin : bins) {
    IsoFlopBudget budget;
    budget.points = bin.size();
    double sum_log_c = 0.0;
    std::vector<double> sizes, x, y;
    for (std::size_t i : bin) {
      sum_log_c += std::log(flops[i]);
      sizes.push_back(params[i]);
      x.push_back(std::log(params[i]));
      y.push_back(loss[i]);
    }
    budget.flops = std::exp(sum_log_c / static_cast<double>(bin.size()));
    const std::size_t distinct = distinctGroups(sizes, options.size_group_tolerance).size();
    if (distinct < static_cast<std::size_t>(options.isoflop_min_points)) {
      budget.note = std::to_string(distinct) + " model size" + (distinct == 1 ? "" : "s") + " (need " +
                    std::to_string(options.isoflop_min_points) + ")";
      result.budgets.push_back(budget);
      continue;
    }
    const double mean_x = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
    for (double& v : x) v -= mean_x;
    double c[3];
    if (!fitParabolaCentred(x, y, c)) {
      budget.note = "the parabola fit is singular";
      result.budgets.push_back(budget);
      continue;
    }
    if (!(c[2] > 0.0)) {
      budget.note = "the parabola opens downward, so it has no minimum";
      result.budgets.push_back(budget);
      continue;
    }
    const double vertex = -c[1] / (2.0 * c[2]);  // centred ln N of the minimum
    // Back to x = ln N: c0 + c1(X − m) + c2(X − m)².
    budget.c0 = c[0] - c[1] * mean_x + c[2] * mean_x * mean_x;
    budget.c1 = c[1] - 2.0 * c[2] * mean_x;
    budget.c2 = c[2];
    budget.n_opt = std::exp(vertex + mean_x);
    budget.d_opt = budget.flops / (6.0 * budget.n_opt);
    budget.loss_at_opt = c[0] - c[1] * c[1] / (4.0 * c[2]);
    budget.used = true;
    const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
    if (vertex < *lo || vertex > *hi) budget.note = "the optimum lies outside the sampled model sizes (extrapolated)";
    log_c.push_back(std::log(budget.flops));
    log_n.push_back(std::log(budget.n_opt));
    log_d.push_back(std::log(budget.d_opt));
    result.budgets.push_back(budget);
  }
  if (warnings) {
    for (const auto& b : result.budgets) {
      if (!b.note.empty()) {
        warnings->push_back("isoflop budget C = " + formatScientific(b.flops) + " (" + std::to_string(b.points) +
                            " points): " + (b.used ? "" : "skipped: ") + b.note);
      }
    }
  }
  if (log_c.size() < 2) {
    return Error{"the IsoFLOP analysis needs at least 2 compute budgets with " +
                 std::to_string(options.isoflop_min_points) + " model sizes each and a parabola with a minimum; found " +
                 std::to_string(log_c.size()) + " among " + std::to_string(bins.size()) + " budgets (isoflop_bin_decades = " +
                 formatNumber(options.isoflop_bin_decades) +
                 "); the points need shared compute budgets: runs of several model sizes trained to the same FLOPs"};
  }
  const LineFit n_line = fitLine(log_c, log_n);
  const LineFit d_line = fitLine(log_c, log_d);
  result.a = n_line.slope;
  result.k_n = std::exp(n_line.intercept);
  result.b = d_line.slope;
  result.k_d = std::exp(d_line.intercept);
  return result;
}

FitSummary fitIsoFlop(FitSummary s, const std::vector<Observation>& obs, const FitOptions& options, ProgressTracker& progress) {
  std::vector<double> n, c, l;
  for (const auto& o : obs) n.push_back(o.n), c.push_back(o.c), l.push_back(o.loss);
  Result<IsoFlopResult> full = isoFlopAnalysis(n, c, l, options, &s.warnings);
  if (!full) {
    s.termination = FitTermination::InvalidInput;
    s.message = full.message();
    return s;
  }
  const IsoFlopResult& r = *full;
  s.isoflop = r;
  const std::vector<double> values = {r.a, r.k_n, r.b, r.k_d};
  const std::vector<std::string> names = lawParameterNames(FitLaw::IsoFlop);
  for (std::size_t k = 0; k < names.size(); ++k) s.params.push_back({names[k], values[k]});
  const std::vector<FitParameter> derived = derivedQuantities(FitLaw::IsoFlop, values, options.budget_flops);

  // Covariance: the classical standard errors of the two regressions (needs >= 3 budgets).
  std::vector<double> log_c, log_n, log_d;
  for (const auto& b : r.budgets) {
    if (!b.used) continue;
    log_c.push_back(std::log(b.flops)), log_n.push_back(std::log(b.n_opt)), log_d.push_back(std::log(b.d_opt));
  }
  if (options.covariance && log_c.size() >= 3) {
    const LineFit ln = fitLine(log_c, log_n), ld = fitLine(log_c, log_d);
    FitUncertainty u;
    u.method = "covariance";
    u.parameters.push_back(intervalFromStandardError("a", r.a, ln.se_slope));
    u.parameters.push_back(intervalFromStandardError("k_n", r.k_n, r.k_n * ln.se_intercept));
    u.parameters.push_back(intervalFromStandardError("b", r.b, ld.se_slope));
    u.parameters.push_back(intervalFromStandardError("k_d", r.k_d, r.k_d * ld.se_intercept));
    if (options.budget_flops > 0.0) {
      const double x = std::log(options.budget_flops);
      auto se = [&](const LineFit& f) {
        return std::sqrt(f.se_intercept * f.se_intercept + x * x * f.se_slope * f.se_slope + 2.0 * x * f.cov_intercept_slope);
      };
      u.derived.push_back(intervalFromStandardError("n_opt", derived[0].value, derived[0].value * se(ln)));
      u.derived.push_back(intervalFromStandardError("d_opt", derived[1].value, derived[1].value * se(ld)));
    }
    s.covariance = u;
    s.uncertainty = u;
  } else if (options.covariance) {
    s.warnings.push_back("no covariance standard errors: they need at least 3 usable compute budgets, found " +
                         std::to_string(log_c.size()));
  }

  if (options.bootstrap_resamples > 0) {
    const auto resamples = static_cast<std::size_t>(options.bootstrap_resamples);
    std::vector<std::vector<double>> samples(resamples);
    const bool ok = parallelFor(resamples, fitThreads(options), progress, [&](std::size_t rs, int) {
      SplitMix64 rng(0);
      const std::vector<int> counts = resampleCounts(options.seed, rs, obs.size(), &rng);
      std::vector<double> bn, bc, bl;
      for (std::size_t i = 0; i < obs.size(); ++i) {
        for (int k = 0; k < counts[i]; ++k) bn.push_back(n[i]), bc.push_back(c[i]), bl.push_back(l[i]);
      }
      Result<IsoFlopResult> b = isoFlopAnalysis(bn, bc, bl, options, nullptr);
      if (b) samples[rs] = {b->a, b->k_n, b->b, b->k_d};
    });
    if (!ok) return stoppedEarly(s, progress);
    const std::string method = "bootstrap (" + std::to_string(resamples) + " resamples, seed " + std::to_string(options.seed) + ")";
    FitUncertainty u = bootstrapIntervals(method, options.bootstrap_resamples, std::move(samples), FitLaw::IsoFlop, values,
                                          options.budget_flops);
    if (u.failed_resamples > 0) {
      s.warnings.push_back(std::to_string(u.failed_resamples) + " of " + std::to_string(resamples) +
                           " bootstrap resamples had fewer than 2 usable budgets and were left out");
    }
    s.uncertainty = u;
  }
  s.diagnostics.rmse_log_loss = s.diagnostics.mean_abs_log_residual = s.diagnostics.max_abs_log_residual = std::nan("");
  s.termination = FitTermination::Converged;
  std::size_t used = 0;
  for (const auto& b : r.budgets) used += b.used ? 1 : 0;
  s.message = "N_opt = " + formatScientific(r.k_n) + "·C^" + formatNumber(r.a) + " from " + std::to_string(used) + " of " +
              std::to_string(r.budgets.size()) + " compute budgets";
  return s;
}

}  // namespace scaleplan::fit_detail
