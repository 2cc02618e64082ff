#include "session/bench_worker.hpp"

#include <QtConcurrent/QtConcurrentRun>

namespace scaleplan {

BenchWorker::BenchWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<BenchResult>();
  connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &BenchWorker::onFutureFinished);
}

BenchWorker::~BenchWorker() {
  if (cancel_flag_) cancel_flag_->store(true);
  watcher_.disconnect(this);
  watcher_.waitForFinished();
}

bool BenchWorker::start(const BenchOptions& options, const HardwareCatalog& catalog) {
  if (running_) return false;
  running_ = true;
  cancel_flag_ = std::make_shared<std::atomic<bool>>(false);
  auto flag = cancel_flag_;
  // Steps last milliseconds to seconds, so every step is reported.
  BenchProgress callback = [this, flag](int done, int total, const std::string& label) {
    const QString text = QString::fromStdString(label);
    QMetaObject::invokeMethod(
        this, [this, done, total, text] { emit progress(done, total, text); }, Qt::QueuedConnection);
    return !flag->load();
  };
  watcher_.setFuture(QtConcurrent::run([options, catalog, callback = std::move(callback)] {
    Outcome out;
    auto r = runBenchmark(options, &catalog, callback);
    if (r) {
      out.result = std::move(r).value();
    } else {
      out.error = r.message();
    }
    return out;
  }));
  return true;
}

void BenchWorker::cancel() {
  if (cancel_flag_) cancel_flag_->store(true);
}

void BenchWorker::wait() {
  watcher_.waitForFinished();
}

void BenchWorker::onFutureFinished() {
  running_ = false;
  const Outcome out = watcher_.result();
  if (out.result) {
    emit finished(*out.result);
  } else if (cancel_flag_ && cancel_flag_->load()) {
    emit cancelled(QString::fromStdString(out.error));
  } else {
    emit failed(QString::fromStdString(out.error));
  }
}

}  // namespace scaleplan
