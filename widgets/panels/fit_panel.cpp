#include "panels/fit_panel.hpp"

#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "controls/eliding_combo.hpp"
#include "controls/table_view.hpp"
#include "controls/text_format.hpp"
#include "models/fit_params_model.hpp"
#include "session/fit_worker.hpp"
#include "session/session.hpp"

namespace scaleplan {

namespace {

QString lawLabel(FitLaw law) {
  switch (law) {
    case FitLaw::Chinchilla: return QObject::tr("Chinchilla  L = E + A/N^α + B/D^β");
    case FitLaw::Kaplan: return QObject::tr("Kaplan  L = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D");
    case FitLaw::PowerParams: return QObject::tr("Power law in N  L = E + A·N^−α");
    case FitLaw::PowerTokens: return QObject::tr("Power law in D  L = E + A·D^−α");
    case FitLaw::PowerFlops: return QObject::tr("Power law in C  L = E + A·C^−α");
    case FitLaw::IsoFlop: return QObject::tr("IsoFLOP analysis (parabola per budget)");
  }
  return {};
}

// Points of `all` that are not in `kept` (kept is an order-preserving subsequence of all).
std::vector<FitPoint> complement(const std::vector<FitPoint>& all, const std::vector<FitPoint>& kept) {
  std::vector<FitPoint> out;
  size_t j = 0;
  for (const FitPoint& p : all) {
    if (j < kept.size() && kept[j].params == p.params && kept[j].tokens == p.tokens &&
        kept[j].loss == p.loss && kept[j].run == p.run) {
      ++j;
    } else {
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace

FitPanel::FitPanel(Session* session, QWidget* parent)
    : QWidget(parent),
      session_(session),
      fit_worker_(new FitWorker(this)),
      params_model_(new FitParamsModel(this)) {
  setObjectName("fitPanel");
  QWidget* side = this;
  auto* layout = new QVBoxLayout(side);
  layout->setContentsMargins(4, 0, 0, 0);

  auto* fit_box = new QGroupBox(tr("Fit a scaling law"), side);
  auto* form = new QFormLayout(fit_box);
  // A narrow column puts each field under its label rather than widening the panel.
  form->setRowWrapPolicy(QFormLayout::WrapLongRows);
  law_combo_ = new ElidingComboBox(fit_box, 24);
  for (FitLaw law : {FitLaw::Chinchilla, FitLaw::Kaplan, FitLaw::PowerParams, FitLaw::PowerTokens,
                     FitLaw::PowerFlops, FitLaw::IsoFlop}) {
    law_combo_->addItem(lawLabel(law), qs(toString(law)));
  }
  law_combo_->setToolTip(
      tr("Chinchilla: Hoffmann et al. 2022's approach 3 (4,500-start grid, Huber δ = 1e-3).\n"
         "IsoFLOP: their approach 2; gives an allocation rule, not a loss law."));
  form->addRow(tr("Law:"), law_combo_);
  objective_combo_ = new ElidingComboBox(fit_box, 24);
  objective_combo_->addItem(tr("Huber loss, summed (Hoffmann et al.)"), qs(toString(FitObjective::Huber)));
  objective_combo_->addItem(tr("Huber likelihood with free scale (Besiroglu et al.)"),
                            qs(toString(FitObjective::HuberLikelihood)));
  form->addRow(tr("Objective:"), objective_combo_);
  bootstrap_spin_ = new QSpinBox(fit_box);
  bootstrap_spin_->setRange(0, 10000);
  bootstrap_spin_->setSingleStep(100);
  bootstrap_spin_->setValue(100);
  bootstrap_spin_->setSpecialValueText(tr("none (covariance estimate)"));
  bootstrap_spin_->setToolTip(
      tr("Bootstrap resamples over points: standard errors, 95% intervals and the "
         "uncertainty band of the fit view"));
  form->addRow(tr("Bootstrap resamples:"), bootstrap_spin_);
  drop_spin_ = new QSpinBox(fit_box);
  drop_spin_->setRange(0, 100000);
  drop_spin_->setToolTip(
      tr("Leave out the K points with the highest loss (the Chinchilla replication drops 5 "
         "of the paper's points)"));
  form->addRow(tr("Drop highest-loss K:"), drop_spin_);
  connect(drop_spin_, &QSpinBox::valueChanged, this, [this] {
    emit dropChanged();
    updateButtons();
  });
  name_edit_ = new QLineEdit(fit_box);
  name_edit_->setPlaceholderText(tr("my-runs"));
  name_edit_->setToolTip(tr("The fitted law's id is fit:<name>"));
  connect(name_edit_, &QLineEdit::textEdited, this, [this] { name_edited_ = true; });
  form->addRow(tr("Name:"), name_edit_);

  auto* buttons = new QHBoxLayout;
  fit_button_ = new QPushButton(tr("Fit"), fit_box);
  fit_button_->setDefault(true);
  cancel_button_ = new QPushButton(tr("Cancel"), fit_box);
  connect(fit_button_, &QPushButton::clicked, this, [this] { startFit(); });
  connect(cancel_button_, &QPushButton::clicked, this, &FitPanel::cancelFit);
  buttons->addWidget(fit_button_);
  buttons->addWidget(cancel_button_);
  progress_ = new QProgressBar(fit_box);
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setFormat(tr("%p%"));
  buttons->addWidget(progress_, 1);
  form->addRow(buttons);
  fit_status_ = new QLabel(tr("Import runs, then fit."), fit_box);
  fit_status_->setWordWrap(true);
  form->addRow(fit_status_);
  layout->addWidget(fit_box);

  auto* result_box = new QGroupBox(tr("Fitted law"), side);
  auto* result_layout = new QVBoxLayout(result_box);
  params_view_ = makeReadOnlyTable(params_model_, result_box);
  params_view_->verticalHeader()->setVisible(false);
  // The numbers are what matter: value, standard error and interval always show in full, and
  // the names (long for the derived rows: "a = β/(α+β) (N_opt ∝ C^a)") take the width left and
  // elide, in full in their tooltips.
  params_view_->horizontalHeader()->setMinimumSectionSize(40);
  params_view_->horizontalHeader()->setSectionResizeMode(FitParamsModel::NameColumn, QHeaderView::Stretch);
  for (int c : {int(FitParamsModel::ValueColumn), int(FitParamsModel::StderrColumn),
                int(FitParamsModel::IntervalColumn)}) {
    params_view_->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
  }
  params_view_->setMinimumHeight(params_view_->verticalHeader()->defaultSectionSize() * 6);
  result_layout->addWidget(params_view_, 3);
  // The report scrolls: an IsoFLOP analysis can list dozens of skipped budgets.
  fit_report_ = new QTextBrowser(result_box);
  fit_report_->setObjectName("fitReport");
  fit_report_->setOpenLinks(false);
  fit_report_->setFrameShape(QFrame::NoFrame);
  fit_report_->viewport()->setAutoFillBackground(false);
  result_layout->addWidget(fit_report_, 2);
  auto* law_buttons = new QHBoxLayout;
  save_law_button_ = new QPushButton(tr("Save law…"), result_box);
  save_law_button_->setToolTip(tr("Law JSON with its data range and uncertainty; usable as --law file:PATH"));
  connect(save_law_button_, &QPushButton::clicked, this, &FitPanel::saveLawDialog);
  use_law_button_ = new QPushButton(tr("Plan with this law"), result_box);
  use_law_button_->setToolTip(tr("Make the fitted law the planning law of the budget explorer"));
  connect(use_law_button_, &QPushButton::clicked, this, [this] {
    if (last_fit_ && last_fit_->law) session_->setLaw(last_fit_->law->id());
  });
  law_buttons->addWidget(save_law_button_);
  law_buttons->addWidget(use_law_button_);
  law_buttons->addStretch(1);
  result_layout->addLayout(law_buttons);
  layout->addWidget(result_box, 1);

  connect(fit_worker_, &FitWorker::progress, this, &FitPanel::onFitProgress);
  connect(fit_worker_, &FitWorker::finished, this, &FitPanel::onFitFinished);
  connect(fit_worker_, &FitWorker::failed, this, &FitPanel::onFitFailed);
  updateButtons();
}

FitPanel::~FitPanel() {
  // The worker's destructor cancels and waits; disconnect first so that no slot of this
  // half-destroyed panel runs.
  fit_worker_->disconnect(this);
}

void FitPanel::setPointSource(std::function<std::vector<FitPoint>()> source) {
  point_source_ = std::move(source);
}

void FitPanel::setHasRuns(bool has_runs) {
  has_runs_ = has_runs;
  updateButtons();
}

void FitPanel::suggestName(const QString& name) {
  suggested_name_ = name;
  if (!name_edited_) name_edit_->setText(name);
}

bool FitPanel::isFitting() const {
  return fit_worker_->isRunning();
}

std::vector<FitPoint> FitPanel::fitPoints(std::vector<FitPoint>* dropped) const {
  std::vector<FitPoint> all = point_source_ ? point_source_() : std::vector<FitPoint>{};
  std::vector<FitPoint> kept = dropHighestLoss(all, drop_spin_->value());
  if (dropped) *dropped = complement(all, kept);
  return kept;
}

FitOptions FitPanel::fitOptions() const {
  FitOptions options;
  options.law =
      fitLawFromString(law_combo_->currentData().toString().toStdString()).value_or(FitLaw::Chinchilla);
  options.objective = fitObjectiveFromString(objective_combo_->currentData().toString().toStdString())
                          .value_or(FitObjective::Huber);
  options.bootstrap_resamples = bootstrap_spin_->value();
  // Derived quantities at the session's budget, so that the table shows N_opt and D_opt there.
  if (const auto& result = session_->currentResult()) options.budget_flops = result->flops.value;
  return options;
}

bool FitPanel::startFit() {
  if (fit_worker_->isRunning()) return false;
  std::vector<FitPoint> dropped;
  std::vector<FitPoint> points = fitPoints(&dropped);
  if (points.empty()) {
    fit_status_->setText(tr("Nothing to fit: import runs first."));
    return false;
  }
  fitting_points_ = points;
  fitting_dropped_ = std::move(dropped);
  fitting_name_ = name_edit_->text().trimmed();
  if (fitting_name_.isEmpty()) fitting_name_ = suggested_name_;
  const FitOptions options = fitOptions();
  progress_->setRange(0, 0);  // busy until the first progress report gives the total
  fit_status_->setText(tr("Fitting %1 to %2…")
                           .arg(qs(toString(options.law)),
                                countNoun(static_cast<long long>(points.size()), tr("point"), tr("points"))));
  fit_worker_->start(std::move(points), options);
  updateButtons();
  return true;
}

void FitPanel::cancelFit() {
  if (!fit_worker_->isRunning()) return;
  fit_worker_->cancel();
  fit_status_->setText(tr("Cancelling…"));
}

void FitPanel::onFitProgress(qint64 done, qint64 total) {
  if (total <= 0) return;
  emit fitProgress(done, total);
  // Scaled to int: totals are starts + resamples, well within range, but keep it general.
  progress_->setRange(0, 1000);
  progress_->setValue(static_cast<int>(1000.0 * static_cast<double>(done) / static_cast<double>(total)));
}

void FitPanel::onFitFailed(const QString& message) {
  progress_->setRange(0, 1);
  progress_->setValue(0);
  fit_status_->setText(tr("Fit not started: %1").arg(message));
  updateButtons();
}

void FitPanel::onFitFinished(const FitSummary& summary) {
  progress_->setRange(0, 1);
  progress_->setValue(summary.hasParameters() ? 1 : 0);
  if (summary.termination == FitTermination::Cancelled) {
    fit_status_->setText(
        tr("Fit cancelled after %1 s; the previous fit is kept.").arg(summary.seconds, 0, 'f', 2));
    updateButtons();
    emit fitFinished(summary);
    return;
  }
  if (!summary.hasParameters()) {
    fit_status_->setText(
        tr("Fit failed (%1): %2").arg(qs(toString(summary.termination)), qs(summary.message)));
    updateButtons();
    emit fitFinished(summary);
    return;
  }
  FitRecord record;
  record.summary = summary;
  record.points = std::move(fitting_points_);
  record.dropped = std::move(fitting_dropped_);
  record.name = fitting_name_;
  QString law_note;
  if (summary.law != FitLaw::IsoFlop) {
    auto law = toScalingLaw(summary, fitting_name_.toStdString());
    if (law) {
      record.law = *law;
      session_->addLaw(*law);
      law_note = tr("Added as law '%1' (%2): choose it in the budget explorer or the plots.")
                     .arg(qs(law->id()), qs(law->displayName()));
    } else {
      law_note = tr("Not added as a law: %1").arg(qs(law.message()));
    }
  } else {
    law_note =
        tr("An IsoFLOP analysis gives an allocation rule N_opt = k_n·C^a, not a loss law; it is shown in "
           "the fit view but not added to the laws.");
  }
  last_fit_ = std::move(record);
  params_model_->setSummary(summary);

  QStringList lines;
  lines << tr("<b>%1</b> — %2, %3")
               .arg(qs(toString(summary.termination)), qs(toString(summary.objective)),
                    countNoun(static_cast<long long>(summary.points), tr("point"), tr("points")));
  lines << law_note.toHtmlEscaped();  // what happened to the law first; details and warnings follow
  if (summary.starts > 0) {
    lines << tr("%1 starts, best #%2; objective %3; %4 s")
                 .arg(summary.starts)
                 .arg(summary.best_start_index)
                 .arg(formatFitNumber(summary.objective_value))
                 .arg(summary.seconds, 0, 'f', 2);
  } else {
    lines << tr("%1 s").arg(summary.seconds, 0, 'f', 2);
  }
  if (summary.diagnostics.rmse_log_loss > 0) {
    lines << tr("RMSE of ln loss %1 (max |residual| %2)")
                 .arg(formatFitNumber(summary.diagnostics.rmse_log_loss),
                      formatFitNumber(summary.diagnostics.max_abs_log_residual));
  }
  if (const auto& h = summary.diagnostics.holdout) {
    lines << tr("Hold-out (largest %1 left out): RMSE of ln loss %2")
                 .arg(countNoun(static_cast<long long>(h->held_out_sizes.size()), tr("size"), tr("sizes")),
                      formatFitNumber(h->rmse_log_loss));
  }
  if (!params_model_->method().isEmpty()) lines << tr("Uncertainty: %1").arg(params_model_->method());
  if (!record.dropped.empty() || drop_spin_->value() > 0) {
    lines << tr("%1 left out (highest loss)")
                 .arg(
                     countNoun(static_cast<long long>(last_fit_->dropped.size()), tr("point"), tr("points")));
  }
  for (const std::string& w : summary.warnings) lines << tr("⚠ %1").arg(qs(w).toHtmlEscaped());
  fit_report_->setHtml(lines.join("<br>"));
  fit_status_->setText(
      tr("Fit %1 in %2 s.").arg(qs(toString(summary.termination))).arg(summary.seconds, 0, 'f', 2));
  updateButtons();
  emit fitChanged();
  emit fitFinished(summary);
}

bool FitPanel::saveLawTo(const QString& path, QString* error) {
  if (!last_fit_ || !last_fit_->law) {
    if (error) *error = tr("There is no fitted law to save.");
    return false;
  }
  const Status status = saveLaw(*last_fit_->law, path.toStdString());
  if (!status) {
    if (error) *error = qs(status.message());
    return false;
  }
  return true;
}

void FitPanel::saveLawDialog() {
  if (!last_fit_ || !last_fit_->law) return;
  const QString path = QFileDialog::getSaveFileName(this, tr("Save fitted law"),
                                                    last_fit_->name + ".law.json", tr("Law JSON (*.json)"));
  if (path.isEmpty()) return;
  QString error;
  if (saveLawTo(path, &error)) {
    fit_status_->setText(tr("Saved to %1 (use it with --law file:%1).").arg(path));
  } else {
    fit_status_->setText(tr("Could not save the law: %1").arg(error));
  }
}

void FitPanel::updateButtons() {
  const bool fitting = fit_worker_->isRunning();
  fit_button_->setEnabled(!fitting && has_runs_);
  cancel_button_->setEnabled(fitting);
  const bool has_law = last_fit_ && last_fit_->law;
  save_law_button_->setEnabled(has_law && !fitting);
  use_law_button_->setEnabled(has_law);
}

}  // namespace scaleplan
