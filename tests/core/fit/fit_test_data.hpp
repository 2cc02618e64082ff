#pragma once
// Shared by the fit tests: synthetic runs from known laws, the Chinchilla data through the normal
// CSV import, and the Huber objective written out independently of core/fit.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "importers/importer.hpp"
#include "importers/run_data.hpp"

namespace scaleplan::fit_test {

// Standard normal deviates by Box-Muller over mt19937_64 (whose output the standard fixes), so the
// synthetic data sets are the same with every standard library.
class Normal {
 public:
  explicit Normal(std::uint64_t seed) : rng_(seed) {}
  double operator()() {
    const double u1 = (static_cast<double>(rng_() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.141592653589793 * u2);
  }

 private:
  std::mt19937_64 rng_;
};

struct Chinchilla5 {
  double e, a, b, alpha, beta;
};
// Hoffmann et al. 2022 (rounded, as in the paper's body) and Besiroglu et al. 2024.
inline constexpr Chinchilla5 kHoffmann{1.69, 406.4, 410.7, 0.34, 0.28};
inline constexpr Chinchilla5 kBesiroglu{1.8172, 482.01, 2085.43, 0.3478, 0.3658};

inline double chinchillaLossOf(const Chinchilla5& p, double n, double d) {
  return p.e + p.a / std::pow(n, p.alpha) + p.b / std::pow(d, p.beta);
}

// `sizes` model sizes log-spaced over [n_lo, n_hi] times `tokens` token counts over [d_lo, d_hi];
// loss multiplied by exp(noise·z), z standard normal (noise = σ of ln L).
template <class LossFn>
std::vector<FitPoint> gridPoints(LossFn loss, int sizes, double n_lo, double n_hi, int tokens, double d_lo, double d_hi,
                                 double noise, std::uint64_t seed) {
  Normal z(seed);
  std::vector<FitPoint> points;
  for (int i = 0; i < sizes; ++i) {
    for (int j = 0; j < tokens; ++j) {
      const double n = n_lo * std::pow(n_hi / n_lo, i / double(sizes - 1));
      const double d = d_lo * std::pow(d_hi / d_lo, j / double(tokens - 1));
      const double l = loss(n, d) * std::exp(noise * z());
      std::string run = "n";  // built by appends: GCC 12 flags "literal" + std::string&& with -Wrestrict at -O3
      run += std::to_string(i);
      run += 'd';
      run += std::to_string(j);
      points.push_back({n, d, 6.0 * n * d, l, run});
    }
  }
  return points;
}

inline double huberPenalty(double r, double delta) {
  return std::fabs(r) <= delta ? 0.5 * r * r : delta * (std::fabs(r) - 0.5 * delta);
}

// Σ huber_δ(ln L̂ − ln L) with L̂ = E + A/N^α + B/D^β evaluated directly (not as a log-sum-exp).
inline double huberSum(const std::vector<FitPoint>& points, const Chinchilla5& p, double delta) {
  double s = 0.0;
  for (const auto& pt : points) {
    const double d = pt.tokens > 0 ? pt.tokens : pt.flops / (6.0 * pt.params);
    s += huberPenalty(std::log(chinchillaLossOf(p, pt.params, d)) - std::log(pt.loss), delta);
  }
  return s;
}

// The Huber negative log-likelihood of Besiroglu et al. at its best scale σ (a fine scan of ln σ,
// then a golden-section refinement): Σ [huber_δ(r/σ) + ln σ] + n·ln Z(δ),
// Z(δ) = √(2π)(1 − 2Φ̄(δ)) + 2e^(−δ²/2)/δ.
inline double huberNegLogLikelihood(const std::vector<FitPoint>& points, const Chinchilla5& p, double delta) {
  std::vector<double> r;
  for (const auto& pt : points) {
    const double d = pt.tokens > 0 ? pt.tokens : pt.flops / (6.0 * pt.params);
    r.push_back(std::log(chinchillaLossOf(p, pt.params, d)) - std::log(pt.loss));
  }
  const double log_z = std::log(std::sqrt(2.0 * 3.141592653589793) * std::erf(delta / std::sqrt(2.0)) +
                                2.0 * std::exp(-0.5 * delta * delta) / delta);
  auto nll = [&](double log_sigma) {
    const double sigma = std::exp(log_sigma);
    double s = 0.0;
    for (double x : r) s += huberPenalty(x / sigma, delta) + log_sigma + log_z;
    return s;
  };
  double best = -30.0;
  for (double ls = -30.0; ls <= 2.0; ls += 0.01) {
    if (nll(ls) < nll(best)) best = ls;
  }
  double lo = best - 0.01, hi = best + 0.01;
  for (int i = 0; i < 100; ++i) {
    const double m1 = lo + (hi - lo) / 3.0, m2 = hi - (hi - lo) / 3.0;
    if (nll(m1) < nll(m2)) {
      hi = m2;
    } else {
      lo = m1;
    }
  }
  return nll(0.5 * (lo + hi));
}

// The 245 Chinchilla points through the ordinary CSV import with explicit column mapping.
inline ImportResult importChinchilla() {
  ImportOptions options;
  options.columns.params = "Model Size";
  options.columns.flops = "Training FLOP";
  options.columns.loss = "loss";
  return importFiles({std::string(SCALEPLAN_TEST_DATA_DIR) + "/chinchilla/svg_extracted_data.csv"}, options);
}

}  // namespace scaleplan::fit_test
