#include "controls/layout_fields_box.hpp"

#include <algorithm>

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>

#include "controls/text_format.hpp"
#include "counting/flops.hpp"

namespace scaleplan {

namespace {

constexpr int kAuto = -1;  // a combo's "auto" item (searched)
// The largest value a box takes: beyond any degree or micro-batch of a real run (the core's
// checks say what does not divide), and short enough to keep the boxes narrow.
constexpr int kMaxDegree = 9999;

// A box whose lowest value, 0, reads "auto" (the field is searched).
QSpinBox* autoSpin(QWidget* parent, const char* name, int maximum, const QString& tip) {
  auto* spin = new QSpinBox(parent);
  spin->setObjectName(name);
  spin->setRange(0, maximum);
  spin->setSpecialValueText(QObject::tr("auto"));
  spin->setToolTip(tip);
  return spin;
}

QComboBox* autoCombo(QWidget* parent, const char* name, const QString& tip) {
  auto* combo = new QComboBox(parent);
  combo->setObjectName(name);
  combo->addItem(QObject::tr("auto"), kAuto);
  combo->setToolTip(tip);
  return combo;
}

// Recomputed layers per device: "auto" (-1, searched), "all" (0, every layer: Megatron's
// --recompute-num-layers left at the device's count) or a count.
class RecomputeLayersSpin : public QSpinBox {
 public:
  using QSpinBox::QSpinBox;

 protected:
  QString textFromValue(int value) const override { return value == 0 ? all() : QSpinBox::textFromValue(value); }
  int valueFromText(const QString& text) const override {
    return text.trimmed() == all() ? 0 : QSpinBox::valueFromText(text);
  }
  QValidator::State validate(QString& text, int& pos) const override {
    const QString t = text.trimmed();
    if (t == all()) return QValidator::Acceptable;
    if (!t.isEmpty() && all().startsWith(t)) return QValidator::Intermediate;
    return QSpinBox::validate(text, pos);
  }

 private:
  static QString all() { return QObject::tr("all"); }
};

// A box's lowest value reads "auto": the field is searched.
std::optional<int> fixedValue(const QSpinBox* spin) {
  if (!spin->isEnabled() || spin->value() == spin->minimum()) return std::nullopt;
  return spin->value();
}

std::optional<int> fixedValue(const QComboBox* combo) {
  const int v = combo->currentData().toInt();
  if (v == kAuto) return std::nullopt;
  return v;
}

}  // namespace

LayoutFieldsBox::LayoutFieldsBox(QWidget* parent) : QWidget(parent) {
  setObjectName("layoutFields");
  const QString searched = tr("auto: searched");
  tp_ = autoSpin(this, "layoutTp", kMaxDegree, tr("Tensor-parallel degree (CLI --tp); %1").arg(searched));
  pp_ = autoSpin(this, "layoutPp", kMaxDegree,
                 tr("Pipeline stages (CLI --pp); one that does not divide the layers makes the first and last "
                    "stages lighter (126 layers on 16: 7 + 14 x 8 + 7); %1")
                     .arg(searched));
  virtual_stages_ = autoSpin(this, "layoutVirtualStages", kMaxDegree,
                             tr("Model chunks per pipeline device, interleaved schedule when > 1 (CLI "
                                "--virtual-stages); %1")
                                 .arg(searched));
  cp_ = autoSpin(this, "layoutCp", kMaxDegree, tr("Context-parallel degree (CLI --cp); %1").arg(searched));
  ep_ = autoSpin(this, "layoutEp", kMaxDegree,
                 tr("Expert-parallel degree, mixtures of experts only (CLI --ep); %1").arg(searched));
  micro_batch_ = autoSpin(this, "layoutMicroBatch", kMaxDegree,
                          tr("Micro-batch: sequences per micro-batch (CLI --micro-batch); %1").arg(searched));
  zero_ = autoCombo(this, "layoutZero", tr("ZeRO stage, 3 = FSDP (CLI --zero); %1").arg(searched));
  for (int stage = 0; stage <= 3; ++stage) zero_->addItem(QString::number(stage), stage);
  sequence_parallel_ = autoCombo(this, "layoutSequenceParallel",
                                 tr("Sequence parallelism, needs TP > 1 (CLI --sequence-parallel); %1").arg(searched));
  sequence_parallel_->addItem(tr("on"), 1);
  sequence_parallel_->addItem(tr("off"), 0);
  recompute_ = autoCombo(this, "layoutRecompute",
                         tr("Activation recomputation (CLI --recompute); with full, the search still chooses how "
                            "many layers per device (Megatron's block method) unless More's Recomputed fixes it; %1")
                             .arg(searched));
  for (Recompute r : kRecomputeNames.values())
    recompute_->addItem(qs(std::string(kRecomputeNames.toString(r))), static_cast<int>(r));
  first_stage_layers_ = autoSpin(this, "layoutFirstStageLayers", kMaxDegree,
                                 tr("Layers on the first pipeline device (CLI --first-stage-layers); the "
                                    "others share the rest evenly; %1")
                                     .arg(searched));
  last_stage_layers_ = autoSpin(this, "layoutLastStageLayers", kMaxDegree,
                                tr("Layers on the last pipeline device (CLI --last-stage-layers); %1").arg(searched));
  recompute_layers_ = new RecomputeLayersSpin(this);
  recompute_layers_->setObjectName("layoutRecomputeLayers");
  recompute_layers_->setRange(-1, kMaxDegree);
  recompute_layers_->setSpecialValueText(tr("auto"));
  recompute_layers_->setValue(-1);
  recompute_layers_->setToolTip(tr("With full recomputation: layers per device recomputed, the rest keeping their "
                                   "activations (Megatron's block method; CLI --recompute-layers); all: every layer; "
                                   "%1")
                                    .arg(searched));
  expert_tp_ = autoSpin(this, "layoutExpertTp", kMaxDegree,
                        tr("Tensor-parallel degree of the experts, mixtures of experts only (MoE parallel folding; "
                           "CLI --expert-tp); %1")
                            .arg(searched));
  more_ = new QToolButton(this);
  more_->setObjectName("layoutMore");
  more_->setText(tr("More"));
  more_->setCheckable(true);
  more_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  more_->setArrowType(Qt::RightArrow);
  more_->setToolTip(tr("End-stage layers, recomputed layers and expert TP"));
  reset_ = new QPushButton(tr("All auto"), this);
  reset_->setObjectName("layoutReset");
  reset_->setToolTip(tr("Search every field again"));

  // A caption with the More and reset buttons over three rows of three label-box pairs (a fourth
  // behind More): the box spans a form's two columns, narrow enough for the Cluster tab's left
  // column.
  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(0, 0, 0, 0);
  grid->setHorizontalSpacing(6);
  grid->setVerticalSpacing(2);  // four rows beside the nccl-tests list without growing the tab
  auto* caption = new QLabel(tr("Fixed layout fields (auto: searched)"), this);
  grid->addWidget(caption, 0, 0, 1, 4);
  grid->addWidget(more_, 0, 4, Qt::AlignRight);
  grid->addWidget(reset_, 0, 5);
  // The last row holds the "More" fields, hidden until asked for: one row, which the nccl-tests
  // column beside already leaves room for, so the tab does not grow. The end stages' two boxes
  // share a cell ("Ends": first, last).
  auto* ends = new QWidget(this);
  auto* ends_row = new QHBoxLayout(ends);
  ends_row->setContentsMargins(0, 0, 0, 0);
  ends_row->setSpacing(2);
  ends_row->addWidget(first_stage_layers_);
  ends_row->addWidget(last_stage_layers_);
  for (QSpinBox* spin : {first_stage_layers_, last_stage_layers_}) spin->setMinimumWidth(1);
  const std::pair<QString, QWidget*> rows[4][3] = {
      {{tr("TP"), tp_}, {tr("PP"), pp_}, {tr("V"), virtual_stages_}},
      {{tr("CP"), cp_}, {tr("EP"), ep_}, {tr("mb"), micro_batch_}},
      {{tr("ZeRO"), zero_}, {tr("SP"), sequence_parallel_}, {tr("Recompute"), recompute_}},
      {{tr("Ends"), ends}, {tr("ETP"), expert_tp_}, {tr("Recomputed"), recompute_layers_}}};
  for (int row = 0; row < 4; ++row) {
    for (int col = 0; col < 3; ++col) {
      const auto& [label, box] = rows[row][col];
      auto* l = new QLabel(label, this);
      l->setBuddy(box == ends ? static_cast<QWidget*>(first_stage_layers_) : box);
      if (box == ends) l->setToolTip(tr("Layers on the first and the last pipeline device"));
      grid->addWidget(l, row + 1, 2 * col, Qt::AlignRight);
      grid->addWidget(box, row + 1, 2 * col + 1);
      if (row == 3) more_widgets_.insert(more_widgets_.end(), {l, box});
    }
  }
  showMore(false);
  connect(more_, &QToolButton::toggled, this, &LayoutFieldsBox::showMore);
  for (int col = 0; col < 3; ++col) grid->setColumnStretch(2 * col + 1, 1);

  for (const auto& [flag, spin] : spinFlags())
    connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, &LayoutFieldsBox::changed);
  for (const auto& [flag, combo] : comboFlags())
    connect(combo, qOverload<int>(&QComboBox::currentIndexChanged), this, &LayoutFieldsBox::changed);
  connect(reset_, &QPushButton::clicked, this, &LayoutFieldsBox::reset);
}

std::array<std::pair<const char*, QSpinBox*>, 10> LayoutFieldsBox::spinFlags() const {
  return {{{"tp", tp_},
           {"pp", pp_},
           {"virtual-stages", virtual_stages_},
           {"first-stage-layers", first_stage_layers_},
           {"last-stage-layers", last_stage_layers_},
           {"cp", cp_},
           {"ep", ep_},
           {"expert-tp", expert_tp_},
           {"micro-batch", micro_batch_},
           {"recompute-layers", recompute_layers_}}};
}

void LayoutFieldsBox::showMore(bool shown) {
  shown = shown || moreFieldsFixed();  // a fixed field stays in sight
  for (QWidget* w : more_widgets_) w->setVisible(shown);
  more_->setArrowType(shown ? Qt::DownArrow : Qt::RightArrow);
  if (more_->isChecked() != shown) {
    const QSignalBlocker block(more_);
    more_->setChecked(shown);
  }
}

std::array<std::pair<const char*, QComboBox*>, 3> LayoutFieldsBox::comboFlags() const {
  return {{{"zero", zero_}, {"sequence-parallel", sequence_parallel_}, {"recompute", recompute_}}};
}

void LayoutFieldsBox::applyTo(LayoutSearchOptions* options) const {
  auto take = [](const QSpinBox* spin, auto& field) {
    if (auto v = fixedValue(spin)) field = *v;
  };
  take(tp_, options->tp);
  take(pp_, options->pp);
  take(virtual_stages_, options->virtual_stages);
  take(first_stage_layers_, options->first_stage_layers);
  take(last_stage_layers_, options->last_stage_layers);
  take(cp_, options->cp);
  take(ep_, options->ep);
  take(expert_tp_, options->expert_tp);
  take(micro_batch_, options->micro_batch);
  take(recompute_layers_, options->recompute_layers);
  if (auto zero = fixedValue(zero_)) options->zero_stage = *zero;
  if (auto sp = fixedValue(sequence_parallel_)) options->sequence_parallel = *sp == 1;
  if (auto r = fixedValue(recompute_)) options->recompute = static_cast<Recompute>(*r);
}

QString LayoutFieldsBox::describeFixed() const {
  LayoutSearchOptions options;
  applyTo(&options);
  return describe(options);
}

QString LayoutFieldsBox::describe(const LayoutSearchOptions& o) {
  QStringList flags;
  auto add = [&flags](const char* flag, const auto& field) {
    if (field) flags << QStringLiteral("--%1 %2").arg(flag).arg(*field);
  };
  add("tp", o.tp);
  add("pp", o.pp);
  add("virtual-stages", o.virtual_stages);
  add("first-stage-layers", o.first_stage_layers);
  add("last-stage-layers", o.last_stage_layers);
  add("cp", o.cp);
  add("ep", o.ep);
  add("expert-tp", o.expert_tp);
  add("micro-batch", o.micro_batch);
  add("zero", o.zero_stage);
  if (o.sequence_parallel) flags << QStringLiteral("--sequence-parallel %1").arg(*o.sequence_parallel ? "on" : "off");
  if (o.recompute) flags << QStringLiteral("--recompute %1").arg(qs(toString(*o.recompute)));
  add("recompute-layers", o.recompute_layers);
  return flags.join(QLatin1Char(' '));
}

bool LayoutFieldsBox::setFixed(const QString& flags) {
  const QSignalBlocker block(this);  // one change at the end, not one per box
  reset();
  const QStringList words = flags.split(QLatin1Char(' '), Qt::SkipEmptyParts);
  bool ok = words.size() % 2 == 0;
  for (qsizetype i = 0; ok && i + 1 < words.size(); i += 2) {
    const QString flag = words[i].startsWith(QLatin1String("--")) ? words[i].mid(2) : QString();
    const QString& value = words[i + 1];
    bool known = false;
    for (const auto& [name, spin] : spinFlags()) {
      if (flag != QLatin1String(name)) continue;
      bool number = false;
      const int v = value.toInt(&number);
      ok = number && v > spin->minimum() && v <= spin->maximum() && spin->isEnabled();  // the minimum is "auto"
      if (ok) spin->setValue(v);
      known = true;
    }
    for (const auto& [name, combo] : comboFlags()) {
      if (flag != QLatin1String(name)) continue;
      const int index = combo->findText(value);
      ok = index > 0;  // 0 is "auto"
      if (ok) combo->setCurrentIndex(index);
      known = true;
    }
    ok = ok && known;
  }
  if (!ok) reset();
  if (moreFieldsFixed()) showMore(true);
  return ok;
}

bool LayoutFieldsBox::moreFieldsFixed() const {
  const QSpinBox* more[] = {first_stage_layers_, last_stage_layers_, expert_tp_, recompute_layers_};
  return std::any_of(std::begin(more), std::end(more), [](const QSpinBox* s) { return s->value() != s->minimum(); });
}

void LayoutFieldsBox::setExpertParallelAvailable(bool available) {
  if (ep_->isEnabled() == available) return;
  for (QSpinBox* spin : {ep_, expert_tp_}) {
    spin->setEnabled(available);
    if (!available) {
      const QSignalBlocker block(spin);
      spin->setValue(spin->minimum());
    }
  }
  emit changed();
}

void LayoutFieldsBox::reset() {
  bool any = false;
  for (const auto& [flag, spin] : spinFlags()) {
    const QSignalBlocker block(spin);
    any = any || spin->value() != spin->minimum();
    spin->setValue(spin->minimum());
  }
  for (const auto& [flag, combo] : comboFlags()) {
    const QSignalBlocker block(combo);
    any = any || combo->currentIndex() != 0;
    combo->setCurrentIndex(0);
  }
  if (any) emit changed();
}

}  // namespace scaleplan
