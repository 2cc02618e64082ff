#include "panels/import_panel.hpp"

#include <QComboBox>
#include <QEvent>
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
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

#include "base/file_io.hpp"
#include "controls/table_view.hpp"
#include "controls/text_format.hpp"
#include "models/import_model.hpp"
#include "session/import_worker.hpp"

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
    case ImportFormat::TensorBoardEvents: return QObject::tr("TensorBoard event file");
    case ImportFormat::Megatron: return QObject::tr("Megatron-LM training log");
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

}  // namespace

ImportPanel::ImportPanel(QWidget* parent)
    : QWidget(parent),
      import_worker_(new ImportWorker(this)),
      points_model_(new ImportPointsModel(this)),
      issues_model_(new ImportIssuesModel(this)) {
  setObjectName("importPanel");
  QWidget* side = this;
  auto* layout = new QVBoxLayout(side);
  layout->setContentsMargins(0, 0, 4, 0);

  // Files.
  auto* files_box = new QGroupBox(tr("Run logs"), side);
  auto* files_layout = new QVBoxLayout(files_box);
  auto* buttons = new QHBoxLayout;
  auto* open = new QPushButton(tr("Open files…"), files_box);
  open->setToolTip(tr("Import one or more run logs (several files make several runs)"));
  connect(open, &QPushButton::clicked, this, &ImportPanel::openFilesDialog);
  auto* example = new QPushButton(tr("Load example runs"), files_box);
  example->setToolTip(tr("The shipped example run set: 7 model sizes × 5 token budgets (data/example_runs)"));
  connect(example, &QPushButton::clicked, this, &ImportPanel::importExampleRuns);
  buttons->addWidget(open);
  buttons->addWidget(example);
  buttons->addStretch(1);
  files_layout->addLayout(buttons);
  files_label_ = new QLabel(tr("No runs yet. Open files or drop CSV, JSON Lines, trainer_state.json (or its "
                               "training output folder), W&B or TensorBoard exports, TensorBoard event files or "
                               "Megatron-LM logs onto this panel."),
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
    emit reductionChanged();
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
  points_view_ = makeReadOnlyTable(points_model_, side);
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
  missing_row_ = new QWidget(issues_box);
  missing_row_->setObjectName("missingValueRow");
  auto* missing_layout = new QHBoxLayout(missing_row_);
  missing_layout->setContentsMargins(0, 0, 0, 0);
  missing_label_ = new QLabel(missing_row_);
  missing_edit_ = new QLineEdit(missing_row_);
  missing_edit_->setObjectName("missingValueEdit");
  missing_layout->addWidget(missing_label_);
  missing_layout->addWidget(missing_edit_, 1);
  missing_row_->setVisible(false);
  issues_layout->addWidget(missing_row_);
  connect(missing_edit_, &QLineEdit::editingFinished, this, [this] {
    if (missing_edit_->isModified()) {
      missing_edit_->setModified(false);
      applyMissingValue();
    }
  });
  issues_view_ = makeReadOnlyTable(issues_model_, issues_box);
  issues_view_->horizontalHeader()->setSectionResizeMode(ImportIssuesModel::SeverityColumn,
                                                         QHeaderView::ResizeToContents);
  issues_view_->horizontalHeader()->setSectionResizeMode(ImportIssuesModel::LocationColumn,
                                                         QHeaderView::ResizeToContents);
  issues_view_->horizontalHeader()->setSectionResizeMode(ImportIssuesModel::MessageColumn,
                                                         QHeaderView::Stretch);
  issues_view_->verticalHeader()->setVisible(false);
  issues_layout->addWidget(issues_view_);
  layout->addWidget(issues_box, 1);

  connect(import_worker_, &ImportWorker::finished, this, &ImportPanel::onImportFinished);
  connect(import_worker_, &ImportWorker::progress, this, [this](qint64 done, qint64 total) {
    if (total > 0) {
      import_progress_->setRange(0, 1000);
      import_progress_->setValue(
          static_cast<int>(1000.0 * static_cast<double>(done) / static_cast<double>(total)));
    }
  });
  updateErrorStyle();
}

ImportPanel::~ImportPanel() {
  // The worker's destructor cancels and waits; disconnect first so that no slot of this
  // half-destroyed panel runs.
  import_worker_->disconnect(this);
}

QComboBox* ImportPanel::columnCombo(ColumnRole role) const {
  return column_combos_[static_cast<int>(role)];
}

const std::vector<Run>& ImportPanel::runs() const {
  return points_model_->runs();
}

bool ImportPanel::isImporting() const {
  return import_worker_->isRunning();
}

void ImportPanel::openFilesDialog() {
  const QStringList files = QFileDialog::getOpenFileNames(
      this, tr("Import run logs"), QString(),
      tr("Run logs (*.csv *.tsv *.txt *.log *.jsonl *.ndjson *.json events.out.tfevents.*);;All files (*)"));
  if (!files.isEmpty()) importFiles(files);
}

void ImportPanel::importExampleRuns() {
  const QString path = qs((dataDirectory() / "example_runs" / "example_runs.csv").string());
  importFiles({path});
}

void ImportPanel::importFiles(const QStringList& files) {
  if (files.isEmpty()) return;
  working_files_ = files;
  // New files: mapping back to automatic, combos listing their columns.
  for (ColumnRole role : kMappedRoles) {
    QSignalBlocker block(columnCombo(role));
    columnCombo(role)->setCurrentIndex(0);
  }
  refreshColumnCombos();
  emit workingFilesChanged();
  startImport();
}

void ImportPanel::reimport() {
  if (working_files_.isEmpty()) return;
  startImport();
}

std::optional<ImportOptions> ImportPanel::importOptions(QString* error) const {
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

void ImportPanel::startImport() {
  if (import_worker_->isRunning()) {
    // The newest request wins: stop the running import and start again when it has ended.
    reimport_pending_ = true;
    import_worker_->cancel();
    return;
  }
  QString error;
  auto options = importOptions(&error);
  if (!options) {
    askForMissingValue({});
    showImportError(error);
    issues_model_->clear();
    emit importFinished(false);
    return;
  }
  requested_files_ = working_files_;
  import_progress_->setRange(0, 0);
  import_progress_->setVisible(true);
  import_worker_->start(requested_files_, *options);
}

void ImportPanel::onImportFinished(const ImportResult& result) {
  import_progress_->setVisible(false);
  if (reimport_pending_) {
    reimport_pending_ = false;
    startImport();
    return;
  }
  if (result.termination == ImportTermination::Cancelled) {
    askForMissingValue({});
    showImportError(tr("Import cancelled; the previous runs are kept."));
    emit importFinished(false);
    return;
  }
  if (!result.ok()) {
    issues_model_->setIssues(result.error, result.warnings);
    const QString where = result.error ? qs(result.error->toString()) : tr("unknown error");
    askForMissingValue(result.error ? qs(result.error->missing_option) : QString());
    showImportError(tr("Import failed: %1\nThe previous runs are kept.").arg(where));
    emit importFinished(false);
    return;
  }
  import_error_.clear();
  error_label_->setVisible(false);
  askForMissingValue({});
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
  emit runsChanged();
  emit importFinished(true);
}

void ImportPanel::showImportError(const QString& message) {
  import_error_ = message;
  // The list below now shows the failed import's problems, not those of the runs still shown.
  if (!runs_summary_.isEmpty())
    import_summary_->setText(tr("%1 (from the last successful import)").arg(runs_summary_));
  error_label_->setText(message);
  error_label_->setVisible(true);
}

void ImportPanel::askForMissingValue(const QString& option) {
  missing_option_ = option;
  QLineEdit* source = option == "params"            ? params_edit_
                      : option == "tokens-per-step" ? tokens_per_step_edit_
                                                    : nullptr;
  if (!source) {
    missing_row_->setVisible(false);
    return;
  }
  if (option == "params") {
    missing_label_->setText(tr("Model size N (--params):"));
    missing_edit_->setPlaceholderText(tr("e.g. 125M, 1.3B"));
  } else {
    missing_label_->setText(tr("Tokens per step (--tokens-per-step):"));
    missing_edit_->setPlaceholderText(tr("global batch × sequence length, e.g. 4M"));
  }
  missing_edit_->setToolTip(source->toolTip());
  missing_edit_->setText(source->text());
  missing_edit_->setModified(false);
  missing_row_->setVisible(true);
}

void ImportPanel::applyMissingValue() {
  QLineEdit* target = missing_option_ == "params"            ? params_edit_
                      : missing_option_ == "tokens-per-step" ? tokens_per_step_edit_
                                                             : nullptr;
  if (!target) return;
  // The value goes into the panel's own field (one source of the import options), then the
  // working files are imported again with it.
  target->setText(missing_edit_->text().trimmed());
  reimport();
}

void ImportPanel::refreshColumnCombos() {
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

QStringList ImportPanel::localFiles(const QMimeData* mime) {
  QStringList files;
  if (!mime || !mime->hasUrls()) return files;
  for (const QUrl& url : mime->urls()) {
    if (!url.isLocalFile()) return {};
    files << url.toLocalFile();
  }
  return files;
}

void ImportPanel::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) updateErrorStyle();
  QWidget::changeEvent(event);
}

void ImportPanel::updateErrorStyle() {
  // A red that reads on both palettes, bold, on a faint red background.
  const bool dark = palette().color(QPalette::Window).lightnessF() < 0.5;
  error_label_->setStyleSheet(
      dark ? "QLabel { color: #ff8080; background: #3a2020; font-weight: bold; padding: 4px; }"
           : "QLabel { color: #b01010; background: #fdecec; font-weight: bold; padding: 4px; }");
}

QString ImportPanel::defaultFitName() const {
  if (working_files_.isEmpty()) return QStringLiteral("my-runs");
  QString stem = QFileInfo(working_files_.front()).completeBaseName();
  stem.replace(QRegularExpression("[^A-Za-z0-9_.-]+"), "-");
  return stem.isEmpty() ? QStringLiteral("my-runs") : stem;
}

std::vector<FitPoint> ImportPanel::reducedPoints() const {
  ReductionOptions reduction;
  reduction.mode = reductionModeFromString(reduction_combo_->currentData().toString().toStdString())
                       .value_or(ReductionMode::FinalLoss);
  return toFitPoints(runs(), reduction);
}

}  // namespace scaleplan
