#include "panels/import_fit_panel.hpp"

#include <QApplication>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>
#include <algorithm>

#include "controls/adaptive_splitter.hpp"
#include "base/file_io.hpp"
#include "controls/eliding_combo.hpp"
#include "models/fit_params_model.hpp"
#include "session/fit_worker.hpp"
#include "models/import_model.hpp"
#include "session/import_worker.hpp"
#include "session/session.hpp"
#include "controls/text_format.hpp"

namespace scaleplan {

namespace {


QString formatLabel(ImportFormat f) {
  switch (f) {
    case ImportFormat::Auto: return QObject::tr("Detect from the file");
    case ImportFormat::Csv: return QObject::tr("CSV / TSV with a header");
    case ImportFormat::Jsonl: return QObject::tr("JSON Lines");
    case ImportFormat::HfTrainer: return QObject::tr("Hugging Face trainer_state.json");
    case ImportFormat::Wandb: return QObject::tr("Weights & Biases CSV export");
    case ImportFormat::TensorBoard: return QObject::tr("TensorBoard scalar CSV");
  }
  return {};
}

QString roleLabel(ColumnRole r) {
  switch (r) {
    case ColumnRole::Params: return QObject::tr("Parameters N:");
    case ColumnRole::Tokens: return QObject::tr("Tokens D:");
    case ColumnRole::Flops: return QObject::tr("FLOPs C:");
    case ColumnRole::Loss: return QObject::tr("Loss:");
    case ColumnRole::Step: return QObject::tr("Step:");
    case ColumnRole::Run: return QObject::tr("Run:");
  }
  return {};
}

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

// The roles that have a mapping combo (step is not needed for fitting).
constexpr ColumnRole kMappedRoles[] = {ColumnRole::Params, ColumnRole::Tokens, ColumnRole::Flops,
                                       ColumnRole::Loss, ColumnRole::Run};

// An empty text is "not given"; otherwise a count such as 7B or 4.2e6.
std::optional<double> parseOptionalCount(const QLineEdit* edit, const QString& what, QString* error,
                                         bool* ok) {
  const QString text = edit->text().trimmed();
  if (text.isEmpty()) return std::nullopt;
  auto value = parseCount(text.toStdString());
  if (!value) {
    *ok = false;
    if (error) *error = QObject::tr("%1: %2").arg(what, qs(value.message()));
    return std::nullopt;
  }
  return *value;
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

QTableView* makeTable(QAbstractItemModel* model, QWidget* parent) {
  auto* view = new QTableView(parent);
  view->setModel(model);
  view->setAlternatingRowColors(true);
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
  view->setWordWrap(false);
  return view;
}

}  // namespace

ImportFitPanel::ImportFitPanel(Session* session, QWidget* parent)
    : QWidget(parent),
      session_(session),
      import_worker_(new ImportWorker(this)),
      fit_worker_(new FitWorker(this)),
      points_model_(new ImportPointsModel(this)),
      issues_model_(new ImportIssuesModel(this)),
      params_model_(new FitParamsModel(this)) {
  setObjectName("importFitPanel");
  setAcceptDrops(true);
  auto* layout = new QVBoxLayout(this);
  // Import (files, mapping, preview, warnings) and fit (law, options, fitted parameters) side by
  // side when the tab is wide enough for both, one above the other when it is not (a ~700-px tab
  // next to the budget explorer and the result panel): never a horizontal scroll bar.
  splitter_ = new AdaptiveSplitter(this);
  splitter_->setObjectName("importFitSplitter");
  splitter_->addWidget(buildImportSide());
  splitter_->addWidget(buildFitSide());
  splitter_->setStretchFactor(0, 1);
  splitter_->setStretchFactor(1, 1);
  // Side by side, the preview gets a little more than the fit (whose table needs ~450 px);
  // stacked, the import with its preview a little more than the fit.
  splitter_->setInitialSizes(Qt::Horizontal, {560, 460});
  splitter_->setInitialSizes(Qt::Vertical, {560, 500});
  // Side by side only with room for a readable fitted-law table next to the preview.
  splitter_->setSideBySideWidth(960);
  layout->addWidget(splitter_);

  connect(import_worker_, &ImportWorker::finished, this, &ImportFitPanel::onImportFinished);
  connect(import_worker_, &ImportWorker::progress, this, [this](qint64 done, qint64 total) {
    if (total > 0) {
      import_progress_->setRange(0, 1000);
      import_progress_->setValue(
          static_cast<int>(1000.0 * static_cast<double>(done) / static_cast<double>(total)));
    }
  });
  connect(fit_worker_, &FitWorker::progress, this, &ImportFitPanel::onFitProgress);
  connect(fit_worker_, &FitWorker::finished, this, &ImportFitPanel::onFitFinished);
  connect(fit_worker_, &FitWorker::failed, this, &ImportFitPanel::onFitFailed);
  updateErrorStyle();
  updateButtons();
}

ImportFitPanel::~ImportFitPanel() {
  // The workers' destructors cancel and wait; disconnect first so that no slot of this
  // half-destroyed panel runs.
  import_worker_->disconnect(this);
  fit_worker_->disconnect(this);
}

QWidget* ImportFitPanel::buildImportSide() {
  auto* side = new QWidget(this);
  auto* layout = new QVBoxLayout(side);
  layout->setContentsMargins(0, 0, 4, 0);

  // Files.
  auto* files_box = new QGroupBox(tr("Run logs"), side);
  auto* files_layout = new QVBoxLayout(files_box);
  auto* buttons = new QHBoxLayout;
  auto* open = new QPushButton(tr("Open files…"), files_box);
  open->setToolTip(tr("Import one or more run logs (several files make several runs)"));
  connect(open, &QPushButton::clicked, this, &ImportFitPanel::openFilesDialog);
  auto* example = new QPushButton(tr("Load example runs"), files_box);
  example->setToolTip(tr("The shipped example run set: 7 model sizes × 5 token budgets (data/example_runs)"));
  connect(example, &QPushButton::clicked, this, &ImportFitPanel::importExampleRuns);
  buttons->addWidget(open);
  buttons->addWidget(example);
  buttons->addStretch(1);
  files_layout->addLayout(buttons);
  files_label_ = new QLabel(tr("No runs yet. Open files or drop CSV, JSON Lines, trainer_state.json, W&B or "
                               "TensorBoard exports onto this panel."),
                            files_box);
  files_label_->setWordWrap(true);
  files_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  files_layout->addWidget(files_label_);
  import_progress_ = new QProgressBar(files_box);
  import_progress_->setVisible(false);
  import_progress_->setTextVisible(false);
  import_progress_->setMaximumHeight(8);
  files_layout->addWidget(import_progress_);

  auto* form = new QFormLayout;
  format_combo_ = new QComboBox(files_box);
  for (ImportFormat f : kAllImportFormats) format_combo_->addItem(formatLabel(f), qs(toString(f)));
  format_combo_->setToolTip(tr("The log format; detection looks at the file name and its first bytes"));
  form->addRow(tr("Format:"), format_combo_);
  auto* facts = new QHBoxLayout;
  params_edit_ = new QLineEdit(files_box);
  params_edit_->setPlaceholderText(tr("from the log"));
  params_edit_->setToolTip(tr("Model size N for logs that do not record it (e.g. 125M, 1.3B)"));
  tokens_per_step_edit_ = new QLineEdit(files_box);
  tokens_per_step_edit_->setPlaceholderText(tr("from the log"));
  tokens_per_step_edit_->setToolTip(
      tr("Tokens per optimiser step (global batch × sequence length), for logs that count steps, e.g. 4M"));
  facts->addWidget(params_edit_);
  facts->addWidget(new QLabel(tr("Tokens per step:"), files_box));
  facts->addWidget(tokens_per_step_edit_);
  form->addRow(tr("Model size N:"), facts);
  reduction_combo_ = new QComboBox(files_box);
  reduction_combo_->addItem(tr("Final loss of each run"), qs(toString(ReductionMode::FinalLoss)));
  reduction_combo_->addItem(tr("Every logged point"), qs(toString(ReductionMode::AllPoints)));
  reduction_combo_->setToolTip(tr("How each run's curve becomes fit points"));
  form->addRow(tr("Fit points:"), reduction_combo_);
  files_layout->addLayout(form);
  layout->addWidget(files_box);

  connect(format_combo_, &QComboBox::currentIndexChanged, this, [this] {
    refreshColumnCombos();
    reimport();
  });
  connect(params_edit_, &QLineEdit::editingFinished, this, [this] {
    if (params_edit_->isModified()) {
      params_edit_->setModified(false);
      reimport();
    }
  });
  connect(tokens_per_step_edit_, &QLineEdit::editingFinished, this, [this] {
    if (tokens_per_step_edit_->isModified()) {
      tokens_per_step_edit_->setModified(false);
      reimport();
    }
  });
  connect(reduction_combo_, &QComboBox::currentIndexChanged, this, [this] {
    emit fitPointsChanged();
    updateButtons();
  });

  // Column mapping.
  auto* mapping_box = new QGroupBox(tr("Column mapping"), side);
  mapping_box->setToolTip(tr("Which column holds which quantity; (automatic) recognises the common names"));
  auto* grid = new QGridLayout(mapping_box);
  int i = 0;
  for (ColumnRole role : kMappedRoles) {
    auto* combo = new QComboBox(mapping_box);
    combo->addItem(tr("(automatic)"), QString());
    combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo->setMinimumContentsLength(10);
    column_combos_[static_cast<int>(role)] = combo;
    grid->addWidget(new QLabel(roleLabel(role), mapping_box), i / 3, (i % 3) * 2);
    grid->addWidget(combo, i / 3, (i % 3) * 2 + 1);
    connect(combo, &QComboBox::currentIndexChanged, this, [this] { reimport(); });
    ++i;
  }
  for (int c = 1; c < 6; c += 2) grid->setColumnStretch(c, 1);
  layout->addWidget(mapping_box);

  // Preview.
  import_summary_ = new QLabel(tr("Imported points"), side);
  layout->addWidget(import_summary_);
  points_view_ = makeTable(points_model_, side);
  points_view_->horizontalHeader()->setSectionResizeMode(ImportPointsModel::RunColumn, QHeaderView::Stretch);
  for (int c = 1; c < ImportPointsModel::ColumnCount; ++c) {
    points_view_->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
  }
  // Room for a useful preview (~8 rows) when the panel is stacked and scrolls.
  points_view_->setMinimumHeight(points_view_->verticalHeader()->defaultSectionSize() * 9);
  layout->addWidget(points_view_, 3);

  // Warnings and errors.
  auto* issues_box = new QGroupBox(tr("Warnings and errors"), side);
  auto* issues_layout = new QVBoxLayout(issues_box);
  error_label_ = new QLabel(issues_box);
  error_label_->setObjectName("importError");
  error_label_->setWordWrap(true);
  error_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_label_->setVisible(false);
  issues_layout->addWidget(error_label_);
  issues_view_ = makeTable(issues_model_, issues_box);
  issues_view_->horizontalHeader()->setSectionResizeMode(ImportIssuesModel::SeverityColumn,
                                                         QHeaderView::ResizeToContents);
  issues_view_->horizontalHeader()->setSectionResizeMode(ImportIssuesModel::LocationColumn,
                                                         QHeaderView::ResizeToContents);
  issues_view_->horizontalHeader()->setSectionResizeMode(ImportIssuesModel::MessageColumn,
                                                         QHeaderView::Stretch);
  issues_view_->verticalHeader()->setVisible(false);
  issues_layout->addWidget(issues_view_);
  layout->addWidget(issues_box, 1);
  return side;
}

QWidget* ImportFitPanel::buildFitSide() {
  auto* side = new QWidget(this);
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
  bootstrap_spin_->setValue(kDefaultBootstrapResamples);  // the core's default: bounds stable at this count
  bootstrap_spin_->setSpecialValueText(tr("none (covariance estimate: usually too narrow)"));
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
    emit fitPointsChanged();
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
  connect(cancel_button_, &QPushButton::clicked, this, &ImportFitPanel::cancelFit);
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
  params_view_ = makeTable(params_model_, result_box);
  params_view_->verticalHeader()->setVisible(false);
  // The numbers are what matter: value, standard error and interval always show in full, and
  // the names ("a (N_opt ∝ C^a)" the longest) take the width left and elide, in full (with the
  // formulas) in their tooltips.
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
  connect(save_law_button_, &QPushButton::clicked, this, &ImportFitPanel::saveLawDialog);
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
  return side;
}

QComboBox* ImportFitPanel::columnCombo(ColumnRole role) const {
  return column_combos_[static_cast<int>(role)];
}

const std::vector<Run>& ImportFitPanel::runs() const {
  return points_model_->runs();
}

bool ImportFitPanel::isImporting() const {
  return import_worker_->isRunning();
}
bool ImportFitPanel::isFitting() const {
  return fit_worker_->isRunning();
}

// ---- Import -----------------------------------------------------------------------------------

void ImportFitPanel::openFilesDialog() {
  const QStringList files = QFileDialog::getOpenFileNames(
      this, tr("Import run logs"), QString(),
      tr("Run logs (*.csv *.tsv *.txt *.jsonl *.ndjson *.json);;All files (*)"));
  if (!files.isEmpty()) importFiles(files);
}

void ImportFitPanel::importExampleRuns() {
  const QString path = qs((dataDirectory() / "example_runs" / "example_runs.csv").string());
  importFiles({path});
}

void ImportFitPanel::importFiles(const QStringList& files) {
  if (files.isEmpty()) return;
  working_files_ = files;
  // New files: mapping back to automatic, combos listing their columns.
  for (ColumnRole role : kMappedRoles) {
    QSignalBlocker block(columnCombo(role));
    columnCombo(role)->setCurrentIndex(0);
  }
  refreshColumnCombos();
  if (!name_edited_) name_edit_->setText(defaultFitName());
  startImport();
}

void ImportFitPanel::reimport() {
  if (working_files_.isEmpty()) return;
  startImport();
}

std::optional<ImportOptions> ImportFitPanel::importOptions(QString* error) const {
  ImportOptions options;
  options.format = importFormatFromString(format_combo_->currentData().toString().toStdString())
                       .value_or(ImportFormat::Auto);
  options.columns.params = columnCombo(ColumnRole::Params)->currentData().toString().toStdString();
  options.columns.tokens = columnCombo(ColumnRole::Tokens)->currentData().toString().toStdString();
  options.columns.flops = columnCombo(ColumnRole::Flops)->currentData().toString().toStdString();
  options.columns.loss = columnCombo(ColumnRole::Loss)->currentData().toString().toStdString();
  options.columns.run = columnCombo(ColumnRole::Run)->currentData().toString().toStdString();
  bool ok = true;
  options.params = parseOptionalCount(params_edit_, tr("Model size N"), error, &ok);
  if (!ok) return std::nullopt;
  options.tokens_per_step = parseOptionalCount(tokens_per_step_edit_, tr("Tokens per step"), error, &ok);
  if (!ok) return std::nullopt;
  options.reduction.mode = reductionModeFromString(reduction_combo_->currentData().toString().toStdString())
                               .value_or(ReductionMode::FinalLoss);
  std::string why;
  if (!options.isValid(&why)) {
    if (error) *error = qs(why);
    return std::nullopt;
  }
  return options;
}

void ImportFitPanel::startImport() {
  if (import_worker_->isRunning()) {
    // The newest request wins: stop the running import and start again when it has ended.
    reimport_pending_ = true;
    import_worker_->cancel();
    return;
  }
  QString error;
  auto options = importOptions(&error);
  if (!options) {
    showImportError(error);
    issues_model_->clear();
    emit importFinished(false);
    return;
  }
  requested_files_ = working_files_;
  import_progress_->setRange(0, 0);
  import_progress_->setVisible(true);
  import_worker_->start(requested_files_, *options);
  updateButtons();
}

void ImportFitPanel::onImportFinished(const ImportResult& result) {
  import_progress_->setVisible(false);
  if (reimport_pending_) {
    reimport_pending_ = false;
    startImport();
    return;
  }
  if (result.termination == ImportTermination::Cancelled) {
    showImportError(tr("Import cancelled; the previous runs are kept."));
    updateButtons();
    emit importFinished(false);
    return;
  }
  if (!result.ok()) {
    issues_model_->setIssues(result.error, result.warnings);
    const QString where = result.error ? qs(result.error->toString()) : tr("unknown error");
    showImportError(tr("Import failed: %1\nThe previous runs are kept.").arg(where));
    updateButtons();
    emit importFinished(false);
    return;
  }
  import_error_.clear();
  error_label_->setVisible(false);
  imported_files_ = requested_files_;
  points_model_->setRuns(result.runs);
  // Reduction notes (e.g. a run without points) are listed after the importer's warnings.
  std::vector<std::string> skipped;
  ReductionOptions reduction;
  reduction.mode = ReductionMode::FinalLoss;
  toFitPoints(result.runs, reduction, &skipped);
  QStringList notes;
  for (const std::string& s : skipped) notes << qs(s);
  issues_model_->setIssues(std::nullopt, result.warnings, notes);

  QStringList described;
  for (int i = 0; i < imported_files_.size(); ++i) {
    const QString format =
        i < static_cast<int>(result.formats.size()) ? qs(result.formats[static_cast<size_t>(i)]) : QString();
    described << tr("%1 (%2)").arg(QFileInfo(imported_files_[i]).fileName(), format);
  }
  files_label_->setText(described.join(", "));
  files_label_->setToolTip(imported_files_.join('\n'));
  runs_summary_ = countNoun(static_cast<long long>(result.runs.size()), tr("run"), tr("runs")) + ", " +
                  countNoun(static_cast<long long>(result.pointCount()), tr("point"), tr("points"));
  QString summary = runs_summary_;
  if (!result.warnings.empty()) {
    summary +=
        tr(" — %1 below")
            .arg(countNoun(static_cast<long long>(result.warnings.size()), tr("warning"), tr("warnings")));
  }
  import_summary_->setText(summary);
  updateButtons();
  emit runsChanged();
  emit fitPointsChanged();
  emit importFinished(true);
}

void ImportFitPanel::showImportError(const QString& message) {
  import_error_ = message;
  // The list below now shows the failed import's problems, not those of the runs still shown.
  if (!runs_summary_.isEmpty())
    import_summary_->setText(tr("%1 (from the last successful import)").arg(runs_summary_));
  error_label_->setText(message);
  error_label_->setVisible(true);
}

void ImportFitPanel::refreshColumnCombos() {
  QStringList columns;
  if (!working_files_.isEmpty()) {
    const auto format = importFormatFromString(format_combo_->currentData().toString().toStdString())
                            .value_or(ImportFormat::Auto);
    columns = headerColumns(working_files_.front(), format);
  }
  for (ColumnRole role : kMappedRoles) {
    QComboBox* combo = columnCombo(role);
    const QString current = combo->currentData().toString();
    QSignalBlocker block(combo);
    combo->clear();
    combo->addItem(tr("(automatic)"), QString());
    for (const QString& c : columns) combo->addItem(c, c);
    const int index = combo->findData(current);
    combo->setCurrentIndex(index >= 0 ? index : 0);
  }
}

void ImportFitPanel::dragEnterEvent(QDragEnterEvent* event) {
  const QMimeData* mime = event->mimeData();
  if (mime && mime->hasUrls()) {
    const QList<QUrl> urls = mime->urls();
    if (!urls.isEmpty() &&
        std::all_of(urls.begin(), urls.end(), [](const QUrl& u) { return u.isLocalFile(); })) {
      event->acceptProposedAction();
      return;
    }
  }
  event->ignore();
}

void ImportFitPanel::dropEvent(QDropEvent* event) {
  QStringList files;
  for (const QUrl& url : event->mimeData()->urls()) {
    if (url.isLocalFile()) files << url.toLocalFile();
  }
  if (files.isEmpty()) return;
  event->acceptProposedAction();
  importFiles(files);
}

void ImportFitPanel::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) updateErrorStyle();
  QWidget::changeEvent(event);
}

void ImportFitPanel::updateErrorStyle() {
  // A red that reads on both palettes, bold, on a faint red background.
  const bool dark = palette().color(QPalette::Window).lightnessF() < 0.5;
  error_label_->setStyleSheet(
      dark ? "QLabel { color: #ff8080; background: #3a2020; font-weight: bold; padding: 4px; }"
           : "QLabel { color: #b01010; background: #fdecec; font-weight: bold; padding: 4px; }");
}

QString ImportFitPanel::defaultFitName() const {
  if (working_files_.isEmpty()) return QStringLiteral("my-runs");
  QString stem = QFileInfo(working_files_.front()).completeBaseName();
  stem.replace(QRegularExpression("[^A-Za-z0-9_.-]+"), "-");
  return stem.isEmpty() ? QStringLiteral("my-runs") : stem;
}

std::vector<FitPoint> ImportFitPanel::fitPoints(std::vector<FitPoint>* dropped) const {
  ReductionOptions reduction;
  reduction.mode = reductionModeFromString(reduction_combo_->currentData().toString().toStdString())
                       .value_or(ReductionMode::FinalLoss);
  std::vector<FitPoint> all = toFitPoints(runs(), reduction);
  std::vector<FitPoint> kept = dropHighestLoss(all, drop_spin_->value());
  if (dropped) *dropped = complement(all, kept);
  return kept;
}

// ---- Fit --------------------------------------------------------------------------------------

FitOptions ImportFitPanel::fitOptions() const {
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

bool ImportFitPanel::startFit() {
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
  if (fitting_name_.isEmpty()) fitting_name_ = defaultFitName();
  const FitOptions options = fitOptions();
  progress_->setRange(0, 0);  // busy until the first progress report gives the total
  fit_status_->setText(tr("Fitting %1 to %2…")
                           .arg(qs(toString(options.law)),
                                countNoun(static_cast<long long>(points.size()), tr("point"), tr("points"))));
  fit_worker_->start(std::move(points), options);
  updateButtons();
  return true;
}

void ImportFitPanel::cancelFit() {
  if (!fit_worker_->isRunning()) return;
  fit_worker_->cancel();
  fit_status_->setText(tr("Cancelling…"));
}

void ImportFitPanel::onFitProgress(qint64 done, qint64 total) {
  if (total <= 0) return;
  emit fitProgress(done, total);
  // Scaled to int: totals are starts + resamples, well within range, but keep it general.
  progress_->setRange(0, 1000);
  progress_->setValue(static_cast<int>(1000.0 * static_cast<double>(done) / static_cast<double>(total)));
}

void ImportFitPanel::onFitFailed(const QString& message) {
  progress_->setRange(0, 1);
  progress_->setValue(0);
  fit_status_->setText(tr("Fit not started: %1").arg(message));
  updateButtons();
}

void ImportFitPanel::onFitFinished(const FitSummary& summary) {
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

bool ImportFitPanel::saveLawTo(const QString& path, QString* error) {
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

void ImportFitPanel::saveLawDialog() {
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

void ImportFitPanel::updateButtons() {
  const bool fitting = fit_worker_->isRunning();
  fit_button_->setEnabled(!fitting && !runs().empty());
  cancel_button_->setEnabled(fitting);
  const bool has_law = last_fit_ && last_fit_->law;
  save_law_button_->setEnabled(has_law && !fitting);
  use_law_button_->setEnabled(has_law);
}

}  // namespace scaleplan
