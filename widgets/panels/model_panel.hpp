#pragma once
// The "Model & memory" panel: pick a published model (data/models.json) or edit an
// architecture, and read its total and active parameters, its FLOPs per token (6·N and the
// detailed per-component count), and its memory to train and to serve as a stacked bar, with
// whether that fits on the session's accelerator and how many are needed just to hold it.
// Every number comes from core/counting; the panel only maps controls onto its options.

#include <QWidget>
#include <optional>

#include "counting/architecture.hpp"
#include "counting/flops.hpp"
#include "counting/memory.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;

namespace scaleplan {

class MemoryPlot;
class Session;

class ModelMemoryPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ModelMemoryPanel(Session* session, QWidget* parent = nullptr);

  // Selects a preset by id (the controls take its architecture). False for an unknown id.
  bool selectPreset(const QString& id);
  // The preset id shown, or "" when the architecture was edited.
  QString currentPresetId() const;
  // True while the panel follows the plan (the published model nearest the planned N); false
  // once the user picks a model or edits the architecture.
  bool followsPlan() const { return follows_plan_; }

  // What the controls describe now, and what the core makes of it (nullopt when the
  // architecture is invalid; architectureError() says why).
  TransformerArchitecture architecture() const;
  const QString& architectureError() const { return arch_error_; }
  const std::optional<ParameterCount>& parameterCount() const { return count_; }
  TrainingStateOptions trainingStateOptions() const;
  ActivationOptions activationOptions() const;
  InferenceOptions inferenceOptions() const;
  FlopsOptions flopsOptions() const;
  const std::optional<TrainingMemory>& trainingMemory() const { return training_; }
  const std::optional<InferenceMemory>& inferenceMemory() const { return inference_; }

  // Controls and outputs (tests).
  QComboBox* presetCombo() const { return preset_combo_; }
  QSpinBox* layersSpin() const { return layers_; }
  QSpinBox* dModelSpin() const { return d_model_; }
  QSpinBox* headsSpin() const { return heads_; }
  QSpinBox* kvHeadsSpin() const { return kv_heads_; }
  QSpinBox* dFfSpin() const { return d_ff_; }
  QComboBox* mlpCombo() const { return mlp_; }
  QSpinBox* vocabSpin() const { return vocab_; }
  QCheckBox* tiedCheck() const { return tied_; }
  QSpinBox* expertsSpin() const { return experts_; }
  QSpinBox* topKSpin() const { return top_k_; }
  QSpinBox* microBatchSpin() const { return micro_batch_; }
  QSpinBox* seqLenSpin() const { return seq_len_; }
  QComboBox* recomputeCombo() const { return recompute_; }
  QComboBox* precisionCombo() const { return precision_; }
  QComboBox* optimizerCombo() const { return optimizer_; }
  QSpinBox* inferenceBatchSpin() const { return inference_batch_; }
  QSpinBox* contextSpin() const { return context_; }
  QComboBox* servingPrecisionCombo() const { return serving_precision_; }
  QLabel* totalParamsLabel() const { return total_label_; }
  QLabel* activeParamsLabel() const { return active_label_; }
  QLabel* flopsLabel() const { return flops_label_; }
  QLabel* trainingFitLabel() const { return training_fit_label_; }
  QLabel* inferenceFitLabel() const { return inference_fit_label_; }
  QLabel* errorLabel() const { return error_label_; }
  MemoryPlot* memoryPlot() const { return plot_; }

 signals:
  void recomputed();

 protected:
  void changeEvent(QEvent* event) override;

 private:
  QWidget* buildControls();
  QWidget* buildResults();
  void loadArchitecture(const TransformerArchitecture& arch);
  void onArchitectureEdited();
  void recompute();
  void followPlan();

  Session* session_;
  // The preset's (or last) architecture: fields without a control (positions, norms, biases,
  // head_dim, MoE details) are kept from it.
  TransformerArchitecture base_;
  QString arch_error_;
  std::optional<ParameterCount> count_;
  std::optional<TrainingMemory> training_;
  std::optional<InferenceMemory> inference_;
  bool loading_ = false;
  bool follows_plan_ = true;
  QString preset_description_;  // the selected preset's published figures and source

  QComboBox* preset_combo_ = nullptr;
  QLabel* preset_info_ = nullptr;
  QSpinBox* layers_ = nullptr;
  QSpinBox* d_model_ = nullptr;
  QSpinBox* heads_ = nullptr;
  QSpinBox* kv_heads_ = nullptr;
  QSpinBox* d_ff_ = nullptr;
  QComboBox* mlp_ = nullptr;
  QSpinBox* vocab_ = nullptr;
  QCheckBox* tied_ = nullptr;
  QSpinBox* experts_ = nullptr;
  QSpinBox* top_k_ = nullptr;
  QSpinBox* micro_batch_ = nullptr;
  QSpinBox* seq_len_ = nullptr;
  QComboBox* recompute_ = nullptr;
  QCheckBox* flash_ = nullptr;
  QComboBox* precision_ = nullptr;
  QComboBox* optimizer_ = nullptr;
  QSpinBox* inference_batch_ = nullptr;
  QSpinBox* context_ = nullptr;
  QComboBox* serving_precision_ = nullptr;
  QLabel* error_label_ = nullptr;
  QLabel* total_label_ = nullptr;
  QLabel* active_label_ = nullptr;
  QLabel* flops_label_ = nullptr;
  QLabel* training_fit_label_ = nullptr;
  QLabel* inference_fit_label_ = nullptr;
  MemoryPlot* plot_ = nullptr;
};

}  // namespace scaleplan
