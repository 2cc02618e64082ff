#pragma once
// The "Cluster" panel: which parallel layout trains a model fastest on a cluster, and what it
// costs in memory and time (core/cluster).
//
// Inputs: a standard system (data/hardware.json "systems"), the accelerator (the catalog's or a
// measured one from the GPU benchmark), the GPU count, GPUs per node, the NVLink and network
// bandwidths, efficiencies and latencies and the NVLink domain (the system's values until edited),
// nccl-tests logs whose measured bus bandwidth
// replaces the spec of the fabric they measured, a model preset, the global batch (sequences) and
// the sequence length, and the layout fields the user fixes (LayoutFieldsBox: each "auto" until
// set, as `scaleplan-cli layouts --tp 8 ...`). Every change restarts the layout search off the GUI thread (ClusterWorker,
// debounced). Outputs: the ranked layouts (best first, sortable by any column), and for the
// selected layout a stacked bar of its step time terms and one of its memory per GPU against the
// device's memory. Every number is the core's.

#include <QStringList>
#include <QWidget>
#include <optional>
#include <vector>

#include "cluster/cluster_system.hpp"
#include "cluster/plan_auto.hpp"
#include "session/cluster_worker.hpp"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSettings;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;
class QTimer;

namespace scaleplan {

class LayoutFieldsBox;
class LayoutModel;
class Session;
class StepBarsPlot;

class ClusterPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ClusterPanel(Session* session, QWidget* parent = nullptr);
  ~ClusterPanel() override;

  // The search the controls describe; the error names the input ("nccl-tests log x.log: ...").
  Result<ClusterSearchRequest> searchRequest() const;
  // Starts a search of the controls' inputs now (changes start one by themselves after a short
  // delay). A failing request is shown in the status line and ends in searchFinished(false).
  void startSearch();
  // Adds an nccl-tests log (as the "Add..." button does); false with *error when it cannot be
  // read or used (the log stays out of the list).
  bool addInterconnectFile(const QString& path, QString* error = nullptr);
  void clearInterconnectFiles();
  // Every input under the "cluster/" keys of `settings` (the window saves them on close), and
  // back: a remembered input replaces the default (and the plan's accelerator and GPU count);
  // one that no longer applies (an accelerator or model no longer in the catalogs, a log no
  // longer readable) keeps the default, and the line under the logs says which logs were dropped.
  void saveInputs(QSettings& settings) const;
  void restoreInputs(const QSettings& settings);
  const QStringList& interconnectFiles() const { return interconnect_files_; }
  // The model combo's item data for the plan's own model (first item): the Llama shape rule for
  // the plan's N, as "MFU: auto" costs it; it follows the plan.
  static constexpr const char* kPlannedModel = "planned";
  // The selected model's architecture; errors: no plan (for the plan's model), N outside the
  // shape rule, no model.
  Result<TransformerArchitecture> selectedArchitecture() const;
  // Sets the inputs to those an "MFU: auto" plan searched (the plan's model, accelerator and its
  // system unless this tab has the plan's accelerator, precision, GPUs, global batch, sequence
  // length, no fixed fields) and searches: the best layout is then the plan's.
  void showAutoPlan(const AutoMfuPlan& plan);
  // Selects a row of the layout table (source row of the model, 0 = the best).
  void selectLayout(int source_row);
  // The estimate drawn in the plots, nullptr when none.
  const StepEstimate* selectedEstimate() const;
  // The `scaleplan-cli step` command that costs the selected layout again (every input that
  // differs from the system's or the software's default, the logs, the whole layout); "" when no
  // layout is selected or the accelerator is a measured one (the CLI takes it as
  // --gpu measured:FILE of its benchmark result). "Copy step command" puts it on the clipboard.
  QString stepCommandLine() const;
  const std::optional<LayoutSearchResult>& lastResult() const { return last_result_; }
  ClusterWorker* worker() const { return worker_; }

  // Controls and outputs (tests).
  QComboBox* systemCombo() const { return system_combo_; }
  QComboBox* acceleratorCombo() const { return accelerator_combo_; }
  QSpinBox* gpusSpin() const { return gpus_spin_; }
  QSpinBox* gpusPerNodeSpin() const { return gpus_per_node_spin_; }
  QSpinBox* nvlinkDomainSpin() const { return nvlink_domain_spin_; }
  QDoubleSpinBox* nvlinkLatencySpin() const { return nvlink_latency_spin_; }
  QDoubleSpinBox* networkLatencySpin() const { return network_latency_spin_; }
  QDoubleSpinBox* nvlinkSpin() const { return nvlink_spin_; }
  QDoubleSpinBox* networkSpin() const { return network_spin_; }
  QDoubleSpinBox* nvlinkEfficiencySpin() const { return nvlink_efficiency_spin_; }
  QDoubleSpinBox* networkEfficiencySpin() const { return network_efficiency_spin_; }
  QDoubleSpinBox* gemmEfficiencySpin() const { return gemm_efficiency_spin_; }
  QDoubleSpinBox* overlapSlowdownSpin() const { return overlap_slowdown_spin_; }
  QDoubleSpinBox* flashAttentionEfficiencySpin() const { return flash_attention_spin_; }
  QDoubleSpinBox* gradientBytesSpin() const { return gradient_bytes_spin_; }
  QComboBox* softwareCombo() const { return software_combo_; }
  QDoubleSpinBox* memoryEfficiencySpin() const { return memory_efficiency_spin_; }
  QComboBox* modelCombo() const { return model_combo_; }
  QSpinBox* globalBatchSpin() const { return global_batch_spin_; }
  QSpinBox* seqLenSpin() const { return seq_len_spin_; }
  QComboBox* precisionCombo() const { return precision_combo_; }
  LayoutFieldsBox* layoutFields() const { return layout_fields_; }
  QLabel* statusLabel() const { return status_label_; }
  QPushButton* copyCommandButton() const { return copy_command_button_; }
  QLabel* interconnectLabel() const { return interconnect_label_; }
  QTableView* table() const { return table_; }
  LayoutModel* model() const { return model_; }
  QSortFilterProxyModel* proxy() const { return proxy_; }
  StepBarsPlot* timePlot() const { return time_plot_; }
  StepBarsPlot* memoryPlot() const { return memory_plot_; }

 signals:
  // A search ended: with layouts (true) or with an error shown in the status line (false).
  void searchFinished(bool ok);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void buildControls();
  void fillAccelerators();
  void applySystemDefaults();  // the selected system's values into the controls
  void followModel();          // EP is a box for mixtures of experts only
  QString plannedModelText() const;
  void followPlannedModel();   // the plan's model's text and, when selected, a search
  // The whole-number and the decimal input boxes, each a search input and a remembered setting
  // (restored in this order: the node size before the NVLink domain).
  std::vector<QSpinBox*> countInputs() const;
  std::vector<QDoubleSpinBox*> numberInputs() const;
  // The 16- and 8-bit precisions the selected accelerator has a dense peak for (the choice kept
  // when it still applies, else BF16).
  void fillPrecisions();
  Precision selectedPrecision() const;
  TrainingSoftware selectedSoftware() const;
  // The boxes whose default follows a choice: the GEMM efficiency the precision's share of its
  // peak, the gradient bytes the software's (on a change of the choice and on restoring it).
  void applyPrecisionDefault();
  void applySoftwareDefault();
  void scheduleSearch();
  void onSearchFinished(const ClusterSearchOutcome& outcome);
  QString searchedFixedFields(const ClusterSearchOutcome& outcome) const;  // "--tp 8 ..." of that search
  void showSelected();
  // The system the controls describe before the bandwidth/node overrides.
  Result<ClusterSystem> baseSystem() const;
  // ... and with them and the nccl-tests logs (the searched system; also the budget explorer's
  // "MFU: auto" system, handed to the session with systemKey(), the inputs it comes from).
  Result<ClusterSystem> systemFromControls() const;
  QString systemKey() const;
  ClusterOverrides overridesFromControls() const;
  // The software profile with the efficiency boxes applied (the GEMM box to the chosen
  // precision's share); also handed to the session for "MFU: auto".
  ExecutionOptions executionFromControls() const;

  Session* session_;
  SystemCatalog systems_;
  QString systems_error_;
  QStringList interconnect_files_;
  QStringList interconnect_notes_;  // one line per log, and the reader's warnings
  bool search_stale_ = false;
  QString system_key_;  // the inputs of the system last handed to the session
  ClusterWorker* worker_;
  QTimer* debounce_;
  std::optional<double> planned_params_;  // the plan's N the plan's model was last shaped for
  std::optional<LayoutSearchResult> last_result_;

  QComboBox* system_combo_ = nullptr;
  QComboBox* accelerator_combo_ = nullptr;
  QSpinBox* gpus_spin_ = nullptr;
  QSpinBox* gpus_per_node_spin_ = nullptr;
  QSpinBox* nvlink_domain_spin_ = nullptr;
  int nodes_gpus_ = 8;  // the GPUs per node the domain box last followed
  QDoubleSpinBox* nvlink_latency_spin_ = nullptr;
  QDoubleSpinBox* network_latency_spin_ = nullptr;
  QDoubleSpinBox* nvlink_spin_ = nullptr;
  QDoubleSpinBox* network_spin_ = nullptr;
  QDoubleSpinBox* nvlink_efficiency_spin_ = nullptr;
  QDoubleSpinBox* network_efficiency_spin_ = nullptr;
  QDoubleSpinBox* gemm_efficiency_spin_ = nullptr;
  QDoubleSpinBox* overlap_slowdown_spin_ = nullptr;
  QDoubleSpinBox* flash_attention_spin_ = nullptr;
  QDoubleSpinBox* gradient_bytes_spin_ = nullptr;
  QComboBox* software_combo_ = nullptr;
  QDoubleSpinBox* memory_efficiency_spin_ = nullptr;
  QListWidget* interconnect_list_ = nullptr;
  QPushButton* add_log_button_ = nullptr;
  QPushButton* clear_logs_button_ = nullptr;
  QLabel* interconnect_label_ = nullptr;
  QComboBox* model_combo_ = nullptr;
  QSpinBox* global_batch_spin_ = nullptr;
  QSpinBox* seq_len_spin_ = nullptr;
  QComboBox* precision_combo_ = nullptr;
  LayoutFieldsBox* layout_fields_ = nullptr;
  QLabel* status_label_ = nullptr;
  QPushButton* copy_command_button_ = nullptr;
  QTableView* table_ = nullptr;
  LayoutModel* model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  StepBarsPlot* time_plot_ = nullptr;
  StepBarsPlot* memory_plot_ = nullptr;
};

}  // namespace scaleplan
