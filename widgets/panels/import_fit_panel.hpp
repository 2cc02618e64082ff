#pragma once
// The "Import & fit" panel: run logs in (open several files or drop them on the panel), a preview
// of the imported points, column mapping, the located warnings; then a fit of a scaling law to
// those points, off the GUI thread with progress and cancel. A successful fit becomes a law of
// the session (Session::addLaw), selectable everywhere, and can be saved as law JSON (usable as
// `--law file:PATH` on the command line).
//
// State: the working file set (what the format and mapping controls describe; re-imported when
// they change) and the runs of the last *successful* import. A failed import shows its error and
// leaves the runs, the preview and the last fit untouched.

#include <QStringList>
#include <QWidget>
#include <optional>
#include <vector>

#include "fit/fit.hpp"
#include "importers/importer.hpp"
#include "laws/scaling_law.hpp"
#include "session/core_metatypes.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;
class QTextBrowser;

namespace scaleplan {

class AdaptiveSplitter;
class FitParamsModel;
class FitWorker;
class ImportIssuesModel;
class ImportPointsModel;
class ImportWorker;
class Session;

// A finished fit with the points it was fitted to.
struct FitRecord {
  FitSummary summary;
  std::vector<FitPoint> points;   // the points fitted (in the fitter's order)
  std::vector<FitPoint> dropped;  // left out by "drop the K highest losses"
  std::optional<ScalingLaw> law;  // the fitted law (none for an IsoFLOP analysis)
  QString name;                   // the fit's name: the law id is "fit:<name>"
};

class ImportFitPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ImportFitPanel(Session* session, QWidget* parent = nullptr);
  ~ImportFitPanel() override;

  // ---- Import.
  // Makes `files` the working set (mapping back to automatic, combos listing the first file's
  // columns) and imports them off the GUI thread; importFinished() follows.
  void importFiles(const QStringList& files);
  // Imports the working set again with the current format, mapping and options.
  void reimport();
  // data/example_runs/example_runs.csv (the shipped example run set).
  void importExampleRuns();
  bool isImporting() const;
  // Options from the controls; nullopt (and the reason in *error) when a field does not parse.
  std::optional<ImportOptions> importOptions(QString* error = nullptr) const;

  const QStringList& workingFiles() const { return working_files_; }
  const QStringList& importedFiles() const { return imported_files_; }
  const std::vector<Run>& runs() const;
  // The points a fit would use now: the runs reduced as chosen (final loss per run or every
  // point), minus the K highest losses (those go to *dropped).
  std::vector<FitPoint> fitPoints(std::vector<FitPoint>* dropped = nullptr) const;
  // The error of the last import ("" after a successful one).
  const QString& importError() const { return import_error_; }

  // ---- Fit.
  // Starts a fit of the current points with the chosen law and options; false when nothing can
  // be fitted (no points, or a fit is running).
  bool startFit();
  void cancelFit();
  bool isFitting() const;
  FitOptions fitOptions() const;
  const std::optional<FitRecord>& lastFit() const { return last_fit_; }
  // Saves the last fitted law as law JSON. False with *error when there is none or it fails.
  bool saveLawTo(const QString& path, QString* error = nullptr);

  // ---- Controls (for tests and the window).
  // Import and fit side by side (wide) or stacked (narrow).
  AdaptiveSplitter* splitter() const { return splitter_; }
  ImportPointsModel* pointsModel() const { return points_model_; }
  ImportIssuesModel* issuesModel() const { return issues_model_; }
  FitParamsModel* paramsModel() const { return params_model_; }
  QComboBox* formatCombo() const { return format_combo_; }
  QComboBox* columnCombo(ColumnRole role) const;
  QComboBox* reductionCombo() const { return reduction_combo_; }
  QComboBox* lawCombo() const { return law_combo_; }
  QComboBox* objectiveCombo() const { return objective_combo_; }
  QSpinBox* bootstrapSpin() const { return bootstrap_spin_; }
  QSpinBox* dropSpin() const { return drop_spin_; }
  QLineEdit* nameEdit() const { return name_edit_; }
  QLineEdit* paramsEdit() const { return params_edit_; }
  QLineEdit* tokensPerStepEdit() const { return tokens_per_step_edit_; }
  QPushButton* fitButton() const { return fit_button_; }
  QPushButton* cancelButton() const { return cancel_button_; }
  QPushButton* saveLawButton() const { return save_law_button_; }
  QPushButton* useLawButton() const { return use_law_button_; }
  QProgressBar* progressBar() const { return progress_; }
  QLabel* errorLabel() const { return error_label_; }
  QLabel* importSummaryLabel() const { return import_summary_; }
  QLabel* fitStatusLabel() const { return fit_status_; }
  QTextBrowser* fitReport() const { return fit_report_; }

 signals:
  // After every import: ok false for a failed or cancelled one (runs unchanged).
  void importFinished(bool ok);
  // The runs changed (a successful import).
  void runsChanged();
  // The reduction or the drop count changed: fitPoints() differs.
  void fitPointsChanged();
  // Progress of the running fit (units: starts, polishes, resamples; see FitProgress).
  void fitProgress(qint64 done, qint64 total);
  // A fit ended (converged, failed, cancelled...); lastFit() is updated when it has parameters.
  void fitFinished(const scaleplan::FitSummary& summary);
  void fitChanged();

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  QWidget* buildImportSide();
  QWidget* buildFitSide();
  void startImport();
  void onImportFinished(const ImportResult& result);
  void onFitProgress(qint64 done, qint64 total);
  void onFitFinished(const FitSummary& summary);
  void onFitFailed(const QString& message);
  void refreshColumnCombos();
  void showImportError(const QString& message);
  void updateButtons();
  void updateErrorStyle();
  void saveLawDialog();
  void openFilesDialog();
  QString defaultFitName() const;

  Session* session_;
  ImportWorker* import_worker_;
  FitWorker* fit_worker_;
  ImportPointsModel* points_model_;
  ImportIssuesModel* issues_model_;
  FitParamsModel* params_model_;

  QStringList working_files_;    // what the controls describe
  QStringList imported_files_;   // what runs() came from
  QStringList requested_files_;  // the import in flight
  bool reimport_pending_ = false;
  QString import_error_;
  QString runs_summary_;  // "35 runs, 350 points" of the runs shown
  QStringList reduction_notes_;
  std::optional<FitRecord> last_fit_;
  // The points and name of the fit in flight.
  std::vector<FitPoint> fitting_points_, fitting_dropped_;
  QString fitting_name_;

  AdaptiveSplitter* splitter_ = nullptr;
  // Import side.
  QLabel* files_label_ = nullptr;
  QComboBox* format_combo_ = nullptr;
  QLineEdit* params_edit_ = nullptr;
  QLineEdit* tokens_per_step_edit_ = nullptr;
  QComboBox* column_combos_[6] = {};
  QComboBox* reduction_combo_ = nullptr;
  QLabel* import_summary_ = nullptr;
  QTableView* points_view_ = nullptr;
  QLabel* error_label_ = nullptr;
  QTableView* issues_view_ = nullptr;
  QProgressBar* import_progress_ = nullptr;
  // Fit side.
  QComboBox* law_combo_ = nullptr;
  QComboBox* objective_combo_ = nullptr;
  QSpinBox* bootstrap_spin_ = nullptr;
  QSpinBox* drop_spin_ = nullptr;
  QLineEdit* name_edit_ = nullptr;
  QPushButton* fit_button_ = nullptr;
  QPushButton* cancel_button_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* fit_status_ = nullptr;
  QTableView* params_view_ = nullptr;
  QTextBrowser* fit_report_ = nullptr;
  QPushButton* save_law_button_ = nullptr;
  QPushButton* use_law_button_ = nullptr;
  bool name_edited_ = false;
};

}  // namespace scaleplan
