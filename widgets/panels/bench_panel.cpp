#include "panels/bench_panel.hpp"

#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include "controls/adaptive_splitter.hpp"
#include "plots/bench_chart.hpp"
#include "models/bench_model.hpp"
#include "session/bench_worker.hpp"
#include "gpubench/bench_json.hpp"
#include "gpubench/gemm_mix.hpp"
#include "gpubench/measured_accelerator.hpp"
#include "session/session.hpp"
#include "controls/text_format.hpp"

namespace scaleplan {

namespace {


QString availabilityText(CudaAvailability a) {
  switch (a) {
    case CudaAvailability::Available: return QObject::tr("CUDA device available");
    case CudaAvailability::NotCompiled: return QObject::tr("CUDA backend not built into this program");
    case CudaAvailability::NoDriver: return QObject::tr("no NVIDIA driver");
    case CudaAvailability::NoDevice: return QObject::tr("no CUDA device");
    case CudaAvailability::UnsupportedDevice: return QObject::tr("unsupported GPU");
    case CudaAvailability::Error: return QObject::tr("CUDA error");
  }
  return {};
}

}  // namespace

BenchPanel::BenchPanel(Session* session, QWidget* parent)
    : QWidget(parent),
      session_(session),
      worker_(new BenchWorker(this)),
      model_(new BenchSummaryModel(this)) {
  setObjectName("benchPanel");
  auto* layout = new QVBoxLayout(this);

  // Device and controls.
  auto* run_box = new QGroupBox(tr("Measure this machine"), this);
  auto* run_layout = new QVBoxLayout(run_box);
  device_label_ = new QLabel(run_box);
  device_label_->setObjectName("benchDevice");
  device_label_->setWordWrap(true);
  device_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  run_layout->addWidget(device_label_);
  // Two rows of controls (backend and mode; repeats and the buttons), so that the box fits a
  // ~700-px tab.
  auto* controls = new QGridLayout;
  controls->addWidget(new QLabel(tr("Backend:"), run_box), 0, 0);
  backend_combo_ = new QComboBox(run_box);
  backend_combo_->addItem(tr("CUDA GPU (cuBLASLt)"), qs(toString(BenchBackend::Cuda)));
  backend_combo_->addItem(tr("CPU (Eigen, FP64/FP32)"), qs(toString(BenchBackend::Cpu)));
  controls->addWidget(backend_combo_, 0, 1);
  controls->addWidget(new QLabel(tr("Mode:"), run_box), 0, 2);
  mode_combo_ = new QComboBox(run_box);
  mode_combo_->addItem(tr("Quick (a few large shapes)"), qs(toString(BenchMode::Quick)));
  mode_combo_->addItem(tr("Thorough (shape sweep)"), qs(toString(BenchMode::Thorough)));
  controls->addWidget(mode_combo_, 0, 3);
  controls->addWidget(new QLabel(tr("Repeats:"), run_box), 1, 0);
  repeats_spin_ = new QSpinBox(run_box);
  repeats_spin_->setRange(1, 1000);
  repeats_spin_->setValue(BenchOptions{}.repeats);
  repeats_spin_->setToolTip(tr("Timed samples per shape; the median is reported"));
  controls->addWidget(repeats_spin_, 1, 1);
  run_button_ = new QPushButton(tr("Run benchmark"), run_box);
  cancel_button_ = new QPushButton(tr("Cancel"), run_box);
  auto* run_buttons = new QHBoxLayout;
  run_buttons->addWidget(run_button_);
  run_buttons->addWidget(cancel_button_);
  run_buttons->addStretch(1);
  controls->addLayout(run_buttons, 1, 2, 1, 2);
  // The GEMMs of a model's training step, measured with the mode's shapes.
  controls->addWidget(new QLabel(tr("Model GEMMs:"), run_box), 2, 0);
  model_combo_ = new QComboBox(run_box);
  model_combo_->addItem(tr("none"), QString());
  if (auto models = ModelCatalog::loadDefault()) {
    models_ = std::move(models).value();
    for (const ModelPreset& m : models_->models()) model_combo_->addItem(qs(m.name), qs(m.id));
    model_combo_->setToolTip(
        tr("Also measure the GEMMs of this model's training step (forward and both "
           "backward passes) and show the step's matrix-product time and rate"));
  } else {
    model_combo_->setToolTip(tr("No model presets: %1").arg(qs(models.message())));
  }
  controls->addWidget(model_combo_, 2, 1);
  auto* model_row = new QHBoxLayout;
  model_row->addWidget(new QLabel(tr("Tokens:"), run_box));
  tokens_spin_ = new QSpinBox(run_box);
  tokens_spin_->setRange(1, 1 << 20);
  tokens_spin_->setValue(static_cast<int>(ModelGemmOptions{}.tokens));
  tokens_spin_->setToolTip(tr("Tokens per micro-batch on one GPU (sequences × sequence length)"));
  model_row->addWidget(tokens_spin_);
  model_row->addWidget(new QLabel(tr("TP:"), run_box));
  tp_spin_ = new QSpinBox(run_box);
  tp_spin_->setRange(1, 1024);
  tp_spin_->setToolTip(tr("Tensor-parallel degree (Megatron): splits the layers' columns or rows"));
  model_row->addWidget(tp_spin_);
  model_row->addStretch(1);
  controls->addLayout(model_row, 2, 2, 1, 2);
  connect(model_combo_, &QComboBox::currentIndexChanged, this, [this] { updateButtons(); });
  controls->setColumnStretch(4, 1);
  run_layout->addLayout(controls);
  auto* progress_row = new QHBoxLayout;
  progress_ = new QProgressBar(run_box);
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setTextVisible(false);  // shown once a run reports its steps
  progress_row->addWidget(progress_, 1);
  status_label_ = new QLabel(run_box);
  status_label_->setWordWrap(true);
  progress_row->addWidget(status_label_, 2);
  run_layout->addLayout(progress_row);
  layout->addWidget(run_box);
  connect(run_button_, &QPushButton::clicked, this, [this] { startRun(); });
  connect(cancel_button_, &QPushButton::clicked, this, &BenchPanel::cancelRun);

  // Results: the table (with its buttons) and the chart side by side when the tab is wide enough,
  // the chart under the table when it is not.
  auto* splitter = new AdaptiveSplitter(this);
  splitter->setObjectName("benchSplitter");
  splitter->setSideBySideWidth(900);
  auto* left = new QWidget(splitter);
  auto* left_layout = new QVBoxLayout(left);
  left_layout->setContentsMargins(0, 0, 4, 0);
  result_label_ = new QLabel(tr("No result yet."), left);
  result_label_->setWordWrap(true);
  result_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  result_label_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  left_layout->addWidget(result_label_);
  table_ = new QTableView(left);
  table_->setModel(model_);
  table_->setAlternatingRowColors(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  left_layout->addWidget(table_, 1);
  auto* buttons = new QHBoxLayout;
  use_button_ = new QPushButton(tr("Use measured throughput"), left);
  use_button_->setToolTip(tr("Plan with this device's measured rates instead of the spec sheet's peaks"));
  save_button_ = new QPushButton(tr("Save JSON…"), left);
  load_button_ = new QPushButton(tr("Load JSON…"), left);
  buttons->addWidget(use_button_);
  buttons->addWidget(save_button_);
  buttons->addWidget(load_button_);
  buttons->addStretch(1);
  left_layout->addLayout(buttons);
  connect(use_button_, &QPushButton::clicked, this, [this] {
    QString error;
    if (useMeasured(&error)) {
      status_label_->setText(tr("The plan now uses the measured accelerator '%1'.")
                                 .arg(qs(session_->currentRequest().accelerator.name)));
    } else {
      status_label_->setText(error);
    }
  });
  connect(save_button_, &QPushButton::clicked, this, &BenchPanel::saveDialog);
  connect(load_button_, &QPushButton::clicked, this, &BenchPanel::loadDialog);
  chart_ = new BenchChart(session_, splitter);
  splitter->addWidget(left);
  splitter->addWidget(chart_);
  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 1);
  layout->addWidget(splitter, 1);

  connect(worker_, &BenchWorker::progress, this, &BenchPanel::onProgress);
  connect(worker_, &BenchWorker::finished, this, &BenchPanel::onFinished);
  connect(worker_, &BenchWorker::failed, this, &BenchPanel::onFailed);
  connect(worker_, &BenchWorker::cancelled, this, &BenchPanel::onCancelled);

  setProbe(probeCudaDevice());
  chart_->clearResult();
  updateButtons();
}

BenchPanel::~BenchPanel() {
  worker_->disconnect(this);
}

void BenchPanel::setProbe(const CudaProbe& probe) {
  probe_ = probe;
  auto* items = qobject_cast<QStandardItemModel*>(backend_combo_->model());
  if (probe_.isAvailable()) {
    const DeviceFacts* d = probe_.device ? &*probe_.device : nullptr;
    device_label_->setText(
        d ? tr("<b>%1</b> — compute capability %2.%3, %4 SMs, %5 memory. %6")
                .arg(qs(d->name))
                .arg(d->compute_major)
                .arg(d->compute_minor)
                .arg(d->sm_count)
                .arg(text::bytes(static_cast<double>(d->memory_bytes)), qs(probe_.message).toHtmlEscaped())
          : qs(probe_.message).toHtmlEscaped());
    if (items) items->item(0)->setEnabled(true);
    backend_combo_->setCurrentIndex(0);
  } else {
    device_label_->setText(
        tr("<b>No usable CUDA GPU: %1.</b> %2<br>The CPU backend runs the same benchmark on "
           "this machine's processor (Eigen, FP64 and FP32), so the whole flow can be tried; "
           "its figures describe the CPU, not a GPU.")
            .arg(availabilityText(probe_.availability), qs(probe_.message).toHtmlEscaped()));
    if (items) items->item(0)->setEnabled(false);
    backend_combo_->setCurrentIndex(1);
  }
  updateDeviceStyle();
}

void BenchPanel::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) updateDeviceStyle();
  QWidget::changeEvent(event);
}

void BenchPanel::updateDeviceStyle() {
  if (probe_.isAvailable()) {
    device_label_->setStyleSheet(QString());
    return;
  }
  const bool dark = palette().color(QPalette::Window).lightnessF() < 0.5;
  device_label_->setStyleSheet(dark ? "QLabel { background: #3d3420; color: #f3d98b; padding: 6px; }"
                                    : "QLabel { background: #fff4d6; color: #5c4500; padding: 6px; }");
}

BenchOptions BenchPanel::controlOptions() const {
  BenchOptions o;
  o.backend = benchBackendFromString(backend_combo_->currentData().toString().toStdString())
                  .value_or(BenchBackend::Cpu);
  o.mode =
      benchModeFromString(mode_combo_->currentData().toString().toStdString()).value_or(BenchMode::Quick);
  o.repeats = repeats_spin_->value();
  return o;
}

BenchOptions BenchPanel::benchOptions() const {
  BenchOptions o = controlOptions();
  if (auto step = selectedModelStep(); step && *step) addModelStepShapes(**step, o);
  return o;
}

Result<std::optional<ModelStep>> BenchPanel::selectedModelStep() const {
  const std::string id = model_combo_->currentData().toString().toStdString();
  if (id.empty() || !models_) return std::optional<ModelStep>{};
  auto preset = models_->get(id);
  if (!preset) return preset.error();
  ModelGemmOptions o;
  o.tokens = tokens_spin_->value();
  o.tensor_parallel = tp_spin_->value();
  auto step = makeModelStep(**preset, o);
  if (!step) return step.error();
  return std::optional<ModelStep>(std::move(step).value());
}

bool BenchPanel::startRun() {
  auto step = selectedModelStep();
  if (!step) {
    status_label_->setText(tr("Model GEMMs: %1").arg(qs(step.message())));
    return false;
  }
  return startRun(controlOptions(), *step);
}

bool BenchPanel::startRun(const BenchOptions& options, const std::optional<ModelStep>& step) {
  if (worker_->isRunning()) return false;
  pending_step_ = step;
  // The step can only be costed from its own shapes' measurements.
  BenchOptions with_step = options;
  if (step) addModelStepShapes(*step, with_step);
  progress_->setRange(0, 0);
  status_label_->setText(
      tr("Starting the %1 %2 benchmark…").arg(qs(toString(with_step.backend)), qs(toString(with_step.mode))));
  worker_->start(with_step, session_->catalog());
  updateButtons();
  return true;
}

void BenchPanel::cancelRun() {
  if (!worker_->isRunning()) return;
  worker_->cancel();
  status_label_->setText(tr("Cancelling after the current step…"));
}

bool BenchPanel::isRunning() const {
  return worker_->isRunning();
}

void BenchPanel::onProgress(int done, int total, const QString& label) {
  if (total > 0) {
    progress_->setRange(0, total);
    progress_->setValue(done);
    progress_->setFormat(tr("%v / %m steps"));
    progress_->setTextVisible(true);
  }
  if (!label.isEmpty()) status_label_->setText(tr("Measuring %1…").arg(label));
}

void BenchPanel::onFinished(const BenchResult& result) {
  progress_->setValue(progress_->maximum());
  setResult(result, pending_step_);
  status_label_->setText(tr("Finished in %1 s.").arg(result.total_seconds, 0, 'f', 1));
  updateButtons();
  emit runFinished(true);
}

void BenchPanel::onFailed(const QString& message) {
  progress_->setRange(0, 1);
  progress_->setValue(0);
  status_label_->setText(tr("Benchmark failed: %1").arg(message));
  updateButtons();
  emit runFinished(false);
}

void BenchPanel::onCancelled(const QString& message) {
  progress_->setRange(0, 1);
  progress_->setValue(0);
  status_label_->setText(tr("Cancelled: %1").arg(message));
  updateButtons();
  emit runFinished(false);
}

void BenchPanel::setResult(const BenchResult& result, const std::optional<ModelStep>& step) {
  result_ = result;
  model_->setResult(result);
  chart_->setResult(result);
  const DeviceFacts& d = result.device;
  QStringList lines;
  lines << tr("<b>%1</b> (%2 backend, %3 mode, %4)")
               .arg(qs(d.name).toHtmlEscaped(), qs(toString(d.backend)), qs(toString(result.options.mode)),
                    qs(result.created_utc));
  if (d.backend == BenchBackend::Cuda) {
    lines << tr("compute capability %1.%2, %3 SMs, %4, driver %5, %6")
                 .arg(d.compute_major)
                 .arg(d.compute_minor)
                 .arg(d.sm_count)
                 .arg(text::bytes(static_cast<double>(d.memory_bytes)), qs(d.driver_version),
                      qs(d.blas_version));
  } else {
    lines << tr("%1, %2, %3")
                 .arg(d.threads == 1 ? tr("1 thread") : tr("%1 threads").arg(d.threads), qs(d.blas_version),
                      qs(d.simd));
  }
  lines << (result.catalog_match
                ? tr("Compared with catalog entry %1: %2")
                      .arg(qs(result.catalog_match->id), qs(result.catalog_match->reason).toHtmlEscaped())
                : tr("No catalog entry: %1").arg(qs(result.catalog_note).toHtmlEscaped()));
  for (const BandwidthMeasurement& b : result.bandwidth) {
    lines << tr("Memory bandwidth (%1, read + written): %2/s")
                 .arg(qs(toString(b.kernel)), text::bytes(b.bytes_per_second));
  }
  if (result.fma_peak) {
    lines << tr("FP32 FMA: %1 (%2% of the clock-based peak)")
                 .arg(formatRate(result.fma_peak->achieved.value))
                 .arg(100.0 * result.fma_peak->fraction_of_clock_peak, 0, 'f', 1);
  }
  if (step) {
    lines << tr("<b>Model step:</b> %1 — %2 GEMMs, %3 per GPU; the FLOP-weighted rate is this model's "
                "matrix-product ceiling (an MFU above its utilisation is not reachable):")
                 .arg(qs(step->label).toHtmlEscaped())
                 .arg(step->gemms.size())
                 .arg(text::flops(totalFlopsPerStep(step->gemms)));
    const std::vector<WeightedGemm> mix = step->mix();
    for (const PrecisionSummary& s : result.summary) {
      auto e = estimateGemmMix(result, s.precision, mix);
      if (!e) {
        lines << tr("&nbsp;&nbsp;%1").arg(qs(e.message()).toHtmlEscaped());
        continue;
      }
      const double ms = e->seconds.value * 1e3;
      lines << tr("&nbsp;&nbsp;%1: %2 per step, %3 FLOP-weighted%4")
                   .arg(qs(toString(s.precision)),
                        ms < 1000.0 ? tr("%1 ms").arg(ms, 0, 'g', 4) : tr("%1 s").arg(ms / 1e3, 0, 'g', 4),
                        formatRate(e->rate.value),
                        e->utilisation ? tr(" (%1% of the %2)")
                                             .arg(100.0 * *e->utilisation, 0, 'f', 1)
                                             .arg(result.catalog_match ? tr("catalog's dense peak")
                                                                       : tr("estimated peak"))
                                       : QString());
    }
  }
  if (!result.allCorrect())
    lines << tr("<span style='color:#d03030'><b>A correctness check failed.</b></span>");
  for (const std::string& w : result.warnings) lines << tr("⚠ %1").arg(qs(w).toHtmlEscaped());
  result_label_->setText(lines.join("<br>"));
  updateButtons();
  emit resultChanged();
}

bool BenchPanel::useMeasured(QString* error) {
  if (!result_) {
    if (error) *error = tr("Run or load a benchmark first.");
    return false;
  }
  auto accelerator = acceleratorFromBenchmark(*result_);
  if (!accelerator) {
    if (error) *error = qs(accelerator.message());
    return false;
  }
  const std::string id = accelerator->id;
  session_->addMeasuredAccelerator(*accelerator);
  session_->setAccelerator(id);
  if (session_->currentRequest().accelerator.id != id) {
    if (error) *error = tr("The session did not accept the measured accelerator '%1'.").arg(qs(id));
    return false;
  }
  return true;
}

bool BenchPanel::saveResultTo(const QString& path, QString* error) const {
  if (!result_) {
    if (error) *error = tr("There is no benchmark result to save.");
    return false;
  }
  const Status status = writeBenchResult(*result_, path.toStdString());
  if (!status && error) *error = qs(status.message());
  return status.isOk();
}

bool BenchPanel::loadResultFrom(const QString& path, QString* error) {
  auto loaded = loadBenchResult(path.toStdString());
  if (!loaded) {
    if (error) *error = qs(loaded.message());
    return false;
  }
  setResult(*loaded);
  return true;
}

void BenchPanel::saveDialog() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Save benchmark result"), "benchmark.json",
                                                    tr("Benchmark JSON (*.json)"));
  if (path.isEmpty()) return;
  QString error;
  status_label_->setText(saveResultTo(path, &error)
                             ? tr("Saved to %1 (plan with --gpu measured:%1).").arg(path)
                             : tr("Could not save: %1").arg(error));
}

void BenchPanel::loadDialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Load benchmark result"), QString(),
                                                    tr("Benchmark JSON (*.json);;All files (*)"));
  if (path.isEmpty()) return;
  QString error;
  status_label_->setText(loadResultFrom(path, &error) ? tr("Loaded %1.").arg(path)
                                                      : tr("Could not load: %1").arg(error));
}

void BenchPanel::updateButtons() {
  const bool running = worker_->isRunning();
  run_button_->setEnabled(!running);
  cancel_button_->setEnabled(running);
  backend_combo_->setEnabled(!running);
  mode_combo_->setEnabled(!running);
  model_combo_->setEnabled(!running && model_combo_->count() > 1);
  const bool model = !model_combo_->currentData().toString().isEmpty();
  tokens_spin_->setEnabled(!running && model);
  tp_spin_->setEnabled(!running && model);
  use_button_->setEnabled(!running && result_.has_value());
  save_button_->setEnabled(result_.has_value());
  load_button_->setEnabled(!running);
}

}  // namespace scaleplan
