#include "session/auto_mfu.hpp"

#include <QCoreApplication>
#include <QtConcurrent/QtConcurrentRun>

#include "cluster/step_command.hpp"
#include "controls/text_format.hpp"
#include "session/session.hpp"

namespace scaleplan {

namespace {

// Two requests that differ only in MFU (point or range) plan the same model on the same cluster.
bool sameInputs(PlanRequest a, PlanRequest b) {
  a.mfu = b.mfu = 0.0;
  a.mfu_range = b.mfu_range = std::nullopt;
  a.mfu_auto = b.mfu_auto = std::nullopt;
  return a == b;
}

// "TP 8 · PP 16 · DP 64" (+ CP, EP when used): the degrees only; details() has the whole layout.
QString degrees(const ParallelLayout& l) {
  QString s = QObject::tr("TP %1 · PP %2 · DP %3").arg(l.tp).arg(l.pp).arg(l.dp);
  if (l.cp > 1) s += QObject::tr(" · CP %1").arg(l.cp);
  if (l.ep > 1) s += QObject::tr(" · EP %1").arg(l.ep);
  return s;
}

}  // namespace

Result<GemmRates> guiGemmRates(const Accelerator& accelerator, Precision precision, GemmEfficiencyModel model) {
  if (accelerator.measured) model.peak_fraction = model.fp8_peak_fraction = 1.0;
  return GemmRates::fromCatalog(accelerator, precision, model);
}

AutoMfuController::AutoMfuController(Session* session, QObject* parent) : QObject(parent), session_(session) {
  if (auto systems = SystemCatalog::loadDefault()) systems_ = std::move(systems).value();
  else systems_error_ = qs(systems.message());
  connect(&watcher_, &QFutureWatcher<AutoMfuOutcome>::finished, this, &AutoMfuController::onFinished);
  connect(session_, &Session::inputsChanged, this, &AutoMfuController::onInputsChanged);
  connect(session_, &Session::clusterExecutionChanged, this, [this] {
    searched_.reset();  // the same plan inputs, costed differently
    onInputsChanged();
  });
}

AutoMfuController::~AutoMfuController() {
  watcher_.disconnect(this);
  watcher_.waitForFinished();
}

bool AutoMfuController::usesClusterTab(const PlanRequest& request, const std::optional<ClusterSystem>& cluster_tab) {
  return cluster_tab && cluster_tab->accelerator.id == request.accelerator.id;
}

Result<AutoMfuSpec> AutoMfuController::specFor(const PlanRequest& request, const SystemCatalog& systems,
                                                const ExecutionOptions& execution,
                                                const std::optional<ClusterSystem>& cluster_tab,
                                                std::int64_t seq_len) {
  AutoMfuSpec spec;
  spec.seq_len = seq_len;
  const ClusterSystem* standard = systems.findByAccelerator(request.accelerator.id);
  if (usesClusterTab(request, cluster_tab)) spec.system = *cluster_tab;
  else spec.system = standard ? *standard : genericSystemFor(request.accelerator, systems.find("hgx-h100"));
  spec.system.accelerator = request.accelerator;
  spec.execution = execution;
  auto rates = guiGemmRates(request.accelerator, request.precision, execution.gemm);
  if (!rates) return rates.error();
  spec.rates = std::move(rates).value();
  return spec;
}

void AutoMfuController::setEnabled(bool on) {
  if (enabled_ == on) return;
  enabled_ = on;
  searched_.reset();
  if (on) onInputsChanged();
  emit changed();
}

void AutoMfuController::onInputsChanged() {
  if (!enabled_) return;
  const PlanRequest& request = session_->currentRequest();
  if (searched_ && sameInputs(*searched_, request)) return;  // only the MFU changed (ours)
  searched_ = request;
  if (running_) {
    pending_ = request;
    return;
  }
  launch(request);
}

void AutoMfuController::launch(const PlanRequest& request) {
  running_ = true;
  emit changed();
  auto spec =
      specFor(request, systems_, session_->clusterExecution(), session_->clusterSystem(), session_->clusterSeqLen());
  launched_on_cluster_tab_ = usesClusterTab(request, session_->clusterSystem());
  watcher_.setFuture(QtConcurrent::run([request, spec = std::move(spec), systems = systems_]() {
    AutoMfuOutcome out{request, std::nullopt, {}};
    if (!spec) {
      out.error = qs(spec.message());
      return out;
    }
    auto planned = makePlanWithAutoMfu(request, *spec);
    if (!planned) {
      out.error = qs(planned.message());
      return out;
    }
    // The shape rule's architecture as flags; no command when the Cluster tab's measured curves
    // are in the system (the files are the tab's, not known here).
    AutoMfuPlan plan = std::move(planned).value();
    plan.request.mfu_auto->step_command =
        autoPlanStepCommand(plan.best, spec->system, spec->execution, systems, "", "", {});
    out.plan = std::move(plan);
    return out;
  }));
}

void AutoMfuController::onFinished() {
  running_ = false;
  if (pending_) {  // superseded: search the latest inputs
    const PlanRequest next = *pending_;
    pending_.reset();
    launch(next);
    return;
  }
  const AutoMfuOutcome outcome = watcher_.result();
  plan_ = outcome.plan;
  plan_on_cluster_tab_ = launched_on_cluster_tab_;
  error_ = outcome.error;
  if (enabled_ && plan_) session_->setMfuAndRange(plan_->request.mfu, plan_->request.mfu_range, plan_->request.mfu_auto);
  emit changed();
}

QString AutoMfuController::text() const {
  if (!enabled_) return {};
  if (running_) return tr("auto: searching the layouts...");
  if (!plan_) return tr("auto: %1").arg(error_.isEmpty() ? systems_error_ : error_);
  // The plan's MFU counts 6N per token; the Cluster tab's row for the same layout counts attention
  // and no input lookups (planMfuOf), so both are given.
  return tr("auto: %1% with %2 (the Cluster tab's count: %3%)")
      .arg(plan_->request.mfu * 100.0, 0, 'f', 1)
      .arg(degrees(plan_->best.layout))
      .arg(plan_->best.mfu * 100.0, 0, 'f', 1);
}

QString AutoMfuController::details() const {
  if (!plan_) return {};
  const StepEstimate& best = plan_->best;
  const QString system = plan_on_cluster_tab_ ? tr("%1 as the Cluster tab sets it").arg(qs(best.system_id))
                                              : tr("%1 (standard)").arg(qs(best.system_id));
  QString out = tr("%1 on %2 (%3); %4 per GPU of %5; %6 x %7 tokens per step")
                     .arg(qs(best.layout.describe()), system, qs(plan_->architecture_source),
                          text::bytes(best.memory.total()), text::bytes(best.memory_capacity_bytes),
                          text::thousands(static_cast<double>(best.job.global_batch)),
                          text::thousands(static_cast<double>(best.job.seq_len)));
  out += tr("\n%1 tokens/s: MFU %2% as the Cluster tab counts it (attention included, input lookups not), "
            "%3% of the plan's 6ND FLOPs (the plan's MFU)")
             .arg(text::scientific(best.tokens_per_second, 3), text::number(100.0 * best.mfu, 3),
                  text::number(100.0 * plan_->request.mfu, 3));
  if (const auto& range = plan_->request.mfu_range) {
    out += tr("\nMFU range %1–%2%, from %3")
                .arg(text::number(100.0 * range->low, 3), text::number(100.0 * range->high, 3),
                     qs(plan_->mfu_range_basis));
  }
  out += tr("\nSoftware %1 with the Cluster tab's efficiencies (GEMM %2 of the peak, FP8 %3; memory %4; "
            "FlashAttention %5) and sequence length")
             .arg(qs(std::string(kTrainingSoftwareNames.toString(session_->clusterExecution().software))))
             .arg(session_->clusterExecution().gemm.peak_fraction)
             .arg(session_->clusterExecution().gemm.fp8_peak_fraction)
             .arg(session_->clusterExecution().gemm.bandwidth_fraction)
             .arg(session_->clusterExecution().flash_attention_efficiency);
  if (!plan_->mfu_caveat.empty()) out += tr("\nCaution: %1").arg(qs(plan_->mfu_caveat));
  if (const auto& record = plan_->request.mfu_auto; record && !record->step_command.empty())
    out += tr("\nThe same step on the command line: %1").arg(qs(record->step_command));
  return out;
}

void AutoMfuController::waitForIdle() {
  while (running_) {
    watcher_.waitForFinished();
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
  }
}

}  // namespace scaleplan
