#pragma once
// Series data behind the GUI's plots, computed from a scaling law so that the widgets only map
// values onto axes (and so that the same numbers can be checked in a Qt-free test):
//   * the compute-optimal frontier N_opt(C), D_opt(C) over a log range of compute;
//   * isoFLOP curves: loss against N at a fixed compute C (D = C / 6N), with their minimum;
//   * the loss landscape over (log N, log D), with iso-compute lines and the optimal path;
//   * predicted loss against compute at the compute-optimal allocation, with the law's fitted
//     compute range (to shade extrapolation) and the 95% band when the law carries uncertainty;
//   * published models as points (C = 6·N·D) and how their tokens compare with the optimum.
// Units: N in parameters, D in tokens, C in FLOPs, loss in nats per token.

#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/units.hpp"
#include "counting/model_presets.hpp"
#include "laws/scaling_law.hpp"

namespace scaleplan {

// `count` values spaced evenly in log10 from `low` to `high` inclusive (both > 0, count >= 2).
std::vector<double> logSpace(double low, double high, int count);

// Budgets spaced `factor` apart around `center`: center·factor^k for k = -below..above.
std::vector<double> budgetsAround(double center, int below, int above, double factor = 10.0);

// ---- Compute-optimal frontier -----------------------------------------------------------------
struct FrontierOptions {
  double flops_min = 1e18;  // FLOPs, > 0
  double flops_max = 1e27;  // FLOPs, > flops_min
  int points = 91;          // >= 2
  bool isValid(std::string* error) const;  // "flops_min: must be positive, got 0", ...
};

struct FrontierPoint {
  double flops = 0.0;   // C
  double params = 0.0;  // N_opt(C)
  double tokens = 0.0;  // D_opt(C)
  std::optional<double> loss;           // L(N_opt, D_opt)
  std::optional<Interval> loss_interval;  // 95%, when the law carries uncertainty
};

// N_opt and D_opt at log-spaced budgets. Errors: invalid options; the law cannot allocate (a
// single-variable power law).
Result<std::vector<FrontierPoint>> computeOptimalFrontier(const ScalingLaw& law, const FrontierOptions& options);

// ---- isoFLOP curves -----------------------------------------------------------------------------
struct IsoFlopOptions {
  // The curve spans N_opt·10^-span .. N_opt·10^+span around the law's compute-optimal N (or, for
  // laws that cannot allocate, around the minimum found numerically over [1e6, 1e14] params).
  double span_decades = 1.5;  // > 0
  int points = 121;           // >= 3
  bool isValid(std::string* error) const;
};

struct IsoFlopCurve {
  double flops = 0.0;
  std::vector<double> params;  // N, ascending
  std::vector<double> tokens;  // D = C / (6N)
  std::vector<double> loss;    // L(N, D); NaN where the law cannot predict
  // The curve's minimum (golden-section search in log N, not just the best sample).
  double min_params = 0.0, min_tokens = 0.0, min_loss = 0.0;
};

Result<IsoFlopCurve> isoFlopCurve(const ScalingLaw& law, Flops compute, const IsoFlopOptions& options = {});

// ---- Loss landscape -----------------------------------------------------------------------------
struct LandscapeOptions {
  double params_min = 1e7, params_max = 1e13;   // N range, log-spaced
  double tokens_min = 1e9, tokens_max = 1e15;   // D range, log-spaced
  int params_cells = 120, tokens_cells = 120;   // grid size, >= 2 each
  bool isValid(std::string* error) const;
};
// A range of `decades` on each side of (params, tokens): for centring on the current plan.
LandscapeOptions landscapeAround(double params, double tokens, double decades = 2.5);

struct LossLandscape {
  LandscapeOptions range;
  // Cell centres: params[i] (i < params_cells), tokens[j] (j < tokens_cells), log-spaced.
  std::vector<double> params, tokens;
  // loss[j * params_cells + i] = L(params[i], tokens[j]); NaN where the law cannot predict.
  std::vector<double> loss;
  double loss_min = 0.0, loss_max = 0.0;  // over the finite cells
  double at(int i, int j) const { return loss[static_cast<size_t>(j) * params.size() + static_cast<size_t>(i)]; }
};

Result<LossLandscape> lossLandscape(const ScalingLaw& law, const LandscapeOptions& options);

// The line C = 6·N·D inside the landscape's range (N ascending; empty when it misses the range).
struct IsoComputeLine {
  double flops = 0.0;
  std::vector<double> params, tokens;
};
IsoComputeLine isoComputeLine(Flops compute, const LandscapeOptions& range, int points = 64);

// The compute-optimal path (N_opt(C), D_opt(C)) over the budgets whose optimum lies inside the
// range. Errors: the law cannot allocate.
Result<std::vector<FrontierPoint>> optimalPath(const ScalingLaw& law, const LandscapeOptions& range, int points = 96);

// ---- Predicted loss against compute -------------------------------------------------------------
struct LossCurve {
  std::vector<double> flops;
  std::vector<double> loss;                  // at the compute-optimal allocation
  std::vector<double> loss_low, loss_high;   // 95% band; empty when the law has no uncertainty
  // Compute range the law was fitted on (fittedComputeRange); beyond it the curve extrapolates.
  std::optional<Interval> fitted_flops;
};
// The compute range behind a law's fit: data_range.flops_min..max when known, else
// 6·params_min·tokens_min .. 6·params_max·tokens_max when both are known, else nullopt.
std::optional<Interval> fittedComputeRange(const DataRange& range);
// Loss at the compute-optimal allocation over the budgets. A power law in compute alone is
// evaluated directly. Errors: invalid options; the law can neither allocate nor predict from C.
Result<LossCurve> lossVsCompute(const ScalingLaw& law, const FrontierOptions& options);

// ---- Published models ---------------------------------------------------------------------------
struct ModelPoint {
  std::string id, name;
  int year = 0;
  double params = 0.0;  // published (active for a mixture of experts)
  double tokens = 0.0;  // published training tokens
  double flops = 0.0;   // 6·N·D
  double tokensPerParam() const { return tokens / params; }
};
// Models of the catalog with a published token count, in catalog order.
std::vector<ModelPoint> publishedModelPoints(const ModelCatalog& catalog);
// The published dense model whose total parameter count is nearest `params` on a log scale (so
// 41B is nearer 70B than 13B), for views that show a concrete architecture for a planned size.
// Mixture-of-experts models are skipped (the planner's N is a dense model's; a MoE's total and
// active counts differ) unless the catalog has no dense model. nullptr for an empty catalog or
// params not positive.
const ModelPreset* nearestPublishedModel(const ModelCatalog& catalog, double params);

// How a model's training compares with the law's compute-optimal allocation at its compute:
// tokens / D_opt(C) (> 1: trained on more tokens than optimal, "over-trained", a smaller model
// than optimal; < 1: "under-trained").
struct OptimalityComparison {
  double optimal_params = 0.0, optimal_tokens = 0.0;
  double tokens_ratio = 0.0;  // D / D_opt
  double params_ratio = 0.0;  // N / N_opt
};
Result<OptimalityComparison> compareWithOptimal(const ScalingLaw& law, const ModelPoint& model);

}  // namespace scaleplan
