#include "panels/result_panel.hpp"

#include <QEvent>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QVBoxLayout>

#include "session/session.hpp"
#include "controls/text_format.hpp"

namespace scaleplan {

namespace {

struct Field {
  const char* key;
  const char* title;
  const char* tip;
};

const Field kFields[] = {
    {"params", QT_TRANSLATE_NOOP("ResultPanel", "Parameters N"), "Compute-optimal model size"},
    {"tokens", QT_TRANSLATE_NOOP("ResultPanel", "Training tokens D"), "Tokens to train on"},
    {"tokens_per_param", QT_TRANSLATE_NOOP("ResultPanel", "Tokens per parameter"), "D / N"},
    {"flops", QT_TRANSLATE_NOOP("ResultPanel", "Training compute"), "C = 6·N·D"},
    {"loss", QT_TRANSLATE_NOOP("ResultPanel", "Predicted loss"), "Nats per token, with the 95% interval when known"},
    {"mfu", QT_TRANSLATE_NOOP("ResultPanel", "MFU"),
     "Model FLOPs utilisation the plan uses; with a range, MFU is spread uniformly over it and wall-clock, GPU-hours, "
     "cost and energy get 95% intervals"},
    {"throughput", QT_TRANSLATE_NOOP("ResultPanel", "Cluster throughput"), "Dense peak × MFU × GPUs"},
    {"wall_clock", QT_TRANSLATE_NOOP("ResultPanel", "Wall-clock"), "Training time on the chosen GPUs"},
    {"gpu_hours", QT_TRANSLATE_NOOP("ResultPanel", "GPU-hours"), "GPUs × hours"},
    {"cost", QT_TRANSLATE_NOOP("ResultPanel", "Cost"), "GPU-hours × price per GPU-hour"},
    {"energy", QT_TRANSLATE_NOOP("ResultPanel", "Energy"), "TDP × GPUs × hours × PUE"},
    {"memory", QT_TRANSLATE_NOOP("ResultPanel", "Memory to train"),
     "Weights, gradients and optimizer state (no activations), and the GPUs needed just to hold them"},
    {"inference", QT_TRANSLATE_NOOP("ResultPanel", "Inference-aware"),
     "Training + lifetime inference compute against the Chinchilla-optimal model of the same loss"},
};

// kWh -> "850 kWh", "12.3 MWh", "4.56 GWh".
QString energy(double kwh) {
  if (kwh >= 1e6) return QObject::tr("%1 GWh").arg(text::number(kwh / 1e6, 3));
  if (kwh >= 1e3) return QObject::tr("%1 MWh").arg(text::number(kwh / 1e3, 3));
  return QObject::tr("%1 kWh").arg(text::number(kwh, 3));
}

}  // namespace

const QStringList& ResultPanel::fieldKeys() {
  static const QStringList keys = [] {
    QStringList k;
    for (const Field& f : kFields) k << f.key;
    return k;
  }();
  return keys;
}

ResultPanel::ResultPanel(Session* session, QWidget* parent)
    : QWidget(parent), session_(session), error_(new QLabel(this)), warnings_label_(new QLabel(this)),
      law_(new QLabel(this)) {
  auto* outer = new QVBoxLayout(this);
  auto* box = new QGroupBox(tr("Plan"), this);
  auto* grid = new QGridLayout(box);
  grid->setColumnStretch(1, 1);
  int row = 0;
  for (const Field& f : kFields) {
    auto* title = new QLabel(tr(f.title), box);
    title->setToolTip(tr(f.tip));
    auto* value = new QLabel(box);
    value->setObjectName(QString("result_") + f.key);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setWordWrap(true);
    value->setToolTip(tr(f.tip));
    grid->addWidget(title, row, 0, Qt::AlignTop);
    grid->addWidget(value, row, 1);
    values_.insert(f.key, value);
    ++row;
  }
  // Headline figures in bold and larger.
  for (const char* key : {"params", "tokens", "loss", "cost", "wall_clock"}) {
    QFont font = values_[key]->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.12);
    values_[key]->setFont(font);
  }
  outer->addWidget(box);

  error_->setObjectName("resultError");
  error_->setWordWrap(true);
  error_->setVisible(false);
  outer->addWidget(error_);

  warnings_label_->setObjectName("resultWarnings");
  warnings_label_->setWordWrap(true);
  warnings_label_->setTextFormat(Qt::RichText);
  warnings_label_->setMargin(8);
  outer->addWidget(warnings_label_);

  law_->setObjectName("resultLaw");
  law_->setWordWrap(true);
  QFont small = law_->font();
  small.setPointSizeF(small.pointSizeF() * 0.9);
  law_->setFont(small);
  outer->addWidget(law_);
  outer->addStretch(1);

  connect(session_, &Session::planChanged, this, &ResultPanel::showPlan);
  connect(session_, &Session::planFailed, this, &ResultPanel::showError);
  refresh();
}

QString ResultPanel::value(const QString& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? QString() : (*it)->text();
}

QString ResultPanel::error() const { return error_->isVisible() || !error_->text().isEmpty() ? error_->text() : QString(); }

void ResultPanel::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) refresh();
}

void ResultPanel::refresh() {
  if (const auto& r = session_->currentResult()) {
    showPlan(session_->currentRequest(), *r);
  } else {
    showError(session_->planError());
  }
}

// "  (95%: LOW–HIGH)" in the value's own format, or nothing without an interval.
template <class Format>
static QString ci95(const std::optional<Interval>& interval, Format format) {
  if (!interval) return QString();
  return ResultPanel::tr("  (95%: %1–%2)").arg(format(interval->low), format(interval->high));
}

void ResultPanel::showPlan(const PlanRequest& request, const PlanResult& p) {
  error_->clear();
  error_->setVisible(false);
  const PlanIntervals& iv = p.intervals;
  auto count = [](double v) { return text::count(v); };
  auto number3 = [](double v) { return text::number(v, 3); };
  values_["params"]->setText(text::count(p.params) + ci95(iv.params, count));
  values_["tokens"]->setText(text::count(p.tokens) + ci95(iv.tokens, count));
  values_["tokens_per_param"]->setText(text::number(p.tokens_per_param, 3) + ci95(iv.tokens_per_param, number3));
  values_["flops"]->setText(text::flops(p.flops.value) + ci95(iv.flops, [](double v) { return text::flops(v); }));
  if (p.predicted_loss) {
    values_["loss"]->setText(tr("%1 nats/token").arg(text::number(*p.predicted_loss, 4)) +
                             ci95(iv.predicted_loss, [](double v) { return text::number(v, 4); }));
  } else {
    values_["loss"]->setText(tr("not predicted by this law"));
  }
  const auto percent = [](double fraction) { return text::number(100.0 * fraction, 3) + "%"; };
  values_["mfu"]->setText(request.mfu_range ? tr("%1 (range %2–%3: intervals below)")
                                                  .arg(percent(request.mfu), percent(request.mfu_range->low),
                                                       percent(request.mfu_range->high))
                                            : percent(request.mfu));
  // An MFU from the cluster model says what it was predicted for (also after a plan is opened).
  values_["mfu"]->setToolTip(request.mfu_auto
                                 ? tr("The cluster model's MFU (auto) with %1; %2 of %3 per GPU")
                                       .arg(QString::fromStdString(describeMfuAuto(*request.mfu_auto)),
                                            text::bytes(request.mfu_auto->memory_per_gpu_bytes),
                                            text::bytes(request.mfu_auto->memory_capacity_bytes))
                                 : QString());
  values_["throughput"]->setText(tr("%1 (%2 %3 × %4% × %5 GPUs)")
                                     .arg(text::flopsRate(p.cost.cluster_rate.value), text::flopsRate(p.peak_per_gpu.value),
                                          QString::fromStdString(std::string(toString(p.precision))),
                                          text::number(request.mfu * 100.0, 3), text::thousands(request.gpu_count)));
  values_["wall_clock"]->setText(text::days(p.cost.wall_clock.days()) +
                                 ci95(iv.wall_clock_days, [](double v) { return text::days(v); }));
  values_["gpu_hours"]->setText(tr("%1 GPU-hours").arg(text::count(p.cost.gpu_hours)) + ci95(iv.gpu_hours, count));
  values_["cost"]->setText(p.usd_per_gpu_hour > 0
                               ? tr("%1 at %2/GPU-hour").arg(text::usd(p.cost.cost_usd), text::usd(p.usd_per_gpu_hour)) +
                                     ci95(iv.cost_usd, [](double v) { return text::usd(v); })
                               : tr("no price per GPU-hour"));
  values_["energy"]->setText(energy(p.cost.energy_kwh) + tr(" (PUE %1)").arg(text::number(request.pue, 3)) +
                             ci95(iv.energy_kwh, [](double v) { return energy(v); }));
  values_["memory"]->setText(tr("%1 — at least %2 × %3 (%4 GiB) to hold it")
                                 .arg(text::bytes(p.training_memory_bytes))
                                 .arg(p.gpus_to_hold_training_state)
                                 .arg(QString::fromStdString(request.accelerator.id),
                                      text::number(request.accelerator.memory_gb, 3)));
  if (p.inference) {
    const auto& i = *p.inference;
    const bool within = p.inference_sizing == InferenceSizing::BestLossWithinBudget;
    values_["inference"]->setText((within ? tr("best loss within the budget: training %1 + inference %2 = %3; the "
                                               "compute-optimal model (%4, %5 tokens) would need %6 in total")
                                          : tr("same loss, least lifetime compute: training %1 + inference %2 = %3; the "
                                               "Chinchilla-optimal model for the same loss (%4, %5 tokens) needs %6 in total"))
                                      .arg(text::scientific(i.train_flops.value), text::scientific(i.inference_flops.value),
                                           text::flops(i.total_flops.value), text::count(i.chinchilla_params),
                                           text::count(i.chinchilla_tokens), text::flops(i.chinchilla_total_flops.value)));
  } else {
    values_["inference"]->setText(tr("— (no inference demand)"));
  }

  warnings_.clear();
  for (const auto& w : p.warnings) warnings_ << QString::fromStdString(w.message);
  const bool dark = palette().color(QPalette::Window).lightnessF() < 0.5;
  if (warnings_.isEmpty()) {
    warnings_label_->setStyleSheet(dark ? "QLabel { background: #1f3a24; color: #c8e6c9; border-radius: 4px; }"
                                        : "QLabel { background: #e8f5e9; color: #1b5e20; border-radius: 4px; }");
    warnings_label_->setText(tr("No warnings."));
  } else {
    warnings_label_->setStyleSheet(dark ? "QLabel { background: #4a3b12; color: #ffe8a3; border: 1px solid #8a6d1f; "
                                          "border-radius: 4px; }"
                                        : "QLabel { background: #fff4ce; color: #5c4400; border: 1px solid #e0b400; "
                                          "border-radius: 4px; }");
    QString html = tr("<b>⚠ %1</b><ul style=\"margin-left: -20px\">")
                       .arg(countNoun(warnings_.size(), tr("warning"), tr("warnings")));
    for (const QString& w : warnings_) html += "<li>" + w.toHtmlEscaped() + "</li>";
    html += "</ul>";
    warnings_label_->setText(html);
  }
  law_->setText(tr("Law: %1. %2")
                    .arg(QString::fromStdString(request.law.displayName()),
                         QString::fromStdString(request.law.citation())));
}

void ResultPanel::showError(const QString& message) {
  for (QLabel* l : values_) l->setText(QStringLiteral("—"));
  warnings_.clear();
  warnings_label_->clear();
  warnings_label_->setStyleSheet(QString());
  const bool dark = palette().color(QPalette::Window).lightnessF() < 0.5;
  error_->setStyleSheet(dark ? "QLabel { color: #ff8a80; font-weight: bold; }" : "QLabel { color: #c62828; font-weight: bold; }");
  error_->setText(tr("No plan: %1").arg(message));
  error_->setVisible(true);
}

}  // namespace scaleplan
