#pragma once
// Fitting scaling laws to measured training runs, the way the papers did it.
//
//   FitOptions options;                       // Chinchilla form, Huber δ = 1e-3, 4,500 starts
//   options.bootstrap_resamples = 1000;
//   FitSummary s = fitLaw(points, options);    // never throws; s.termination says how it ended
//   std::cout << s.briefReport();
//   Result<ScalingLaw> law = toScalingLaw(s, "my-runs");   // id "fit:my-runs", with uncertainty
//
// Forms (all fitted to log loss, so that a 1% miss weighs the same at every scale):
//   chinchilla  L = E + A/N^α + B/D^β, as Hoffmann et al. 2022 (approach 3) fitted it: residual
//               r_i = LSE(a − α·ln N_i, b − β·ln D_i, e) − ln L_i with A = e^a, B = e^b, E = e^e.
//   kaplan      L = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D (Kaplan et al. 2020, eq. 1.5), residual
//               α_D·LSE((α_N/α_D)(ln N_c − ln N), ln D_c − ln D) − ln L.
//   power-n/d/c L = E + A·x^(−α) for x = N, D or C: residual LSE(e, a − α·ln x) − ln L.
//   isoflop     the Chinchilla paper's approach 2 (see IsoFlopResult).
//
// Objectives:
//   huber            Σ_i huber_δ(r_i) with huber_δ(r) = r²/2 for |r| ≤ δ, δ(|r| − δ/2) otherwise:
//                    *summed*, not averaged. This is exactly the cost of Ceres' HuberLoss(δ)
//                    (½ρ(r²)), and what Hoffmann et al. minimised.
//   huber-likelihood the negative log-likelihood of residuals drawn from a Huber density with a
//                    free scale σ (Besiroglu et al. 2024, the estimator behind their published
//                    point estimate): Σ_i [huber_δ(r_i/σ) + ln σ + ln Z(δ)], with the density's
//                    normaliser Z(δ) = √(2π)·(1 − 2Φ̄(δ)) + 2·e^(−δ²/2)/δ (Φ̄ = standard normal
//                    upper tail). σ = e^s is fitted with the law; it is reported as `scale`.
//
// Starts and solver: every point of the start grid is minimised (in parallel, deterministic for a
// given input whatever the thread count). To keep 4,500 starts cheap each start stops at a loose
// relative cost change (start_function_tolerance); the `polish_count` best are then minimised
// again to tight tolerances, and the best of those is the answer (ties broken by start index).
// Setting start_function_tolerance equal to function_tolerance runs every start to full
// convergence. Internally ln N and ln D are centred on their means (a' = a − α·mean ln N), which
// leaves the objective unchanged and makes L-BFGS converge in far fewer steps.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/enum_names.hpp"
#include "base/fit_point.hpp"
#include "laws/scaling_law.hpp"

namespace scaleplan {

enum class FitLaw { Chinchilla, Kaplan, PowerParams, PowerTokens, PowerFlops, IsoFlop };
inline constexpr auto kFitLawNames = makeEnumNames<FitLaw>({{FitLaw::Chinchilla, "chinchilla"},
                                                            {FitLaw::Kaplan, "kaplan"},
                                                            {FitLaw::PowerParams, "power-n"},
                                                            {FitLaw::PowerTokens, "power-d"},
                                                            {FitLaw::PowerFlops, "power-c"},
                                                            {FitLaw::IsoFlop, "isoflop"}});
std::string_view toString(FitLaw law);
std::optional<FitLaw> fitLawFromString(std::string_view s);

enum class FitObjective { Huber, HuberLikelihood };
inline constexpr auto kFitObjectiveNames =
    makeEnumNames<FitObjective>({{FitObjective::Huber, "huber"}, {FitObjective::HuberLikelihood, "huber-likelihood"}});
std::string_view toString(FitObjective objective);
std::optional<FitObjective> fitObjectiveFromString(std::string_view s);

// Ceres' line-search L-BFGS (GradientProblemSolver; what Hoffmann et al. used) or Ceres'
// Levenberg-Marquardt trust region (one residual block per point with ceres::HuberLoss(δ), dense QR;
// least-squares objective only).
enum class FitSolver { Lbfgs, LevenbergMarquardt };
inline constexpr auto kFitSolverNames =
    makeEnumNames<FitSolver>({{FitSolver::Lbfgs, "lbfgs"}, {FitSolver::LevenbergMarquardt, "levenberg-marquardt"}});
std::string_view toString(FitSolver solver);
std::optional<FitSolver> fitSolverFromString(std::string_view s);

enum class FitTermination {
  Converged,      // the best start met the tolerances
  NoConvergence,  // parameters found, but the best start hit max iterations: use with care
  InvalidInput,   // bad options or data the law cannot be fitted to; see message
  Cancelled,      // the progress callback asked to stop
  Failed,         // no start gave a finite objective, or the parameters overflowed what a law can hold
};
inline constexpr auto kFitTerminationNames = makeEnumNames<FitTermination>({{FitTermination::Converged, "converged"},
                                                                            {FitTermination::NoConvergence, "no-convergence"},
                                                                            {FitTermination::InvalidInput, "invalid-input"},
                                                                            {FitTermination::Cancelled, "cancelled"},
                                                                            {FitTermination::Failed, "failed"}});
std::string_view toString(FitTermination t);
std::optional<FitTermination> fitTerminationFromString(std::string_view s);

// One axis of the start grid: the values tried for one internal parameter.
struct GridAxis {
  std::string name;
  std::vector<double> values;
};

// Internal (log-space) parameters of a law, which the start grid spans:
//   chinchilla: "alpha", "beta", "e", "a", "b"  (A = e^a, B = e^b, E = e^e)
//   kaplan:     "alpha_n", "alpha_d", "ln_n_c", "ln_d_c"
//   power-*:    "alpha", "e", "a"
//   isoflop:    none (no start grid)
std::vector<std::string> startGridAxisNames(FitLaw law);
// The default grids. Chinchilla: Hoffmann et al.'s, α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1},
// a, b ∈ {0, 5, …, 25}: 5·5·5·6·6 = 4,500 starts. Power laws: α ∈ {0, 0.5, …, 2}, e ∈ {−1, …, 1},
// a ∈ {0, 5, …, 25}: 150 starts. Kaplan: α_N, α_D ∈ {0.03, 0.1, 0.3}, ln N_c, ln D_c ∈
// ln{1e10, 1e12, 1e14, 1e16}: 144 starts. Start index = position in the cartesian product with
// the last axis varying fastest.
std::vector<GridAxis> defaultStartGrid(FitLaw law);

struct FitOptions {
  FitLaw law = FitLaw::Chinchilla;
  FitObjective objective = FitObjective::Huber;
  double huber_delta = 1e-3;  // δ of the Huber loss, in units of ln L

  // Start grid; empty = defaultStartGrid(law). Axes are matched by name, in any order, and must
  // cover every axis of startGridAxisNames(law). Each axis needs at least one finite value.
  std::vector<GridAxis> start_grid;

  FitSolver solver = FitSolver::Lbfgs;
  int max_iterations = 500;                // per start (both phases)
  double start_function_tolerance = 1e-4;  // each grid start stops at this relative cost change
  int polish_count = 8;                    // best starts re-minimised to the tolerances below
  double function_tolerance = 1e-12;       // relative cost change (polish)
  double gradient_tolerance = 1e-12;       // max-norm of the gradient (polish; Ceres' definition)
  double parameter_tolerance = 1e-12;      // relative step size (polish)
  int threads = 0;                         // worker threads; 0 = std::thread::hardware_concurrency()

  // Bootstrap over points (0 = none). Resample r draws n points with replacement from a generator
  // seeded by (seed, r), so results do not depend on the thread count. Each resample is refitted
  // from the full-data optimum plus `bootstrap_extra_starts` grid points drawn at random (the best
  // then polished), or from the whole grid when `bootstrap_full_grid` (slow: grid × resamples).
  // 0, or kMinBootstrapResamples to kMaxBootstrapResamples (the one range the CLI and GUI use).
  static constexpr int kMinBootstrapResamples = 20;  // fewer cannot give 95% percentile intervals
  static constexpr int kMaxBootstrapResamples = 1000000;
  int bootstrap_resamples = 0;
  std::uint64_t seed = 1;
  int bootstrap_extra_starts = 4;
  bool bootstrap_full_grid = false;
  // Standard errors from the Jacobian at the optimum (ceres::Covariance): the classical
  // nonlinear-least-squares approximation σ̂²(JᵀJ)⁻¹ with σ̂² = Σr²/(n − p), mapped to the
  // reported parameters by the delta method. Ignores the Huber weighting; fast, but the
  // bootstrap is the reference. Intervals: ±1.96 SE, on ln scale for A, B, E, N_c, D_c.
  bool covariance = true;
  // Derived quantities at this training budget (FLOPs): N_opt, D_opt and the loss there
  // (Chinchilla form and isoflop). 0 = only the allocation exponents.
  double budget_flops = 0.0;

  // Hold-out check: refit without the points of the `holdout_largest_sizes` largest model sizes
  // and report the error predicting them (0 = off). Sizes within `size_group_tolerance`
  // (relative) of each other count as one size, here and in the identifiability checks.
  int holdout_largest_sizes = 1;
  int holdout_extra_starts = 16;  // the hold-out refit starts from the optimum + this many grid points
  double size_group_tolerance = 0.02;

  // IsoFLOP analysis: points whose log10 C lies within this many decades of a budget's first
  // (smallest) point form one budget; each budget needs this many distinct model sizes.
  double isoflop_bin_decades = 0.05;
  int isoflop_min_points = 3;

  // Checks every field; the message names the field: "huber_delta: must be positive and finite".
  bool isValid(std::string* error) const;
};

// Progress: (units done, units total), where a unit is one start, one polish, one resample or the
// hold-out fit. Return false to cancel. Called from worker threads, never two calls at once.
using FitProgress = std::function<bool(std::size_t done, std::size_t total)>;

struct FitParameter {
  std::string name;
  double value = 0.0;
};

struct ParameterInterval {
  std::string name;
  double value = 0.0;  // the full-data estimate
  double standard_error = 0.0;
  double ci95_low = 0.0, ci95_high = 0.0;
};

struct FitUncertainty {
  std::string method;                         // "bootstrap (1000 resamples, seed 1)" or "covariance"
  int resamples = 0, failed_resamples = 0;    // bootstrap only
  std::vector<ParameterInterval> parameters;  // same order as FitSummary::params
  // Chinchilla form: "n_opt_exponent" a = β/(α+β), "d_opt_exponent" b = α/(α+β), and with
  // budget_flops > 0 "n_opt", "d_opt", "loss_at_budget". IsoFLOP: "n_opt", "d_opt" at the budget.
  std::vector<ParameterInterval> derived;
  // Bootstrap: each resample's parameters in FitSummary::params order. Empty for covariance.
  std::vector<std::vector<double>> samples;
};

struct HoldoutCheck {
  std::vector<double> held_out_sizes;  // model sizes N left out (one per size group, largest first)
  std::size_t train_points = 0, test_points = 0;
  std::vector<FitParameter> params;    // the fit without them
  double rmse_log_loss = 0.0;          // over the held-out points, of ln L_obs − ln L_pred
  double mean_log_error = 0.0;         // mean of ln L_obs − ln L_pred (> 0: the fit predicts too low)
  double max_abs_relative_error = 0.0; // max |L_pred/L_obs − 1|
};

struct FitDiagnostics {
  std::vector<double> log_residuals;  // ln L_obs − ln L_fit per point, in input order
  double rmse_log_loss = 0.0;
  double mean_abs_log_residual = 0.0;
  double max_abs_log_residual = 0.0;
  std::optional<HoldoutCheck> holdout;
  std::size_t starts_converged = 0;   // starts that met start_function_tolerance (vs max_iterations)
  std::size_t starts_at_optimum = 0;  // starts whose end objective was within 0.1% of the best
};

// One compute budget of the IsoFLOP analysis.
struct IsoFlopBudget {
  double flops = 0.0;             // geometric mean C of the budget's points
  std::size_t points = 0;
  bool used = false;              // false: skipped (see note)
  std::string note;               // why it was skipped, or that the optimum lies outside the data
  // Parabola L = c0 + c1·x + c2·x² in x = ln N (least squares), its vertex N_opt = e^(−c1/2c2).
  double c0 = 0.0, c1 = 0.0, c2 = 0.0;
  double n_opt = 0.0, d_opt = 0.0;  // D_opt = C/(6·N_opt)
  double loss_at_opt = 0.0;
};

// The Chinchilla paper's approach 2: per budget a parabola in ln N gives N_opt; a least-squares
// line through (ln C, ln N_opt) gives N_opt = k_n·C^a, and through (ln C, ln D_opt) D_opt = k_d·C^b.
struct IsoFlopResult {
  std::vector<IsoFlopBudget> budgets;
  double a = 0.0, k_n = 0.0, b = 0.0, k_d = 0.0;
};

struct FitSummary {
  FitTermination termination = FitTermination::InvalidInput;
  std::string message;
  FitLaw law = FitLaw::Chinchilla;
  FitObjective objective = FitObjective::Huber;
  double huber_delta = 1e-3;

  // The law's parameters, named as ScalingLaw::parameterNames() names them:
  // chinchilla E, A, B, alpha, beta; kaplan N_c, D_c, alpha_N, alpha_D; power-* E, A, alpha;
  // isoflop a, k_n, b, k_d.
  std::vector<FitParameter> params;
  std::optional<double> scale;  // σ of the Huber likelihood (objective huber-likelihood)
  double objective_value = std::numeric_limits<double>::quiet_NaN();
  std::size_t points = 0;            // points fitted
  std::size_t starts = 0;            // grid starts minimised
  std::size_t best_start_index = 0;  // in grid order
  std::vector<GridAxis> best_start;  // the best start's value on each axis (one value each)
  double seconds = 0.0;              // wall time of the whole fit (with bootstrap and hold-out)

  std::optional<FitUncertainty> uncertainty;  // the bootstrap when run, else the covariance one
  std::optional<FitUncertainty> covariance;   // the covariance approximation, when computed
  FitDiagnostics diagnostics;
  std::optional<IsoFlopResult> isoflop;
  DataRange data_range;
  // Each a sentence: weak identification (2 model sizes or token counts, as many points as
  // parameters); the best start on the grid's edge when no interior start reached the optimum
  // (within 0.1% after screening: the grid may not cover the basin); a parameter at a bound (an
  // exponent below 1e-3 or above 5, E below 1e-3 of the smallest loss, a term below 1e-4 of the
  // loss at every point); no covariance (rank-deficient Jacobian); skipped hold-out; failed
  // bootstrap resamples; skipped IsoFLOP budgets.
  std::vector<std::string> warnings;

  // Converged or NoConvergence: there are parameters to use.
  bool hasParameters() const {
    return termination == FitTermination::Converged || termination == FitTermination::NoConvergence;
  }
  std::optional<double> param(std::string_view name) const;
  // A few lines: form, objective, data, starts, time, each parameter with its interval, warnings.
  std::string briefReport() const;
  // What 'scaleplan-cli fit' prints: a "key: value" head (law, termination, points, starts,
  // objective, scale, RMSE, time, uncertainty method), a table of parameters and derived quantities
  // with standard errors and 95% intervals, the IsoFLOP budgets, the hold-out check and the
  // warnings. `dropped_points`: how many highest-loss points the caller dropped first
  // (dropHighestLoss), shown on the points line.
  std::string fullReport(std::size_t dropped_points = 0) const;
};

// Fits `options.law` to `points` (N = params, D = tokens, C = flops, L = loss; C = 6·N·D is used to
// fill a missing C or D). Never throws; bad input gives termination InvalidInput and a message
// naming the point or the option.
FitSummary fitLaw(const std::vector<FitPoint>& points, const FitOptions& options, const FitProgress& progress = {});

// The objective of `options.objective` for the Chinchilla form at given parameters (for the huber-
// likelihood objective, at the best scale for them). Lets a user compare a published law with a
// fit on the same data. Errors: invalid points.
Result<double> chinchillaObjective(const std::vector<FitPoint>& points, const ChinchillaParams& params,
                                   const FitOptions& options);

// The fit as a law: id "fit:<name>", display name "Fit to <name> (<law>)", the data range of the
// points, and the uncertainty (names, standard errors, intervals, bootstrap samples). Errors: no
// parameters (a failed fit), or an isoflop fit (an allocation rule, not a loss law).
Result<ScalingLaw> toScalingLaw(const FitSummary& summary, std::string_view name);

// Drops the `count` points with the highest loss (the replication's outlier rule: 5 of the
// Chinchilla points). Ties at the cut are dropped too, as the replication did ("keep L < the
// count-th highest"). `dropped` receives one line per dropped point.
std::vector<FitPoint> dropHighestLoss(const std::vector<FitPoint>& points, int count,
                                      std::vector<std::string>* dropped = nullptr);

// JSON of a summary (keys: law, objective, huber_delta, params, scale, objective_value, points,
// starts, best_start_index, stderr, ci95, uncertainty_method, derived, termination, message, seconds,
// warnings, diagnostics, data_range, isoflop). Non-finite numbers are written as null.
std::string fitSummaryToJson(const FitSummary& summary);

}  // namespace scaleplan
