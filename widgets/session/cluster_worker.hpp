#pragma once
// Runs the layout search (core/cluster searchLayouts) off the GUI thread.
//
// start() hands a copy of the request to a pool thread (QtConcurrent) and returns at once. A
// start() while a search runs replaces any waiting request; when the running search ends, its
// result is dropped and the latest request runs, so the table always ends on the inputs last
// given (a search takes well under a second; the core has no cancellation point). Each search that
// is not superseded ends in exactly one finished(outcome) on the GUI thread. Destroying the worker
// waits for the running search.

#include <QFutureWatcher>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <optional>

#include "cluster/layout_search.hpp"

namespace scaleplan {

struct ClusterSearchRequest {
  TrainingJob job;
  ClusterSystem system;
  GemmRates rates;
  LayoutSearchOptions options;
  ExecutionOptions execution;
};

struct ClusterSearchOutcome {
  std::optional<ClusterSearchRequest> request;  // what was searched
  std::optional<LayoutSearchResult> result;     // set on success
  QString error;                                // the core's message otherwise
};

class ClusterWorker : public QObject {
  Q_OBJECT

 public:
  explicit ClusterWorker(QObject* parent = nullptr);
  ~ClusterWorker() override;

  void start(ClusterSearchRequest request);
  bool isRunning() const { return running_; }
  // Blocks until no search runs or waits (tests); the last finished() has been emitted on return.
  void waitForIdle();

 signals:
  void finished(const scaleplan::ClusterSearchOutcome& outcome);

 private:
  void launch(ClusterSearchRequest request);
  void onFutureFinished();

  QFutureWatcher<ClusterSearchOutcome> watcher_;
  std::optional<ClusterSearchRequest> pending_;
  bool running_ = false;
};

}  // namespace scaleplan

Q_DECLARE_METATYPE(scaleplan::ClusterSearchOutcome)
