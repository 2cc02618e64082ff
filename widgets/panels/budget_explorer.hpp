#pragma once
// The budget explorer: one budget typed in any unit (FLOPs, dollars, GPU-hours or wall-clock days
// on the chosen GPUs) with the others shown live, the accelerator, precision, GPU count, MFU (with
// guidance), price, scaling laws (planning law plus laws compared in the plots) and the optional
// inference demand, unique-token limit and target loss. The MFU can be "auto": the best parallel
// layout's for the planned model on the accelerator and GPU count (AutoMfuController). Every
// control writes to the Session and resynchronises from it.
//
// MFU as a range: the "MFU range" box with low and high spin boxes (kDefaultMfuRange until the
// user types others) gives the plan an mfu_range, planned at its midpoint (mfuPointOf, as
// 'plan --mfu 0.35:0.45'); days, GPU-hours, cost and energy then carry 95% intervals (the Plan
// panel). With "auto" the range is the cluster model's accuracy around its MFU (clusterMfuRange):
// the box is ticked and the spin boxes show it, read-only. Turning "auto" off keeps its point MFU
// and gives back the user's own range choice.

#include <QString>
#include <string>
#include <QWidget>

#include "hardware/cost.hpp"
#include "plan/plan.hpp"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListView;
class QSlider;
class QSpinBox;

namespace scaleplan {

class AutoMfuController;
class LawListModel;
class OptionalQuantity;
class QuantityEdit;
class Session;

class BudgetExplorer : public QWidget {
  Q_OBJECT

 public:
  explicit BudgetExplorer(Session* session, QWidget* parent = nullptr);

  // Guidance shown under the MFU control for a fraction in (0, 1]; `level` 0 ok, 1 caution,
  // 2 warning. Against a measured peak (a benchmark's best matrix-product rate) the fraction is
  // first converted to the spec-sheet MFU it typically corresponds to (× 0.8, as in the planner).
  static QString mfuGuidance(double mfu, bool measured_peak = false, int* level = nullptr);

  // The controls, for tests and the benchmark (also reachable by objectName).
  QuantityEdit* budgetAmount() const { return amount_; }
  QComboBox* budgetUnit() const { return unit_; }
  QLabel* budgetEquivalents() const { return equivalents_; }
  QComboBox* accelerator() const { return accelerator_; }
  QComboBox* precision() const { return precision_; }
  QSpinBox* gpuCount() const { return gpus_; }
  QSlider* mfuSlider() const { return mfu_slider_; }
  QDoubleSpinBox* mfuSpin() const { return mfu_spin_; }
  QLabel* mfuGuidanceLabel() const { return mfu_guidance_; }
  QCheckBox* mfuAuto() const { return mfu_auto_; }
  // "Show this layout in the Cluster tab", under the auto line once a search found a layout.
  QLabel* mfuAutoShow() const { return mfu_auto_show_; }
  QLabel* mfuAutoLabel() const { return mfu_auto_label_; }
  QCheckBox* mfuRange() const { return mfu_range_; }
  QDoubleSpinBox* mfuRangeLow() const { return mfu_low_; }    // percent
  QDoubleSpinBox* mfuRangeHigh() const { return mfu_high_; }  // percent
  AutoMfuController* autoMfu() const { return auto_mfu_; }
  QDoubleSpinBox* price() const { return price_; }
  QComboBox* law() const { return law_; }
  QDoubleSpinBox* tokensPerParam() const { return ratio_; }
  QListView* compareLaws() const { return compare_; }
  LawListModel* lawModel() const { return law_model_; }
  OptionalQuantity* inferenceTokens() const { return inference_; }
  QComboBox* inferenceSizing() const { return inference_sizing_; }
  OptionalQuantity* uniqueTokens() const { return unique_; }
  OptionalQuantity* targetLoss() const { return target_loss_; }

 signals:
  // "Show this layout in the Cluster tab" was clicked (autoMfu()->plan() holds the layout): the
  // window shows it there (addAnalysisPanels: ClusterPanel::showAutoPlan).
  void showAutoLayoutRequested();

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void populateAccelerators();
  void populatePrecisions();
  void populateLaws();
  void syncFromSession();
  void updateEquivalents();
  void onUnitChanged(int index);
  void updateAutoMfu();
  void updateMfuControls();
  // The user's range choice (box and spin boxes) to the session.
  void applyTypedMfuRange();
  // Low or high end edited: keep the ends ordered, then plan with the typed range.
  void onMfuRangeEdited(QDoubleSpinBox* edited);
  Interval rangeInSpinBoxes() const;  // fractions
  BudgetUnit currentUnit() const;

  Session* session_;
  QuantityEdit* amount_;
  QComboBox* unit_;
  QLabel* equivalents_;
  QComboBox* accelerator_;
  QComboBox* precision_;
  QSpinBox* gpus_;
  QSlider* mfu_slider_;
  QDoubleSpinBox* mfu_spin_;
  QLabel* mfu_guidance_;
  QCheckBox* mfu_auto_;
  QLabel* mfu_auto_label_;
  QLabel* mfu_auto_show_;
  QCheckBox* mfu_range_;
  QDoubleSpinBox* mfu_low_;
  QDoubleSpinBox* mfu_high_;
  // The user's own range choice, kept while "auto" shows the model's (fractions).
  bool typed_range_on_ = false;
  Interval typed_range_ = kDefaultMfuRange;
  AutoMfuController* auto_mfu_;
  QDoubleSpinBox* price_;
  QLabel* price_note_;
  QComboBox* law_;
  QLabel* ratio_label_;
  QDoubleSpinBox* ratio_;
  QListView* compare_;
  LawListModel* law_model_;
  OptionalQuantity* inference_;
  QComboBox* inference_sizing_;
  OptionalQuantity* unique_;
  OptionalQuantity* target_loss_;
  QLabel* law_note_;
  std::string precisions_for_;  // accelerator id the precision combo lists
};

}  // namespace scaleplan
