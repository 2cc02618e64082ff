// Inference-aware allocation (Sardana et al. 2023, "Beyond Chinchilla-Optimal: Accounting for
// Inference in Language Model Scaling Laws", arXiv:2401.00448): the model that reaches a target
// loss with the least lifetime cost, training (6·N·D_train) plus serving (2·N per token).
//
// For a target loss L* and a model of N parameters the Chinchilla form fixes the training tokens:
//   E + A/N^α + B/D^β = L*  ⇒  D(N) = (B / (L* − E − A/N^α))^(1/β),
// defined for N above N_min = (A/(L* − E))^(1/α), where D → ∞. Writing N = N_min·e^v (v > 0),
// L* − E − A/N^α = (L* − E)·(1 − e^(−αv)), which stays accurate as v → 0 (expm1). The cost
//   w_train·6·N·D(N) + w_infer·2·N·D_inference
// tends to infinity at both ends (D → ∞ as v → 0; N → ∞ as v → ∞) and is minimised over log v.
#include <cmath>
#include <limits>
#include <string>

#include "base/format.hpp"
#include "base/minimize_1d.hpp"
#include "laws/scaling_law.hpp"

namespace scaleplan {

namespace {


bool lawUsable(const ChinchillaParams& law, std::string* error) {
  const double values[] = {law.e, law.a, law.b, law.alpha, law.beta};
  for (double v : values) {
    if (!std::isfinite(v)) {
      if (error) *error = "law: parameters must be finite numbers";
      return false;
    }
  }
  if (!(law.a > 0.0 && law.b > 0.0 && law.alpha > 0.0 && law.beta > 0.0)) {
    if (error) *error = "law: A, B, alpha and beta must be positive for inference-aware sizing";
    return false;
  }
  return true;
}

bool targetAndDemandValid(const ChinchillaParams& law, double target_loss, double inference_tokens,
                          std::string* error) {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (!lawUsable(law, error)) return false;
  if (!std::isfinite(target_loss)) return fail("target_loss: must be a finite number, got " + formatNumber(target_loss));
  if (!(target_loss > law.e)) {
    return fail("target_loss: " + formatNumber(target_loss, 6) + " nats/token is not above the law's irreducible loss E = " +
                formatNumber(law.e, 6) + "; no finite model reaches it");
  }
  if (!std::isfinite(inference_tokens) || inference_tokens < 0.0) {
    return fail("inference_tokens: must be a non-negative number of tokens, got " + formatNumber(inference_tokens));
  }
  return true;
}

struct Sizing {
  double params = 0.0, train_tokens = 0.0;
};

// Minimises train_weight·6·N·D(N) + inference_weight·2·N·D_inf subject to L(N, D) = target.
// Weights are costs per FLOP (1 for the FLOP objective, dollars per FLOP for the dollar one).
Sizing minimiseLifetimeCost(const ChinchillaParams& law, double target_loss, double inference_tokens,
                            double train_weight, double inference_weight) {
  const double excess = target_loss - law.e;
  const double log_n_min = std::log(law.a / excess) / law.alpha;
  const double serve = inference_weight * 2.0 * inference_tokens;  // cost per parameter of serving
  auto logTokens = [&](double v) {  // ln D(N_min·e^v)
    return (std::log(law.b / excess) - std::log(-std::expm1(-law.alpha * v))) / law.beta;
  };
  // Coarse objective: ln(cost), safe from overflow anywhere in the bracket.
  auto log_cost = [&](double log_v) {
    const double v = std::exp(log_v);
    const double train_log = std::log(train_weight * 6.0) + logTokens(v);
    // ln(e^train_log + serve), computed without overflow.
    const double per_param_log =
        serve > 0.0 ? std::max(train_log, std::log(serve)) +
                          std::log1p(std::exp(-std::fabs(train_log - std::log(serve))))
                    : train_log;
    return log_n_min + v + per_param_log;
  };
  // Fine objective: the cost itself relative to a reference, for full relative resolution.
  double reference_log = 0.0;
  auto cost = [&](double log_v) {
    const double v = std::exp(log_v);
    const double per_param = train_weight * 6.0 * std::exp(logTokens(v)) + serve;
    return std::exp(log_n_min + v - reference_log) * per_param;
  };
  // v from 1e-12 (N barely above N_min, D enormous) to 60 (N = e^60·N_min, far past any optimum).
  const double lo = std::log(1e-12), hi = std::log(60.0);
  // Locate the minimum on ln(cost), then refine on the cost scaled near the minimum.
  Minimum coarse = scanThenBrent(log_cost, log_cost, lo, hi, 400);
  reference_log = coarse.fx - log_n_min;  // keeps cost() near 1 around the optimum
  const double width = (hi - lo) / 399.0;
  Minimum fine = brentMinimize(cost, coarse.x - width, coarse.x + width);
  const double v = std::exp(fine.fx <= cost(coarse.x) ? fine.x : coarse.x);
  Sizing s;
  s.params = std::exp(log_n_min + v);
  s.train_tokens = std::exp(logTokens(v));
  return s;
}

}  // namespace

bool InferenceAwareOptions::isValid(const ChinchillaParams& law, std::string* error) const {
  return targetAndDemandValid(law, target_loss, inference_tokens, error);
}

Result<InferenceAwareResult> inferenceAwareOptimum(const ChinchillaParams& law, const InferenceAwareOptions& options) {
  std::string why;
  if (!options.isValid(law, &why)) return Error{why};
  Sizing s = minimiseLifetimeCost(law, options.target_loss, options.inference_tokens, 1.0, 1.0);
  InferenceAwareResult r;
  r.params = s.params;
  r.train_tokens = s.train_tokens;
  r.train_flops = Flops{6.0 * s.params * s.train_tokens};
  r.inference_flops = Flops{2.0 * s.params * options.inference_tokens};
  r.total_flops = r.train_flops + r.inference_flops;
  // The compute-optimal model that reaches the same loss (closed form), and its lifetime compute
  // under the same inference demand.
  const Flops c = chinchillaComputeForLoss(law, options.target_loss);
  const Allocation chinchilla = chinchillaOptimalClosedForm(law, c);
  r.chinchilla_params = chinchilla.params;
  r.chinchilla_tokens = chinchilla.tokens;
  r.chinchilla_total_flops = c + Flops{2.0 * chinchilla.params * options.inference_tokens};
  return r;
}

bool InferenceCostOptions::isValid(const ChinchillaParams& law, std::string* error) const {
  if (!targetAndDemandValid(law, target_loss, inference_tokens, error)) return false;
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (!(std::isfinite(train_peak.value) && train_peak.value > 0.0)) {
    return fail("train_peak: must be a positive FLOP/s rate, got " + formatNumber(train_peak.value));
  }
  if (!(std::isfinite(inference_peak.value) && inference_peak.value > 0.0)) {
    return fail("inference_peak: must be a positive FLOP/s rate, got " + formatNumber(inference_peak.value));
  }
  if (!(train_mfu > 0.0 && train_mfu <= 1.0)) {
    return fail("train_mfu: must be in (0, 1], got " + formatNumber(train_mfu));
  }
  if (!(inference_mfu > 0.0 && inference_mfu <= 1.0)) {
    return fail("inference_mfu: must be in (0, 1], got " + formatNumber(inference_mfu));
  }
  if (!(std::isfinite(train_usd_per_gpu_hour) && train_usd_per_gpu_hour > 0.0)) {
    return fail("train_usd_per_gpu_hour: must be a positive price, got " + formatNumber(train_usd_per_gpu_hour));
  }
  if (!(std::isfinite(inference_usd_per_gpu_hour) && inference_usd_per_gpu_hour >= 0.0)) {
    return fail("inference_usd_per_gpu_hour: must be a non-negative price, got " +
                formatNumber(inference_usd_per_gpu_hour));
  }
  return true;
}

Result<InferenceCostResult> inferenceAwareCostOptimum(const ChinchillaParams& law, const InferenceCostOptions& options) {
  std::string why;
  if (!options.isValid(law, &why)) return Error{why};
  // Dollars per FLOP: a GPU-hour delivers peak·MFU·3600 FLOPs.
  const double train_usd_per_flop =
      options.train_usd_per_gpu_hour / (options.train_peak.value * options.train_mfu * kSecondsPerHour);
  const double inference_usd_per_flop =
      options.inference_usd_per_gpu_hour / (options.inference_peak.value * options.inference_mfu * kSecondsPerHour);
  // Scale both weights so the training weight is 1 (the minimiser compares values only).
  Sizing s = minimiseLifetimeCost(law, options.target_loss, options.inference_tokens, 1.0,
                                  inference_usd_per_flop / train_usd_per_flop);
  InferenceCostResult r;
  r.params = s.params;
  r.train_tokens = s.train_tokens;
  r.train_usd = 6.0 * s.params * s.train_tokens * train_usd_per_flop;
  r.inference_usd = 2.0 * s.params * options.inference_tokens * inference_usd_per_flop;
  r.total_usd = r.train_usd + r.inference_usd;
  return r;
}

}  // namespace scaleplan
