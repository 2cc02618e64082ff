#pragma once
// The layout fields a user may fix for the Cluster tab's search, as `scaleplan-cli layouts` and
// `step` take them (--tp, --pp, --virtual-stages, --cp, --ep, --micro-batch, --zero,
// --sequence-parallel, --recompute; behind "More": --first-stage-layers, --last-stage-layers,
// --recompute-layers, --expert-tp): each box starts at "auto" (searched) and a value fixes the
// field (LayoutSearchOptions' optionals); recomputed layers also take "all" (0: every layer of a
// device). DP is not a box: it follows from the GPU count and the fields fixed (GPUs / (TP · PP ·
// CP)). Whether a fixed value divides the model and the GPUs is the core search's to say ("no
// layout divides: ..."), not this box's.
#include <QWidget>
#include <array>
#include <utility>
#include <vector>

#include "cluster/layout_search.hpp"

class QComboBox;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace scaleplan {

class LayoutFieldsBox : public QWidget {
  Q_OBJECT

 public:
  explicit LayoutFieldsBox(QWidget* parent = nullptr);

  // Writes the fixed fields into *options and leaves the others as they are (unset: searched).
  void applyTo(LayoutSearchOptions* options) const;
  // The fixed fields as the CLI's flags ("--tp 8 --pp 4"), "" when every field is searched.
  QString describeFixed() const;
  // The same for any options: the fields these boxes set, in the boxes' order.
  static QString describe(const LayoutSearchOptions& options);
  bool anyFixed() const { return !describeFixed().isEmpty(); }
  // The boxes from describeFixed()'s text, every field it leaves out at "auto" (a remembered
  // state). False, with every box at "auto", when a flag or value is not one the boxes take.
  bool setFixed(const QString& flags);
  // EP and expert TP apply to mixtures of experts only: their boxes are disabled (and read
  // "auto") otherwise.
  void setExpertParallelAvailable(bool available);
  // Every box back to "auto".
  void reset();

  // Boxes (tests).
  QSpinBox* tpSpin() const { return tp_; }
  QSpinBox* ppSpin() const { return pp_; }
  QSpinBox* virtualStagesSpin() const { return virtual_stages_; }
  QSpinBox* cpSpin() const { return cp_; }
  QSpinBox* epSpin() const { return ep_; }
  QSpinBox* microBatchSpin() const { return micro_batch_; }
  QComboBox* zeroCombo() const { return zero_; }
  QComboBox* sequenceParallelCombo() const { return sequence_parallel_; }
  QComboBox* recomputeCombo() const { return recompute_; }
  QSpinBox* firstStageLayersSpin() const { return first_stage_layers_; }
  QSpinBox* lastStageLayersSpin() const { return last_stage_layers_; }
  QSpinBox* recomputeLayersSpin() const { return recompute_layers_; }  // -1 auto, 0 all
  QSpinBox* expertTpSpin() const { return expert_tp_; }
  QPushButton* resetButton() const { return reset_; }
  // Shows the less used fields (end-stage layers, recomputed layers, expert TP); it opens by
  // itself when one of them is fixed.
  QToolButton* moreButton() const { return more_; }

 signals:
  void changed();

 private:
  // Each box with its CLI flag, in the order describe() writes them (setFixed reads them back,
  // reset clears them, every change is signalled).
  std::array<std::pair<const char*, QSpinBox*>, 10> spinFlags() const;
  std::array<std::pair<const char*, QComboBox*>, 3> comboFlags() const;
  void showMore(bool shown);
  bool moreFieldsFixed() const;

  QSpinBox* tp_ = nullptr;
  QSpinBox* pp_ = nullptr;
  QSpinBox* virtual_stages_ = nullptr;
  QSpinBox* cp_ = nullptr;
  QSpinBox* ep_ = nullptr;
  QSpinBox* micro_batch_ = nullptr;
  QComboBox* zero_ = nullptr;
  QComboBox* sequence_parallel_ = nullptr;
  QComboBox* recompute_ = nullptr;
  QSpinBox* first_stage_layers_ = nullptr;
  QSpinBox* last_stage_layers_ = nullptr;
  QSpinBox* recompute_layers_ = nullptr;
  QSpinBox* expert_tp_ = nullptr;
  QPushButton* reset_ = nullptr;
  QToolButton* more_ = nullptr;
  std::vector<QWidget*> more_widgets_;  // the "More" row's labels and boxes
};

}  // namespace scaleplan
