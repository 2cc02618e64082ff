#include "panels/model_panel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <limits>

#include "counting/count_report.hpp"
#include "plots/memory_plot.hpp"
#include "plan/curves.hpp"
#include "session/session.hpp"
#include "controls/text_format.hpp"

namespace scaleplan {

namespace {


constexpr int kIntMax = std::numeric_limits<int>::max();

QSpinBox* makeSpin(QWidget* parent, int min, int max, int value, const QString& tip) {
  auto* spin = new QSpinBox(parent);
  spin->setRange(min, max);
  spin->setValue(value);
  spin->setGroupSeparatorShown(true);
  spin->setToolTip(tip);
  spin->setKeyboardTracking(false);  // recompute when the typing is done, not at every digit
  return spin;
}

int toInt(std::int64_t v) {
  return static_cast<int>(std::clamp<std::int64_t>(v, 0, kIntMax));
}

// A Llama-2-7B-sized default for a custom architecture.
TransformerArchitecture defaultArchitecture() {
  TransformerArchitecture a;
  a.layers = 32;
  a.d_model = 4096;
  a.heads = 32;
  a.d_ff = 11008;
  a.mlp = MlpKind::SwiGlu;
  a.vocab = 32000;
  a.max_seq_len = 4096;
  return a;
}

}  // namespace

ModelMemoryPanel::ModelMemoryPanel(Session* session, QWidget* parent)
    : QWidget(parent), session_(session), base_(defaultArchitecture()) {
  setObjectName("modelMemoryPanel");
  auto* layout = new QHBoxLayout(this);
  auto* splitter = new QSplitter(Qt::Horizontal, this);
  auto* scroll = new QScrollArea(splitter);
  scroll->setWidget(buildControls());
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  // As narrow as the controls allow (with the vertical scroll bar they always need), so that the
  // panel fits a ~720-px tab next to the budget explorer and the result panel.
  scroll->setMinimumWidth(scroll->widget()->minimumSizeHint().width() +
                          scroll->verticalScrollBar()->sizeHint().width() + 2 * scroll->frameWidth());
  splitter->addWidget(scroll);
  splitter->addWidget(buildResults());
  splitter->setStretchFactor(0, 0);
  splitter->setStretchFactor(1, 1);
  splitter->setChildrenCollapsible(false);
  layout->addWidget(splitter);

  connect(session_, &Session::inputsChanged, this, &ModelMemoryPanel::recompute);
  connect(session_, &Session::acceleratorsChanged, this, &ModelMemoryPanel::recompute);

  // Start on a well-known model when the catalog has it; then follow the plan's size until the
  // user picks a model.
  if (!selectPreset("llama2-7b")) {
    loadArchitecture(base_);
    recompute();
  }
  connect(session_, &Session::planChanged, this, &ModelMemoryPanel::followPlan);
  followPlan();
}

void ModelMemoryPanel::followPlan() {
  const auto& plan = session_->currentResult();
  if (!follows_plan_ || !plan) return;
  const ModelPreset* nearest = nearestPublishedModel(session_->models(), plan->params);
  if (!nearest) return;
  if (currentPresetId() != qs(nearest->id)) selectPreset(qs(nearest->id));
  preset_info_->setText(tr("Following the plan (%1 parameters): the nearest published model. Pick a model to "
                           "stop following.\n")
                            .arg(text::count(plan->params)) +
                        preset_description_);
}

QWidget* ModelMemoryPanel::buildControls() {
  auto* w = new QWidget;
  auto* layout = new QVBoxLayout(w);

  auto* model_box = new QGroupBox(tr("Model"), w);
  auto* model_layout = new QVBoxLayout(model_box);
  preset_combo_ = new QComboBox(model_box);
  preset_combo_->addItem(tr("Custom architecture"), QString());
  for (const ModelPreset& m : session_->models().models()) {
    preset_combo_->addItem(tr("%1 (%2, %3)").arg(qs(m.name), qs(m.organization)).arg(m.year), qs(m.id));
  }
  model_layout->addWidget(preset_combo_);
  preset_info_ = new QLabel(model_box);
  preset_info_->setWordWrap(true);
  preset_info_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  model_layout->addWidget(preset_info_);
  layout->addWidget(model_box);
  connect(preset_combo_, &QComboBox::currentIndexChanged, this, [this] {
    const QString id = preset_combo_->currentData().toString();
    follows_plan_ = false;  // the user chose: the plan no longer moves the model
    if (!id.isEmpty()) selectPreset(id);
  });

  auto* arch_box = new QGroupBox(tr("Architecture"), w);
  auto* form = new QFormLayout(arch_box);
  layers_ = makeSpin(arch_box, 1, 100000, 32, tr("Transformer layers"));
  form->addRow(tr("Layers:"), layers_);
  d_model_ = makeSpin(arch_box, 1, kIntMax, 4096, tr("Hidden size d_model"));
  form->addRow(tr("d_model:"), d_model_);
  heads_ = makeSpin(arch_box, 1, 100000, 32, tr("Query heads"));
  form->addRow(tr("Heads:"), heads_);
  kv_heads_ = makeSpin(arch_box, 0, 100000, 0,
                       tr("Key/value heads: 1 = multi-query, fewer than heads = grouped-query"));
  kv_heads_->setSpecialValueText(tr("= heads"));
  form->addRow(tr("KV heads:"), kv_heads_);
  d_ff_ = makeSpin(arch_box, 1, kIntMax, 11008, tr("Feed-forward hidden size"));
  form->addRow(tr("d_ff:"), d_ff_);
  mlp_ = new QComboBox(arch_box);
  for (MlpKind k : kMlpKindNames.values()) mlp_->addItem(qs(toString(k)), qs(toString(k)));
  mlp_->setToolTip(tr("GELU/ReLU: 2 matrices; SwiGLU/GeGLU (gated): 3 matrices"));
  form->addRow(tr("MLP:"), mlp_);
  vocab_ = makeSpin(arch_box, 1, kIntMax, 32000, tr("Vocabulary size"));
  form->addRow(tr("Vocabulary:"), vocab_);
  tied_ = new QCheckBox(tr("tied input/output embeddings"), arch_box);
  form->addRow(QString(), tied_);
  experts_ = makeSpin(arch_box, 0, 100000, 0, tr("Routed experts per MoE layer (0 = dense)"));
  experts_->setSpecialValueText(tr("dense"));
  form->addRow(tr("MoE experts:"), experts_);
  top_k_ = makeSpin(arch_box, 0, 100000, 0, tr("Routed experts per token"));
  form->addRow(tr("MoE top-k:"), top_k_);
  layout->addWidget(arch_box);

  auto* train_box = new QGroupBox(tr("Training"), w);
  auto* train_form = new QFormLayout(train_box);
  micro_batch_ = makeSpin(train_box, 1, 1 << 20, 1, tr("Sequences per micro-batch"));
  train_form->addRow(tr("Micro-batch:"), micro_batch_);
  seq_len_ = makeSpin(train_box, 1, 1 << 24, 4096, tr("Tokens per sequence"));
  train_form->addRow(tr("Sequence length:"), seq_len_);
  recompute_ = new QComboBox(train_box);
  recompute_->addItem(tr("none"), qs(toString(Recompute::None)));
  recompute_->addItem(tr("selective (attention scores)"), qs(toString(Recompute::Selective)));
  recompute_->addItem(tr("full (every layer's forward)"), qs(toString(Recompute::Full)));
  recompute_->setToolTip(tr("Activation recomputation (Korthikanti et al. 2022)"));
  train_form->addRow(tr("Recompute:"), recompute_);
  flash_ = new QCheckBox(tr("FlashAttention (scores never stored)"), train_box);
  train_form->addRow(QString(), flash_);
  precision_ = new QComboBox(train_box);
  for (Precision p : {Precision::Bf16, Precision::Fp16, Precision::Fp8, Precision::Fp32}) {
    precision_->addItem(qs(toString(p)), qs(toString(p)));
  }
  precision_->setToolTip(tr("Precision of the weights and gradients used for compute"));
  train_form->addRow(tr("Precision:"), precision_);
  optimizer_ = new QComboBox(train_box);
  for (Optimizer o : {Optimizer::AdamW, Optimizer::AdamW8bit, Optimizer::SgdMomentum, Optimizer::Sgd,
                      Optimizer::Adafactor}) {
    optimizer_->addItem(qs(toString(o)), qs(toString(o)));
  }
  train_form->addRow(tr("Optimizer:"), optimizer_);
  layout->addWidget(train_box);

  auto* infer_box = new QGroupBox(tr("Inference"), w);
  auto* infer_form = new QFormLayout(infer_box);
  inference_batch_ = makeSpin(infer_box, 1, 1 << 20, 1, tr("Concurrent sequences"));
  infer_form->addRow(tr("Batch:"), inference_batch_);
  context_ = makeSpin(infer_box, 1, 1 << 24, 4096, tr("Tokens held per sequence (prompt + generated)"));
  infer_form->addRow(tr("Context:"), context_);
  serving_precision_ = new QComboBox(infer_box);
  for (Precision p : {Precision::Bf16, Precision::Fp16, Precision::Fp8, Precision::Int8, Precision::Int4}) {
    serving_precision_->addItem(qs(toString(p)), qs(toString(p)));
  }
  serving_precision_->setToolTip(tr("Precision of the served weights (the KV cache stays bf16)"));
  infer_form->addRow(tr("Weights:"), serving_precision_);
  layout->addWidget(infer_box);
  layout->addStretch(1);

  for (QSpinBox* spin : {layers_, d_model_, heads_, kv_heads_, d_ff_, vocab_, experts_, top_k_}) {
    connect(spin, &QSpinBox::valueChanged, this, &ModelMemoryPanel::onArchitectureEdited);
  }
  connect(mlp_, &QComboBox::currentIndexChanged, this, &ModelMemoryPanel::onArchitectureEdited);
  connect(tied_, &QCheckBox::toggled, this, &ModelMemoryPanel::onArchitectureEdited);
  for (QSpinBox* spin : {micro_batch_, seq_len_, inference_batch_, context_}) {
    connect(spin, &QSpinBox::valueChanged, this, &ModelMemoryPanel::recompute);
  }
  for (QComboBox* combo : {recompute_, precision_, optimizer_, serving_precision_}) {
    connect(combo, &QComboBox::currentIndexChanged, this, &ModelMemoryPanel::recompute);
  }
  connect(flash_, &QCheckBox::toggled, this, &ModelMemoryPanel::recompute);
  return w;
}

QWidget* ModelMemoryPanel::buildResults() {
  auto* w = new QWidget(this);
  auto* layout = new QVBoxLayout(w);
  auto* box = new QGroupBox(tr("Size and compute"), w);
  auto* grid = new QFormLayout(box);
  error_label_ = new QLabel(box);
  error_label_->setWordWrap(true);
  error_label_->setVisible(false);
  error_label_->setStyleSheet("QLabel { color: #d03030; font-weight: bold; }");
  grid->addRow(error_label_);
  total_label_ = new QLabel(box);
  active_label_ = new QLabel(box);
  flops_label_ = new QLabel(box);
  training_fit_label_ = new QLabel(box);
  inference_fit_label_ = new QLabel(box);
  for (QLabel* l : {total_label_, active_label_, flops_label_, training_fit_label_, inference_fit_label_}) {
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  }
  grid->addRow(tr("Parameters:"), total_label_);
  grid->addRow(tr("Active per token:"), active_label_);
  grid->addRow(tr("FLOPs per token:"), flops_label_);
  grid->addRow(tr("Training memory:"), training_fit_label_);
  grid->addRow(tr("Inference memory:"), inference_fit_label_);
  layout->addWidget(box);
  plot_ = new MemoryPlot(session_, w);
  plot_->setMinimumHeight(300);
  layout->addWidget(plot_, 1);
  return w;
}

bool ModelMemoryPanel::selectPreset(const QString& id) {
  const ModelPreset* preset = session_->models().find(id.toStdString());
  if (!preset) return false;
  {
    QSignalBlocker block(preset_combo_);
    preset_combo_->setCurrentIndex(preset_combo_->findData(id));
  }
  QString info = tr("Published: %1 parameters").arg(text::count(preset->published_params));
  if (preset->published_params_scope == ParamsScope::NonEmbedding) info += tr(" (non-embedding)");
  if (preset->published_active_params)
    info += tr(", %1 active").arg(text::count(*preset->published_active_params));
  if (preset->training_tokens)
    info += tr("; trained on %1 tokens").arg(text::count(*preset->training_tokens));
  info += tr(".\nSource: %1").arg(qs(preset->source));
  if (!preset->architecture_note.empty()) info += tr("\nNote: %1").arg(qs(preset->architecture_note));
  preset_info_->setText(info);
  preset_description_ = info;
  base_ = preset->architecture;
  loadArchitecture(base_);
  if (preset->architecture.max_seq_len > 0) {
    QSignalBlocker b1(seq_len_), b2(context_);
    seq_len_->setValue(toInt(preset->architecture.max_seq_len));
    context_->setValue(toInt(preset->architecture.max_seq_len));
  }
  recompute();
  return true;
}

QString ModelMemoryPanel::currentPresetId() const {
  return preset_combo_->currentData().toString();
}

void ModelMemoryPanel::loadArchitecture(const TransformerArchitecture& a) {
  loading_ = true;
  const QList<QWidget*> widgets = {layers_, d_model_, heads_, kv_heads_, d_ff_,
                                   mlp_,    vocab_,   tied_,  experts_,  top_k_};
  for (QWidget* wdg : widgets) wdg->blockSignals(true);
  layers_->setValue(toInt(a.layers));
  d_model_->setValue(toInt(a.d_model));
  heads_->setValue(toInt(a.heads));
  kv_heads_->setValue(toInt(a.kv_heads));
  d_ff_->setValue(toInt(a.d_ff));
  mlp_->setCurrentIndex(mlp_->findData(qs(toString(a.mlp))));
  vocab_->setValue(toInt(a.vocab));
  tied_->setChecked(a.tied_embeddings);
  experts_->setValue(toInt(a.moe.experts));
  top_k_->setValue(toInt(a.moe.top_k));
  for (QWidget* wdg : widgets) wdg->blockSignals(false);
  loading_ = false;
}

void ModelMemoryPanel::onArchitectureEdited() {
  if (loading_) return;
  follows_plan_ = false;
  // An edited preset is a custom architecture (it keeps the preset's other fields).
  if (preset_combo_->currentIndex() != 0) {
    QSignalBlocker block(preset_combo_);
    preset_combo_->setCurrentIndex(0);
    preset_info_->setText(
        tr("Edited; fields not shown here (positions, norms, biases, head size) are kept from "
           "the model it started from."));
  }
  recompute();
}

TransformerArchitecture ModelMemoryPanel::architecture() const {
  TransformerArchitecture a = base_;
  a.layers = layers_->value();
  a.d_model = d_model_->value();
  a.heads = heads_->value();
  a.kv_heads = kv_heads_->value();
  a.d_ff = d_ff_->value();
  a.mlp = mlpKindFromString(mlp_->currentData().toString().toStdString()).value_or(MlpKind::SwiGlu);
  a.vocab = vocab_->value();
  a.tied_embeddings = tied_->isChecked();
  a.moe.experts = experts_->value();
  a.moe.top_k = top_k_->value();
  // head_dim of the preset only holds for its own d_model and heads.
  if (base_.head_dim > 0 && (a.d_model != base_.d_model || a.heads != base_.heads)) a.head_dim = 0;
  return a;
}

TrainingStateOptions ModelMemoryPanel::trainingStateOptions() const {
  TrainingStateOptions o;
  o.precision =
      precisionFromString(precision_->currentData().toString().toStdString()).value_or(Precision::Bf16);
  o.optimizer =
      optimizerFromString(optimizer_->currentData().toString().toStdString()).value_or(Optimizer::AdamW);
  return o;
}

ActivationOptions ModelMemoryPanel::activationOptions() const {
  ActivationOptions o;
  o.micro_batch = micro_batch_->value();
  o.seq_len = seq_len_->value();
  o.recompute =
      recomputeFromString(recompute_->currentData().toString().toStdString()).value_or(Recompute::None);
  o.flash_attention = flash_->isChecked();
  return o;
}

InferenceOptions ModelMemoryPanel::inferenceOptions() const {
  InferenceOptions o;
  o.weight_precision = precisionFromString(serving_precision_->currentData().toString().toStdString())
                           .value_or(Precision::Bf16);
  o.batch = inference_batch_->value();
  o.context = context_->value();
  return o;
}

FlopsOptions ModelMemoryPanel::flopsOptions() const {
  FlopsOptions o;
  o.seq_len = seq_len_->value();
  o.recompute = activationOptions().recompute;
  return o;
}

void ModelMemoryPanel::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) recompute();  // the verdict colours follow the palette
}

void ModelMemoryPanel::recompute() {
  const TransformerArchitecture a = architecture();
  std::string why;
  const TrainingStateOptions state = trainingStateOptions();
  const ActivationOptions act = activationOptions();
  const InferenceOptions inf = inferenceOptions();
  const FlopsOptions fo = flopsOptions();
  if (!a.isValid(&why) || !state.isValid(&why) || !act.isValid(&why) || !inf.isValid(&why) ||
      !fo.isValid(&why)) {
    arch_error_ = qs(why);
    count_.reset();
    training_.reset();
    inference_.reset();
    error_label_->setText(tr("Invalid: %1").arg(arch_error_));
    error_label_->setVisible(true);
    for (QLabel* l : {total_label_, active_label_, flops_label_, training_fit_label_, inference_fit_label_}) {
      l->setText(QStringLiteral("—"));
    }
    plot_->clearBreakdown();
    emit recomputed();
    return;
  }
  arch_error_.clear();
  error_label_->setVisible(false);
  // The figures of 'scaleplan-cli count' (per token; no training token count here).
  const CountReport report = makeCountReport(a, fo);
  const ParameterCount& count = report.params;
  count_ = count;
  total_label_->setText(
      tr("<b>%1</b> total (%2 non-embedding, %3 embedding)")
          .arg(text::count(count.total), text::count(count.non_embedding), text::count(count.embedding)));
  active_label_->setText(a.isMoe() ? tr("<b>%1</b> (top-%2 of %3 experts)")
                                         .arg(text::count(count.active))
                                         .arg(a.moe.top_k)
                                         .arg(a.moe.experts)
                                   : tr("%1 (dense: all parameters)").arg(text::count(count.active)));

  const double six_n = report.six_n;
  const TrainingFlopsPerToken& detailed = report.training;
  QString flops =
      tr("training 6·N = <b>%1</b>; detailed count (Chinchilla app. F, %2-token context) = <b>%3</b> "
         "(%4× 6·N)")
          .arg(text::scientific(six_n))
          .arg(fo.seq_len)
          .arg(text::scientific(detailed.model()))
          .arg(detailed.model() / six_n, 0, 'f', 3);
  if (detailed.recompute > 0) {
    flops += tr("; with recomputation the hardware does %1").arg(text::scientific(detailed.hardware()));
  }
  flops += tr("; inference 2·N = %1").arg(text::scientific(report.inference));
  flops_label_->setText(flops);

  const TrainingMemory tm = scaleplan::trainingMemory(a, state, act);
  const InferenceMemory im = scaleplan::inferenceMemory(a, inf);
  training_ = tm;
  inference_ = im;

  const Accelerator& gpu = session_->currentRequest().accelerator;
  // Verdict colours that read on the light and the dark palette.
  const bool dark = palette().color(QPalette::Window).lightnessF() < 0.5;
  const QString good = dark ? "#7ddc7d" : "#1e8a1e", bad = dark ? "#ff8080" : "#c02020";
  auto fitText = [&](double bytes, const QString& what) {
    QString s = tr("<b>%1</b> %2").arg(text::bytes(bytes), what);
    if (!(gpu.memory_gb > 0.0)) return s + tr(" (the chosen accelerator has no memory size)");
    const QString gpu_name = tr("%1 (%2 GiB)").arg(qs(gpu.name)).arg(gpu.memory_gb, 0, 'g', 4);
    auto n = gpusToHold(bytes, gpu.memory_gb);
    if (!n) return s + " — " + qs(n.message());
    if (*n <= 1) return s + tr(" — <span style='color:%1'>fits on one %2</span>").arg(good, gpu_name);
    return s +
           tr(" — <span style='color:%1'>does not fit on one %2</span>: at least <b>%3</b> GPUs to hold it "
              "(before parallelism overheads)")
               .arg(bad, gpu_name)
               .arg(*n);
  };
  training_fit_label_->setText(
      fitText(tm.total(), tr("(state %1 + activations %2 per micro-batch)")
                              .arg(text::bytes(tm.state()), text::bytes(tm.activations))));
  inference_fit_label_->setText(
      fitText(im.total(), tr("(weights %1 + KV cache %2 for %3 × %4 tokens)")
                              .arg(text::bytes(im.weights), text::bytes(im.kv_cache))
                              .arg(inf.batch)
                              .arg(inf.context)));
  plot_->setBreakdown(tm, im);
  emit recomputed();
}

}  // namespace scaleplan
