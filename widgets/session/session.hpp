#pragma once
// Session: the GUI's single façade over the Qt-free core.
//
// It owns the inputs of the current plan (a PlanRequest holding *resolved* values: the law and
// the accelerator themselves), the PlanResult they give, the hardware catalog plus accelerators
// measured at run time, the set of scaling laws (the presets plus laws added at run time, e.g.
// fitted ones; the session resolves law ids itself, never through lawById for added laws), the
// laws compared in the plots, the published model presets, the plan's file path and its
// modified flag.
//
// Every setter recomputes the plan synchronously (a plan takes microseconds) and then emits
// planChanged(request, result) on success or planFailed(message) when the inputs give no plan
// (e.g. a precision the GPU lacks); views subscribe and redraw (plots coalesce replots with a
// queued refresh). Long work (import, fit, benchmark) lives in its own worker classes, which
// hand their results back through addLaw() / addMeasuredAccelerator() on the GUI thread.
//
// Values emitted are immutable copies or const references valid for the duration of the signal.

#include <QObject>
#include <QString>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/precision.hpp"
#include "base/result.hpp"
#include "cluster/cluster_system.hpp"
#include "cluster/shape_rule.hpp"
#include "cluster/step_model.hpp"
#include "counting/model_presets.hpp"
#include "hardware/accelerator.hpp"
#include "hardware/cost.hpp"
#include "laws/scaling_law.hpp"
#include "plan/plan.hpp"
#include "session/core_metatypes.hpp"

namespace scaleplan {

class Session : public QObject {
  Q_OBJECT

 public:
  // Loads the default hardware catalog (HardwareCatalog::loadDefault) and model presets
  // (ModelCatalog::loadDefault); a failure leaves that catalog empty and is kept in
  // startupErrors(). The initial plan: hoffmann2022, h100-sxm (or the first entry), bf16,
  // 1024 GPUs, MFU 0.4, a budget of 1e24 FLOPs.
  explicit Session(QObject* parent = nullptr);
  // The same with given catalogs (tests).
  Session(HardwareCatalog catalog, ModelCatalog models, QObject* parent = nullptr);
  ~Session() override;

  // Messages from loading catalogs or preset laws at construction ("" when none).
  const QString& startupErrors() const { return startup_errors_; }

  // ---- Inputs. Each recomputes, emits inputsChanged() then planChanged()/planFailed(), and
  // marks the session modified when the value actually changed.
  void setBudget(const Budget& budget);
  // The planning law, by id among laws(). Unknown ids emit failed() and change nothing.
  void setLaw(const std::string& law_id);
  // Ratio for the "tokens-per-param" law (default 20); applies whenever that law is resolved.
  void setTokensPerParam(double ratio);
  double tokensPerParam() const { return tokens_per_param_; }
  // By id among accelerators() (catalog, then measured). Unknown ids emit failed(). When the
  // current precision is not supported by the new accelerator, bf16 (or its first supported
  // precision) is chosen.
  void setAccelerator(const std::string& accelerator_id);
  void setPrecision(Precision precision);
  void setGpuCount(int gpu_count);
  // Fraction, (0, 1]; the range stays; a typed MFU is no longer the cluster model's (mfu_auto
  // goes).
  void setMfu(double mfu);
  // The point MFU and its range at once (a range must contain the point: set apart, the request
  // in between could be invalid); nullopt: a point MFU only. `automatic`: the cluster model's
  // record of what the MFU was predicted for ("MFU: auto"), nullopt for a typed MFU.
  void setMfuAndRange(double mfu, std::optional<Interval> range, std::optional<MfuAutoRecord> automatic = std::nullopt);
  void setUsdPerGpuHour(std::optional<double> usd);          // nullopt = the catalog's price
  void setInferenceTokens(std::optional<double> tokens);     // lifetime tokens served
  void setInferenceSizing(InferenceSizing sizing);           // which inference-aware question
  void setTargetLoss(std::optional<double> loss);            // nats/token
  void setUniqueTokens(std::optional<double> tokens);        // unique training tokens available
  void setTrainingBytesPerParam(double bytes);               // 16 = mixed-precision AdamW
  // Replaces every input at once (one recompute). The law and accelerator inside `request` are
  // used as they are (a loaded plan reopens identically); they are also made known to the
  // session (addLaw / addMeasuredAccelerator) when their ids are new.
  void setRequest(const PlanRequest& request);

  // The inputs (always present, even when they give no plan) and the plan they give.
  const PlanRequest& currentRequest() const { return request_; }
  const std::optional<PlanResult>& currentResult() const { return result_; }
  // Why currentResult() is empty ("" when it is not).
  const QString& planError() const { return plan_error_; }
  // The budget in every unit on the current setup; nullopt when it cannot be converted.
  std::optional<BudgetEquivalents> budgetEquivalents() const;

  // ---- Laws.
  // Presets (presetLawIds() order), then laws added at run time, in order.
  const std::vector<ScalingLaw>& laws() const { return laws_; }
  const ScalingLaw* findLaw(std::string_view id) const;
  bool isPresetLaw(std::string_view id) const;
  // A law as the planner uses it (the tokens-per-param ratio applied); nullopt when unknown.
  std::optional<ScalingLaw> resolveLaw(std::string_view id) const;
  // Adds a law (a fitted one, a loaded file); an existing id is replaced. Emits lawsChanged()
  // and, when it is the planning law, recomputes the plan with it.
  void addLaw(ScalingLaw law);
  // Laws drawn in the plots in addition to the planning law (ids among laws(); unknown ids are
  // dropped). Emits compareLawsChanged().
  void setCompareLaws(const std::vector<std::string>& law_ids);
  const std::vector<std::string>& compareLawIds() const { return compare_law_ids_; }
  // The planning law first, then the compared ones (no duplicates), resolved.
  std::vector<ScalingLaw> plottedLaws() const;

  // ---- Accelerators.
  const HardwareCatalog& catalog() const { return catalog_; }
  // Accelerators added at run time (benchmark results, plans naming an unknown id).
  const std::vector<Accelerator>& measuredAccelerators() const { return measured_; }
  // Catalog entries, then measured ones.
  std::vector<Accelerator> accelerators() const;
  const Accelerator* findAccelerator(std::string_view id) const;
  // Adds (or replaces, same id) an accelerator; emits acceleratorsChanged(). Does not select it:
  // call setAccelerator(id) for "use measured throughput".
  void addMeasuredAccelerator(Accelerator accelerator);

  // Published models (data/models.json), for the frontier plot and the model panel.
  const ModelCatalog& models() const { return models_; }

  // ---- Cluster execution model. The training software and efficiencies the Cluster tab's boxes
  // describe, which "MFU: auto" costs its layouts with too (defaults: ExecutionOptions{}). Not
  // part of the plan file. Emits clusterExecutionChanged() when the value changes.
  void setClusterExecution(const ExecutionOptions& execution);
  const ExecutionOptions& clusterExecution() const { return cluster_execution_; }
  // The cluster the Cluster tab describes (its system with the fabric overrides and measured
  // nccl-tests curves), which "MFU: auto" plans on when its accelerator is the plan's; nullopt
  // when the tab's inputs do not make one. `key` names the inputs it came from: an unchanged key
  // changes nothing; another emits clusterExecutionChanged(). Not part of the plan file.
  void setClusterSystem(const std::optional<ClusterSystem>& system, const QString& key);
  const std::optional<ClusterSystem>& clusterSystem() const { return cluster_system_; }
  // The sequence length the Cluster tab's job trains on (tokens, >= 1), which "MFU: auto" plans
  // with too (default kDefaultClusterSeqLen, as 'plan --mfu auto' without --seq). Emits
  // clusterExecutionChanged() when the value changes. Not part of the plan file.
  void setClusterSeqLen(std::int64_t seq_len);
  std::int64_t clusterSeqLen() const { return cluster_seq_len_; }

  // ---- Files.
  const QString& filePath() const { return file_path_; }  // "" for a new plan
  bool isModified() const { return modified_; }
  void setModified(bool modified);
  // Back to the initial plan, no file, unmodified.
  void newPlan();
  // Loads a plan; on error the session is left untouched and the message (naming the file and
  // the field) is returned (failed() is not emitted: the caller shows it).
  Status openPlan(const QString& path);
  // Saves atomically; on success the path becomes filePath() and the session is unmodified.
  Status savePlan(const QString& path);
  // Markdown report of the current plan: inputs, results, warnings, the law and its citation.
  QString reportMarkdown() const;

 signals:
  // Some input changed (controls resynchronise from currentRequest()).
  void inputsChanged();
  // Every input was replaced at once (setRequest: a plan opened), after inputsChanged(): controls
  // that keep their own state (the MFU's auto and range boxes) take it from the request.
  void requestReplaced();
  void planChanged(const scaleplan::PlanRequest& request, const scaleplan::PlanResult& result);
  void planFailed(const QString& message);
  void lawsChanged();
  void compareLawsChanged();
  void acceleratorsChanged();
  void clusterExecutionChanged();
  void modifiedChanged(bool modified);
  void filePathChanged(const QString& path);
  // An operation failed (unknown id, ...): the message is meant for the user.
  void failed(const QString& message);

 private:
  void initialise();
  PlanRequest initialRequest() const;
  void recompute();
  void changed();  // recompute + signals + modified
  // The setters' common step: assign and recompute only when the value differs, so an unchanged
  // value emits nothing and leaves the modified flag alone.
  template <class T>
  void assign(T& field, const T& value) {
    if (field == value) return;
    field = value;
    changed();
  }
  void setFilePath(const QString& path);

  HardwareCatalog catalog_;
  ModelCatalog models_;
  std::vector<Accelerator> measured_;
  std::vector<ScalingLaw> laws_;
  std::vector<std::string> preset_ids_;
  std::vector<std::string> compare_law_ids_;
  double tokens_per_param_ = 20.0;
  ExecutionOptions cluster_execution_;
  std::optional<ClusterSystem> cluster_system_;
  QString cluster_system_key_;
  std::int64_t cluster_seq_len_ = kDefaultClusterSeqLen;
  PlanRequest request_;
  std::optional<PlanResult> result_;
  QString plan_error_;
  QString startup_errors_;
  QString file_path_;
  bool modified_ = false;
};

}  // namespace scaleplan

