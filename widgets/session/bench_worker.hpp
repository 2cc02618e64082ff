#pragma once
// Runs the GPU benchmark (core/gpubench) off the GUI thread. start() returns at once;
// progress(done, total, label) arrives on the GUI thread before each step, then exactly one of
// finished(result) or failed(message) — cancelled() instead of failed() when the run stopped
// because cancel() was called.

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "gpubench/benchmark.hpp"
#include "session/core_metatypes.hpp"

namespace scaleplan {

class BenchWorker : public QObject {
  Q_OBJECT

 public:
  explicit BenchWorker(QObject* parent = nullptr);
  ~BenchWorker() override;

  // `catalog` is copied (matching and utilisation use it on the pool thread). False when a run
  // is already going.
  bool start(const BenchOptions& options, const HardwareCatalog& catalog);
  void cancel();
  bool isRunning() const { return running_; }
  void wait();

 signals:
  void progress(int done, int total, const QString& label);
  void finished(const scaleplan::BenchResult& result);
  void failed(const QString& message);
  void cancelled(const QString& message);

 private:
  // What the pool thread hands back (a plain value: QFuture needs a default-constructible type).
  struct Outcome {
    std::optional<BenchResult> result;
    std::string error;
  };
  void onFutureFinished();

  QFutureWatcher<Outcome> watcher_;
  std::shared_ptr<std::atomic<bool>> cancel_flag_;
  bool running_ = false;
};

}  // namespace scaleplan

