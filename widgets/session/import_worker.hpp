#pragma once
// Imports run logs (core/importers) off the GUI thread, so that a million-row CSV does not
// freeze the window. Same shape as FitWorker: start() returns at once; progress(done, total) in
// bytes, then finished(result) on the GUI thread (a failed or cancelled import is a result too,
// with its termination and located error).

#include <QFutureWatcher>
#include <QObject>
#include <QStringList>
#include <atomic>
#include <memory>

#include "importers/importer.hpp"
#include "session/core_metatypes.hpp"

namespace scaleplan {

class ImportWorker : public QObject {
  Q_OBJECT

 public:
  explicit ImportWorker(QObject* parent = nullptr);
  ~ImportWorker() override;

  // False (nothing emitted) when an import is already running.
  bool start(const QStringList& files, ImportOptions options);
  void cancel();
  bool isRunning() const { return running_; }
  void wait();

 signals:
  void progress(qint64 bytes_done, qint64 bytes_total);
  void finished(const scaleplan::ImportResult& result);

 private:
  void onFutureFinished();

  QFutureWatcher<ImportResult> watcher_;
  std::shared_ptr<std::atomic<bool>> cancel_flag_;
  bool running_ = false;
};

}  // namespace scaleplan

