#include "panels/import_fit_panel.hpp"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QVBoxLayout>

#include "controls/adaptive_splitter.hpp"

namespace scaleplan {

ImportFitPanel::ImportFitPanel(Session* session, QWidget* parent)
    : QWidget(parent), import_(new ImportPanel), fit_(new FitPanel(session)) {
  setObjectName("importFitPanel");
  setAcceptDrops(true);
  auto* layout = new QVBoxLayout(this);
  // Import (files, mapping, preview, warnings) and fit (law, options, fitted parameters) side by
  // side when the tab is wide enough for both, one above the other when it is not (a ~700-px tab
  // next to the budget explorer and the result panel): never a horizontal scroll bar.
  splitter_ = new AdaptiveSplitter(this);
  splitter_->setObjectName("importFitSplitter");
  splitter_->addWidget(import_);
  splitter_->addWidget(fit_);
  splitter_->setStretchFactor(0, 1);
  splitter_->setStretchFactor(1, 1);
  // Side by side, the preview gets a little more than the fit (whose table needs ~450 px);
  // stacked, the import with its preview a little more than the fit.
  splitter_->setInitialSizes(Qt::Horizontal, {560, 460});
  splitter_->setInitialSizes(Qt::Vertical, {560, 500});
  // Side by side only with room for a readable fitted-law table next to the preview.
  splitter_->setSideBySideWidth(960);
  layout->addWidget(splitter_);

  fit_->setPointSource([this] { return import_->reducedPoints(); });
  connect(import_, &ImportPanel::workingFilesChanged, this,
          [this] { fit_->suggestName(import_->defaultFitName()); });
  connect(import_, &ImportPanel::runsChanged, this, [this] {
    fit_->setHasRuns(!import_->runs().empty());
    emit runsChanged();
    emit fitPointsChanged();
  });
  connect(import_, &ImportPanel::importFinished, this, &ImportFitPanel::importFinished);
  connect(import_, &ImportPanel::reductionChanged, this, &ImportFitPanel::fitPointsChanged);
  connect(fit_, &FitPanel::dropChanged, this, &ImportFitPanel::fitPointsChanged);
  connect(fit_, &FitPanel::fitProgress, this, &ImportFitPanel::fitProgress);
  connect(fit_, &FitPanel::fitFinished, this, &ImportFitPanel::fitFinished);
  connect(fit_, &FitPanel::fitChanged, this, &ImportFitPanel::fitChanged);
}

// Files dropped on the fit side (or the splitter handle) are imported as well.
void ImportFitPanel::dragEnterEvent(QDragEnterEvent* event) {
  if (ImportPanel::localFiles(event->mimeData()).isEmpty()) {
    event->ignore();
    return;
  }
  event->acceptProposedAction();
}

void ImportFitPanel::dropEvent(QDropEvent* event) {
  const QStringList files = ImportPanel::localFiles(event->mimeData());
  if (files.isEmpty()) return;
  event->acceptProposedAction();
  import_->importFiles(files);
}

}  // namespace scaleplan
