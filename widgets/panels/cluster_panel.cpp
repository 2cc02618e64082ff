#include "panels/cluster_panel.hpp"

#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "cluster/nccl_tests.hpp"
#include "cluster/plan_auto.hpp"
#include "cluster/shape_rule.hpp"
#include "controls/layout_fields_box.hpp"
#include "controls/text_format.hpp"
#include "models/layout_model.hpp"
#include "plots/step_bars.hpp"
#include "session/auto_mfu.hpp"
#include "session/session.hpp"

namespace scaleplan {

namespace {

constexpr int kSearchDelayMs = 250;       // typing "1024" restarts the search once, not four times
constexpr int kLayoutsShown = 20;         // top K of the search

// Two boxes in one form row ("0.80  latency  5.00 µs"), so related inputs share a line.
QWidget* pairRow(QWidget* first, const QString& second_label, QWidget* second) {
  auto* row = new QWidget(first->parentWidget());
  auto* h = new QHBoxLayout(row);
  h->setContentsMargins(0, 0, 0, 0);
  h->addWidget(first, 1);
  auto* label = new QLabel(second_label, row);
  label->setBuddy(second);
  h->addWidget(label);
  h->addWidget(second, 1);
  return row;
}

std::vector<StackedTerm> timeTerms(const TimeBreakdown& t) {
  return {{QObject::tr("matrix products"), t.gemm},
          {QObject::tr("attention"), t.attention},
          {QObject::tr("memory-bound work"), t.memory_bound},
          {QObject::tr("TP communication"), t.tp_communication},
          {QObject::tr("CP communication"), t.cp_communication},
          {QObject::tr("EP communication"), t.ep_communication},
          {QObject::tr("PP communication"), t.pp_communication},
          {QObject::tr("pipeline bubble"), t.bubble},
          {QObject::tr("DP communication"), t.dp_communication},
          {QObject::tr("optimizer step"), t.optimizer}};
}

std::vector<StackedTerm> memoryTerms(const MemoryBreakdown& m) {
  return {{QObject::tr("weights"), m.weights / kBytesPerGb},
          {QObject::tr("gradients"), m.gradients / kBytesPerGb},
          {QObject::tr("optimizer state"), m.optimizer / kBytesPerGb},
          {QObject::tr("activations"), m.activations / kBytesPerGb},
          {QObject::tr("logits"), m.logits / kBytesPerGb},
          {QObject::tr("buffers"), m.buffers / kBytesPerGb},
          {QObject::tr("fragmentation allowance"), m.fragmentation / kBytesPerGb}};
}

}  // namespace

ClusterPanel::ClusterPanel(Session* session, QWidget* parent)
    : QWidget(parent), session_(session), worker_(new ClusterWorker(this)), debounce_(new QTimer(this)) {
  setObjectName("clusterPanel");
  if (auto catalog = SystemCatalog::loadDefault()) systems_ = std::move(catalog).value();
  else systems_error_ = qs(catalog.message());
  debounce_->setSingleShot(true);
  debounce_->setInterval(kSearchDelayMs);
  connect(debounce_, &QTimer::timeout, this, &ClusterPanel::startSearch);
  connect(worker_, &ClusterWorker::finished, this, &ClusterPanel::onSearchFinished);
  buildControls();
  connect(session_, &Session::acceleratorsChanged, this, [this] {
    fillAccelerators();
    fillPrecisions();
  });
  // The plan's model follows the plan (its N).
  connect(session_, &Session::inputsChanged, this, &ClusterPanel::followPlannedModel);
}

QString ClusterPanel::plannedModelText() const {
  const auto& plan = session_->currentResult();
  if (!plan) return tr("The plan's model (no plan)");
  return tr("The plan's model: %1 (Llama shape rule)").arg(text::count(plan->params));
}

void ClusterPanel::followPlannedModel() {
  const int index = model_combo_->findData(QString::fromLatin1(kPlannedModel));
  if (index < 0) return;
  model_combo_->setItemText(index, plannedModelText());
  // The N itself, not its rounded text: the shape rule may change within one printed figure.
  const auto& plan = session_->currentResult();
  const std::optional<double> params = plan ? std::optional<double>(plan->params) : std::nullopt;
  const bool changed = params != planned_params_;
  planned_params_ = params;
  if (changed && index == model_combo_->currentIndex()) {
    followModel();
    scheduleSearch();
  }
}

Result<TransformerArchitecture> ClusterPanel::selectedArchitecture() const {
  const QString id = model_combo_->currentData().toString();
  if (id == QLatin1String(kPlannedModel)) {
    const auto& plan = session_->currentResult();
    if (!plan) return Error{"model: the plan's model needs a plan (" + session_->planError().toStdString() + ")"};
    auto shaped = llamaShapeFor(plan->params);
    if (!shaped) return Error{"model: the plan's model: " + shaped.message()};
    return shaped;
  }
  const ModelPreset* preset = session_->models().find(id.toStdString());
  if (!preset) return Error{"model: none selected"};
  return preset->architecture;
}

void ClusterPanel::showAutoPlan(const AutoMfuPlan& plan) {
  const PlanRequest& r = plan.request;
  // "MFU: auto" searched this tab's system when its accelerator was the plan's, else the
  // accelerator's standard system: take that one.
  if (accelerator_combo_->currentData().toString() != qs(r.accelerator.id)) {
    if (const ClusterSystem* standard = systems_.findByAccelerator(r.accelerator.id))
      system_combo_->setCurrentIndex(system_combo_->findData(qs(standard->id)));
    accelerator_combo_->setCurrentIndex(accelerator_combo_->findData(qs(r.accelerator.id)));
  }
  if (const int p = precision_combo_->findData(static_cast<int>(r.precision)); p >= 0) precision_combo_->setCurrentIndex(p);
  gpus_spin_->setValue(r.gpu_count);
  global_batch_spin_->setValue(static_cast<int>(plan.best.job.global_batch));
  seq_len_spin_->setValue(static_cast<int>(plan.best.job.seq_len));
  model_combo_->setCurrentIndex(model_combo_->findData(QString::fromLatin1(kPlannedModel)));
  layout_fields_->reset();  // the auto search fixes nothing
  scheduleSearch();
}

ClusterPanel::~ClusterPanel() = default;

void ClusterPanel::buildControls() {
  // Inputs in two columns above the table (the cluster; the model and the measured logs), so that
  // the table gets the panel's full width.
  auto* form_widget = new QWidget(this);
  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  auto* job_form = new QFormLayout;
  job_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  auto* columns = new QHBoxLayout(form_widget);
  columns->setContentsMargins(0, 0, 0, 0);
  columns->addLayout(form, 1);
  columns->addSpacing(12);
  columns->addLayout(job_form, 1);

  system_combo_ = new QComboBox(form_widget);
  system_combo_->setObjectName("clusterSystem");
  for (const ClusterSystem& s : systems_.systems()) {
    system_combo_->addItem(qs(s.name), qs(s.id));
    system_combo_->setItemData(system_combo_->count() - 1, qs(s.source), Qt::ToolTipRole);
  }
  if (!systems_error_.isEmpty()) system_combo_->setToolTip(tr("No standard systems: %1").arg(systems_error_));
  form->addRow(tr("System"), system_combo_);

  accelerator_combo_ = new QComboBox(form_widget);
  accelerator_combo_->setObjectName("clusterAccelerator");
  form->addRow(tr("Accelerator"), accelerator_combo_);
  fillAccelerators();

  gpus_spin_ = new QSpinBox(form_widget);
  gpus_spin_->setObjectName("clusterGpus");
  gpus_spin_->setRange(1, static_cast<int>(kMaxJobGpus));  // the plan's bound, kGpuCountSpec
  gpus_spin_->setGroupSeparatorShown(true);
  gpus_spin_->setValue(1024);
  form->addRow(tr("GPUs"), gpus_spin_);

  gpus_per_node_spin_ = new QSpinBox(form_widget);
  gpus_per_node_spin_->setObjectName("clusterGpusPerNode");
  gpus_per_node_spin_->setRange(1, 1024);
  // The NVLink domain beside the node size it is a multiple of (8 on HGX/DGX, 72 on GB200 NVL72).
  nvlink_domain_spin_ = new QSpinBox(form_widget);
  nvlink_domain_spin_->setObjectName("clusterNvlinkDomain");
  nvlink_domain_spin_->setRange(1, 1 << 20);
  nvlink_domain_spin_->setToolTip(tr("GPUs one NVLink/NVSwitch domain connects, a multiple of the GPUs per node "
                                     "(CLI --nvlink-domain); tensor and context parallelism within it stay on NVLink"));
  form->addRow(tr("GPUs per node"), pairRow(gpus_per_node_spin_, tr("NVLink domain"), nvlink_domain_spin_));

  nvlink_spin_ = new QDoubleSpinBox(form_widget);
  nvlink_spin_->setObjectName("clusterNvlink");
  nvlink_spin_->setRange(1.0, 100000.0);
  nvlink_spin_->setDecimals(1);
  nvlink_spin_->setSuffix(tr(" GB/s"));
  nvlink_spin_->setToolTip(tr("NVLink/NVSwitch bandwidth per GPU, one direction (GB/s = 1e9 bytes/s)"));
  form->addRow(tr("NVLink per GPU"), nvlink_spin_);

  network_spin_ = new QDoubleSpinBox(form_widget);
  network_spin_->setObjectName("clusterNetwork");
  network_spin_->setRange(1.0, 100000.0);
  network_spin_->setDecimals(0);
  network_spin_->setSuffix(tr(" Gb/s"));
  network_spin_->setToolTip(tr("Inter-node network line rate per GPU (Gb/s, bits: 400 Gb/s = 50 GB/s)"));
  form->addRow(tr("Network per GPU"), network_spin_);

  // Efficiencies: the system's (fabrics, from data/hardware.json; left column) and the execution
  // model's (GemmEfficiencyModel, ExecutionOptions; right column, with the software) defaults,
  // each a sourced input the user may replace.
  auto fraction_spin = [form_widget](const char* name, const QString& tip) {
    auto* spin = new QDoubleSpinBox(form_widget);
    spin->setObjectName(name);
    spin->setRange(0.05, 1.0);
    spin->setDecimals(2);
    spin->setSingleStep(0.01);
    spin->setToolTip(tip);
    return spin;
  };
  nvlink_efficiency_spin_ = fraction_spin("clusterNvlinkEfficiency",
                                          tr("NVLink collectives: large-message bus bandwidth / line rate "
                                             "(the system's value and its source are in data/hardware.json)"));
  auto latency_spin = [form_widget](const char* name, const QString& tip) {
    auto* spin = new QDoubleSpinBox(form_widget);
    spin->setObjectName(name);
    spin->setRange(0.0, 10000.0);
    spin->setDecimals(2);
    spin->setSuffix(QObject::tr(" µs"));
    spin->setToolTip(tip);
    return spin;
  };
  nvlink_latency_spin_ = latency_spin("clusterNvlinkLatency",
                                      tr("NVLink latency per collective algorithm step, microseconds (CLI "
                                         "--nvlink-latency-us; the system's value and its source are in "
                                         "data/hardware.json)"));
  network_latency_spin_ = latency_spin("clusterNetworkLatency",
                                       tr("Network latency per collective algorithm step between nodes, microseconds "
                                          "(CLI --network-latency-us)"));
  form->addRow(tr("NVLink efficiency"), pairRow(nvlink_efficiency_spin_, tr("latency"), nvlink_latency_spin_));
  network_efficiency_spin_ = fraction_spin("clusterNetworkEfficiency",
                                           tr("Network collectives: large-message bus bandwidth / NIC line rate"));
  form->addRow(tr("Network efficiency"), pairRow(network_efficiency_spin_, tr("latency"), network_latency_spin_));
  // The layout fields a user fixes (the rest searched), under the cluster they run on.
  layout_fields_ = new LayoutFieldsBox(form_widget);
  layout_fields_->setToolTip(tr("Fix what you know of the layout; every field left at auto is searched. "
                                "The budget explorer's MFU: auto searches every field, as plan --mfu auto"));
  form->addRow(layout_fields_);  // spans both columns: it has its own caption
  // The execution model's boxes start at its defaults, which their tooltips state (%1).
  auto default_spin = [&](const char* name, const QString& label, const QString& tip, double value) {
    QDoubleSpinBox* spin = fraction_spin(name, tip.arg(value));
    spin->setValue(value);
    job_form->addRow(label, spin);
    return spin;
  };
  const GemmEfficiencyModel gemm_defaults;
  gemm_efficiency_spin_ = default_spin("clusterGemmEfficiency", tr("GEMM efficiency"),
                                       tr("Matrix products: fraction of the dense peak of the chosen precision "
                                          "(default %1, FP8 %2: ScalePlan's sustained H200 benchmark; a measured "
                                          "accelerator uses its own rates)")
                                           .arg("%1", QString::number(gemm_defaults.fp8_peak_fraction)),
                                       gemm_defaults.peak_fraction);
  memory_efficiency_spin_ = default_spin("clusterMemoryEfficiency", tr("Memory efficiency"),
                                         tr("Memory-bound work: fraction of the catalog memory bandwidth "
                                            "(default %1, the H200 copy rate)"),
                                         gemm_defaults.bandwidth_fraction);
  const ExecutionOptions execution_defaults;
  overlap_slowdown_spin_ = default_spin("clusterOverlapSlowdown", tr("Overlap slowdown"),
                                        tr("Compute lost while an overlapped collective runs (data-parallel "
                                           "reduction, ZeRO 3 gathers, context-parallel exchange, the interleaved "
                                           "schedule's pipeline sends): default %1, "
                                           "NCCL's 24 blocks of an H100's 132 SMs"),
                                        execution_defaults.overlap_compute_slowdown);
  overlap_slowdown_spin_->setRange(0.0, 0.95);
  flash_attention_spin_ = default_spin("clusterFlashAttentionEfficiency", tr("FlashAttention efficiency"),
                                       tr("FlashAttention at long sequences: fraction of the 16-bit dense peak, "
                                          "forward + backward (default %1, FlashAttention-2 on A100; the 2021 and "
                                          "2022 software have none); a query tile visiting k keys (k = sequence / "
                                          "(2 x CP)) runs at k / (k + %2) of it")
                                           .arg("%1", QString::number(execution_defaults.flash_attention_overhead_keys)),
                                       execution_defaults.flash_attention_efficiency);
  // The training software: which of its costs the step model counts (core's TrainingSoftware).
  software_combo_ = new QComboBox(form_widget);
  software_combo_->setObjectName("clusterSoftware");
  for (TrainingSoftware software : kTrainingSoftwareNames.values()) {
    software_combo_->addItem(qs(std::string(kTrainingSoftwareNames.toString(software))), static_cast<int>(software));
    software_combo_->setItemData(software_combo_->count() - 1, qs(std::string(describe(software))), Qt::ToolTipRole);
  }
  software_combo_->setToolTip(tr("Training software: what it fuses and overlaps (CLI --software)"));
  job_form->addRow(tr("Software"), software_combo_);
  // Gradient precision: bytes per parameter held and reduced; its default is the software's
  // (FP32 under Megatron-Core, 16-bit in the 2021/2022 FP16 runs), so it follows the software box.
  gradient_bytes_spin_ = new QDoubleSpinBox(form_widget);
  gradient_bytes_spin_->setObjectName("clusterGradientBytes");
  gradient_bytes_spin_->setRange(1.0, 8.0);
  gradient_bytes_spin_->setDecimals(0);
  gradient_bytes_spin_->setSuffix(tr(" B/param"));
  gradient_bytes_spin_->setValue(execution_defaults.gradient_bytes);
  gradient_bytes_spin_->setToolTip(tr("Bytes per parameter of the gradient buffer, also what the data-parallel "
                                      "reduction moves (CLI --gradient-bytes): the software's default, %1 "
                                      "(FP32) for current Megatron-Core, 2 for the 2021/2022 FP16 runs or "
                                      "--grad-reduce-in-bf16")
                                       .arg(execution_defaults.gradient_bytes));
  job_form->addRow(tr("Gradient bytes"), gradient_bytes_spin_);

  interconnect_list_ = new QListWidget(form_widget);
  interconnect_list_->setObjectName("clusterInterconnectFiles");
  // Three file names: at four the tab no longer fitted a 1520 x 920 window and the bars' axis
  // labels fell below the fold.
  interconnect_list_->setMaximumHeight(3 * fontMetrics().height() + 8);
  interconnect_list_->setToolTip(tr("nccl-tests logs: their measured bus bandwidth replaces the spec of the "
                                    "fabric they measured (one host: NVLink; several hosts: the network)"));
  add_log_button_ = new QPushButton(tr("Add nccl-tests log..."), form_widget);
  add_log_button_->setObjectName("clusterAddLog");
  clear_logs_button_ = new QPushButton(tr("Clear"), form_widget);
  clear_logs_button_->setObjectName("clusterClearLogs");
  auto* log_buttons = new QHBoxLayout;
  log_buttons->addWidget(add_log_button_);
  log_buttons->addWidget(clear_logs_button_);
  auto* logs = new QVBoxLayout;
  logs->addWidget(interconnect_list_);
  logs->addLayout(log_buttons);
  job_form->addRow(tr("nccl-tests logs"), logs);
  interconnect_label_ = new QLabel(tr("No measured interconnect: the system's spec bandwidths are used."), form_widget);
  interconnect_label_->setObjectName("clusterInterconnectNotes");
  interconnect_label_->setWordWrap(true);
  job_form->addRow(interconnect_label_);

  model_combo_ = new QComboBox(form_widget);
  model_combo_->setObjectName("clusterModel");
  // First the plan's own model (the shape rule for its N, as "MFU: auto" costs it), then the presets.
  model_combo_->addItem(plannedModelText(), QString::fromLatin1(kPlannedModel));
  model_combo_->setItemData(0, tr("The budget explorer's planned model: the Llama-family shape rule for the plan's "
                                  "parameter count, as MFU auto and 'plan --mfu auto' cost it; it follows the plan"),
                            Qt::ToolTipRole);
  for (const ModelPreset& m : session_->models().models()) model_combo_->addItem(qs(m.name), qs(m.id));
  if (const int llama = model_combo_->findData(QStringLiteral("llama3-70b")); llama >= 0)
    model_combo_->setCurrentIndex(llama);
  job_form->insertRow(0, tr("Model"), model_combo_);

  global_batch_spin_ = new QSpinBox(form_widget);
  global_batch_spin_->setObjectName("clusterGlobalBatch");
  global_batch_spin_->setRange(1, 10000000);
  global_batch_spin_->setGroupSeparatorShown(true);
  global_batch_spin_->setValue(1024);
  global_batch_spin_->setSuffix(tr(" sequences"));
  job_form->insertRow(1, tr("Global batch"), global_batch_spin_);

  seq_len_spin_ = new QSpinBox(form_widget);
  seq_len_spin_->setObjectName("clusterSeqLen");
  seq_len_spin_->setRange(1, 10000000);
  seq_len_spin_->setGroupSeparatorShown(true);
  seq_len_spin_->setValue(4096);
  seq_len_spin_->setSuffix(tr(" tokens"));
  job_form->insertRow(2, tr("Sequence length"), seq_len_spin_);

  precision_combo_ = new QComboBox(form_widget);
  precision_combo_->setObjectName("clusterPrecision");
  precision_combo_->setToolTip(tr("Precision of the matrix products; MFU is against its dense peak (CLI "
                                  "--precision). FP8 as Transformer Engine runs it under Megatron-Core: attention "
                                  "and the output layer stay in BF16, each FP8 layer's input and output gradient "
                                  "is quantized"));
  form->insertRow(2, tr("Precision"), precision_combo_);  // under the accelerator, whose peaks it picks

  status_label_ = new QLabel(tr("The layouts are searched when this tab is shown and after every change."), this);
  status_label_->setObjectName("clusterStatus");
  status_label_->setWordWrap(true);
  status_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  model_ = new LayoutModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(LayoutModel::kRawRole);
  table_ = new QTableView(this);
  table_->setObjectName("clusterLayouts");
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(LayoutModel::RankColumn, Qt::AscendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->setVisible(false);
  table_->setWordWrap(false);  // the reason is elided; its tooltip holds all of it
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ClusterPanel::showSelected);

  time_plot_ = new StepBarsPlot(session_, tr("Step time"), QStringLiteral("cluster-time"), tr("time per step (s)"), this);
  time_plot_->setObjectName("clusterTimePlot");
  memory_plot_ = new StepBarsPlot(session_, tr("Memory per GPU"), QStringLiteral("cluster-memory"),
                                  tr("memory per GPU (GB = 1e9 bytes)"), this);
  memory_plot_->setObjectName("clusterMemoryPlot");
  for (StepBarsPlot* p : {time_plot_, memory_plot_}) p->setMinimumSize(240, 260);

  auto* plots = new QWidget(this);
  auto* plots_row = new QHBoxLayout(plots);
  plots_row->setContentsMargins(0, 0, 0, 0);
  plots_row->addWidget(time_plot_, 1);
  plots_row->addWidget(memory_plot_, 1);
  auto* outputs = new QSplitter(Qt::Vertical, this);
  outputs->addWidget(table_);
  outputs->addWidget(plots);
  outputs->setStretchFactor(0, 1);
  outputs->setStretchFactor(1, 1);
  outputs->setChildrenCollapsible(false);
  table_->setMinimumHeight(8 * fontMetrics().height());
  // The tab sits in a scroll area that sizes it by height-for-width (the status line wraps), which
  // counts preferred heights: the table's and the plots' would make the tab taller than a 920-pixel
  // window and scroll it. Ignoring their preferred height leaves their minimum (the table's 8 lines,
  // the plots' 260 px) and gives them the rest of the window.
  outputs->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Ignored);

  copy_command_button_ = new QPushButton(tr("Copy step command"), this);
  copy_command_button_->setObjectName("clusterCopyCommand");
  copy_command_button_->setEnabled(false);
  connect(copy_command_button_, &QPushButton::clicked, this,
          [this] { QGuiApplication::clipboard()->setText(stepCommandLine()); });
  auto* status_row = new QHBoxLayout;
  status_row->addWidget(status_label_, 1);
  status_row->addWidget(copy_command_button_, 0, Qt::AlignTop);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(form_widget);
  layout->addLayout(status_row);
  layout->addWidget(outputs, 1);

  // The initial cluster: the plan's accelerator (its standard system) and GPU count.
  const PlanRequest& plan = session_->currentRequest();
  if (const ClusterSystem* s = systems_.findByAccelerator(plan.accelerator.id))
    system_combo_->setCurrentIndex(system_combo_->findData(qs(s->id)));
  gpus_spin_->setValue(plan.gpu_count);
  // Long system and model names must not widen the panel beyond its tab (the popups show them whole).
  for (QComboBox* c : {system_combo_, accelerator_combo_, model_combo_}) {
    c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    c->setMinimumContentsLength(12);
  }
  applySystemDefaults();
  fillPrecisions();  // applySystemDefaults fills them too, but returns early without a system
  connect(accelerator_combo_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ClusterPanel::fillPrecisions);
  connect(precision_combo_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    applyPrecisionDefault();
    scheduleSearch();
  });
  connect(system_combo_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    applySystemDefaults();
    scheduleSearch();
  });
  // (a search follows from the connections below)
  connect(software_combo_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &ClusterPanel::applySoftwareDefault);
  for (QComboBox* c : {accelerator_combo_, model_combo_, software_combo_})
    connect(c, qOverload<int>(&QComboBox::currentIndexChanged), this, &ClusterPanel::scheduleSearch);
  followModel();
  connect(model_combo_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ClusterPanel::followModel);
  connect(layout_fields_, &LayoutFieldsBox::changed, this, &ClusterPanel::scheduleSearch);
  for (QSpinBox* s : countInputs()) connect(s, qOverload<int>(&QSpinBox::valueChanged), this, &ClusterPanel::scheduleSearch);
  // A domain of one node follows the node size; one spanning whole nodes (NVL72) stays while it
  // still holds whole nodes.
  nodes_gpus_ = gpus_per_node_spin_->value();
  connect(gpus_per_node_spin_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int node) {
    const int domain = nvlink_domain_spin_->value();
    if (domain == nodes_gpus_ || domain < node || domain % node != 0) nvlink_domain_spin_->setValue(node);
    nodes_gpus_ = node;
  });
  for (QDoubleSpinBox* s : numberInputs())
    connect(s, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &ClusterPanel::scheduleSearch);
  connect(add_log_button_, &QPushButton::clicked, this, [this] {
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Add nccl-tests logs"), QString(),
                                                            tr("nccl-tests logs (*.log *.txt *.out);;All files (*)"));
    for (const QString& path : paths) {
      QString error;
      if (!addInterconnectFile(path, &error)) status_label_->setText(error);
    }
  });
  connect(clear_logs_button_, &QPushButton::clicked, this, &ClusterPanel::clearInterconnectFiles);
  time_plot_->clearTerms(tr("No layout selected"));
  memory_plot_->clearTerms(tr("No layout selected"));
  scheduleSearch();
}

std::vector<QSpinBox*> ClusterPanel::countInputs() const {
  return {gpus_spin_, gpus_per_node_spin_, nvlink_domain_spin_, global_batch_spin_, seq_len_spin_};
}

std::vector<QDoubleSpinBox*> ClusterPanel::numberInputs() const {
  return {nvlink_spin_,          network_spin_,         nvlink_efficiency_spin_, network_efficiency_spin_,
          nvlink_latency_spin_,  network_latency_spin_, gemm_efficiency_spin_,   memory_efficiency_spin_,
          overlap_slowdown_spin_, flash_attention_spin_, gradient_bytes_spin_};
}

void ClusterPanel::followModel() {
  auto arch = selectedArchitecture();
  layout_fields_->setExpertParallelAvailable(arch && arch->isMoe());
}

void ClusterPanel::fillAccelerators() {
  const QString current = accelerator_combo_->currentData().toString();
  QSignalBlocker block(accelerator_combo_);
  accelerator_combo_->clear();
  for (const Accelerator& a : session_->accelerators())
    accelerator_combo_->addItem(qs(a.name) + (a.measured ? tr(" (measured)") : QString()), qs(a.id));
  const int keep = accelerator_combo_->findData(current);
  if (keep >= 0) accelerator_combo_->setCurrentIndex(keep);
}

void ClusterPanel::fillPrecisions() {
  const Accelerator* accelerator = session_->findAccelerator(accelerator_combo_->currentData().toString().toStdString());
  const Precision current = selectedPrecision();
  const QSignalBlocker block(precision_combo_);
  precision_combo_->clear();
  for (Precision p : kTrainingPrecisions) {
    if (accelerator && !accelerator->peak(p)) continue;
    precision_combo_->addItem(qs(std::string(toString(p))), static_cast<int>(p));
  }
  const int keep = precision_combo_->findData(static_cast<int>(current));
  const int chosen = keep >= 0 ? keep : std::max(0, precision_combo_->findData(static_cast<int>(Precision::Bf16)));
  precision_combo_->setCurrentIndex(chosen);
  if (chosen != keep) applyPrecisionDefault();
}

void ClusterPanel::applyPrecisionDefault() {
  gemm_efficiency_spin_->setValue(GemmEfficiencyModel{}.peakFraction(selectedPrecision()));
}

TrainingSoftware ClusterPanel::selectedSoftware() const {
  return static_cast<TrainingSoftware>(software_combo_->currentData().toInt());
}

void ClusterPanel::applySoftwareDefault() {
  gradient_bytes_spin_->setValue(ExecutionOptions::forSoftware(selectedSoftware()).gradient_bytes);
}

Precision ClusterPanel::selectedPrecision() const {
  const QVariant chosen = precision_combo_->currentData();
  return chosen.isValid() ? static_cast<Precision>(chosen.toInt()) : Precision::Bf16;
}

void ClusterPanel::applySystemDefaults() {
  const ClusterSystem* system = systems_.find(system_combo_->currentData().toString().toStdString());
  if (!system) return;
  const QSignalBlocker b1(accelerator_combo_), b2(gpus_per_node_spin_), b3(nvlink_spin_), b4(network_spin_),
      b5(nvlink_efficiency_spin_), b6(network_efficiency_spin_);
  if (const int i = accelerator_combo_->findData(qs(system->accelerator.id)); i >= 0)
    accelerator_combo_->setCurrentIndex(i);
  fillPrecisions();  // the accelerator's signal is blocked here
  gpus_per_node_spin_->setValue(system->gpus_per_node);
  nvlink_spin_->setValue(system->nvlink.bytes_per_second_per_gpu / kBytesPerGb);
  network_spin_->setValue(system->network.bytes_per_second_per_gpu * kBitsPerByte / kBytesPerGb);
  nvlink_efficiency_spin_->setValue(system->nvlink.collective_efficiency);
  network_efficiency_spin_->setValue(system->network.collective_efficiency);
  const QSignalBlocker b7(nvlink_domain_spin_), b8(nvlink_latency_spin_), b9(network_latency_spin_);
  nvlink_domain_spin_->setValue(system->nvlink_domain_gpus);
  nodes_gpus_ = system->gpus_per_node;
  nvlink_latency_spin_->setValue(system->nvlink.latency_seconds * kMicrosecondsPerSecond);
  network_latency_spin_->setValue(system->network.latency_seconds * kMicrosecondsPerSecond);
}

Result<ClusterSystem> ClusterPanel::baseSystem() const {
  const std::string accelerator_id = accelerator_combo_->currentData().toString().toStdString();
  const Accelerator* accelerator = session_->findAccelerator(accelerator_id);
  if (!accelerator) return Error{"accelerator: none selected"};
  const ClusterSystem* system = systems_.find(system_combo_->currentData().toString().toStdString());
  // Another accelerator than the system's: the system's fabrics around it (an assumption the
  // generic system's source states).
  if (system && system->accelerator.id == accelerator->id) return *system;
  return genericSystemFor(*accelerator, system);
}

ClusterOverrides ClusterPanel::overridesFromControls() const {
  ClusterOverrides o;
  o.gpus_per_node = gpus_per_node_spin_->value();
  o.nvlink_gbps = nvlink_spin_->value();
  o.network_gbps = network_spin_->value();
  o.nvlink_efficiency = nvlink_efficiency_spin_->value();
  o.network_efficiency = network_efficiency_spin_->value();
  o.nvlink_domain_gpus = nvlink_domain_spin_->value();
  o.nvlink_latency_us = nvlink_latency_spin_->value();
  o.network_latency_us = network_latency_spin_->value();
  return o;
}

QString ClusterPanel::systemKey() const {
  QStringList parts = {system_combo_->currentData().toString(), accelerator_combo_->currentData().toString()};
  for (const QSpinBox* b : {gpus_per_node_spin_, nvlink_domain_spin_}) parts << QString::number(b->value());
  for (const QDoubleSpinBox* b : {nvlink_spin_, network_spin_, nvlink_efficiency_spin_, network_efficiency_spin_,
                                  nvlink_latency_spin_, network_latency_spin_})
    parts << QString::number(b->value(), 'g', 17);
  return (parts + interconnect_files_).join(QLatin1Char('\n'));
}

Result<ClusterSystem> ClusterPanel::systemFromControls() const {
  auto base = baseSystem();
  if (!base) return base.error();
  ClusterOverrides overrides = overridesFromControls();
  std::vector<InterconnectSpec> specs;
  for (const QString& f : interconnect_files_) specs.push_back({std::filesystem::path(f.toStdString()), std::nullopt});
  if (Status st = addInterconnectLogs(overrides, specs, *base); !st) return Error{"nccl-tests log " + st.message()};
  return applyOverrides(*base, overrides);
}

Result<ClusterSearchRequest> ClusterPanel::searchRequest() const {
  auto system = systemFromControls();
  if (!system) return system.error();

  auto arch = selectedArchitecture();
  if (!arch) return arch.error();
  ClusterSearchRequest request;
  request.job.arch = std::move(arch).value();
  request.job.seq_len = seq_len_spin_->value();
  request.job.global_batch = global_batch_spin_->value();
  request.job.gpus = gpus_spin_->value();
  request.job.precision = selectedPrecision();
  request.execution = executionFromControls();
  auto rates = guiGemmRates(system->accelerator, request.job.precision, request.execution.gemm);
  if (!rates) return rates.error();
  request.system = std::move(system).value();
  request.rates = std::move(rates).value();
  request.options.top_k = kLayoutsShown;
  layout_fields_->applyTo(&request.options);
  return request;
}

ExecutionOptions ClusterPanel::executionFromControls() const {
  ExecutionOptions execution = ExecutionOptions::forSoftware(selectedSoftware());
  (selectedPrecision() == Precision::Fp8 ? execution.gemm.fp8_peak_fraction : execution.gemm.peak_fraction) =
      gemm_efficiency_spin_->value();
  execution.gemm.bandwidth_fraction = memory_efficiency_spin_->value();
  execution.overlap_compute_slowdown = overlap_slowdown_spin_->value();
  execution.flash_attention_efficiency = flash_attention_spin_->value();
  execution.setGradientBytes(gradient_bytes_spin_->value());
  return execution;
}

void ClusterPanel::scheduleSearch() {
  // Every change of an input lands here: the execution boxes also drive the budget explorer's
  // "MFU: auto" (the session ignores an unchanged value).
  session_->setClusterExecution(executionFromControls());
  session_->setClusterSeqLen(seq_len_spin_->value());
  // ... and the system (fabrics, node size, measured curves), when its inputs changed.
  if (const QString key = systemKey(); key != system_key_) {
    system_key_ = key;
    auto system = systemFromControls();
    session_->setClusterSystem(system ? std::optional<ClusterSystem>(std::move(system).value()) : std::nullopt, key);
  }
  // Hidden (another tab is current): search when shown, so startup and other tabs pay nothing.
  if (!isVisible()) {
    search_stale_ = true;
    return;
  }
  debounce_->start();
}

void ClusterPanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (search_stale_) {
    search_stale_ = false;
    debounce_->start();
  }
}

void ClusterPanel::startSearch() {
  debounce_->stop();
  search_stale_ = false;
  auto request = searchRequest();
  if (!request) {
    model_->clear();
    last_result_.reset();
    showSelected();
    status_label_->setText(tr("Cannot search: %1").arg(qs(request.message())));
    emit searchFinished(false);
    return;
  }
  status_label_->setText(tr("Searching the layouts of %1 on %2 GPUs...")
                             .arg(model_combo_->currentText())
                             .arg(text::thousands(static_cast<double>(request->job.gpus))));
  worker_->start(std::move(request).value());
}

QString ClusterPanel::searchedFixedFields(const ClusterSearchOutcome& outcome) const {
  // The fields of the search that ended, not the boxes' now (a change since restarts the search).
  return outcome.request ? LayoutFieldsBox::describe(outcome.request->options) : layout_fields_->describeFixed();
}

void ClusterPanel::onSearchFinished(const ClusterSearchOutcome& outcome) {
  if (!outcome.result) {
    model_->clear();
    last_result_.reset();
    showSelected();
    const QString fixed = searchedFixedFields(outcome);
    status_label_->setText(fixed.isEmpty() ? tr("No layout: %1").arg(outcome.error)
                                           : tr("No layout with %1: %2").arg(fixed, outcome.error));
    emit searchFinished(false);
    return;
  }
  last_result_ = outcome.result;
  const LayoutSearchResult& r = *outcome.result;
  model_->setLayouts(r.best);
  table_->sortByColumn(LayoutModel::RankColumn, Qt::AscendingOrder);
  const QString fixed = searchedFixedFields(outcome);
  QString status = fixed.isEmpty() ? QString() : tr("Fixed %1, the rest searched: ").arg(fixed);
  status += tr("%1 layouts enumerated, %2 valid, %3 fit in memory; searched in %4 s.")
                .arg(text::thousands(static_cast<double>(r.candidates)),
                     text::thousands(static_cast<double>(r.valid)),
                     text::thousands(static_cast<double>(r.fitting)), text::number(r.search_seconds, 2));
  QString accuracy_tip;
  if (!r.best.empty()) {
    const StepEstimate& best = r.best.front().estimate;
    // What the MFU stands for, as plan --mfu auto and step report it (core's assessClusterMfu).
    const ClusterMfuAssessment accuracy = assessClusterMfu(best);
    status += QLatin1Char(' ') + tr("Best: %1, %2 s per step, MFU %3% (range %4-%5%%6).")
                                     .arg(qs(best.layout.describe()), text::number(best.step_seconds, 3))
                                     .arg(best.mfu * 100.0, 0, 'f', 1)
                                     .arg(accuracy.range.low * 100.0, 0, 'f', 1)
                                     .arg(accuracy.range.high * 100.0, 0, 'f', 1)
                                     .arg(accuracy.caveat.empty() ? tr(": its basis in the tooltip")
                                                                    : tr(": its basis and a caution in the tooltip"));
    accuracy_tip = tr("MFU: a fraction of %1.").arg(qs(best.peakDescription())) + QStringLiteral("\n\n") +
                   tr("MFU range: %1").arg(qs(accuracy.basis));
    if (!accuracy.caveat.empty()) accuracy_tip += QStringLiteral("\n\n") + tr("Caution: %1").arg(qs(accuracy.caveat));
  }
  status_label_->setText(status);
  status_label_->setToolTip(accuracy_tip);
  selectLayout(0);
  emit searchFinished(true);
}

void ClusterPanel::selectLayout(int source_row) {
  const QModelIndex source = model_->index(source_row, 0);
  const QModelIndex view = proxy_->mapFromSource(source);
  if (view.isValid()) table_->setCurrentIndex(view);
  showSelected();
}

const StepEstimate* ClusterPanel::selectedEstimate() const {
  const QModelIndex current = table_->currentIndex();
  if (!current.isValid()) return nullptr;
  return model_->estimateAt(proxy_->mapToSource(current).row());
}

void ClusterPanel::showSelected() {
  const QString command = stepCommandLine();
  copy_command_button_->setEnabled(!command.isEmpty());
  copy_command_button_->setToolTip(
      command.isEmpty() ? tr("Select a layout (a measured accelerator: run the CLI with --gpu measured:FILE)")
                        : tr("Copies the command that costs this layout on the command line:\n%1").arg(command));
  const StepEstimate* e = selectedEstimate();
  if (!e) {
    time_plot_->clearTerms(tr("No layout selected"));
    memory_plot_->clearTerms(tr("No layout selected"));
    return;
  }
  const QString label = qs(e->layout.describe());
  time_plot_->setTerms(label, timeTerms(e->time), tr("%1 s").arg(text::number(e->step_seconds, 3)));
  memory_plot_->setTerms(label, memoryTerms(e->memory), text::bytes(e->memory.total()),
                         e->memory_capacity_bytes / kBytesPerGb,
                         tr("one GPU: %1 (%2 GiB)")
                             .arg(text::bytes(e->memory_capacity_bytes))
                             .arg(e->memory_capacity_bytes / kBytesPerGib, 0, 'g', 4));
}

bool ClusterPanel::addInterconnectFile(const QString& path, QString* error) {
  auto base = baseSystem();
  ClusterOverrides probe = overridesFromControls();
  std::vector<std::string> notes;
  Status st = base ? addInterconnectLogs(probe, {{std::filesystem::path(path.toStdString()), std::nullopt}}, *base, &notes)
                   : base.status();
  if (st && !interconnect_files_.isEmpty()) {
    // Checked together with the files already listed: two curves for one collective and fabric clash.
    ClusterOverrides all = overridesFromControls();
    std::vector<InterconnectSpec> specs;
    for (const QString& f : interconnect_files_ + QStringList{path})
      specs.push_back({std::filesystem::path(f.toStdString()), std::nullopt});
    st = addInterconnectLogs(all, specs, *base);
  }
  if (!st) {
    if (error) *error = tr("nccl-tests log not used: %1").arg(qs(st.message()));
    return false;
  }
  interconnect_files_ << path;
  interconnect_list_->addItem(QFileInfo(path).fileName());
  interconnect_list_->item(interconnect_list_->count() - 1)->setToolTip(path);
  for (const std::string& n : notes) interconnect_notes_ << qs(n);
  interconnect_label_->setText(interconnect_notes_.join('\n'));
  scheduleSearch();
  return true;
}

void ClusterPanel::clearInterconnectFiles() {
  interconnect_files_.clear();
  interconnect_list_->clear();
  interconnect_notes_.clear();
  interconnect_label_->setText(tr("No measured interconnect: the system's spec bandwidths are used."));
  scheduleSearch();
}

}  // namespace scaleplan
