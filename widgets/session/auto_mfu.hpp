#pragma once
// "MFU: auto" for the budget explorer: the plan's MFU becomes that of the best parallel layout of
// the planned model on the plan's accelerator and GPU count (core: makePlanWithAutoMfu, the same
// as 'scaleplan-cli plan --mfu auto'), and follows every change of the plan's inputs (budget,
// law, accelerator, precision, GPU count, ...).
//
// The cluster is the Cluster tab's system when its accelerator is the plan's (Session::
// clusterSystem: the tab's GPUs per node, NVLink and network bandwidths and efficiencies and its
// nccl-tests curves, as 'plan --mfu auto --system ... --network-gbps ... --interconnect ...'),
// else the accelerator's standard system (data/hardware.json), or a generic 8-GPU node with HGX
// H100 fabrics for an accelerator without one (a measured device); the architecture is
// the core's Llama shape rule for the planned N; the software, efficiencies and sequence length
// are the Cluster tab's (Session::clusterExecution, clusterSeqLen), and a change of them searches
// again. The search runs on a pool thread; the latest
// inputs win (a search started while one runs waits and replaces any waiting one). When it ends
// the controller sets the session's MFU and its range (the model's accuracy, clusterMfuRange),
// which change nothing else, so it does not search again.

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <optional>

#include "cluster/cluster_system.hpp"
#include "cluster/plan_auto.hpp"
#include "cluster/shape_rule.hpp"

namespace scaleplan {

class Session;

// The matrix-product rates the GUI costs a step with. A catalog accelerator: the core's efficiency
// model of its dense peak. A measured one (the GPU bench tab's "use measured throughput"): its
// peaks already are achieved rates (the best measured per precision), so they are used at full
// fraction rather than discounted a second time; the per-call overhead and roofline stay.
Result<GemmRates> guiGemmRates(const Accelerator& accelerator, Precision precision,
                                GemmEfficiencyModel model = {});

struct AutoMfuOutcome {
  PlanRequest request;  // the inputs searched (MFU as it was)
  std::optional<AutoMfuPlan> plan;
  QString error;
};

class AutoMfuController : public QObject {
  Q_OBJECT

 public:
  explicit AutoMfuController(Session* session, QObject* parent = nullptr);
  ~AutoMfuController() override;

  // On: searches now and after every input change. Off: the MFU stays where it is.
  void setEnabled(bool on);
  bool isEnabled() const { return enabled_; }
  bool isSearching() const { return running_; }
  // The last search's plan (nullopt before one, or when it failed: see error()).
  const std::optional<AutoMfuPlan>& plan() const { return plan_; }
  const QString& error() const { return error_; }
  // "auto: 43.0% with TP 8 · PP 16 · DP 64 (the Cluster tab's count: 45.6%)", "auto: searching...",
  // "auto: <error>", "" when off.
  QString text() const;
  // The full layout, its memory per GPU and the system, for a tooltip.
  QString details() const;
  // Blocks until no search runs or waits (tests).
  void waitForIdle();

  // The cluster `request`'s accelerator runs on (see above): `cluster_tab` when its accelerator
  // is the request's, else the standard system; costed with `execution` (the session's
  // clusterExecution(): the Cluster tab's software and efficiencies) on sequences of `seq_len`
  // tokens (the session's clusterSeqLen()); errors: no rate for the precision.
  static Result<AutoMfuSpec> specFor(const PlanRequest& request, const SystemCatalog& systems,
                                     const ExecutionOptions& execution = {},
                                     const std::optional<ClusterSystem>& cluster_tab = std::nullopt,
                                     std::int64_t seq_len = kDefaultClusterSeqLen);
  // Whether `cluster_tab` is the system specFor uses for `request`.
  static bool usesClusterTab(const PlanRequest& request, const std::optional<ClusterSystem>& cluster_tab);

 signals:
  // text(), plan() or error() changed.
  void changed();

 private:
  void onInputsChanged();
  void launch(const PlanRequest& request);
  void onFinished();

  Session* session_;
  SystemCatalog systems_;
  QString systems_error_;
  bool enabled_ = false;
  bool running_ = false;
  std::optional<PlanRequest> searched_;  // inputs of the running or last search, MFU ignored
  std::optional<PlanRequest> pending_;
  std::optional<AutoMfuPlan> plan_;
  bool plan_on_cluster_tab_ = false;  // plan_ searched the Cluster tab's system
  bool launched_on_cluster_tab_ = false;
  QString error_;
  QFutureWatcher<AutoMfuOutcome> watcher_;
};

}  // namespace scaleplan
