// The covariance approximation and the bootstrap (see fit_uncertainty.hpp).
#include "fit/fit_uncertainty.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

namespace scaleplan::fit_detail {
namespace {

// Parameters that are positive by construction get log-scale covariance intervals.
bool positiveParameter(const std::string& name) {
  return name == "E" || name == "A" || name == "B" || name == "N_c" || name == "D_c" || name == "k_n" || name == "k_d" ||
         name == "n_opt" || name == "d_opt" || name == "loss_at_budget";
}

ParameterInterval intervalFromSamples(const std::string& name, double value, std::vector<double> samples) {
  ParameterInterval iv{name, value, std::nan(""), std::nan(""), std::nan("")};
  samples.erase(std::remove_if(samples.begin(), samples.end(), [](double x) { return !std::isfinite(x); }), samples.end());
  if (samples.size() < 2) return iv;
  std::sort(samples.begin(), samples.end());
  const double mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
  double ss = 0.0;
  for (double x : samples) ss += (x - mean) * (x - mean);
  iv.standard_error = std::sqrt(ss / static_cast<double>(samples.size() - 1));
  iv.ci95_low = percentileSorted(samples, 0.025);
  iv.ci95_high = percentileSorted(samples, 0.975);
  return iv;
}

std::uint64_t streamSeed(std::uint64_t seed, std::uint64_t stream) {
  SplitMix64 a(seed);
  SplitMix64 b(a.next() ^ (stream * 0xD1B54A32D192ED03ULL));
  return b.next();
}

}  // namespace

ParameterInterval intervalFromStandardError(const std::string& name, double value, double se) {
  ParameterInterval iv{name, value, se, value - 1.96 * se, value + 1.96 * se};
  if (positiveParameter(name) && value > 0.0) {
    const double se_log = se / value;  // delta method: SE(ln x) = SE(x)/x
    iv.ci95_low = value * std::exp(-1.96 * se_log);
    iv.ci95_high = value * std::exp(1.96 * se_log);
  }
  return iv;
}

std::vector<int> resampleCounts(std::uint64_t seed, std::uint64_t resample, std::size_t n, SplitMix64* rng_out) {
  SplitMix64 rng(streamSeed(seed, resample));
  std::vector<int> counts(n, 0);
  for (std::size_t k = 0; k < n; ++k) ++counts[rng.below(n)];
  *rng_out = rng;
  return counts;
}

std::optional<FitUncertainty> covarianceUncertainty(const Layout& layout, const FitData& data, const std::vector<double>& theta,
                                                    double rss, double budget_flops, std::string* why) {
  const std::size_t p = static_cast<std::size_t>(layout.ops.num_params);
  if (data.size() <= p) {
    *why = "they need more points than parameters";
    return std::nullopt;
  }
  const auto cov = predictionCovariance(layout.law, data, theta, why);
  if (!cov) return std::nullopt;
  const double sigma2 = rss / static_cast<double>(data.size() - p);
  const std::vector<std::string> names = lawParameterNames(layout.law);
  const std::vector<FitParameter> derived = derivedQuantities(layout.law, naturalParams(layout, theta.data()), budget_flops);
  // Delta method through φ(θ) = (law parameters, derived quantities), by central differences.
  auto phi = [&](const std::vector<double>& t) {
    std::vector<double> v = naturalParams(layout, t.data());
    for (const auto& d : derivedQuantities(layout.law, v, budget_flops)) v.push_back(d.value);
    return v;
  };
  const std::vector<double> phi0 = phi(theta);
  std::vector<std::vector<double>> jac(phi0.size(), std::vector<double>(p, 0.0));
  for (std::size_t k = 0; k < p; ++k) {
    const double h = 1e-6 * std::max(1.0, std::fabs(theta[k]));
    std::vector<double> tp = theta, tm = theta;
    tp[k] += h, tm[k] -= h;
    const std::vector<double> fp = phi(tp), fm = phi(tm);
    for (std::size_t j = 0; j < phi0.size(); ++j) jac[j][k] = (fp[j] - fm[j]) / (2.0 * h);
  }
  FitUncertainty u;
  u.method = "covariance";
  for (std::size_t j = 0; j < phi0.size(); ++j) {
    double var = 0.0;
    for (std::size_t a = 0; a < p; ++a) {
      for (std::size_t b = 0; b < p; ++b) var += jac[j][a] * (*cov)[a * p + b] * jac[j][b];
    }
    const double se = std::sqrt(std::max(0.0, sigma2 * var));
    const std::string& name = j < names.size() ? names[j] : derived[j - names.size()].name;
    const ParameterInterval iv = intervalFromStandardError(name, phi0[j], se);
    (j < names.size() ? u.parameters : u.derived).push_back(iv);
  }
  return u;
}

FitUncertainty bootstrapIntervals(std::string method, int resamples, std::vector<std::vector<double>> samples, FitLaw law,
                                  const std::vector<double>& values, double budget_flops) {
  FitUncertainty u;
  u.resamples = resamples;
  u.method = std::move(method);
  for (auto& smp : samples) {
    if (smp.empty()) ++u.failed_resamples;
    else u.samples.push_back(std::move(smp));
  }
  const std::vector<std::string> names = lawParameterNames(law);
  for (std::size_t k = 0; k < names.size(); ++k) {
    std::vector<double> col;
    for (const auto& smp : u.samples) col.push_back(smp[k]);
    u.parameters.push_back(intervalFromSamples(names[k], values[k], col));
  }
  const std::vector<FitParameter> derived = derivedQuantities(law, values, budget_flops);
  for (std::size_t j = 0; j < derived.size(); ++j) {
    std::vector<double> col;
    for (const auto& smp : u.samples) col.push_back(derivedQuantities(law, smp, budget_flops)[j].value);
    u.derived.push_back(intervalFromSamples(derived[j].name, derived[j].value, col));
  }
  return u;
}

std::optional<FitUncertainty> bootstrapLaw(const BootstrapInput& in, ProgressTracker& progress) {
  const FitOptions& options = in.options;
  const Layout& layout = in.layout;
  const auto resamples = static_cast<std::size_t>(options.bootstrap_resamples);
  const std::size_t grid_size = in.grid.size();
  const Tolerances screen = screenTolerances(options), polish = polishTolerances(options);
  std::vector<std::vector<double>> samples(resamples);
  const bool ok = parallelFor(resamples, fitThreads(options), progress, [&](std::size_t rs, int) {
    SplitMix64 rng(0);
    const std::vector<int> counts = resampleCounts(options.seed, rs, in.obs.size(), &rng);
    const FitData bd = buildData(layout, in.obs, counts);
    std::vector<std::vector<double>> starts = {in.theta};
    if (options.bootstrap_full_grid) {
      starts.insert(starts.end(), in.grid_starts.begin(), in.grid_starts.end());
    } else {
      for (int k = 0; k < options.bootstrap_extra_starts; ++k) starts.push_back(gridStart(layout, in.grid, rng.below(grid_size), bd));
    }
    LocalSolver solver(layout.law, layout.objective, options.solver, layout.delta, bd);
    MultiStartResult r;
    multiStart([&](int) -> LocalSolver& { return solver; }, starts, options.polish_count > 0 ? 1 : 0, screen, polish,
               sequentialFor, &r);
    if (!std::isfinite(r.best.outcome.objective)) return;
    std::vector<double> v = naturalParams(layout, r.best.outcome.theta.data());
    if (allFinite(v)) samples[rs] = std::move(v);
  });
  if (!ok) return std::nullopt;
  const std::string method =
      "bootstrap (" + std::to_string(resamples) + " resamples, seed " + std::to_string(options.seed) + ", " +
      (options.bootstrap_full_grid ? std::string("full grid") + " per resample"
                                   : "refit from the optimum + " + std::to_string(options.bootstrap_extra_starts) +
                                         " random grid starts") +
      ")";
  return bootstrapIntervals(method, options.bootstrap_resamples, std::move(samples), layout.law, in.natural,
                            options.budget_flops);
}

}  // namespace scaleplan::fit_detail
