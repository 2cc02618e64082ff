#include "session/fit_worker.hpp"

#include <QtConcurrent/QtConcurrentRun>
#include <chrono>

namespace scaleplan {

namespace {

// Progress reaches the GUI at most this often: a 4,500-start fit calls back thousands of times.
constexpr auto kProgressInterval = std::chrono::milliseconds(50);

}  // namespace

FitWorker::FitWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<FitSummary>();
  connect(&watcher_, &QFutureWatcher<FitSummary>::finished, this, &FitWorker::onFutureFinished);
}

FitWorker::~FitWorker() {
  if (cancel_flag_) cancel_flag_->store(true);
  watcher_.disconnect(this);
  watcher_.waitForFinished();
}

bool FitWorker::start(std::vector<FitPoint> points, FitOptions options) {
  if (running_) return false;
  std::string why;
  if (!options.isValid(&why)) {
    emit failed(tr("Fit options: %1").arg(QString::fromStdString(why)));
    return true;
  }
  running_ = true;
  cancel_flag_ = std::make_shared<std::atomic<bool>>(false);
  auto flag = cancel_flag_;
  // The callback posts progress to this object's thread; invokeMethod with `this` as the context
  // drops the call if the worker has been destroyed in the meantime (the destructor waits anyway).
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  FitProgress callback = [this, flag, last](std::size_t done, std::size_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (done == total || now - *last >= kProgressInterval) {
      *last = now;
      const auto d = static_cast<qint64>(done), t = static_cast<qint64>(total);
      QMetaObject::invokeMethod(
          this, [this, d, t] { emit progress(d, t); }, Qt::QueuedConnection);
    }
    return !flag->load();
  };
  watcher_.setFuture(
      QtConcurrent::run([points = std::move(points), options = std::move(options),
                         callback = std::move(callback)] { return fitLaw(points, options, callback); }));
  return true;
}

void FitWorker::cancel() {
  if (cancel_flag_) cancel_flag_->store(true);
}

void FitWorker::wait() {
  watcher_.waitForFinished();
}

void FitWorker::onFutureFinished() {
  running_ = false;
  const FitSummary summary = watcher_.result();
  emit finished(summary);
}

}  // namespace scaleplan
