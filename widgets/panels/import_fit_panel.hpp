#pragma once
// The "Import & fit" tab: the import panel (run logs in, preview, mapping, warnings) and the fit
// panel (a scaling law fitted to the imported points) side by side when the tab is wide enough,
// stacked when it is not. It wires the two (the fit's points are the import's reduced runs; new
// files suggest the fit's name), accepts files dropped anywhere on the tab, and forwards what the
// window and the fit view use.

#include <QWidget>
#include <optional>
#include <vector>

#include "panels/fit_panel.hpp"
#include "panels/import_panel.hpp"

namespace scaleplan {

class AdaptiveSplitter;
class Session;

class ImportFitPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ImportFitPanel(Session* session, QWidget* parent = nullptr);

  ImportPanel* importPanel() const { return import_; }
  FitPanel* fitPanel() const { return fit_; }
  // Import and fit side by side (wide) or stacked (narrow).
  AdaptiveSplitter* splitter() const { return splitter_; }

  void importFiles(const QStringList& files) { import_->importFiles(files); }
  void importExampleRuns() { import_->importExampleRuns(); }
  const std::vector<Run>& runs() const { return import_->runs(); }
  const QString& importError() const { return import_->importError(); }
  // The points a fit would use now (see FitPanel::fitPoints).
  std::vector<FitPoint> fitPoints(std::vector<FitPoint>* dropped = nullptr) const {
    return fit_->fitPoints(dropped);
  }
  bool startFit() { return fit_->startFit(); }
  const std::optional<FitRecord>& lastFit() const { return fit_->lastFit(); }
  QComboBox* lawCombo() const { return fit_->lawCombo(); }
  QSpinBox* bootstrapSpin() const { return fit_->bootstrapSpin(); }

 signals:
  // Forwarded from the two panels (see ImportPanel and FitPanel).
  void importFinished(bool ok);
  void runsChanged();
  // The runs, their reduction or the drop count changed: fitPoints() differs.
  void fitPointsChanged();
  void fitProgress(qint64 done, qint64 total);
  void fitFinished(const scaleplan::FitSummary& summary);
  void fitChanged();

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  ImportPanel* import_;
  FitPanel* fit_;
  AdaptiveSplitter* splitter_;
};

}  // namespace scaleplan
