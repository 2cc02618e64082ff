#pragma once
// The import half of the "Import & fit" tab: run logs in (open several files or drop them on the
// tab), a preview of the imported points, column mapping and the located warnings.
//
// State: the working file set (what the format and mapping controls describe; re-imported when
// they change) and the runs of the last *successful* import. A failed import shows its error and
// leaves the runs and the preview untouched.

#include <QStringList>
#include <QWidget>
#include <optional>
#include <vector>

#include "importers/importer.hpp"
#include "session/core_metatypes.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QMimeData;
class QProgressBar;
class QTableView;

namespace scaleplan {

class ImportIssuesModel;
class ImportPointsModel;
class ImportWorker;

class ImportPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ImportPanel(QWidget* parent = nullptr);
  ~ImportPanel() override;

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
  // The runs reduced as chosen (final loss per run or every point).
  std::vector<FitPoint> reducedPoints() const;
  // The error of the last import ("" after a successful one).
  const QString& importError() const { return import_error_; }
  // A name for a fit of the working files: the first file's stem ("my-runs" without files).
  QString defaultFitName() const;
  // The local files of a drag (empty when any URL is not a local file); the tab that holds this
  // panel imports files dropped anywhere on it.
  static QStringList localFiles(const QMimeData* mime);

  ImportPointsModel* pointsModel() const { return points_model_; }
  ImportIssuesModel* issuesModel() const { return issues_model_; }
  QComboBox* formatCombo() const { return format_combo_; }
  QComboBox* columnCombo(ColumnRole role) const;
  QComboBox* reductionCombo() const { return reduction_combo_; }
  QLineEdit* paramsEdit() const { return params_edit_; }
  QLineEdit* tokensPerStepEdit() const { return tokens_per_step_edit_; }
  QLabel* errorLabel() const { return error_label_; }
  // Shown beside a failed import's error when one value would cure it (ImportIssue::
  // missing_option): a field for exactly that value; finishing the edit imports again with it.
  QWidget* missingValueRow() const { return missing_row_; }
  QLabel* missingValueLabel() const { return missing_label_; }
  QLineEdit* missingValueEdit() const { return missing_edit_; }
  // "params", "tokens-per-step", or "" when no value is asked for.
  const QString& missingOption() const { return missing_option_; }
  QLabel* importSummaryLabel() const { return import_summary_; }

 signals:
  // After every import: ok false for a failed or cancelled one (runs unchanged).
  void importFinished(bool ok);
  // The runs changed (a successful import).
  void runsChanged();
  // The reduction changed: reducedPoints() differs.
  void reductionChanged();
  // importFiles() chose a new working set.
  void workingFilesChanged();

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void startImport();
  void onImportFinished(const ImportResult& result);
  void refreshColumnCombos();
  void showImportError(const QString& message);
  // Shows the field for `option` ("params", "tokens-per-step") or hides it ("").
  void askForMissingValue(const QString& option);
  void applyMissingValue();
  void updateErrorStyle();
  void openFilesDialog();

  ImportWorker* import_worker_;
  ImportPointsModel* points_model_;
  ImportIssuesModel* issues_model_;

  QStringList working_files_;    // what the controls describe
  QStringList imported_files_;   // what runs() came from
  QStringList requested_files_;  // the import in flight
  bool reimport_pending_ = false;
  QString import_error_;
  QString runs_summary_;  // "35 runs, 350 points" of the runs shown

  QLabel* files_label_ = nullptr;
  QComboBox* format_combo_ = nullptr;
  QLineEdit* params_edit_ = nullptr;
  QLineEdit* tokens_per_step_edit_ = nullptr;
  QComboBox* column_combos_[6] = {};
  QComboBox* reduction_combo_ = nullptr;
  QLabel* import_summary_ = nullptr;
  QTableView* points_view_ = nullptr;
  QLabel* error_label_ = nullptr;
  QWidget* missing_row_ = nullptr;
  QLabel* missing_label_ = nullptr;
  QLineEdit* missing_edit_ = nullptr;
  QString missing_option_;
  QTableView* issues_view_ = nullptr;
  QProgressBar* import_progress_ = nullptr;
};

}  // namespace scaleplan
