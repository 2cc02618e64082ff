#pragma once
// The "GPU benchmark" panel: measures what this machine's accelerator achieves (core/gpubench)
// off the GUI thread, with progress and cancel, and shows it as a table and a chart against the
// catalog's dense peaks. "Use measured throughput" turns the result into a measured accelerator
// (acceleratorFromBenchmark) and makes it the plan's accelerator. Results are saved and loaded as
// the benchmark's JSON document (the same file `scaleplan-cli bench --out` writes and
// `--gpu measured:FILE` reads).
//
// A model preset, tokens per micro-batch and a tensor-parallel degree add the GEMMs of that
// model's training step (gpubench/model_step.hpp) to the shapes; the result then shows the step's
// matrix-product time and FLOP-weighted rate per precision.
//
// Without a usable CUDA device the panel says why (the core's probe: backend not built, no
// driver, no device, unsupported device) and selects the CPU backend, which runs the same flow on
// the processor.

#include <QWidget>
#include <optional>

#include "counting/model_presets.hpp"
#include "gpubench/benchmark.hpp"
#include "gpubench/model_step.hpp"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace scaleplan {

class BenchChart;
class BenchSummaryModel;
class BenchWorker;
class Session;

class BenchPanel : public QWidget {
  Q_OBJECT

 public:
  // Probes the CUDA device (probeCudaDevice) at construction.
  explicit BenchPanel(Session* session, QWidget* parent = nullptr);
  ~BenchPanel() override;

  // Shows a probe result (the constructor's, or another one in tests) and picks the backend.
  void setProbe(const CudaProbe& probe);
  const CudaProbe& probe() const { return probe_; }

  // Options from the controls (backend, mode, repeats, and the model step's shapes).
  BenchOptions benchOptions() const;
  // The model step the controls select: nullopt for "none"; an error names the field.
  Result<std::optional<ModelStep>> selectedModelStep() const;
  // Starts a run with the controls' options; false when one is running.
  bool startRun();
  // Starts a run with explicit options (the controls are not consulted), for `step` if given (its
  // shapes are added to the options' extra shapes).
  bool startRun(const BenchOptions& options, const std::optional<ModelStep>& step = std::nullopt);
  void cancelRun();
  bool isRunning() const;

  // Shows a result (as a finished run or a loaded file does), with the model step it was run for.
  void setResult(const BenchResult& result, const std::optional<ModelStep>& step = std::nullopt);
  const std::optional<BenchResult>& result() const { return result_; }
  // The result as a measured accelerator, added to the session and selected for the plan.
  // False with *error when there is no result or it has no usable measurement.
  bool useMeasured(QString* error = nullptr);
  bool saveResultTo(const QString& path, QString* error = nullptr) const;
  bool loadResultFrom(const QString& path, QString* error = nullptr);

  // Controls and outputs (tests).
  QLabel* deviceLabel() const { return device_label_; }
  QComboBox* backendCombo() const { return backend_combo_; }
  QComboBox* modeCombo() const { return mode_combo_; }
  QSpinBox* repeatsSpin() const { return repeats_spin_; }
  QComboBox* modelCombo() const { return model_combo_; }
  QSpinBox* tokensSpin() const { return tokens_spin_; }
  QSpinBox* tensorParallelSpin() const { return tp_spin_; }
  QPushButton* runButton() const { return run_button_; }
  QPushButton* cancelButton() const { return cancel_button_; }
  QPushButton* useMeasuredButton() const { return use_button_; }
  QProgressBar* progressBar() const { return progress_; }
  QLabel* statusLabel() const { return status_label_; }
  QLabel* resultLabel() const { return result_label_; }
  BenchSummaryModel* summaryModel() const { return model_; }
  BenchChart* chart() const { return chart_; }

 signals:
  // A run ended: ok true with a result, false when it failed or was cancelled (statusLabel says).
  void runFinished(bool ok);
  void resultChanged();

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void onProgress(int done, int total, const QString& label);
  void onFinished(const BenchResult& result);
  void onFailed(const QString& message);
  void onCancelled(const QString& message);
  // Backend, mode and repeats from the controls (benchOptions() adds the model step's shapes).
  BenchOptions controlOptions() const;
  void updateButtons();
  void updateDeviceStyle();
  void saveDialog();
  void loadDialog();

  Session* session_;
  BenchWorker* worker_;
  BenchSummaryModel* model_;
  CudaProbe probe_;
  std::optional<BenchResult> result_;

  QLabel* device_label_ = nullptr;
  QComboBox* backend_combo_ = nullptr;
  QComboBox* mode_combo_ = nullptr;
  QSpinBox* repeats_spin_ = nullptr;
  QComboBox* model_combo_ = nullptr;
  QSpinBox* tokens_spin_ = nullptr;
  QSpinBox* tp_spin_ = nullptr;
  std::optional<ModelCatalog> models_;
  std::optional<ModelStep> pending_step_;  // the step of the run in progress
  QPushButton* run_button_ = nullptr;
  QPushButton* cancel_button_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_label_ = nullptr;
  QLabel* result_label_ = nullptr;
  QTableView* table_ = nullptr;
  BenchChart* chart_ = nullptr;
  QPushButton* use_button_ = nullptr;
  QPushButton* save_button_ = nullptr;
  QPushButton* load_button_ = nullptr;
};

}  // namespace scaleplan
