#pragma once
// Private to core/fit: the fitted forms and the two objectives as plain functions over columns of
// data, with analytic gradients. No Ceres here (the solvers wrap these in fit_solver.cpp).
//
// Every form predicts ln L. Variables enter as logs centred on their means (x = ln N − mean ln N),
// and the internal parameters absorb the centre (a' = a − α·mean ln N), so the objective is the
// same function of the natural parameters while a' and α are far less correlated.

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <vector>

#include "fit/fit.hpp"

namespace scaleplan::fit_detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The data an objective reads. x1/x2 are the centred logs of the form's variables (chinchilla and
// kaplan: N and D; power laws: x1 = the one variable). weight is a multiplicity (1, or a bootstrap
// count); points of weight 0 are left out when the columns are built.
struct FitData {
  std::vector<double> x1, x2, log_loss, weight;
  double total_weight = 0.0;
  std::size_t size() const { return log_loss.size(); }
};

// e^d, flushed to zero far below the largest term of a log-sum-exp: avoids the slow underflow path
// of exp() and cannot change a sum that already holds a term of 1.
inline double expBelowMax(double d) { return d < -700.0 ? 0.0 : std::exp(d); }

// ln(e^u1 + e^u2 + e^u3) and its softmax weights.
inline double logSumExp3(double u1, double u2, double u3, double* w1, double* w2, double* w3) {
  double m, e1, e2, e3;
  if (u1 >= u2 && u1 >= u3) {
    m = u1, e1 = 1.0, e2 = expBelowMax(u2 - m), e3 = expBelowMax(u3 - m);
  } else if (u2 >= u3) {
    m = u2, e2 = 1.0, e1 = expBelowMax(u1 - m), e3 = expBelowMax(u3 - m);
  } else {
    m = u3, e3 = 1.0, e1 = expBelowMax(u1 - m), e2 = expBelowMax(u2 - m);
  }
  const double s = e1 + e2 + e3;
  const double inv = 1.0 / s;
  *w1 = e1 * inv, *w2 = e2 * inv, *w3 = e3 * inv;
  return m + std::log(s);
}

inline double logSumExp2(double u1, double u2, double* w1, double* w2) {
  double m, e1, e2;
  if (u1 >= u2) {
    m = u1, e1 = 1.0, e2 = expBelowMax(u2 - m);
  } else {
    m = u2, e2 = 1.0, e1 = expBelowMax(u1 - m);
  }
  const double s = e1 + e2;
  *w1 = e1 / s, *w2 = e2 / s;
  return m + std::log(s);
}

// The bounds every fitted exponent (α, β, α_N, α_D) is kept within. Below the lower bound a term
// no longer falls with scale (an exponent ≤ 0 makes no law: law files refuse it); above the upper
// one the term vanishes within any data. Levenberg-Marquardt enforces them with Ceres' parameter
// bounds; Ceres' L-BFGS has no bounds, so LocalSolver fixes an exponent that leaves them at its
// bound and minimises over the other parameters again (fit_solver.cpp).
inline constexpr double kMinExponent = 1e-3, kMaxExponent = 5.0;

// ln L = LSE(a' − α·x1, b' − β·x2, e); θ = (a', b', e, α, β).
struct ChinchillaModel {
  static constexpr int kParams = 5;
  static constexpr std::array<int, 2> kExponents = {3, 4};
  static bool feasible(const double*) { return true; }
  static double predict(const double* t, double x1, double x2, double* g) {
    double w1, w2, w3;
    const double p = logSumExp3(t[0] - t[3] * x1, t[1] - t[4] * x2, t[2], &w1, &w2, &w3);
    if (g) g[0] = w1, g[1] = w2, g[2] = w3, g[3] = -w1 * x1, g[4] = -w2 * x2;
    return p;
  }
};

// ln L = LSE(e, a' − α·x1); θ = (a', e, α).
struct PowerModel {
  static constexpr int kParams = 3;
  static constexpr std::array<int, 1> kExponents = {2};
  static bool feasible(const double*) { return true; }
  static double predict(const double* t, double x1, double, double* g) {
    double w_a, w_e;
    const double p = logSumExp2(t[0] - t[2] * x1, t[1], &w_a, &w_e);
    if (g) g[0] = w_a, g[1] = w_e, g[2] = -w_a * x1;
    return p;
  }
};

// ln L = α_D·LSE((α_N/α_D)(n' − x1), d' − x2); θ = (n', d', α_N, α_D) with n' = ln N_c − mean ln N,
// d' = ln D_c − mean ln D. Needs α_D > 0 (the form divides by it).
struct KaplanModel {
  static constexpr int kParams = 4;
  static constexpr std::array<int, 2> kExponents = {2, 3};
  static constexpr double kMinAlphaD = 1e-6;
  static bool feasible(const double* t) { return t[3] > kMinAlphaD; }
  static double predict(const double* t, double x1, double x2, double* g) {
    const double ratio = t[2] / t[3];
    const double t1 = ratio * (t[0] - x1), t2 = t[1] - x2;
    double w1, w2;
    const double s = logSumExp2(t1, t2, &w1, &w2);
    if (g) {
      g[0] = w1 * t[2];          // α_D·w1·(α_N/α_D)
      g[1] = t[3] * w2;
      g[2] = w1 * (t[0] - x1);   // α_D·w1·(n' − x1)/α_D
      g[3] = s - w1 * t1;        // S + α_D·w1·(n' − x1)·(−α_N/α_D²)
    }
    return t[3] * s;
  }
};

// Huber penalty and its derivative.
inline double huber(double r, double delta, double* d) {
  const double ar = std::fabs(r);
  if (ar <= delta) {
    *d = r;
    return 0.5 * r * r;
  }
  *d = r < 0 ? -delta : delta;
  return delta * (ar - 0.5 * delta);
}

// ln Z(δ) of the Huber density exp(−huber_δ(x))/Z(δ).
inline double huberLogNormalizer(double delta) {
  const double upper_tail = 0.5 * std::erfc(delta / std::sqrt(2.0));  // Φ̄(δ)
  return std::log(std::sqrt(2.0 * std::numbers::pi) * (1.0 - 2.0 * upper_tail) + 2.0 * std::exp(-0.5 * delta * delta) / delta);
}

// Σ w·huber_δ(pred − ln L); gradient over the model's parameters (may be null).
template <class M>
double huberObjective(const FitData& d, const double* t, double delta, double* grad) {
  if (!M::feasible(t)) return kNaN;
  double g[M::kParams];
  if (grad) {
    for (int k = 0; k < M::kParams; ++k) grad[k] = 0.0;
  }
  double cost = 0.0;
  const std::size_t n = d.size();
  for (std::size_t i = 0; i < n; ++i) {
    const double r = M::predict(t, d.x1[i], d.x2[i], grad ? g : nullptr) - d.log_loss[i];
    double dh;
    cost += d.weight[i] * huber(r, delta, &dh);
    if (grad) {
      const double f = d.weight[i] * dh;
      for (int k = 0; k < M::kParams; ++k) grad[k] += f * g[k];
    }
  }
  return cost;
}

// Σ w·[huber_δ(r/σ) + s + ln Z(δ)], σ = e^s with s = t[M::kParams]; gradient over θ and s.
template <class M>
double huberLikelihood(const FitData& d, const double* t, double delta, double* grad) {
  if (!M::feasible(t)) return kNaN;
  const double s = t[M::kParams];
  const double inv_sigma = std::exp(-s);
  double g[M::kParams];
  if (grad) {
    for (int k = 0; k <= M::kParams; ++k) grad[k] = 0.0;
  }
  double cost = 0.0;
  const std::size_t n = d.size();
  for (std::size_t i = 0; i < n; ++i) {
    const double r = M::predict(t, d.x1[i], d.x2[i], grad ? g : nullptr) - d.log_loss[i];
    const double z = r * inv_sigma;
    double dh;
    cost += d.weight[i] * huber(z, delta, &dh);
    if (grad) {
      const double f = d.weight[i] * dh * inv_sigma;
      for (int k = 0; k < M::kParams; ++k) grad[k] += f * g[k];
      grad[M::kParams] -= d.weight[i] * dh * z;
    }
  }
  cost += d.total_weight * (s + huberLogNormalizer(delta));
  if (grad) grad[M::kParams] += d.total_weight;
  return cost;
}

// A form's functions, chosen at run time.
struct ModelOps {
  int num_params = 0;  // of the form (the likelihood adds the scale s after them)
  bool (*feasible)(const double* t) = nullptr;
  std::vector<int> exponents;  // indices in θ of the exponents, bounded by [kMinExponent, kMaxExponent]
  double (*predict)(const double* t, double x1, double x2, double* g) = nullptr;
  double (*huber)(const FitData&, const double*, double, double*) = nullptr;
  double (*likelihood)(const FitData&, const double*, double, double*) = nullptr;
};

template <class M>
ModelOps makeModelOps() {
  return ModelOps{M::kParams, &M::feasible, {M::kExponents.begin(), M::kExponents.end()}, &M::predict, &huberObjective<M>,
                  &huberLikelihood<M>};
}

inline ModelOps modelOps(FitLaw law) {
  switch (law) {
    case FitLaw::Chinchilla: return makeModelOps<ChinchillaModel>();
    case FitLaw::Kaplan: return makeModelOps<KaplanModel>();
    case FitLaw::PowerParams:
    case FitLaw::PowerTokens:
    case FitLaw::PowerFlops: return makeModelOps<PowerModel>();
    case FitLaw::IsoFlop: break;
  }
  return ModelOps{};
}

// The objective of `objective` at θ (with the scale last for the likelihood).
inline double evaluateObjective(const ModelOps& ops, FitObjective objective, const FitData& d, const double* t,
                                double delta, double* grad) {
  return objective == FitObjective::Huber ? ops.huber(d, t, delta, grad) : ops.likelihood(d, t, delta, grad);
}

}  // namespace scaleplan::fit_detail
