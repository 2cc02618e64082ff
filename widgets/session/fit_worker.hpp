#pragma once
// Runs a fit (core/fit) off the GUI thread.
//
// The worker lives on the GUI thread; start() hands a copy of the points and options to a pool
// thread (QtConcurrent) and returns at once. Everything it emits arrives on the GUI thread as
// immutable values: progress(done, total) throttled to a few per second, then exactly one of
// finished(summary) — also for a cancelled fit, whose summary has termination Cancelled — or
// failed(message) for options the core refuses before fitting.
//
// cancel() sets an atomic flag that the core's progress callback reads between starts (a start
// takes milliseconds), so a cancelled fit ends quickly. Destroying the worker cancels and waits.

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <vector>

#include "fit/fit.hpp"
#include "session/core_metatypes.hpp"

namespace scaleplan {

class FitWorker : public QObject {
  Q_OBJECT

 public:
  explicit FitWorker(QObject* parent = nullptr);
  ~FitWorker() override;

  // Starts a fit; false (and nothing emitted) when one is already running.
  bool start(std::vector<FitPoint> points, FitOptions options);
  // Asks the running fit to stop; finished() follows with termination Cancelled.
  void cancel();
  bool isRunning() const { return running_; }
  // Blocks until the running fit has ended (tests, shutdown). The final signal is still queued.
  void wait();

 signals:
  void progress(qint64 done, qint64 total);
  void finished(const scaleplan::FitSummary& summary);
  void failed(const QString& message);

 private:
  void onFutureFinished();

  QFutureWatcher<FitSummary> watcher_;
  // Shared with the pool thread, which may outlive a cancelled start() call's stack frame.
  std::shared_ptr<std::atomic<bool>> cancel_flag_;
  bool running_ = false;
};

}  // namespace scaleplan

