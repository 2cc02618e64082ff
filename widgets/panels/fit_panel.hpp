#pragma once
// The fit half of the "Import & fit" tab: a fit of a scaling law to the imported points, off the
// GUI thread with progress and cancel. A successful fit becomes a law of the session
// (Session::addLaw), selectable everywhere, and can be saved as law JSON (usable as
// `--law file:PATH` on the command line). The points come from a source the owner sets (the
// import panel's reduced runs); this panel only drops the K highest losses.

#include <QWidget>
#include <functional>
#include <optional>
#include <vector>

#include "fit/fit.hpp"
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

class FitParamsModel;
class FitWorker;
class Session;

// A finished fit with the points it was fitted to.
struct FitRecord {
  FitSummary summary;
  std::vector<FitPoint> points;   // the points fitted (in the fitter's order)
  std::vector<FitPoint> dropped;  // left out by "drop the K highest losses"
  std::optional<ScalingLaw> law;  // the fitted law (none for an IsoFLOP analysis)
  QString name;                   // the fit's name: the law id is "fit:<name>"
};

class FitPanel : public QWidget {
  Q_OBJECT

 public:
  explicit FitPanel(Session* session, QWidget* parent = nullptr);
  ~FitPanel() override;

  // Where the points come from (before dropping the K highest losses), and whether there are
  // runs to fit at all (the Fit button's state).
  void setPointSource(std::function<std::vector<FitPoint>()> source);
  void setHasRuns(bool has_runs);
  // The name a fit gets when the user has not typed one (shown unless the user edited the name).
  void suggestName(const QString& name);

  // The points a fit would use now: the source's points minus the K highest losses (those go
  // to *dropped).
  std::vector<FitPoint> fitPoints(std::vector<FitPoint>* dropped = nullptr) const;
  // Starts a fit of the current points with the chosen law and options; false when nothing can
  // be fitted (no points, or a fit is running).
  bool startFit();
  void cancelFit();
  bool isFitting() const;
  FitOptions fitOptions() const;
  const std::optional<FitRecord>& lastFit() const { return last_fit_; }
  // Saves the last fitted law as law JSON. False with *error when there is none or it fails.
  bool saveLawTo(const QString& path, QString* error = nullptr);

  FitParamsModel* paramsModel() const { return params_model_; }
  QComboBox* lawCombo() const { return law_combo_; }
  QComboBox* objectiveCombo() const { return objective_combo_; }
  QSpinBox* bootstrapSpin() const { return bootstrap_spin_; }
  QSpinBox* dropSpin() const { return drop_spin_; }
  QLineEdit* nameEdit() const { return name_edit_; }
  QPushButton* fitButton() const { return fit_button_; }
  QPushButton* cancelButton() const { return cancel_button_; }
  QPushButton* saveLawButton() const { return save_law_button_; }
  QPushButton* useLawButton() const { return use_law_button_; }
  QProgressBar* progressBar() const { return progress_; }
  QLabel* fitStatusLabel() const { return fit_status_; }
  QTextBrowser* fitReport() const { return fit_report_; }

 signals:
  // The drop count changed: fitPoints() differs.
  void dropChanged();
  // Progress of the running fit (units: starts, polishes, resamples; see FitProgress).
  void fitProgress(qint64 done, qint64 total);
  // A fit ended (converged, failed, cancelled...); lastFit() is updated when it has parameters.
  void fitFinished(const scaleplan::FitSummary& summary);
  void fitChanged();

 private:
  void onFitProgress(qint64 done, qint64 total);
  void onFitFinished(const FitSummary& summary);
  void onFitFailed(const QString& message);
  void updateButtons();
  void saveLawDialog();

  Session* session_;
  FitWorker* fit_worker_;
  FitParamsModel* params_model_;
  std::function<std::vector<FitPoint>()> point_source_;
  bool has_runs_ = false;
  QString suggested_name_ = QStringLiteral("my-runs");

  std::optional<FitRecord> last_fit_;
  // The points and name of the fit in flight.
  std::vector<FitPoint> fitting_points_, fitting_dropped_;
  QString fitting_name_;

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
