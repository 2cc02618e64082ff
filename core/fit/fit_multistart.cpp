// Work sharing and the multistart solver (see fit_multistart.hpp).
#include "fit/fit_multistart.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <thread>

namespace scaleplan::fit_detail {

void ProgressTracker::step(std::size_t units) {
  if (!callback_) {
    done_.fetch_add(units);
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  const std::size_t done = done_.fetch_add(units) + units;
  if (!callback_(std::min(done, total_), total_)) cancelled_ = true;
}

void ProgressTracker::abort(const std::string& why) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (error_.empty()) error_ = why;
  cancelled_ = true;
}

std::string ProgressTracker::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

FitSummary stoppedEarly(FitSummary s, const ProgressTracker& progress) {
  if (const std::string error = progress.error(); !error.empty()) {
    s.termination = FitTermination::Failed;
    s.message = "the fit stopped: " + error;
    return s;
  }
  s.termination = FitTermination::Cancelled;
  s.message = "cancelled after " + std::to_string(progress.done()) + " of " + std::to_string(progress.total()) + " units of work";
  return s;
}

int fitThreads(const FitOptions& options) {
  return options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

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

bool sequentialFor(std::size_t count, const std::function<void(std::size_t index, int worker)>& task) {
  for (std::size_t i = 0; i < count; ++i) task(i, 0);
  return true;
}

bool better(const Candidate& x, const Candidate& y) {
  const bool fx = std::isfinite(x.outcome.objective), fy = std::isfinite(y.outcome.objective);
  if (fx != fy) return fx;
  if (fx && x.outcome.objective != y.outcome.objective) return x.outcome.objective < y.outcome.objective;
  return x.start < y.start;
}

Tolerances screenTolerances(const FitOptions& options) {
  Tolerances t;
  t.max_iterations = options.max_iterations;
  t.function_tolerance = options.start_function_tolerance;
  t.gradient_tolerance = options.gradient_tolerance;
  t.parameter_tolerance = options.parameter_tolerance;
  return t;
}

Tolerances polishTolerances(const FitOptions& options) {
  Tolerances t = screenTolerances(options);
  t.function_tolerance = options.function_tolerance;
  return t;
}

bool multiStart(const std::function<LocalSolver&(int worker)>& solver_for, const std::vector<std::vector<double>>& starts,
                std::size_t polish_count, const Tolerances& screen, const Tolerances& polish, const IndexLoop& loop,
                MultiStartResult* out) {
  out->screened.assign(starts.size(), Candidate{});
  out->polished = 0;
  if (!loop(starts.size(), [&](std::size_t i, int worker) {
        out->screened[i] = Candidate{i, solver_for(worker).solve(starts[i], screen)};
      })) {
    return false;
  }
  std::vector<Candidate> order = out->screened;
  std::sort(order.begin(), order.end(), better);
  std::size_t finite = 0;
  while (finite < order.size() && std::isfinite(order[finite].outcome.objective)) ++finite;
  out->polished = std::min(polish_count, finite);
  std::vector<Candidate> polished(out->polished);
  if (!loop(out->polished, [&](std::size_t k, int worker) {
        polished[k] = Candidate{order[k].start, solver_for(worker).solve(order[k].outcome.theta, polish)};
      })) {
    return false;
  }
  out->best = order.empty() ? Candidate{} : order.front();
  for (std::size_t k = 0; k < polished.size(); ++k) {
    if (k == 0 || better(polished[k], out->best)) out->best = polished[k];
  }
  return true;
}

}  // namespace scaleplan::fit_detail
