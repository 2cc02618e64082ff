#include "session/import_worker.hpp"

#include <QtConcurrent/QtConcurrentRun>
#include <chrono>
#include <filesystem>
#include <vector>

namespace scaleplan {

namespace {
constexpr auto kProgressInterval = std::chrono::milliseconds(50);
}  // namespace

ImportWorker::ImportWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<ImportResult>();
  connect(&watcher_, &QFutureWatcher<ImportResult>::finished, this, &ImportWorker::onFutureFinished);
}

ImportWorker::~ImportWorker() {
  if (cancel_flag_) cancel_flag_->store(true);
  watcher_.disconnect(this);
  watcher_.waitForFinished();
}

bool ImportWorker::start(const QStringList& files, ImportOptions options) {
  if (running_) return false;
  running_ = true;
  std::vector<std::filesystem::path> paths;
  paths.reserve(static_cast<size_t>(files.size()));
  for (const QString& f : files) paths.emplace_back(f.toStdString());
  cancel_flag_ = std::make_shared<std::atomic<bool>>(false);
  auto flag = cancel_flag_;
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  ProgressCallback callback = [this, flag, last](std::uint64_t done, std::uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (now - *last >= kProgressInterval) {
      *last = now;
      const auto d = static_cast<qint64>(done), t = static_cast<qint64>(total);
      QMetaObject::invokeMethod(
          this, [this, d, t] { emit progress(d, t); }, Qt::QueuedConnection);
    }
    return !flag->load();
  };
  watcher_.setFuture(
      QtConcurrent::run([paths = std::move(paths), options = std::move(options),
                         callback = std::move(callback)] { return importFiles(paths, options, callback); }));
  return true;
}

void ImportWorker::cancel() {
  if (cancel_flag_) cancel_flag_->store(true);
}

void ImportWorker::wait() {
  watcher_.waitForFinished();
}

void ImportWorker::onFutureFinished() {
  running_ = false;
  const ImportResult result = watcher_.result();
  emit finished(result);
}

}  // namespace scaleplan
