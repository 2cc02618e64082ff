#include "session/session.hpp"
#include "controls/text_format.hpp"

#include <QFileInfo>
#include <algorithm>
#include <cmath>
#include <sstream>

#include "base/format.hpp"

namespace scaleplan {

namespace {

// The default initial budget: 1e24 FLOPs (a little more than Chinchilla's 5.88e23).
constexpr double kDefaultBudgetFlops = 1e24;

}  // namespace

Session::Session(QObject* parent) : QObject(parent) {
  QStringList errors;
  if (auto c = HardwareCatalog::loadDefault()) {
    catalog_ = std::move(c).value();
  } else {
    errors << qs(c.message());
  }
  if (auto m = ModelCatalog::loadDefault()) {
    models_ = std::move(m).value();
  } else {
    errors << qs(m.message());
  }
  startup_errors_ = errors.join('\n');
  initialise();
}

Session::Session(HardwareCatalog catalog, ModelCatalog models, QObject* parent)
    : QObject(parent), catalog_(std::move(catalog)), models_(std::move(models)) {
  initialise();
}

Session::~Session() = default;

void Session::initialise() {
  QStringList errors;
  if (!startup_errors_.isEmpty()) errors << startup_errors_;
  for (const std::string& id : presetLawIds()) {
    auto law = lawById(id);
    if (!law) {
      errors << qs(law.message());
      continue;
    }
    preset_ids_.push_back(id);
    laws_.push_back(std::move(law).value());
  }
  startup_errors_ = errors.join('\n');
  request_ = initialRequest();
  recompute();
}

PlanRequest Session::initialRequest() const {
  PlanRequest r;
  r.budget = Budget{BudgetUnit::Flops, kDefaultBudgetFlops};
  if (auto law = resolveLaw(kDefaultLawId)) {
    r.law = *law;
  } else if (!laws_.empty()) {
    r.law = laws_.front();
  }
  if (const Accelerator* a = catalog_.find(kDefaultGpuId)) {
    r.accelerator = *a;
  } else if (!catalog_.accelerators().empty()) {
    r.accelerator = catalog_.accelerators().front();
  }
  // The precision, GPU count and MFU keep PlanRequest's defaults (plan.hpp).
  if (!r.accelerator.dense_peak.empty() && !r.accelerator.peak(r.precision)) {
    r.precision = r.accelerator.dense_peak.begin()->first;
  }
  return r;
}

void Session::recompute() {
  auto result = makePlan(request_);
  if (result) {
    result_ = std::move(result).value();
    plan_error_.clear();
  } else {
    result_.reset();
    plan_error_ = qs(result.message());
  }
}

void Session::changed() {
  recompute();
  emit inputsChanged();
  if (result_) {
    emit planChanged(request_, *result_);
  } else {
    emit planFailed(plan_error_);
  }
  setModified(true);
}

void Session::setModified(bool modified) {
  if (modified_ == modified) return;
  modified_ = modified;
  emit modifiedChanged(modified_);
}

void Session::setFilePath(const QString& path) {
  if (file_path_ == path) return;
  file_path_ = path;
  emit filePathChanged(file_path_);
}

// ---- Inputs ---------------------------------------------------------------------------------------

void Session::setBudget(const Budget& budget) {
  if (request_.budget && request_.budget->unit == budget.unit && request_.budget->amount == budget.amount) return;
  request_.budget = budget;
  changed();
}

void Session::setLaw(const std::string& law_id) {
  auto law = resolveLaw(law_id);
  if (!law) {
    emit failed(tr("Unknown scaling law '%1'").arg(qs(law_id)));
    return;
  }
  if (request_.law.id() == law_id && request_.law.kind() == law->kind() &&
      request_.law.parameterValues() == law->parameterValues()) {
    return;
  }
  request_.law = std::move(*law);
  changed();
}

void Session::setTokensPerParam(double ratio) {
  if (!(std::isfinite(ratio) && ratio > 0.0)) {
    emit failed(tr("Tokens per parameter must be positive, got %1").arg(ratio));
    return;
  }
  if (ratio == tokens_per_param_) return;
  tokens_per_param_ = ratio;
  if (request_.law.kind() == LawKind::TokensPerParam) {
    if (auto law = resolveLaw(request_.law.id())) {
      request_.law = std::move(*law);
      changed();
      return;
    }
  }
  emit inputsChanged();
  emit compareLawsChanged();  // a compared ratio law changes too
}

void Session::setAccelerator(const std::string& accelerator_id) {
  const Accelerator* a = findAccelerator(accelerator_id);
  if (!a) {
    emit failed(tr("Unknown accelerator '%1'").arg(qs(accelerator_id)));
    return;
  }
  if (request_.accelerator.id == accelerator_id) return;
  request_.accelerator = *a;
  if (!a->peak(request_.precision) && !a->dense_peak.empty()) {
    request_.precision = a->peak(Precision::Bf16) ? Precision::Bf16 : a->dense_peak.begin()->first;
  }
  changed();
}

void Session::setPrecision(Precision precision) {
  assign(request_.precision, precision);
}

void Session::setGpuCount(int gpu_count) {
  assign(request_.gpu_count, gpu_count);
}

void Session::setMfu(double mfu) {
  if (request_.mfu == mfu && !request_.mfu_auto) return;
  request_.mfu = mfu;
  request_.mfu_auto.reset();
  changed();
}

void Session::setMfuAndRange(double mfu, std::optional<Interval> range, std::optional<MfuAutoRecord> automatic) {
  if (request_.mfu == mfu && request_.mfu_range == range && request_.mfu_auto == automatic) return;
  request_.mfu = mfu;
  request_.mfu_range = range;
  request_.mfu_auto = std::move(automatic);
  changed();
}

void Session::setUsdPerGpuHour(std::optional<double> usd) {
  assign(request_.usd_per_gpu_hour, usd);
}

void Session::setInferenceTokens(std::optional<double> tokens) {
  assign(request_.inference_tokens, tokens);
}

void Session::setInferenceSizing(InferenceSizing sizing) {
  assign(request_.inference_sizing, sizing);
}

void Session::setTargetLoss(std::optional<double> loss) {
  assign(request_.target_loss, loss);
}

void Session::setUniqueTokens(std::optional<double> tokens) {
  assign(request_.unique_tokens, tokens);
}

void Session::setTrainingBytesPerParam(double bytes) {
  assign(request_.training_bytes_per_param, bytes);
}

void Session::setRequest(const PlanRequest& request) {
  if (!findLaw(request.law.id())) {
    laws_.push_back(request.law);
    emit lawsChanged();
  }
  if (const auto* tp = std::get_if<TokensPerParamParams>(&request.law.params())) tokens_per_param_ = tp->ratio;
  if (!findAccelerator(request.accelerator.id)) {
    measured_.push_back(request.accelerator);
    emit acceleratorsChanged();
  }
  request_ = request;
  changed();
  emit requestReplaced();
}

std::optional<BudgetEquivalents> Session::budgetEquivalents() const {
  auto e = scaleplan::budgetEquivalents(request_);
  if (!e) return std::nullopt;
  return *e;
}

// ---- Laws -----------------------------------------------------------------------------------------

const ScalingLaw* Session::findLaw(std::string_view id) const {
  for (const auto& law : laws_) {
    if (law.id() == id) return &law;
  }
  return nullptr;
}

bool Session::isPresetLaw(std::string_view id) const {
  return std::find(preset_ids_.begin(), preset_ids_.end(), id) != preset_ids_.end();
}

std::optional<ScalingLaw> Session::resolveLaw(std::string_view id) const {
  const ScalingLaw* law = findLaw(id);
  if (!law) return std::nullopt;
  ScalingLaw out = *law;
  if (const auto* tp = std::get_if<TokensPerParamParams>(&out.params())) {
    if (tp->ratio != tokens_per_param_) {
      TokensPerParamParams p = *tp;
      p.ratio = tokens_per_param_;
      out.setParams(p);
      std::ostringstream name;
      name << formatNumber(tokens_per_param_, 4) << " tokens per parameter";
      out.setDisplayName(name.str());
    }
  }
  return out;
}

void Session::addLaw(ScalingLaw law) {
  const std::string id = law.id();
  bool replaced = false;
  for (auto& existing : laws_) {
    if (existing.id() == id) {
      existing = law;
      replaced = true;
    }
  }
  if (!replaced) laws_.push_back(law);
  emit lawsChanged();
  if (request_.law.id() == id) {
    request_.law = *resolveLaw(id);
    changed();
  } else if (std::find(compare_law_ids_.begin(), compare_law_ids_.end(), id) != compare_law_ids_.end()) {
    emit compareLawsChanged();
  }
}

void Session::setCompareLaws(const std::vector<std::string>& law_ids) {
  std::vector<std::string> ids;
  for (const auto& id : law_ids) {
    if (findLaw(id) && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  if (ids == compare_law_ids_) return;
  compare_law_ids_ = std::move(ids);
  emit compareLawsChanged();
}

std::vector<ScalingLaw> Session::plottedLaws() const {
  std::vector<ScalingLaw> out;
  out.push_back(request_.law);
  for (const auto& id : compare_law_ids_) {
    if (id == request_.law.id()) continue;
    if (auto law = resolveLaw(id)) out.push_back(std::move(*law));
  }
  return out;
}

// ---- Accelerators -----------------------------------------------------------------------------------

std::vector<Accelerator> Session::accelerators() const {
  std::vector<Accelerator> out = catalog_.accelerators();
  for (const auto& m : measured_) {
    if (!catalog_.find(m.id)) out.push_back(m);
  }
  return out;
}

const Accelerator* Session::findAccelerator(std::string_view id) const {
  for (const auto& m : measured_) {
    if (m.id == id) return &m;
  }
  return catalog_.find(id);
}

void Session::setClusterExecution(const ExecutionOptions& execution) {
  if (cluster_execution_ == execution) return;
  cluster_execution_ = execution;
  emit clusterExecutionChanged();
}

void Session::setClusterSystem(const std::optional<ClusterSystem>& system, const QString& key) {
  if (key == cluster_system_key_ && system.has_value() == cluster_system_.has_value()) return;
  cluster_system_ = system;
  cluster_system_key_ = key;
  emit clusterExecutionChanged();
}

void Session::setClusterSeqLen(std::int64_t seq_len) {
  if (seq_len < 1 || seq_len == cluster_seq_len_) return;
  cluster_seq_len_ = seq_len;
  emit clusterExecutionChanged();
}

void Session::addMeasuredAccelerator(Accelerator accelerator) {
  bool replaced = false;
  for (auto& m : measured_) {
    if (m.id == accelerator.id) {
      m = accelerator;
      replaced = true;
    }
  }
  if (!replaced) measured_.push_back(accelerator);
  emit acceleratorsChanged();
  if (request_.accelerator.id == accelerator.id) {
    request_.accelerator = accelerator;
    changed();
  }
}

// ---- Files ------------------------------------------------------------------------------------------

void Session::newPlan() {
  request_ = initialRequest();
  recompute();
  emit inputsChanged();
  if (result_) {
    emit planChanged(request_, *result_);
  } else {
    emit planFailed(plan_error_);
  }
  setFilePath(QString());
  setModified(false);
}

Status Session::openPlan(const QString& path) {
  auto request = loadPlan(path.toStdString());
  if (!request) return request.status();
  setRequest(*request);
  setFilePath(QFileInfo(path).absoluteFilePath());
  setModified(false);
  return Status::ok();
}

Status Session::savePlan(const QString& path) {
  if (!result_) return Error{"cannot save: the inputs give no plan (" + plan_error_.toStdString() + ")"};
  Status s = scaleplan::savePlan(path.toStdString(), request_, *result_);
  if (!s) return s;
  setFilePath(QFileInfo(path).absoluteFilePath());
  setModified(false);
  return Status::ok();
}

QString Session::reportMarkdown() const {
  std::ostringstream md;
  const PlanRequest& r = request_;
  md << "# ScalePlan training plan\n\n";
  if (!file_path_.isEmpty()) md << "Plan file: `" << file_path_.toStdString() << "`\n\n";
  md << "## Inputs\n\n| Input | Value |\n|---|---|\n";
  if (r.budget) {
    std::string amount;
    switch (r.budget->unit) {
      case BudgetUnit::Flops: amount = formatFlops(r.budget->amount); break;
      case BudgetUnit::Usd: amount = formatUsd(r.budget->amount); break;
      case BudgetUnit::GpuHours: amount = formatCount(r.budget->amount) + " GPU-hours"; break;
      case BudgetUnit::Days: amount = formatDays(r.budget->amount) + " on " + std::to_string(r.gpu_count) + " GPUs"; break;
    }
    md << "| Budget | " << amount << " |\n";
  }
  md << "| Scaling law | " << r.law.displayName() << " (`" << r.law.id() << "`) |\n";
  md << "| Accelerator | " << r.accelerator.name << " (`" << r.accelerator.id << "`)"
     << (r.accelerator.measured ? ", measured" : "") << " |\n";
  md << "| Precision | " << toString(r.precision);
  if (auto p = r.accelerator.peak(r.precision)) md << ", " << formatFlopsRate(p->value) << " dense peak";
  md << " |\n";
  md << "| GPUs | " << r.gpu_count << " |\n";
  md << "| MFU | " << formatNumber(r.mfu * 100.0, 3) << "%";
  if (r.mfu_range) {
    md << " (range " << formatNumber(r.mfu_range->low * 100.0, 3) << "-" << formatNumber(r.mfu_range->high * 100.0, 3)
       << "%)";
  }
  if (const auto& a = r.mfu_auto) {
    md << "; the cluster model's, with " << describeMfuAuto(*a) << ", " << formatBytes(a->memory_per_gpu_bytes)
       << " of " << formatBytes(a->memory_capacity_bytes) << " per GPU";
    if (!a->caveat.empty()) md << "; caution: " << a->caveat;
    if (!a->step_command.empty()) md << "; the same step: `" << a->step_command << "`";
  }
  md << " |\n";
  if (r.usd_per_gpu_hour) {
    md << "| Price | " << formatUsd(*r.usd_per_gpu_hour) << " per GPU-hour |\n";
  } else if (r.accelerator.usd_per_gpu_hour) {
    md << "| Price | " << formatUsd(*r.accelerator.usd_per_gpu_hour) << " per GPU-hour (catalog, "
       << r.accelerator.price_month << ") |\n";
  }
  md << "| PUE | " << formatNumber(r.pue, 3) << " |\n";
  if (r.inference_tokens) md << "| Inference demand | " << formatCount(*r.inference_tokens) << " tokens |\n";
  if (r.target_loss) md << "| Target loss | " << formatNumber(*r.target_loss, 4) << " nats/token |\n";
  if (r.unique_tokens) md << "| Unique tokens | " << formatCount(*r.unique_tokens) << " |\n";

  md << "\n## Results\n\n";
  if (!result_) {
    md << "No plan: " << plan_error_.toStdString() << "\n";
  } else {
    const PlanResult& p = *result_;
    md << "| Quantity | Value |\n|---|---|\n";
    md << "| Parameters N | " << formatCount(p.params) << " |\n";
    md << "| Training tokens D | " << formatCount(p.tokens) << " |\n";
    md << "| Tokens per parameter | " << formatNumber(p.tokens_per_param, 3) << " |\n";
    md << "| Training compute (6ND) | " << formatFlops(p.flops.value) << " |\n";
    if (p.predicted_loss) {
      md << "| Predicted loss | " << formatNumber(*p.predicted_loss, 4) << " nats/token";
      if (p.intervals.predicted_loss) {
        md << " (95% " << formatNumber(p.intervals.predicted_loss->low, 4) << "-" << formatNumber(p.intervals.predicted_loss->high, 4)
           << ")";
      }
      md << " |\n";
    }
    md << "| Wall-clock | " << formatDays(p.cost.wall_clock.days()) << " |\n";
    md << "| GPU-hours | " << formatCount(p.cost.gpu_hours) << " |\n";
    md << "| Cost | " << formatUsd(p.cost.cost_usd) << " |\n";
    md << "| Energy | " << formatCount(p.cost.energy_kwh) << " kWh |\n";
    md << "| Memory to train (weights, gradients, optimizer) | " << formatBytes(p.training_memory_bytes) << " ("
       << p.gpus_to_hold_training_state << " GPUs to hold it) |\n";
    if (p.inference) {
      md << "| Inference compute | " << formatFlops(p.inference->inference_flops.value) << " |\n";
      md << "| Chinchilla-optimal model for the same loss | " << formatCount(p.inference->chinchilla_params)
         << " parameters, " << formatCount(p.inference->chinchilla_tokens) << " tokens |\n";
    }
    md << "\n## Warnings\n\n";
    if (p.warnings.empty()) md << "None.\n";
    for (const auto& w : p.warnings) md << "- **" << toString(w.kind) << "**: " << w.message << "\n";
  }

  md << "\n## Scaling law\n\n" << r.law.displayName() << " (kind " << toString(r.law.kind()) << ")\n\n";
  const auto names = r.law.parameterNames();
  const auto values = r.law.parameterValues();
  if (!names.empty()) {
    md << "| Parameter | Value |\n|---|---|\n";
    for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
      md << "| " << names[i] << " | " << formatNumber(values[i], 6) << " |\n";
    }
    md << "\n";
  }
  if (!r.law.citation().empty()) md << "Source: " << r.law.citation() << "\n";
  md << "\nAccelerator figures: " << r.accelerator.source << "\n";
  md << "\nTraining compute uses C = 6·N·D (Kaplan et al. 2020); memory to train counts "
     << formatNumber(r.training_bytes_per_param, 3)
     << " bytes per parameter (mixed-precision AdamW), activations excluded (see Korthikanti et al. 2022).\n";
  return QString::fromStdString(md.str());
}

}  // namespace scaleplan
