// The fit driver: input checks, the multi-start search over the grid, diagnostics, the bootstrap,
// the covariance approximation and the hold-out check. Ceres itself is only in fit_solver.cpp.
#include "fit/fit.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <cmath>
#include <functional>
#include <mutex>
#include <numeric>
#include <thread>

#include "base/format.hpp"
#include "fit/fit_internal.hpp"
#include "fit/fit_model.hpp"
#include "fit/fit_solver.hpp"

namespace scaleplan {
namespace {

using namespace fit_detail;

// ---------------------------------------------------------------------------------------------
// Work sharing and progress

class ProgressTracker {
 public:
  ProgressTracker(const FitProgress& callback, std::size_t total) : callback_(callback), total_(total) {}
  // Counted under the lock, so the callback sees `done` increase one call after another.
  void step(std::size_t units = 1) {
    if (!callback_) {
      done_.fetch_add(units);
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    const std::size_t done = done_.fetch_add(units) + units;
    if (!callback_(std::min(done, total_), total_)) cancelled_ = true;
  }
  bool cancelled() const { return cancelled_.load(); }
  // A worker hit an exception (out of memory, no thread): stop everything and keep the first
  // message, which the fit reports as FitTermination::Failed.
  void abort(const std::string& why) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (error_.empty()) error_ = why;
    cancelled_ = true;
  }
  std::string error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }
  std::size_t done() const { return std::min(done_.load(), total_); }
  std::size_t total() const { return total_; }

 private:
  const FitProgress& callback_;
  std::size_t total_;
  std::atomic<std::size_t> done_{0};
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mutex_;
  std::string error_;
};

// Runs task(index, worker) for index in [0, count) on up to `threads` threads, the caller being
// one of them. Work is handed out one index at a time; each result must depend on its index only,
// which keeps every fit independent of the thread count. False when cancelled.
bool parallelFor(std::size_t count, int threads, ProgressTracker& progress,
                 const std::function<void(std::size_t index, int worker)>& task) {
  std::atomic<std::size_t> next{0};
  auto work = [&](int worker) {
    for (;;) {
      if (progress.cancelled()) return;
      const std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      try {
        task(i, worker);
      } catch (const std::exception& e) {
        progress.abort(e.what());
        return;
      }
      progress.step();
    }
  };
  const int workers = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), std::max<std::size_t>(count, 1)));
  std::vector<std::thread> pool;
  try {
    for (int w = 1; w < workers; ++w) pool.emplace_back(work, w);
  } catch (const std::exception&) {
    // No more threads: carry on with the ones started (the result does not depend on how many).
  }
  work(0);
  for (auto& t : pool) t.join();
  return !progress.cancelled();
}

// ---------------------------------------------------------------------------------------------
// Input

struct Observation {
  double n = 0.0, d = 0.0, c = 0.0, loss = 0.0;
};

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

// Parameters that are positive by construction get log-scale covariance intervals.
bool positiveParameter(const std::string& name) {
  return name == "E" || name == "A" || name == "B" || name == "N_c" || name == "D_c" || name == "k_n" || name == "k_d" ||
         name == "n_opt" || name == "d_opt" || name == "loss_at_budget";
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
// Parameterisation

struct Layout {
  FitLaw law = FitLaw::Chinchilla;
  FitObjective objective = FitObjective::Huber;
  double delta = 1e-3;
  ModelOps ops;
  double c1 = 0.0, c2 = 0.0;  // centres of the logged variables
  int thetaSize() const { return ops.num_params + (objective == FitObjective::HuberLikelihood ? 1 : 0); }
};

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

// The columns for the points with nonzero weight (all weights 1 when `weights` is empty).
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

// Grid axis values (in startGridAxisNames order) to internal parameters (without the scale).
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

// For the likelihood: appends the scale that is optimal for θ's residuals when they lie in the
// Huber penalty's linear part, s = ln(δ·mean|r|) (minimises Σ δ|r|/σ + n·ln σ).
void appendInitialScale(const Layout& layout, const FitData& data, std::vector<double>* theta) {
  if (layout.objective != FitObjective::HuberLikelihood) return;
  double sum = 0.0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    sum += data.weight[i] * std::fabs(layout.ops.predict(theta->data(), data.x1[i], data.x2[i], nullptr) - data.log_loss[i]);
  }
  const double sigma = layout.delta * sum / data.total_weight;
  theta->push_back(std::log(std::isfinite(sigma) && sigma > 1e-300 ? sigma : 1e-300));
}

// Internal parameters to the law's parameters (lawParameterNames order).
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

// Derived quantities (names and values) from the law's parameters.
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

ParameterInterval intervalFromStandardError(const std::string& name, double value, double se) {
  ParameterInterval iv{name, value, se, value - 1.96 * se, value + 1.96 * se};
  if (positiveParameter(name) && value > 0.0) {
    const double se_log = se / value;  // delta method: SE(ln x) = SE(x)/x
    iv.ci95_low = value * std::exp(-1.96 * se_log);
    iv.ci95_high = value * std::exp(1.96 * se_log);
  }
  return iv;
}

std::uint64_t streamSeed(std::uint64_t seed, std::uint64_t stream) {
  SplitMix64 a(seed);
  SplitMix64 b(a.next() ^ (stream * 0xD1B54A32D192ED03ULL));
  return b.next();
}

std::vector<int> resampleCounts(std::uint64_t seed, std::uint64_t resample, std::size_t n, SplitMix64* rng_out) {
  SplitMix64 rng(streamSeed(seed, resample));
  std::vector<int> counts(n, 0);
  for (std::size_t k = 0; k < n; ++k) ++counts[rng.below(n)];
  *rng_out = rng;
  return counts;
}

// ---------------------------------------------------------------------------------------------
// The start grid

struct Grid {
  std::vector<GridAxis> axes;  // startGridAxisNames order
  std::size_t size() const {
    std::size_t s = 1;
    for (const auto& a : axes) s *= a.values.size();
    return s;
  }
  std::vector<double> point(std::size_t index) const {
    std::vector<double> v(axes.size());
    for (std::size_t k = axes.size(); k-- > 0;) {
      const std::size_t m = axes[k].values.size();
      v[k] = axes[k].values[index % m];
      index /= m;
    }
    return v;
  }
  // The axes on which the start lies at the smallest or largest value (axes of one value excluded).
  std::vector<std::string> edgeAxes(std::size_t index) const {
    const std::vector<double> v = point(index);
    std::vector<std::string> out;
    for (std::size_t k = 0; k < axes.size(); ++k) {
      if (axes[k].values.size() < 2) continue;
      const auto [lo, hi] = std::minmax_element(axes[k].values.begin(), axes[k].values.end());
      if (v[k] == *lo || v[k] == *hi) out.push_back(axes[k].name);
    }
    return out;
  }
};

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

// ---------------------------------------------------------------------------------------------
// The fitter

struct Candidate {
  std::size_t start = 0;  // grid index (or position in a start list)
  SolveOutcome outcome;
};

// Lower objective first; equal objectives by start index, so the choice is deterministic.
bool better(const Candidate& x, const Candidate& y) {
  const bool fx = std::isfinite(x.outcome.objective), fy = std::isfinite(y.outcome.objective);
  if (fx != fy) return fx;
  if (fx && x.outcome.objective != y.outcome.objective) return x.outcome.objective < y.outcome.objective;
  return x.start < y.start;
}

class Fitter {
 public:
  Fitter(const FitOptions& options, ProgressTracker& progress) : options_(options), progress_(progress) {
    threads_ = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    screen_.max_iterations = polish_.max_iterations = options.max_iterations;
    screen_.function_tolerance = options.start_function_tolerance;
    screen_.gradient_tolerance = polish_.gradient_tolerance = options.gradient_tolerance;
    screen_.parameter_tolerance = polish_.parameter_tolerance = options.parameter_tolerance;
    polish_.function_tolerance = options.function_tolerance;
  }

  const Tolerances& screen() const { return screen_; }
  const Tolerances& polish() const { return polish_; }
  int threads() const { return threads_; }

  // Minimises from every start (in parallel), then polishes the best `polish_count`.
  // Returns all screened candidates (index = start) and the best polished one.
  bool multiStart(const Layout& layout, const FitData& data, const std::vector<std::vector<double>>& starts,
                  std::vector<Candidate>* screened, Candidate* best) {
    screened->assign(starts.size(), Candidate{});
    std::vector<std::unique_ptr<LocalSolver>> solvers(static_cast<std::size_t>(threads_));
    auto solverFor = [&](int worker) -> LocalSolver& {
      auto& s = solvers[static_cast<std::size_t>(worker)];
      if (!s) s = std::make_unique<LocalSolver>(layout.law, layout.objective, options_.solver, layout.delta, data);
      return *s;
    };
    const bool ok = parallelFor(starts.size(), threads_, progress_, [&](std::size_t i, int worker) {
      (*screened)[i] = Candidate{i, solverFor(worker).solve(starts[i], screen_)};
    });
    if (!ok) return false;
    std::vector<Candidate> order = *screened;
    std::sort(order.begin(), order.end(), better);
    std::size_t finite = 0;
    while (finite < order.size() && std::isfinite(order[finite].outcome.objective)) ++finite;
    const std::size_t polish_count = std::min<std::size_t>(static_cast<std::size_t>(options_.polish_count), finite);
    const std::size_t planned = std::min<std::size_t>(static_cast<std::size_t>(options_.polish_count), starts.size());
    if (finite == 0) {
      progress_.step(planned);
      *best = order.front();
      return !progress_.cancelled();
    }
    std::vector<Candidate> polished(polish_count);
    const bool polish_ok = parallelFor(polish_count, threads_, progress_, [&](std::size_t k, int worker) {
      polished[k] = Candidate{order[k].start, solverFor(worker).solve(order[k].outcome.theta, polish_)};
    });
    if (!polish_ok) return false;
    if (planned > polish_count) progress_.step(planned - polish_count);
    // The polish continues from the screened points and never raises the objective, so the best
    // polished point is the answer, and its convergence is the polish's verdict.
    *best = order.front();
    for (std::size_t k = 0; k < polished.size(); ++k) {
      if (k == 0 || better(polished[k], *best)) *best = polished[k];
    }
    return true;
  }

 private:
  const FitOptions& options_;
  ProgressTracker& progress_;
  int threads_ = 1;
  Tolerances screen_, polish_;
};

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
  constexpr double kMinExponent = 1e-3, kMaxExponent = 5.0;
  for (const auto& p : params) {
    const bool exponent = p.name.rfind("alpha", 0) == 0 || p.name == "beta";
    if (exponent && p.value < kMinExponent) {
      warnings->push_back(p.name + " = " + formatNumber(p.value) + " sits at its lower bound (" + formatNumber(kMinExponent) +
                          "): the data do not show this term falling; it is not identified");
    } else if (exponent && p.value > kMaxExponent) {
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

// ---------------------------------------------------------------------------------------------

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

FitSummary fitIsoFlop(FitSummary s, const std::vector<Observation>& obs, const FitOptions& options, ProgressTracker& progress,
                      int threads) {
  std::vector<double> n, c, l;
  for (const auto& o : obs) n.push_back(o.n), c.push_back(o.c), l.push_back(o.loss);
  Result<IsoFlopResult> full = isoFlopAnalysis(n, c, l, options, &s.warnings);
  if (!full) return invalid(s, full.message());
  const IsoFlopResult& r = *full;
  s.isoflop = r;
  const std::vector<double> values = {r.a, r.k_n, r.b, r.k_d};
  const std::vector<std::string> names = lawParameterNames(FitLaw::IsoFlop);
  for (std::size_t k = 0; k < names.size(); ++k) s.params.push_back({names[k], values[k]});
  const std::vector<FitParameter> derived = derivedQuantities(FitLaw::IsoFlop, values, options.budget_flops);

  // Covariance: the classical standard errors of the two regressions (needs ≥ 3 budgets).
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
    const bool ok = parallelFor(resamples, threads, progress, [&](std::size_t rs, int) {
      SplitMix64 rng(0);
      const std::vector<int> counts = resampleCounts(options.seed, rs, obs.size(), &rng);
      std::vector<double> bn, bc, bl;
      for (std::size_t i = 0; i < obs.size(); ++i) {
        for (int k = 0; k < counts[i]; ++k) bn.push_back(n[i]), bc.push_back(c[i]), bl.push_back(l[i]);
      }
      Result<IsoFlopResult> b = isoFlopAnalysis(bn, bc, bl, options, nullptr);
      if (b) samples[rs] = {b->a, b->k_n, b->b, b->k_d};
    });
    if (!ok) {
      const std::string error = progress.error();
      s.termination = error.empty() ? FitTermination::Cancelled : FitTermination::Failed;
      s.message = error.empty() ? "cancelled after " + std::to_string(progress.done()) + " of " + std::to_string(progress.total()) +
                                      " units of work"
                                : "the fit stopped: " + error;
      return s;
    }
    FitUncertainty u;
    u.resamples = options.bootstrap_resamples;
    u.method = "bootstrap (" + std::to_string(resamples) + " resamples, seed " + std::to_string(options.seed) + ")";
    for (auto& smp : samples) {
      if (smp.empty()) ++u.failed_resamples;
      else u.samples.push_back(smp);
    }
    for (std::size_t k = 0; k < names.size(); ++k) {
      std::vector<double> col;
      for (const auto& smp : u.samples) col.push_back(smp[k]);
      u.parameters.push_back(intervalFromSamples(names[k], values[k], col));
    }
    for (std::size_t j = 0; j < derived.size(); ++j) {
      std::vector<double> col;
      for (const auto& smp : u.samples) col.push_back(derivedQuantities(FitLaw::IsoFlop, smp, options.budget_flops)[j].value);
      u.derived.push_back(intervalFromSamples(derived[j].name, derived[j].value, col));
    }
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

}  // namespace

// ---------------------------------------------------------------------------------------------

namespace {

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

  const int threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (options.law == FitLaw::IsoFlop) {
    ProgressTracker tracker(progress, static_cast<std::size_t>(options.bootstrap_resamples));
    return finish(fitIsoFlop(s, obs, options, tracker, threads));
  }
  if (Status st = checkIdentifiable(obs, options, &s.warnings); !st) return finish(invalid(s, st.message()));
  quietCeresLogging();

  Layout layout;
  layout.law = options.law;
  layout.objective = options.objective;
  layout.delta = options.huber_delta;
  layout.ops = modelOps(options.law);
  {
    double sum1 = 0.0, sum2 = 0.0;
    for (const auto& o : obs) {
      double v1, v2;
      lawVariables(options.law, o, &v1, &v2);
      sum1 += v1, sum2 += v2;
    }
    layout.c1 = sum1 / static_cast<double>(obs.size());
    layout.c2 = sum2 / static_cast<double>(obs.size());
  }
  const FitData data = buildData(layout, obs, {});
  const Grid grid = resolveGrid(options);
  const std::size_t grid_size = grid.size();
  std::vector<std::vector<double>> starts(grid_size);
  for (std::size_t i = 0; i < grid_size; ++i) {
    starts[i] = thetaFromStart(layout, grid.point(i));
    appendInitialScale(layout, data, &starts[i]);
  }

  // Hold-out plan (decided up front so the progress total is known).
  std::vector<double> size_groups;
  for (const auto& o : obs) size_groups.push_back(o.n);
  size_groups = distinctGroups(size_groups, options.size_group_tolerance);
  const bool have_sizes = std::all_of(obs.begin(), obs.end(), [](const Observation& o) { return o.n > 0.0; });
  const std::size_t units = grid_size + std::min<std::size_t>(static_cast<std::size_t>(options.polish_count), grid_size) +
                            static_cast<std::size_t>(options.bootstrap_resamples) + (options.holdout_largest_sizes > 0 ? 1 : 0);
  ProgressTracker tracker(progress, units);
  Fitter fitter(options, tracker);
  auto cancelled = [&](FitSummary c) {
    if (const std::string error = tracker.error(); !error.empty()) {
      c.termination = FitTermination::Failed;
      c.message = "the fit stopped: " + error;
      return finish(c);
    }
    c.termination = FitTermination::Cancelled;
    c.message = "cancelled after " + std::to_string(tracker.done()) + " of " + std::to_string(tracker.total()) + " units of work";
    return finish(c);
  };

  std::vector<Candidate> screened;
  Candidate best;
  if (!fitter.multiStart(layout, data, starts, &screened, &best)) return cancelled(s);
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

  // Diagnostics.
  FitDiagnostics& diag = s.diagnostics;
  double ss = 0.0, sa = 0.0, mx = 0.0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const double r = data.log_loss[i] - layout.ops.predict(theta.data(), data.x1[i], data.x2[i], nullptr);
    diag.log_residuals.push_back(r);
    ss += r * r, sa += std::fabs(r), mx = std::max(mx, std::fabs(r));
  }
  diag.rmse_log_loss = std::sqrt(ss / static_cast<double>(data.size()));
  diag.mean_abs_log_residual = sa / static_cast<double>(data.size());
  diag.max_abs_log_residual = mx;
  const double window = 1e-3 * std::fabs(s.objective_value) + 1e-15;
  bool interior_at_optimum = false;
  std::vector<std::string> edge_axes;
  for (const auto& c : screened) {
    if (c.outcome.converged) ++diag.starts_converged;
    if (std::isfinite(c.outcome.objective) && c.outcome.objective - s.objective_value <= window) {
      ++diag.starts_at_optimum;
      const auto edges = grid.edgeAxes(c.start);
      if (edges.empty()) interior_at_optimum = true;
      if (c.start == best.start) edge_axes = edges;
    }
  }
  if (edge_axes.empty()) edge_axes = grid.edgeAxes(best.start);
  if (!edge_axes.empty() && !interior_at_optimum) {
    std::string axes;
    for (const auto& a : edge_axes) axes += (axes.empty() ? "" : ", ") + a;
    s.warnings.push_back("the best start lies on the edge of the start grid (axis " + axes +
                         ") and no interior start reached the optimum: widen the grid along it");
  }
  boundWarnings(options.law, s.params, obs, &s.warnings);

  const bool converged = best.outcome.converged;
  s.termination = converged ? FitTermination::Converged : FitTermination::NoConvergence;
  s.message = (converged ? "objective " : "the best start stopped before meeting the tolerances (max_iterations or a "
                                         "failed line search); objective ") +
              formatNumber(s.objective_value, 8) + " from start " + std::to_string(best.start) + " of " +
              std::to_string(grid_size);

  // Derived quantities and the covariance approximation.
  const std::vector<FitParameter> derived = derivedQuantities(options.law, natural, options.budget_flops);
  const std::size_t p = static_cast<std::size_t>(layout.ops.num_params);
  if (options.covariance) {
    std::string cov_why;
    if (data.size() <= p) {
      s.warnings.push_back("no covariance standard errors: they need more points than parameters");
    } else if (auto cov = predictionCovariance(options.law, data, theta, &cov_why)) {
      const double sigma2 = ss / static_cast<double>(data.size() - p);
      // Delta method through φ(θ) = (law parameters, derived quantities), by central differences.
      auto phi = [&](const std::vector<double>& t) {
        std::vector<double> v = naturalParams(layout, t.data());
        for (const auto& d : derivedQuantities(options.law, v, options.budget_flops)) v.push_back(d.value);
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
      s.covariance = u;
      s.uncertainty = u;
    } else {
      s.warnings.push_back("no covariance standard errors: " + cov_why);
    }
  }

  // Bootstrap.
  if (options.bootstrap_resamples > 0) {
    const auto resamples = static_cast<std::size_t>(options.bootstrap_resamples);
    std::vector<std::vector<double>> samples(resamples);
    const bool ok = parallelFor(resamples, fitter.threads(), tracker, [&](std::size_t rs, int) {
      SplitMix64 rng(0);
      const std::vector<int> counts = resampleCounts(options.seed, rs, obs.size(), &rng);
      const FitData bd = buildData(layout, obs, counts);
      std::vector<std::vector<double>> bstarts = {theta};
      if (options.bootstrap_full_grid) {
        for (std::size_t i = 0; i < grid_size; ++i) bstarts.push_back(starts[i]);
      } else {
        for (int k = 0; k < options.bootstrap_extra_starts; ++k) {
          bstarts.push_back(thetaFromStart(layout, grid.point(rng.below(grid_size))));
          appendInitialScale(layout, bd, &bstarts.back());
        }
      }
      LocalSolver solver(layout.law, layout.objective, options.solver, layout.delta, bd);
      Candidate rbest;
      for (std::size_t k = 0; k < bstarts.size(); ++k) {
        Candidate c{k, solver.solve(bstarts[k], fitter.screen())};
        if (k == 0 || better(c, rbest)) rbest = c;
      }
      if (!std::isfinite(rbest.outcome.objective)) return;
      if (options.polish_count > 0) {
        Candidate polished{rbest.start, solver.solve(rbest.outcome.theta, fitter.polish())};
        if (better(polished, rbest)) rbest = polished;
      }
      std::vector<double> v = naturalParams(layout, rbest.outcome.theta.data());
      if (allFinite(v)) samples[rs] = std::move(v);
    });
    if (!ok) return cancelled(s);
    FitUncertainty u;
    u.resamples = options.bootstrap_resamples;
    u.method = "bootstrap (" + std::to_string(resamples) + " resamples, seed " + std::to_string(options.seed) + ", " +
               (options.bootstrap_full_grid ? std::string("full grid") + " per resample"
                                            : "refit from the optimum + " + std::to_string(options.bootstrap_extra_starts) +
                                                  " random grid starts") +
               ")";
    for (auto& smp : samples) {
      if (smp.empty()) ++u.failed_resamples;
      else u.samples.push_back(std::move(smp));
    }
    for (std::size_t k = 0; k < names.size(); ++k) {
      std::vector<double> col;
      for (const auto& smp : u.samples) col.push_back(smp[k]);
      u.parameters.push_back(intervalFromSamples(names[k], natural[k], col));
    }
    for (std::size_t j = 0; j < derived.size(); ++j) {
      std::vector<double> col;
      for (const auto& smp : u.samples) col.push_back(derivedQuantities(options.law, smp, options.budget_flops)[j].value);
      u.derived.push_back(intervalFromSamples(derived[j].name, derived[j].value, col));
    }
    if (u.failed_resamples > 0) {
      s.warnings.push_back(std::to_string(u.failed_resamples) + " of " + std::to_string(resamples) +
                           " bootstrap resamples gave no finite fit and were left out");
    }
    s.uncertainty = u;
  }

  // Hold-out check: refit without the largest model sizes and predict them.
  if (options.holdout_largest_sizes > 0) {
    const auto k = static_cast<std::size_t>(options.holdout_largest_sizes);
    if (!have_sizes) {
      s.warnings.push_back("hold-out check skipped: the points have no model sizes");
    } else if (size_groups.size() < k + 2) {
      s.warnings.push_back("hold-out check skipped: it needs at least " + std::to_string(k + 2) + " model sizes (" +
                           std::to_string(k) + " held out, 2 to fit), found " + std::to_string(size_groups.size()));
    } else {
      const double cut = size_groups[size_groups.size() - k];  // smallest member of the first held-out group
      std::vector<int> train(obs.size(), 0);
      std::size_t n_train = 0;
      for (std::size_t i = 0; i < obs.size(); ++i) {
        if (obs[i].n < cut) train[i] = 1, ++n_train;
      }
      if (n_train <= static_cast<std::size_t>(layout.thetaSize())) {
        s.warnings.push_back("hold-out check skipped: only " + std::to_string(n_train) + " points remain without the largest sizes");
      } else {
        const FitData td = buildData(layout, obs, train);
        std::vector<std::vector<double>> hstarts = {theta};
        const auto extra = static_cast<std::size_t>(options.holdout_extra_starts);
        for (std::size_t j = 0; j < extra && j < grid_size; ++j) {
          hstarts.push_back(thetaFromStart(layout, grid.point(j * grid_size / std::min(extra, grid_size))));
          appendInitialScale(layout, td, &hstarts.back());
        }
        LocalSolver solver(layout.law, layout.objective, options.solver, layout.delta, td);
        Candidate hbest;
        for (std::size_t j = 0; j < hstarts.size(); ++j) {
          Candidate c{j, solver.solve(hstarts[j], fitter.screen())};
          if (j == 0 || better(c, hbest)) hbest = c;
        }
        if (std::isfinite(hbest.outcome.objective) && options.polish_count > 0) {
          Candidate polished{hbest.start, solver.solve(hbest.outcome.theta, fitter.polish())};
          if (better(polished, hbest)) hbest = polished;
        }
        if (std::isfinite(hbest.outcome.objective)) {
          HoldoutCheck h;
          for (std::size_t g = size_groups.size() - k; g < size_groups.size(); ++g) h.held_out_sizes.insert(h.held_out_sizes.begin(), size_groups[g]);
          h.train_points = n_train;
          const std::vector<double> hv = naturalParams(layout, hbest.outcome.theta.data());
          for (std::size_t j = 0; j < names.size(); ++j) h.params.push_back({names[j], hv[j]});
          double hss = 0.0, hsum = 0.0;
          for (std::size_t i = 0; i < obs.size(); ++i) {
            if (train[i]) continue;
            double v1, v2;
            lawVariables(layout.law, obs[i], &v1, &v2);
            const double pred = layout.ops.predict(hbest.outcome.theta.data(), v1 - layout.c1, v2 - layout.c2, nullptr);
            const double e = std::log(obs[i].loss) - pred;
            hss += e * e, hsum += e;
            h.max_abs_relative_error = std::max(h.max_abs_relative_error, std::fabs(std::exp(-e) - 1.0));
            ++h.test_points;
          }
          h.rmse_log_loss = std::sqrt(hss / static_cast<double>(h.test_points));
          h.mean_log_error = hsum / static_cast<double>(h.test_points);
          diag.holdout = h;
        } else {
          s.warnings.push_back("hold-out check: the fit without the largest sizes gave no finite objective");
        }
      }
    }
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
  // The likelihood at its best scale: it is convex in s = ln σ, so a golden-section search on a
  // wide bracket finds it.
  auto at = [&](double sv) {
    theta.resize(5);
    theta.push_back(sv);
    return huberLikelihood<ChinchillaModel>(data, theta.data(), layout.delta, nullptr);
  };
  double lo = std::log(1e-12), hi = std::log(10.0);
  const double g = (std::sqrt(5.0) - 1.0) / 2.0;
  double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo), f1 = at(x1), f2 = at(x2);
  for (int it = 0; it < 200; ++it) {
    if (f1 < f2) {
      hi = x2, x2 = x1, f2 = f1, x1 = hi - g * (hi - lo), f1 = at(x1);
    } else {
      lo = x1, x1 = x2, f1 = f2, x2 = lo + g * (hi - lo), f2 = at(x2);
    }
  }
  return std::min(f1, f2);
}

}  // namespace scaleplan
