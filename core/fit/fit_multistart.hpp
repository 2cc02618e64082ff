#pragma once
// Private to core/fit: the work sharing (progress, cancellation, a parallel loop) and the
// multistart solver, "solve each start, keep the best, polish", used alike by the main fit (over
// the start grid, in parallel), each bootstrap resample and the hold-out refit (in one thread).

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "fit/fit.hpp"
#include "fit/fit_solver.hpp"

namespace scaleplan::fit_detail {

// Counts units of work done, reports them to the caller's FitProgress and records a cancel.
class ProgressTracker {
 public:
  ProgressTracker(const FitProgress& callback, std::size_t total) : callback_(callback), total_(total) {}
  // Counted under the lock, so the callback sees `done` increase one call after another.
  void step(std::size_t units = 1);
  bool cancelled() const { return cancelled_.load(); }
  // A worker hit an exception (out of memory, no thread): stop everything and keep the first
  // message, which the fit reports as FitTermination::Failed.
  void abort(const std::string& why);
  std::string error() const;
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

// The summary's termination and message for a fit that stopped early: Failed with the worker's
// error when one was recorded, Cancelled otherwise.
FitSummary stoppedEarly(FitSummary s, const ProgressTracker& progress);

// The number of threads FitOptions::threads asks for (0: one per hardware thread).
int fitThreads(const FitOptions& options);

// Runs task(index, worker) for index in [0, count): the loop a multistart search runs its starts with.
// Returns false when cancelled.
using IndexLoop = std::function<bool(std::size_t count, const std::function<void(std::size_t index, int worker)>& task)>;

// Runs task(index, worker) for index in [0, count) on up to `threads` threads, the caller being
// one of them, stepping `progress` once per index. Work is handed out one index at a time; each
// result must depend on its index only, which keeps every fit independent of the thread count.
// False when cancelled.
bool parallelFor(std::size_t count, int threads, ProgressTracker& progress,
                 const std::function<void(std::size_t index, int worker)>& task);

// In order on the calling thread (worker 0), no progress: for a search inside one unit of work.
bool sequentialFor(std::size_t count, const std::function<void(std::size_t index, int worker)>& task);

struct Candidate {
  std::size_t start = 0;  // grid index (or position in a start list)
  SolveOutcome outcome;
};

// Lower objective first; equal objectives by start index, so the choice is deterministic.
bool better(const Candidate& x, const Candidate& y);

// The screening tolerances (loose function tolerance, for every start) and the polishing ones
// (for the best few), from the options.
Tolerances screenTolerances(const FitOptions& options);
Tolerances polishTolerances(const FitOptions& options);

struct MultiStartResult {
  std::vector<Candidate> screened;  // one per start, index = start
  Candidate best;                   // the best polished start (the best screened when none is finite)
  std::size_t polished = 0;         // how many starts were polished
};

// Minimises from every start with `screen`, then continues the best min(polish_count, finite)
// starts with `polish`. The polish continues from the screened points and never raises the
// objective, so the best polished point is the answer and its convergence is the polish's verdict.
// `solver_for(worker)` gives the worker's own solver. False when `loop` reports a cancel.
bool multiStart(const std::function<LocalSolver&(int worker)>& solver_for, const std::vector<std::vector<double>>& starts,
                std::size_t polish_count, const Tolerances& screen, const Tolerances& polish, const IndexLoop& loop,
                MultiStartResult* out);

}  // namespace scaleplan::fit_detail
