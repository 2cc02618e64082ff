// The main window's files: the plan's open / save / recent-files cycle (with the unsaved-changes
// prompt), dropping a plan file on the window, and exporting the current plot or the plan report.
#include <QAction>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QUrl>
#include <qcustomplot.h>

#include "base/file_io.hpp"
#include "controls/text_format.hpp"
#include "panels/main_window.hpp"
#include "plots/plot_export.hpp"
#include "plots/plot_view.hpp"
#include "session/session.hpp"

namespace scaleplan {

namespace {

constexpr int kMaxRecentFiles = 8;

}  // namespace

void MainWindow::updateRecentMenu() {
  recent_menu_->clear();
  for (const QString& path : recent_files_) {
    QAction* a = recent_menu_->addAction(QFileInfo(path).fileName());
    a->setToolTip(path);
    a->setStatusTip(path);
    connect(a, &QAction::triggered, this, [this, path] {
      if (maybeSave()) openFile(path);
    });
  }
  if (!recent_files_.isEmpty()) {
    recent_menu_->addSeparator();
    recent_menu_->addAction(tr("Clear list"), this, [this] {
      recent_files_.clear();
      updateRecentMenu();
    });
  }
  recent_menu_->setEnabled(!recent_files_.isEmpty());
}

void MainWindow::addRecentFile(const QString& path) {
  const QString abs = QFileInfo(path).absoluteFilePath();
  recent_files_.removeAll(abs);
  recent_files_.prepend(abs);
  while (recent_files_.size() > kMaxRecentFiles) recent_files_.removeLast();
  updateRecentMenu();
  QSettings s(settingsPath(), QSettings::IniFormat);
  s.setValue("files/recent", recent_files_);
}

bool MainWindow::maybeSave() {
  if (!session_->isModified()) return true;
  const auto answer = QMessageBox::warning(this, tr("ScalePlan"),
                                           tr("The plan has been modified.\nDo you want to save your changes?"),
                                           QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                           QMessageBox::Save);
  if (answer == QMessageBox::Save) return save();
  return answer == QMessageBox::Discard;
}

void MainWindow::newPlan() {
  if (!maybeSave()) return;
  session_->newPlan();
}

void MainWindow::openDialog() {
  if (!maybeSave()) return;
  const QString dir = session_->filePath().isEmpty() ? QDir::homePath() : QFileInfo(session_->filePath()).path();
  const QString path = QFileDialog::getOpenFileName(this, tr("Open plan"), dir,
                                                    tr("ScalePlan plans (*.json);;All files (*)"));
  if (!path.isEmpty()) openFile(path);
}

bool MainWindow::openFile(const QString& path, bool interactive, QString* error) {
  const Status s = session_->openPlan(path);
  if (!s) {
    const QString message = QString::fromStdString(s.message());
    if (error) *error = message;
    statusBar()->showMessage(tr("Could not open %1").arg(path), 10000);
    if (interactive) {
      QMessageBox::critical(this, tr("Cannot open plan"),
                            tr("The plan could not be opened; nothing was changed.\n\n%1").arg(message));
    }
    return false;
  }
  addRecentFile(path);
  statusBar()->showMessage(tr("Opened %1").arg(path), 5000);
  return true;
}

bool MainWindow::save() {
  if (session_->filePath().isEmpty()) return saveAsDialog();
  return saveTo(session_->filePath());
}

bool MainWindow::saveAsDialog() {
  const QString start = session_->filePath().isEmpty() ? QDir::home().filePath("plan.json") : session_->filePath();
  QString path = QFileDialog::getSaveFileName(this, tr("Save plan"), start, tr("ScalePlan plans (*.json)"));
  if (path.isEmpty()) return false;
  if (QFileInfo(path).suffix().isEmpty()) path += ".json";
  return saveTo(path);
}

bool MainWindow::saveTo(const QString& path, bool interactive, QString* error) {
  const Status s = session_->savePlan(path);
  if (!s) {
    const QString message = QString::fromStdString(s.message());
    if (error) *error = message;
    if (interactive) QMessageBox::critical(this, tr("Cannot save plan"), message);
    return false;
  }
  addRecentFile(path);
  statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
  return true;
}

bool MainWindow::exportCurrentPlot(const QString& path, QString* error) {
  QCustomPlot* plot = currentPlot();
  if (!plot) {
    if (error) *error = tr("the current tab has no plot");
    return false;
  }
  if (auto* view = qobject_cast<PlotView*>(tabs_->currentWidget())) view->refreshNow();
  const double scale = QFileInfo(path).suffix().compare("png", Qt::CaseInsensitive) == 0 ? 2.0 : 1.0;
  return exportPlot(plot, path, error, plot->width(), plot->height(), scale);
}

void MainWindow::exportPlotDialog() {
  if (!currentPlot()) {
    QMessageBox::information(this, tr("Export plot"), tr("The current tab has no plot to export."));
    return;
  }
  QString filter;
  const QString base = text::fileNameSlug(tabs_->tabText(tabs_->currentIndex()));
  QString path = QFileDialog::getSaveFileName(
      this, tr("Export plot"), QDir::home().filePath(base + ".png"),
      tr("PNG image (*.png);;SVG vector image (*.svg);;PDF document (*.pdf)"), &filter);
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().isEmpty()) {
    path += filter.contains("svg") ? ".svg" : filter.contains("pdf") ? ".pdf" : ".png";
  }
  QString error;
  if (!exportCurrentPlot(path, &error)) {
    QMessageBox::critical(this, tr("Export plot"), error);
  } else {
    statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
  }
}

bool MainWindow::exportReport(const QString& path, QString* error) {
  const Status s = writeFileAtomically(path.toStdString(), session_->reportMarkdown().toStdString());
  if (!s && error) *error = QString::fromStdString(s.message());
  return s.isOk();
}

void MainWindow::exportReportDialog() {
  QString base = session_->filePath().isEmpty() ? QDir::home().filePath("plan.md")
                                                : QFileInfo(session_->filePath()).path() + "/" +
                                                      QFileInfo(session_->filePath()).completeBaseName() + ".md";
  QString path = QFileDialog::getSaveFileName(this, tr("Export plan report"), base, tr("Markdown (*.md)"));
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().isEmpty()) path += ".md";
  QString error;
  if (!exportReport(path, &error)) {
    QMessageBox::critical(this, tr("Export report"), error);
  } else {
    statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
  }
}

namespace {

// The plan file of a drag: exactly one local *.json file, or "".
QString draggedPlanFile(const QMimeData* mime) {
  if (!mime || !mime->hasUrls()) return {};
  const QList<QUrl> urls = mime->urls();
  if (urls.size() != 1 || !urls.front().isLocalFile()) return {};
  const QString path = urls.front().toLocalFile();
  return QFileInfo(path).suffix().compare("json", Qt::CaseInsensitive) == 0 ? path : QString();
}

}  // namespace

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  // Drops on the Import & fit panel are run logs (that panel takes them first); anywhere else a
  // single *.json file is a plan.
  if (!draggedPlanFile(event->mimeData()).isEmpty()) {
    event->acceptProposedAction();
  } else {
    event->ignore();
  }
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QString path = draggedPlanFile(event->mimeData());
  if (path.isEmpty()) {
    event->ignore();
    return;
  }
  event->acceptProposedAction();
  // After the drop has returned: the unsaved-changes prompt and an error box are modal, and a
  // modal loop inside the drop handler would keep the drag source waiting.
  QTimer::singleShot(0, this, [this, path] {
    if (maybeSave()) openFile(path);
  });
}

}  // namespace scaleplan
