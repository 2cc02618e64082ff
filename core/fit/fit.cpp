// The fit's orchestration: input checks, the multistart search over the start grid (fit_multistart),
// diagnostics and warnings, then the uncertainty (fit_uncertainty) and the hold-out check
// (fit_holdout). Ceres itself is only in fit_solver.cpp.
#include "fit/fit.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <memory>

#include "base/format.hpp"
#include "base/minimize_1d.hpp"
#include "fit/fit_holdout.hpp"
#include "fit/fit_internal.hpp"
#include "fit/fit_layout.hpp"
#include "fit/fit_model.hpp"
#include "fit/fit_multistart.hpp"
#include "fit/fit_solver.hpp"
#include "fit/fit_uncertainty.hpp"

namespace scaleplan {
namespace {

using namespace fit_detail;

// ---------------------------------------------------------------------------------------------
// Input

std::string pointLabel(const std::vector<FitPoint>& points, std::size_t i) {
  return "point " + std::to_string(i + 1) + (points[i].run.empty() ? "" : " (run '" + points[i].run + "')");
}

std::string describeNumber(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return formatNumber(v);
}

bool needsParams(FitLaw law) { return law != FitLaw::PowerTokens && law != FitLaw::PowerFlops; }
bool needsTokens(FitLaw law) { return law == FitLaw::Chinchilla || law == FitLaw::Kaplan || law == FitLaw::PowerTokens; }
bool needsFlops(FitLaw law) { return law == FitLaw::PowerFlops || law == FitLaw::IsoFlop; }

// Checks every point and fills a missing C or D from C = 6·N·D (and N from C and D).
Result<std::vector<Observation>> preparePoints(const std::vector<FitPoint>& points, FitLaw law) {
  if (points.empty()) return Error{"no points to fit"};
  std::vector<Observation> out;
  out.reserve(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const FitPoint& p = points[i];
    if (!std::isfinite(p.loss) || p.loss <= 0.0) {
      return Error{pointLabel(points, i) + ": loss must be a positive finite number, got " + describeNumber(p.loss)};
    }
    for (const auto& [name, value] : {std::pair<const char*, double>{"params", p.params}, {"tokens", p.tokens}, {"flops", p.flops}}) {
      if (!std::isfinite(value) || value < 0.0) {
        return Error{pointLabel(points, i) + ": " + name + " must be a positive finite number (or 0 when unknown), got " +
                     describeNumber(value)};
      }
    }
    Observation o{p.params, p.tokens, p.flops, p.loss};
    if (o.c == 0.0 && o.n > 0.0 && o.d > 0.0) o.c = 6.0 * o.n * o.d;
    if (o.d == 0.0 && o.c > 0.0 && o.n > 0.0) o.d = o.c / (6.0 * o.n);
    if (o.n == 0.0 && o.c > 0.0 && o.d > 0.0) o.n = o.c / (6.0 * o.d);
    const std::string form = "the " + std::string(toString(law)) + (law == FitLaw::IsoFlop ? " analysis" : " form");
    if (needsParams(law) && o.n <= 0.0) return Error{pointLabel(points, i) + ": " + form + " needs the model size N (params)"};
    if (needsTokens(law) && o.d <= 0.0) {
      return Error{pointLabel(points, i) + ": " + form + " needs the token count D (tokens, or flops with params)"};
    }
    if (needsFlops(law) && o.c <= 0.0) {
      return Error{pointLabel(points, i) + ": " + form + " needs the training compute C (flops, or params with tokens)"};
    }
    out.push_back(o);
  }
  return out;
}


// The data cannot identify the law: these are errors. Weak identification gives warnings.
Status checkIdentifiable(const std::vector<Observation>& obs, const FitOptions& options, std::vector<std::string>* warnings) {
  const FitLaw law = options.law;
  const std::string form = "the " + std::string(toString(law)) + " form";
  auto groups = [&](auto field) {
    std::vector<double> v;
    for (const auto& o : obs) v.push_back(field(o));
    return distinctGroups(v, options.size_group_tolerance);
  };
  const std::size_t n = obs.size();
  const int p = lawParameterCount(law) + (options.objective == FitObjective::HuberLikelihood ? 1 : 0);
  const std::string params_text = std::to_string(p) + " parameters" +
                                  (options.objective == FitObjective::HuberLikelihood ? " (with the likelihood's scale)" : "");
  if (n < static_cast<std::size_t>(p)) {
    return Error{std::to_string(n) + " point" + (n == 1 ? "" : "s") + " cannot determine the " + params_text + " of " + form +
                 ": need at least " + std::to_string(p) + " points"};
  }
  auto single = [&](const std::vector<double>& g, const char* what, const char* symbol, const char* term,
                    const char* alternative) -> Status {
    if (g.size() == 1) {
      return Error{"all " + std::to_string(n) + " points have one " + what + " (" + symbol + " = " + formatScientific(g[0]) +
                   "), so the " + term + " term of " + form + " cannot be identified; add runs of other " + what +
                   "s" + alternative};
    }
    return Status::ok();
  };
  if (law == FitLaw::Chinchilla || law == FitLaw::Kaplan || law == FitLaw::PowerParams) {
    const auto g = groups([](const Observation& o) { return o.n; });
    if (Status s = single(g, "model size", "N", "N", law == FitLaw::PowerParams ? "" : ", or fit power-d"); !s) return s;
    if (g.size() == 2 && law != FitLaw::PowerParams) {
      warnings->push_back("only 2 model sizes: the N term (its coefficient and exponent) is barely identified");
    }
  }
  if (law == FitLaw::Chinchilla || law == FitLaw::Kaplan || law == FitLaw::PowerTokens) {
    const auto g = groups([](const Observation& o) { return o.d; });
    if (Status s = single(g, "token count", "D", "D", law == FitLaw::PowerTokens ? "" : ", or fit power-n"); !s) return s;
    if (g.size() == 2 && law != FitLaw::PowerTokens) {
      warnings->push_back("only 2 token counts: the D term (its coefficient and exponent) is barely identified");
    }
  }
  if (law == FitLaw::PowerFlops) {
    const auto g = groups([](const Observation& o) { return o.c; });
    if (Status s = single(g, "compute budget", "C", "C", ""); !s) return s;
  }
  if (n == static_cast<std::size_t>(p)) {
    warnings->push_back(std::to_string(n) + " points for " + std::to_string(p) +
                        " parameters: the fit interpolates and there are no residual degrees of freedom");
  }
  return Status::ok();
}

// ---------------------------------------------------------------------------------------------

// Adds warnings for parameters at the edge of what the form can mean: an exponent at 0 or huge,
// E at 0, or a term that contributes nothing over the data (A/N^α or B/D^β below 1e-4 of the
// loss at every point: its coefficient and exponent are then not identified).
void boundWarnings(FitLaw law, const std::vector<FitParameter>& params, const std::vector<Observation>& obs,
                   std::vector<std::string>* warnings) {
  double min_loss = obs.front().loss;
  for (const auto& o : obs) min_loss = std::min(min_loss, o.loss);
  auto value = [&](const char* name) {
    for (const auto& p : params) {
      if (p.name == name) return p.value;
    }
    return std::nan("");
  };
  auto negligibleTerm = [&](const char* coefficient, const char* exponent, const char* variable, auto x_of) {
    double largest = 0.0;
    for (const auto& o : obs) largest = std::max(largest, value(coefficient) * std::pow(x_of(o), -value(exponent)) / o.loss);
    if (std::isfinite(largest) && largest < 1e-4) {
      warnings->push_back(std::string("the ") + variable + " term " + coefficient + "/" + variable + "^" + exponent +
                          " is below 1e-4 of the loss at every point (" + coefficient + " = " + formatScientific(value(coefficient)) +
                          ", " + exponent + " = " + formatNumber(value(exponent)) +
                          "): it sits at its lower bound (0) and is not identified by these data");
    }
  };
  if (law == FitLaw::Chinchilla) {
    negligibleTerm("A", "alpha", "N", [](const Observation& o) { return o.n; });
    negligibleTerm("B", "beta", "D", [](const Observation& o) { return o.d; });
  } else if (law == FitLaw::PowerParams) {
    negligibleTerm("A", "alpha", "N", [](const Observation& o) { return o.n; });
  } else if (law == FitLaw::PowerTokens) {
    negligibleTerm("A", "alpha", "D", [](const Observation& o) { return o.d; });
  } else if (law == FitLaw::PowerFlops) {
    negligibleTerm("A", "alpha", "C", [](const Observation& o) { return o.c; });
  }
  // The solvers keep exponents within [kMinExponent, kMaxExponent] and put one that presses
  // against a bound exactly on it.
  for (const auto& p : params) {
    const bool exponent = p.name.rfind("alpha", 0) == 0 || p.name == "beta";
    if (exponent && p.value <= kMinExponent) {
      warnings->push_back(p.name + " = " + formatNumber(p.value) + " sits at its lower bound (" + formatNumber(kMinExponent) +
                          "): the data do not show this term falling; it is not identified");
    } else if (exponent && p.value >= kMaxExponent) {
      warnings->push_back(p.name + " = " + formatNumber(p.value) + " sits at its upper bound (" + formatNumber(kMaxExponent) +
                          "): the term vanishes within the data; it is not identified");
    } else if (p.name == "E" && law != FitLaw::Kaplan && p.value < 1e-3 * min_loss) {
      warnings->push_back("E = " + formatScientific(p.value) +
                          " sits at its lower bound (0): the data do not constrain the irreducible loss");
    } else if (!std::isfinite(p.value)) {
      warnings->push_back(p.name + " is not finite: the fit diverged along it");
    }
  }
}


// The law's parameters that a ScalingLaw cannot hold (it needs them finite and all but E
// positive): exp() of a diverged internal parameter overflows to inf or underflows to 0. Empty when
// there are none.
std::string unrepresentableParameters(const std::vector<FitParameter>& params) {
  std::string out;
  for (const auto& p : params) {
    if (std::isfinite(p.value) && (p.value > 0.0 || (p.name == "E" && p.value == 0.0))) continue;
    out += (out.empty() ? "" : " and ") + p.name + " = " + describeNumber(p.value);
  }
  return out;
}

FitSummary invalid(FitSummary s, const std::string& message) {
  s.termination = FitTermination::InvalidInput;
  s.message = message;
  return s;
}

DataRange dataRangeOf(const std::vector<Observation>& obs) {
  DataRange r;
  auto span = [&](auto field, double* lo, double* hi) {
    for (const auto& o : obs) {
      const double v = field(o);
      if (!(v > 0.0)) continue;
      if (*lo == 0.0 || v < *lo) *lo = v;
      if (v > *hi) *hi = v;
    }
  };
  span([](const Observation& o) { return o.n; }, &r.params_min, &r.params_max);
  span([](const Observation& o) { return o.d; }, &r.tokens_min, &r.tokens_max);
  span([](const Observation& o) { return o.c; }, &r.flops_min, &r.flops_max);
  return r;
}


// The start grid's multistart over the full data: every start screened in parallel, the best
// polish_count polished. False when cancelled.
bool searchGrid(const FitOptions& options, const Layout& layout, const FitData& data,
                const std::vector<std::vector<double>>& starts, ProgressTracker& progress, MultiStartResult* result) {
  const int threads = fitThreads(options);
  std::vector<std::unique_ptr<LocalSolver>> solvers(static_cast<std::size_t>(threads));
  auto solver_for = [&](int worker) -> LocalSolver& {
    auto& s = solvers[static_cast<std::size_t>(worker)];
    if (!s) s = std::make_unique<LocalSolver>(layout.law, layout.objective, options.solver, layout.delta, data);
    return *s;
  };
  auto loop = [&](std::size_t count, const std::function<void(std::size_t, int)>& task) {
    return parallelFor(count, threads, progress, task);
  };
  const std::size_t planned = std::min<std::size_t>(static_cast<std::size_t>(options.polish_count), starts.size());
  if (!multiStart(solver_for, starts, planned, screenTolerances(options), polishTolerances(options), loop, result)) return false;
  // The progress total counts `planned` polishes; fewer starts may have had a finite objective.
  if (planned > result->polished) progress.step(planned - result->polished);
  return !progress.cancelled();
}

// Residual diagnostics at θ and the grid's verdict on the optimum (how many starts reached it,
// whether it lies on the grid's edge). Returns the residual sum of squares.
double addDiagnostics(const Layout& layout, const FitData& data, const Grid& grid, const MultiStartResult& search,
                      FitSummary* s) {
  const std::vector<double>& theta = search.best.outcome.theta;
  FitDiagnostics& diag = s->diagnostics;
  double ss = 0.0, sa = 0.0, mx = 0.0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const double r = data.log_loss[i] - layout.ops.predict(theta.data(), data.x1[i], data.x2[i], nullptr);
    diag.log_residuals.push_back(r);
    ss += r * r, sa += std::fabs(r), mx = std::max(mx, std::fabs(r));
  }
  diag.rmse_log_loss = std::sqrt(ss / static_cast<double>(data.size()));
  diag.mean_abs_log_residual = sa / static_cast<double>(data.size());
  diag.max_abs_log_residual = mx;
  const double window = 1e-3 * std::fabs(s->objective_value) + 1e-15;
  bool interior_at_optimum = false;
  std::vector<std::string> edge_axes;
  for (const auto& c : search.screened) {
    if (c.outcome.converged) ++diag.starts_converged;
    if (std::isfinite(c.outcome.objective) && c.outcome.objective - s->objective_value <= window) {
      ++diag.starts_at_optimum;
      const auto edges = grid.edgeAxes(c.start);
      if (edges.empty()) interior_at_optimum = true;
      if (c.start == search.best.start) edge_axes = edges;
    }
  }
  if (edge_axes.empty()) edge_axes = grid.edgeAxes(search.best.start);
  if (!edge_axes.empty() && !interior_at_optimum) {
    std::string axes;
    for (const auto& a : edge_axes) axes += (axes.empty() ? "" : ", ") + a;
    s->warnings.push_back("the best start lies on the edge of the start grid (axis " + axes +
                          ") and no interior start reached the optimum: widen the grid along it");
  }
  return ss;
}

FitSummary fitLawUnguarded(const std::vector<FitPoint>& points, const FitOptions& options, const FitProgress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  auto finish = [&](FitSummary s) {
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return s;
  };
  FitSummary s;
  s.law = options.law;
  s.objective = options.objective;
  s.huber_delta = options.huber_delta;
  std::string why;
  if (!options.isValid(&why)) return finish(invalid(s, "invalid options: " + why));
  Result<std::vector<Observation>> prepared = preparePoints(points, options.law);
  if (!prepared) return finish(invalid(s, prepared.message()));
  const std::vector<Observation>& obs = *prepared;
  s.points = obs.size();
  s.data_range = dataRangeOf(obs);

  if (options.law == FitLaw::IsoFlop) {
    ProgressTracker tracker(progress, static_cast<std::size_t>(options.bootstrap_resamples));
    return finish(fitIsoFlop(s, obs, options, tracker));
  }
  if (Status st = checkIdentifiable(obs, options, &s.warnings); !st) return finish(invalid(s, st.message()));
  quietCeresLogging();

  const Layout layout = makeLayout(options, obs);
  const FitData data = buildData(layout, obs, {});
  const Grid grid = resolveGrid(options);
  const std::size_t grid_size = grid.size();
  std::vector<std::vector<double>> starts(grid_size);
  for (std::size_t i = 0; i < grid_size; ++i) starts[i] = gridStart(layout, grid, i, data);

  // Hold-out plan (decided up front so the progress total is known).
  std::vector<double> size_groups;
  for (const auto& o : obs) size_groups.push_back(o.n);
  size_groups = distinctGroups(size_groups, options.size_group_tolerance);
  const std::size_t units = grid_size + std::min<std::size_t>(static_cast<std::size_t>(options.polish_count), grid_size) +
                            static_cast<std::size_t>(options.bootstrap_resamples) + (options.holdout_largest_sizes > 0 ? 1 : 0);
  ProgressTracker tracker(progress, units);

  MultiStartResult search;
  if (!searchGrid(options, layout, data, starts, tracker, &search)) return finish(stoppedEarly(s, tracker));
  const Candidate& best = search.best;
  s.starts = grid_size;
  if (!std::isfinite(best.outcome.objective)) {
    s.termination = FitTermination::Failed;
    s.message = "no start gave a finite objective (" + std::to_string(grid_size) + " starts)";
    return finish(s);
  }
  const std::vector<double>& theta = best.outcome.theta;
  s.best_start_index = best.start;
  const std::vector<double> start_values = grid.point(best.start);
  for (std::size_t k = 0; k < grid.axes.size(); ++k) s.best_start.push_back({grid.axes[k].name, {start_values[k]}});
  s.objective_value = best.outcome.objective;
  const std::vector<std::string> names = lawParameterNames(options.law);
  const std::vector<double> natural = naturalParams(layout, theta.data());
  for (std::size_t k = 0; k < names.size(); ++k) s.params.push_back({names[k], natural[k]});
  if (options.objective == FitObjective::HuberLikelihood) s.scale = std::exp(theta.back());
  if (const std::string unrepresentable = unrepresentableParameters(s.params); !unrepresentable.empty()) {
    s.termination = FitTermination::Failed;
    s.message = "the fit diverged: " + unrepresentable + ", which no law can hold; the data do not identify the " +
                std::string(toString(options.law)) + " form";
    return finish(s);
  }

  const double rss = addDiagnostics(layout, data, grid, search, &s);
  boundWarnings(options.law, s.params, obs, &s.warnings);

  const bool converged = best.outcome.converged;
  s.termination = converged ? FitTermination::Converged : FitTermination::NoConvergence;
  s.message = (converged ? "objective " : "the best start stopped before meeting the tolerances (max_iterations or a "
                                         "failed line search); objective ") +
              formatNumber(s.objective_value, 8) + " from start " + std::to_string(best.start) + " of " +
              std::to_string(grid_size);

  if (options.covariance) {
    std::string cov_why;
    if (auto u = covarianceUncertainty(layout, data, theta, rss, options.budget_flops, &cov_why)) {
      s.covariance = *u;
      s.uncertainty = *u;
    } else {
      s.warnings.push_back("no covariance standard errors: " + cov_why);
    }
  }

  if (options.bootstrap_resamples > 0) {
    const std::optional<FitUncertainty> u = bootstrapLaw({options, layout, obs, grid, starts, theta, natural}, tracker);
    if (!u) return finish(stoppedEarly(s, tracker));
    if (u->failed_resamples > 0) {
      s.warnings.push_back(std::to_string(u->failed_resamples) + " of " + std::to_string(options.bootstrap_resamples) +
                           " bootstrap resamples gave no finite fit and were left out");
    }
    s.uncertainty = *u;
  }

  if (options.holdout_largest_sizes > 0) {
    s.diagnostics.holdout = holdoutCheck(options, layout, obs, size_groups, grid, theta, &s.warnings);
    tracker.step();  // the hold-out's unit, done or skipped (a cancel this late changes nothing)
  }
  return finish(s);
}

}  // namespace

FitSummary fitLaw(const std::vector<FitPoint>& points, const FitOptions& options, const FitProgress& progress) {
  try {
    return fitLawUnguarded(points, options, progress);
  } catch (const std::exception& e) {  // out of memory and the like: a value, as every failure
    FitSummary s;
    s.law = options.law;
    s.objective = options.objective;
    s.termination = FitTermination::Failed;
    s.message = std::string("the fit stopped: ") + e.what();
    return s;
  }
}

Result<double> chinchillaObjective(const std::vector<FitPoint>& points, const ChinchillaParams& params, const FitOptions& options) {
  Result<std::vector<Observation>> prepared = preparePoints(points, FitLaw::Chinchilla);
  if (!prepared) return prepared.error();
  if (!(params.e > 0.0 && params.a > 0.0 && params.b > 0.0)) return Error{"E, A and B must be positive"};
  Layout layout;
  layout.law = FitLaw::Chinchilla;
  layout.objective = options.objective;
  layout.delta = options.huber_delta;
  layout.ops = modelOps(FitLaw::Chinchilla);
  const FitData data = buildData(layout, *prepared, {});
  std::vector<double> theta = {std::log(params.a), std::log(params.b), std::log(params.e), params.alpha, params.beta};
  if (options.objective == FitObjective::Huber) return data.size() ? huberObjective<ChinchillaModel>(data, theta.data(), layout.delta, nullptr) : 0.0;
  // The likelihood at its best scale: it is convex in s = ln σ, so Brent's method on a wide
  // bracket finds it.
  auto at = [&](double sv) {
    theta.resize(5);
    theta.push_back(sv);
    return huberLikelihood<ChinchillaModel>(data, theta.data(), layout.delta, nullptr);
  };
  return brentMinimize(at, std::log(1e-12), std::log(10.0)).fx;
}

}  // namespace scaleplan
