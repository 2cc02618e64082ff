#include "session/cluster_worker.hpp"

#include <QCoreApplication>
#include <QtConcurrent/QtConcurrentRun>

namespace scaleplan {

ClusterWorker::ClusterWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<ClusterSearchOutcome>();
  connect(&watcher_, &QFutureWatcher<ClusterSearchOutcome>::finished, this, &ClusterWorker::onFutureFinished);
}

ClusterWorker::~ClusterWorker() {
  watcher_.disconnect(this);
  watcher_.waitForFinished();
}

void ClusterWorker::start(ClusterSearchRequest request) {
  if (running_) {
    pending_ = std::move(request);
    return;
  }
  launch(std::move(request));
}

void ClusterWorker::launch(ClusterSearchRequest request) {
  running_ = true;
  watcher_.setFuture(QtConcurrent::run([request = std::move(request)] {
    ClusterSearchOutcome out;
    auto r = searchLayouts(request.job, request.system, request.rates, request.options, request.execution);
    if (r) out.result = std::move(r).value();
    else out.error = QString::fromStdString(r.message());
    out.request = request;
    return out;
  }));
}

void ClusterWorker::onFutureFinished() {
  running_ = false;
  if (pending_) {  // superseded: run the latest inputs, drop this result
    ClusterSearchRequest next = std::move(*pending_);
    pending_.reset();
    launch(std::move(next));
    return;
  }
  const ClusterSearchOutcome outcome = watcher_.result();
  emit finished(outcome);
}

void ClusterWorker::waitForIdle() {
  while (running_) {
    watcher_.waitForFinished();
    // The watcher's finished() is delivered through the event loop.
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
  }
}

}  // namespace scaleplan
