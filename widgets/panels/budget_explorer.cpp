#include "panels/budget_explorer.hpp"

#include <QApplication>
#include <QCheckBox>

#include <QComboBox>
#include <QEvent>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

#include "controls/eliding_combo.hpp"
#include "models/law_list_model.hpp"
#include "controls/quantity_edit.hpp"
#include "session/auto_mfu.hpp"
#include "session/session.hpp"
#include "controls/text_format.hpp"

namespace scaleplan {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

constexpr auto kUnits = kBudgetUnitNames.values();  // the unit combo's rows, in this order

}  // namespace

QString BudgetExplorer::mfuGuidance(double mfu, bool measured_peak, int* level) {
  // Thresholds from the planner (kMfuUnusuallyLow/High) and the ranges large runs report
  // (35-50%: e.g. PaLM 46%, Llama 3 38-43%), all against spec-sheet peaks.
  QString prefix;
  if (measured_peak) {
    const double spec = mfu * kTypicalMeasuredFractionOfSpecPeak;
    prefix = tr("Of a measured peak: about %1% of the spec sheet's (products reach ~%2% of it). ")
                 .arg(100.0 * spec, 0, 'f', 0)
                 .arg(100.0 * kTypicalMeasuredFractionOfSpecPeak, 0, 'f', 0);
    mfu = spec;
  }
  int l = 0;
  QString text;
  if (mfu < kMfuUnusuallyLow) {
    l = 2;
    text = tr("Below 30% usually means a problem: parallelism layout, batch size, communication or data loading.");
  } else if (mfu < 0.35) {
    l = 1;
    text = tr("30–35%: a little below what large, well-tuned runs reach (35–50%).");
  } else if (mfu <= 0.50) {
    l = 0;
    text = tr("35–50% is typical of large runs (PaLM 46%, Llama 3 38–43%).");
  } else if (mfu <= 0.55) {
    l = 1;
    text = tr("50–55%: at the top of what large runs report; plan with margin.");
  } else {
    l = 2;
    text = tr("Above 55% usually means a sparse (2:4) peak or a missing FLOP term (attention, recomputation).");
  }
  if (level) *level = l;
  return prefix + text;
}

BudgetExplorer::BudgetExplorer(Session* session, QWidget* parent)
    : QWidget(parent),
      session_(session),
      amount_(new QuantityEdit(this)),
      unit_(new QComboBox(this)),
      equivalents_(new QLabel(this)),
      accelerator_(new ElidingComboBox(this, 16)),
      precision_(new QComboBox(this)),
      gpus_(new QSpinBox(this)),
      mfu_slider_(new QSlider(Qt::Horizontal, this)),
      mfu_spin_(new QDoubleSpinBox(this)),
      mfu_guidance_(new QLabel(this)),
      mfu_auto_(new QCheckBox(tr("auto"), this)),
      mfu_auto_label_(new QLabel(this)),
      mfu_auto_show_(new QLabel(this)),
      mfu_range_(new QCheckBox(tr("MFU range"), this)),
      mfu_low_(new QDoubleSpinBox(this)),
      mfu_high_(new QDoubleSpinBox(this)),
      auto_mfu_(new AutoMfuController(session, this)),
      price_(new QDoubleSpinBox(this)),
      price_note_(new QLabel(this)),
      law_(new ElidingComboBox(this, 16)),
      ratio_label_(new QLabel(tr("Tokens per parameter"), this)),
      ratio_(new QDoubleSpinBox(this)),
      compare_(new QListView(this)),
      law_model_(new LawListModel(session, this)),
      inference_(new OptionalQuantity(tr("Inference demand"), tr("tokens served, e.g. 10T"), this)),
      inference_sizing_(new QComboBox(this)),
      unique_(new OptionalQuantity(tr("Unique-token limit"), tr("unique tokens, e.g. 500B"), this)),
      target_loss_(new OptionalQuantity(tr("Target loss"), tr("nats/token, e.g. 1.95"), this)),
      law_note_(new QLabel(this)) {
  amount_->setObjectName("budgetAmount");
  unit_->setObjectName("budgetUnit");
  equivalents_->setObjectName("budgetEquivalents");
  accelerator_->setObjectName("accelerator");
  precision_->setObjectName("precision");
  gpus_->setObjectName("gpuCount");
  mfu_slider_->setObjectName("mfuSlider");
  mfu_spin_->setObjectName("mfuSpin");
  mfu_guidance_->setObjectName("mfuGuidance");
  mfu_auto_->setObjectName("mfuAuto");
  mfu_auto_label_->setObjectName("mfuAutoLabel");
  mfu_range_->setObjectName("mfuRange");
  mfu_low_->setObjectName("mfuRangeLow");
  mfu_high_->setObjectName("mfuRangeHigh");
  price_->setObjectName("price");
  law_->setObjectName("law");
  ratio_->setObjectName("tokensPerParam");
  compare_->setObjectName("compareLaws");
  inference_->setObjectName("inferenceTokens");
  unique_->setObjectName("uniqueTokens");
  target_loss_->setObjectName("targetLoss");

  auto* outer = new QVBoxLayout(this);

  // Budget ---------------------------------------------------------------------------------------
  auto* budget_box = new QGroupBox(tr("Budget"), this);
  auto* budget_form = new QFormLayout(budget_box);
  auto* budget_row = new QHBoxLayout;
  budget_row->addWidget(amount_, 1);
  budget_row->addWidget(unit_);
  unit_->addItem(tr("FLOPs"));
  unit_->addItem(tr("US dollars"));
  unit_->addItem(tr("GPU-hours"));
  unit_->addItem(tr("days (wall-clock)"));
  unit_->setToolTip(tr("The unit the budget is typed in; the others are shown below. Days are wall-clock "
                       "days on the chosen number of GPUs."));
  budget_form->addRow(tr("Budget"), budget_row);
  equivalents_->setWordWrap(true);
  equivalents_->setTextFormat(Qt::RichText);
  budget_form->addRow(equivalents_);
  outer->addWidget(budget_box);

  // Hardware ----------------------------------------------------------------------------------------
  auto* hw_box = new QGroupBox(tr("Hardware"), this);
  auto* hw_form = new QFormLayout(hw_box);
  hw_form->addRow(tr("Accelerator"), accelerator_);
  precision_->setToolTip(tr("Only the precisions the accelerator supports, with its dense (not sparse) peak"));
  hw_form->addRow(tr("Precision"), precision_);
  gpus_->setRange(static_cast<int>(kGpuCountSpec.min), static_cast<int>(kGpuCountSpec.max));  // core/plan/plan.hpp
  gpus_->setGroupSeparatorShown(true);
  gpus_->setAccelerated(true);
  hw_form->addRow(tr("GPUs"), gpus_);
  mfu_slider_->setRange(1, 100);
  mfu_slider_->setToolTip(tr("Model FLOPs utilisation: achieved model FLOP/s over the dense peak, counted as the "
                              "plan counts compute (C = 6ND). An MFU read off a Megatron-LM log counts attention and "
                              "not the input embedding, so it differs: higher for large models, lower for small "
                              "ones with large vocabularies"));
  mfu_spin_->setRange(0.1, 100.0 * kMfuSpec.max);  // percent; 0.1% is the spin box's step above kMfuSpec's open 0
  mfu_spin_->setDecimals(1);
  mfu_spin_->setSingleStep(0.5);
  mfu_spin_->setSuffix(" %");
  mfu_spin_->setToolTip(mfu_slider_->toolTip());
  auto* mfu_row = new QHBoxLayout;
  mfu_row->addWidget(mfu_slider_, 1);
  mfu_row->addWidget(mfu_spin_);
  mfu_row->addWidget(mfu_auto_);
  mfu_auto_->setToolTip(tr("The MFU of the best parallel layout of the planned model on this accelerator and "
                           "GPU count (the Cluster tab's search; as 'scaleplan-cli plan --mfu auto')"));
  hw_form->addRow(tr("MFU"), mfu_row);
  mfu_auto_label_->setWordWrap(true);
  mfu_auto_label_->setVisible(false);
  hw_form->addRow(mfu_auto_label_);
  mfu_auto_show_->setObjectName("mfuAutoShow");
  mfu_auto_show_->setText(QStringLiteral("<a href=\"cluster\">%1</a>").arg(tr("Show this layout in the Cluster tab")));
  mfu_auto_show_->setToolTip(tr("The Cluster tab with the plan's model, accelerator, GPUs and batch: its step time and "
                                "memory per GPU term by term, and the layouts that come next"));
  mfu_auto_show_->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
  mfu_auto_show_->setVisible(false);
  hw_form->addRow(mfu_auto_show_);
  connect(mfu_auto_show_, &QLabel::linkActivated, this, &BudgetExplorer::showAutoLayoutRequested);
  mfu_range_->setToolTip(tr("Plan with MFU spread uniformly over this range (the plan itself uses its midpoint): "
                            "wall-clock, GPU-hours, cost and energy get 95% intervals (as 'scaleplan-cli plan "
                            "--mfu 0.35:0.45'). With auto: the cluster model's accuracy around its MFU."));
  auto* range_row = new QHBoxLayout;
  for (QDoubleSpinBox* spin : {mfu_low_, mfu_high_}) {
    spin->setRange(0.1, 100.0 * kMfuSpec.max);  // percent, as the MFU spin box
    spin->setDecimals(1);
    spin->setSingleStep(0.5);
    spin->setSuffix(" %");
    spin->setKeyboardTracking(false);  // "30" typed is not first a range starting at 3%
    spin->setToolTip(mfu_range_->toolTip());
  }
  mfu_low_->setValue(100.0 * kDefaultMfuRange.low);  // core/plan/plan.hpp
  mfu_high_->setValue(100.0 * kDefaultMfuRange.high);
  range_row->addWidget(mfu_low_);
  range_row->addWidget(new QLabel(QStringLiteral("–"), this));
  range_row->addWidget(mfu_high_);
  range_row->addStretch(1);
  hw_form->addRow(mfu_range_, range_row);
  mfu_guidance_->setWordWrap(true);
  hw_form->addRow(mfu_guidance_);
  price_->setRange(0.0, 1000.0);
  price_->setDecimals(2);
  price_->setSingleStep(0.1);
  price_->setPrefix("$");
  price_->setSpecialValueText(tr("catalog price"));
  price_->setToolTip(tr("Price per GPU-hour; at the minimum the catalog's indicative price is used"));
  hw_form->addRow(tr("Price per GPU-hour"), price_);
  price_note_->setWordWrap(true);
  hw_form->addRow(price_note_);
  outer->addWidget(hw_box);

  // Laws --------------------------------------------------------------------------------------------
  auto* law_box = new QGroupBox(tr("Scaling law"), this);
  auto* law_form = new QFormLayout(law_box);
  // The law names are long ("Chinchilla (Hoffmann et al. 2022, as printed)"): the combo gets the
  // whole width of the box, under its label, and elides what still does not fit (full name and
  // citation in the tooltip; the popup shows whole names).
  law_form->addRow(new QLabel(tr("Plan with:"), this));
  law_form->addRow(law_);
  ratio_->setRange(0.1, 100000.0);
  ratio_->setDecimals(1);
  ratio_->setValue(20.0);
  law_form->addRow(ratio_label_, ratio_);
  law_note_->setWordWrap(true);
  QFont small = law_note_->font();
  small.setPointSizeF(small.pointSizeF() * 0.9);
  law_note_->setFont(small);
  law_form->addRow(law_note_);
  compare_->setModel(law_model_);
  compare_->setToolTip(tr("Laws drawn in the plots next to the planning law"));
  compare_->setUniformItemSizes(true);
  compare_->setMaximumHeight(compare_->sizeHintForRow(0) * 6 + 8);
  law_form->addRow(new QLabel(tr("Also draw in the plots:"), this));
  law_form->addRow(compare_);
  outer->addWidget(law_box);

  // Options -----------------------------------------------------------------------------------------
  auto* opt_box = new QGroupBox(tr("Options"), this);
  auto* opt_layout = new QVBoxLayout(opt_box);
  inference_->setToolTip(tr("Lifetime tokens to be served: sizes the model to minimise training + inference "
                            "compute (Sardana et al. 2023)"));
  unique_->setToolTip(tr("Unique training tokens available: repeated data is worth less (Muennighoff et al. 2023)"));
  target_loss_->setToolTip(tr("Size the run to reach this loss instead of spending the budget"));
  opt_layout->addWidget(inference_);
  inference_sizing_->setObjectName("inferenceSizing");
  inference_sizing_->addItem(tr("Same loss, least compute"), qs(toString(InferenceSizing::SameLossLeastCompute)));
  inference_sizing_->addItem(tr("Best loss within budget"), qs(toString(InferenceSizing::BestLossWithinBudget)));
  inference_sizing_->setToolTip(tr("With an inference demand: reach the loss the budget buys with the least training + "
                                   "inference compute (Sardana et al. 2023; training may exceed the budget), or the "
                                   "lowest loss whose training + inference compute fits the budget"));
  opt_layout->addWidget(inference_sizing_);
  opt_layout->addWidget(unique_);
  opt_layout->addWidget(target_loss_);
  outer->addWidget(opt_box);
  outer->addStretch(1);

  populateAccelerators();
  populateLaws();
  syncFromSession();

  // Controls -> session ------------------------------------------------------------------------------
  connect(amount_, &QuantityEdit::valueEdited, this,
          [this](double v) { session_->setBudget(Budget{currentUnit(), v}); });
  connect(unit_, qOverload<int>(&QComboBox::currentIndexChanged), this, &BudgetExplorer::onUnitChanged);
  connect(accelerator_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
    if (i >= 0) session_->setAccelerator(accelerator_->itemData(i).toString().toStdString());
  });
  connect(precision_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
    if (i < 0) return;
    if (auto p = precisionFromString(precision_->itemData(i).toString().toStdString())) session_->setPrecision(*p);
  });
  connect(gpus_, qOverload<int>(&QSpinBox::valueChanged), session_, &Session::setGpuCount);
  connect(mfu_slider_, &QSlider::valueChanged, this, [this](int percent) {
    {
      QSignalBlocker b(mfu_spin_);
      mfu_spin_->setValue(percent);
    }
    session_->setMfu(percent / 100.0);
  });
  connect(mfu_spin_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this](double percent) {
    {
      QSignalBlocker b(mfu_slider_);
      mfu_slider_->setValue(static_cast<int>(std::lround(percent)));
    }
    session_->setMfu(percent / 100.0);
  });
  connect(mfu_auto_, &QCheckBox::toggled, this, [this](bool on) {
    auto_mfu_->setEnabled(on);
    if (!on) applyTypedMfuRange();  // the model's range goes with it
    updateMfuControls();
  });
  connect(mfu_range_, &QCheckBox::toggled, this, [this](bool on) {
    typed_range_on_ = on;
    typed_range_ = rangeInSpinBoxes();
    applyTypedMfuRange();
    updateMfuControls();
  });
  for (QDoubleSpinBox* spin : {mfu_low_, mfu_high_}) {
    connect(spin, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this, spin] { onMfuRangeEdited(spin); });
  }
  connect(auto_mfu_, &AutoMfuController::changed, this, &BudgetExplorer::updateAutoMfu);
  // A plan opened: "auto" as it was saved (a plan file's mfu_auto), so a typed MFU is not
  // replaced by a search and an automatic one keeps following the inputs. Its range is the user's
  // own unless automatic. Blocked: turning auto off here must not apply the range typed before.
  connect(session_, &Session::requestReplaced, this, [this] {
    const PlanRequest& r = session_->currentRequest();
    const bool automatic = r.mfu_auto.has_value();
    if (!automatic) {
      typed_range_on_ = r.mfu_range.has_value();
      if (r.mfu_range) typed_range_ = *r.mfu_range;
    }
    {
      QSignalBlocker b(mfu_auto_);
      mfu_auto_->setChecked(automatic);
    }
    auto_mfu_->setEnabled(automatic);
    syncFromSession();
  });
  connect(price_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this](double usd) {
    session_->setUsdPerGpuHour(usd > 0.0 ? std::optional<double>(usd) : std::nullopt);
  });
  connect(law_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
    if (i >= 0) session_->setLaw(law_->itemData(i).toString().toStdString());
  });
  connect(ratio_, qOverload<double>(&QDoubleSpinBox::valueChanged), session_, &Session::setTokensPerParam);
  connect(inference_, &OptionalQuantity::valueChanged, session_, &Session::setInferenceTokens);
  connect(inference_sizing_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
    if (auto kind = inferenceSizingFromString(inference_sizing_->itemData(i).toString().toStdString())) {
      session_->setInferenceSizing(*kind);
    }
  });
  connect(unique_, &OptionalQuantity::valueChanged, session_, &Session::setUniqueTokens);
  connect(target_loss_, &OptionalQuantity::valueChanged, session_, &Session::setTargetLoss);

  // Session -> controls -------------------------------------------------------------------------------
  connect(session_, &Session::inputsChanged, this, &BudgetExplorer::syncFromSession);
  // The plan made can differ from what the budget buys (inference-aware sizing): shown under it.
  connect(session_, &Session::planChanged, this, &BudgetExplorer::updateEquivalents);
  connect(session_, &Session::acceleratorsChanged, this, [this] {
    populateAccelerators();
    syncFromSession();
  });
  connect(session_, &Session::lawsChanged, this, [this] {
    populateLaws();
    syncFromSession();
  });
}

void BudgetExplorer::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) syncFromSession();
}

BudgetUnit BudgetExplorer::currentUnit() const {
  const int i = unit_->currentIndex();
  return (i >= 0 && i < 4) ? kUnits[i] : BudgetUnit::Flops;
}

void BudgetExplorer::populateAccelerators() {
  QSignalBlocker b(accelerator_);
  accelerator_->clear();
  for (const Accelerator& a : session_->accelerators()) {
    QString text = q(a.name.empty() ? a.id : a.name);
    if (a.measured) text += tr(" — measured");
    accelerator_->addItem(text, q(a.id));
    QString tip = tr("%1 (%2): %3 GiB, %4 TB/s, %5 W")
                      .arg(q(a.name), q(a.id), text::number(a.memory_gb, 3), text::number(a.bandwidth_tb_per_s, 3),
                           text::number(a.tdp_watts, 4));
    if (!a.source.empty()) tip += "\n" + q(a.source);
    accelerator_->setItemData(accelerator_->count() - 1, tip, Qt::ToolTipRole);
  }
  precisions_for_.clear();
}

void BudgetExplorer::populatePrecisions() {
  const Accelerator& a = session_->currentRequest().accelerator;
  QSignalBlocker b(precision_);
  precision_->clear();
  for (const auto& [p, peak] : a.dense_peak) {
    const QString kind = a.measured ? tr("measured") : tr("dense");
    precision_->addItem(tr("%1 — %2 %3").arg(q(std::string(toString(p))), text::flopsRate(peak.value), kind),
                        q(std::string(toString(p))));
  }
  precisions_for_ = a.id;
}

void BudgetExplorer::populateLaws() {
  QSignalBlocker b(law_);
  law_->clear();
  for (const ScalingLaw& law : session_->laws()) {
    QString text = q(law.displayName());
    if (!session_->isPresetLaw(law.id())) text += tr(" (fitted)");
    law_->addItem(text, q(law.id()));
    law_->setItemData(law_->count() - 1, q(law.citation()), Qt::ToolTipRole);
  }
}

void BudgetExplorer::syncFromSession() {
  const PlanRequest& r = session_->currentRequest();
  if (r.budget) {
    QSignalBlocker b(unit_);
    for (int i = 0; i < 4; ++i) {
      if (kUnits[i] == r.budget->unit) unit_->setCurrentIndex(i);
    }
    // Never rewrite the text the user is typing when it already means the session's value.
    auto typed = amount_->value();
    if (!(amount_->hasFocus() && typed && *typed == r.budget->amount)) amount_->setValue(r.budget->amount);
  }
  if (accelerator_->findData(q(r.accelerator.id)) < 0) populateAccelerators();
  {
    QSignalBlocker b(accelerator_);
    accelerator_->setCurrentIndex(accelerator_->findData(q(r.accelerator.id)));
  }
  if (precisions_for_ != r.accelerator.id) populatePrecisions();
  {
    QSignalBlocker b(precision_);
    precision_->setCurrentIndex(precision_->findData(q(std::string(toString(r.precision)))));
  }
  {
    // Spin boxes are only written when their value differs: rewriting the text while the user
    // types in it ("2" of "2.50") would reformat it under the cursor.
    QSignalBlocker b(gpus_);
    if (gpus_->value() != r.gpu_count) gpus_->setValue(r.gpu_count);
  }
  {
    QSignalBlocker b1(mfu_slider_);
    QSignalBlocker b2(mfu_spin_);
    if (std::fabs(mfu_spin_->value() - r.mfu * 100.0) > 0.05) mfu_spin_->setValue(r.mfu * 100.0);
    mfu_slider_->setValue(static_cast<int>(std::lround(r.mfu * 100.0)));
  }
  if (!auto_mfu_->isEnabled()) {  // the session's range is the user's own (typed, or a plan opened)
    typed_range_on_ = r.mfu_range.has_value();
    if (r.mfu_range) typed_range_ = *r.mfu_range;
  }
  {
    QSignalBlocker b1(mfu_range_);
    QSignalBlocker b2(mfu_low_);
    QSignalBlocker b3(mfu_high_);
    mfu_range_->setChecked(r.mfu_range.has_value());
    const Interval shown = r.mfu_range.value_or(typed_range_);
    if (std::fabs(mfu_low_->value() - shown.low * 100.0) > 0.05) mfu_low_->setValue(shown.low * 100.0);
    if (std::fabs(mfu_high_->value() - shown.high * 100.0) > 0.05) mfu_high_->setValue(shown.high * 100.0);
  }
  updateMfuControls();
  int level = 0;
  QString guidance = mfuGuidance(r.mfu, r.accelerator.measured, &level);
  // With "auto" the MFU is the model's, not a typed figure: the typed-value advice gives way to the
  // model's own caution (core's clusterMfuCaveat) in short; the auto line's tooltip has it all.
  const auto& automatic = auto_mfu_->plan();
  if (auto_mfu_->isEnabled() && automatic && !automatic->mfu_caveat.empty()) {
    guidance = tr("Outside the cluster model's validation: the real MFU may be lower (tooltip above).");
    level = 1;
  }
  mfu_guidance_->setText(guidance);
  const bool dark = palette().color(QPalette::Window).lightnessF() < 0.5;
  const char* colors_light[] = {"#2e7d32", "#9a6700", "#c62828"};
  const char* colors_dark[] = {"#81c784", "#f2c14e", "#ff8a80"};
  mfu_guidance_->setStyleSheet(QString("color: %1;").arg(dark ? colors_dark[level] : colors_light[level]));
  {
    QSignalBlocker b(price_);
    const double usd = r.usd_per_gpu_hour.value_or(0.0);
    if (std::fabs(price_->value() - usd) > 0.005) price_->setValue(usd);
  }
  if (r.accelerator.usd_per_gpu_hour) {
    price_note_->setText(tr("Catalog: %1 per GPU-hour (%2)")
                             .arg(text::usd(*r.accelerator.usd_per_gpu_hour), q(r.accelerator.price_month)));
  } else {
    price_note_->setText(tr("No catalog price for this accelerator: set one for dollar figures."));
  }
  {
    QSignalBlocker b(law_);
    int i = law_->findData(q(r.law.id()));
    if (i < 0) {
      populateLaws();
      i = law_->findData(q(r.law.id()));
    }
    law_->setCurrentIndex(i);
  }
  const bool ratio_law = r.law.kind() == LawKind::TokensPerParam;
  ratio_->setEnabled(ratio_law);
  ratio_label_->setEnabled(ratio_law);
  {
    QSignalBlocker b(ratio_);
    if (std::fabs(ratio_->value() - session_->tokensPerParam()) > 0.05) ratio_->setValue(session_->tokensPerParam());
  }
  law_note_->setText(q(r.law.citation()));
  inference_->setValue(r.inference_tokens);
  {
    QSignalBlocker block(inference_sizing_);
    inference_sizing_->setCurrentIndex(inference_sizing_->findData(qs(toString(r.inference_sizing))));
  }
  unique_->setValue(r.unique_tokens);
  target_loss_->setValue(r.target_loss);
  updateEquivalents();
}

void BudgetExplorer::updateEquivalents() {
  auto e = session_->budgetEquivalents();
  if (!e) {
    equivalents_->setText(tr("<i>The budget cannot be converted: %1</i>").arg(session_->planError().toHtmlEscaped()));
    return;
  }
  const BudgetUnit unit = currentUnit();
  auto line = [&](BudgetUnit u, const QString& text) {
    return u == unit ? QString("<b>= %1</b>").arg(text) : QString("= %1").arg(text);
  };
  QStringList lines;
  lines << line(BudgetUnit::Flops, text::flops(e->flops));
  lines << line(BudgetUnit::Usd, e->hasPrice() ? tr("%1 at %2/GPU-hour").arg(text::usd(e->usd), text::usd(e->usd_per_gpu_hour))
                                              : tr("(no price per GPU-hour)"));
  lines << line(BudgetUnit::GpuHours, tr("%1 GPU-hours").arg(text::count(e->gpu_hours)));
  lines << line(BudgetUnit::Days, tr("%1 on %2 GPUs").arg(text::days(e->days), text::thousands(e->gpu_count)));
  // An inference-aware plan trains for other than the budget's FLOPs: its own figures, so that
  // this box and the Plan panel agree on what the run costs.
  if (const auto& plan = session_->currentResult(); plan && std::fabs(plan->flops.value / e->flops - 1.0) > 0.01) {
    const bool within = plan->inference_sizing == InferenceSizing::BestLossWithinBudget;
    lines << tr("<b>The plan made trains for %1: %2, %3 GPU-hours, %4</b> (%5)")
                 .arg(text::flops(plan->flops.value),
                      e->hasPrice() ? text::usd(plan->cost.cost_usd) : tr("no price"), text::count(plan->cost.gpu_hours),
                      text::days(plan->cost.wall_clock.days()),
                      within ? tr("inference-aware: serving takes the rest of the budget")
                             : tr("inference-aware: the same loss for the least lifetime compute"));
  }
  equivalents_->setText(lines.join("<br>"));
}

void BudgetExplorer::updateAutoMfu() {
  const bool on = auto_mfu_->isEnabled();
  mfu_auto_label_->setVisible(on);
  mfu_auto_show_->setVisible(on && auto_mfu_->plan().has_value());  // also while searching: no jumping rows
  mfu_auto_label_->setText(auto_mfu_->text());
  mfu_auto_label_->setToolTip(auto_mfu_->details());
  updateMfuControls();
}

void BudgetExplorer::updateMfuControls() {
  const bool automatic = auto_mfu_->isEnabled();
  const bool range = mfu_range_->isChecked();
  // The point follows the range (its midpoint) or the model; typed only when it is all there is.
  mfu_slider_->setEnabled(!automatic && !range);
  mfu_spin_->setEnabled(!automatic && !range);
  mfu_range_->setEnabled(!automatic);
  for (QDoubleSpinBox* spin : {mfu_low_, mfu_high_}) {
    spin->setEnabled(range);
    spin->setReadOnly(automatic);
    spin->setButtonSymbols(automatic ? QAbstractSpinBox::NoButtons : QAbstractSpinBox::UpDownArrows);
    // Read-only: drawn on the window's colour, so it reads as a value shown, not a field to type in.
    QPalette palette = QApplication::palette(spin);
    if (automatic) palette.setColor(QPalette::Base, palette.color(QPalette::Window));
    spin->setPalette(palette);
  }
}

Interval BudgetExplorer::rangeInSpinBoxes() const {
  return Interval{mfu_low_->value() / 100.0, mfu_high_->value() / 100.0};
}

void BudgetExplorer::onMfuRangeEdited(QDoubleSpinBox* edited) {
  // The ends stay ordered: moving one past the other moves the other along.
  if (mfu_low_->value() > mfu_high_->value()) {
    QDoubleSpinBox* other = edited == mfu_low_ ? mfu_high_ : mfu_low_;
    QSignalBlocker b(other);
    other->setValue(edited->value());
  }
  typed_range_ = rangeInSpinBoxes();
  applyTypedMfuRange();
}

void BudgetExplorer::applyTypedMfuRange() {
  if (auto_mfu_->isEnabled()) return;  // the model's range holds until "auto" is off
  if (typed_range_on_) {
    session_->setMfuAndRange(mfuPointOf(typed_range_), typed_range_);
  } else {
    session_->setMfuAndRange(session_->currentRequest().mfu, std::nullopt);
  }
}

void BudgetExplorer::onUnitChanged(int index) {
  if (index < 0 || index >= 4) return;
  const BudgetUnit unit = kUnits[index];
  double amount = 0.0;
  if (auto e = session_->budgetEquivalents()) {
    switch (unit) {
      case BudgetUnit::Flops: amount = e->flops; break;
      case BudgetUnit::Usd: amount = e->hasPrice() ? e->usd : 0.0; break;
      case BudgetUnit::GpuHours: amount = e->gpu_hours; break;
      case BudgetUnit::Days: amount = e->days; break;
    }
  }
  if (!(amount > 0.0)) amount = amount_->value().value_or(0.0);
  session_->setBudget(Budget{unit, amount});
  amount_->setValue(amount);
}

}  // namespace scaleplan
