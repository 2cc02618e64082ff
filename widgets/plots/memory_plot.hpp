#pragma once
// Memory breakdown of one model as two stacked bars: training (weights, gradients, FP32 master
// weights, optimizer state, activations of one micro-batch) and inference (weights at the serving
// precision, KV cache), in GB (1e9 bytes), with the memory of the session's accelerator drawn as
// a line so that "does it fit on one GPU" reads at a glance. The numbers are the core's
// (trainingMemory / inferenceMemory); the plot only draws them.

#include <QString>
#include <array>

#include "counting/memory.hpp"
#include "plots/plot_view.hpp"

class QCPBars;

namespace scaleplan {

class MemoryPlot : public PlotView {
  Q_OBJECT

 public:
  // Stack order, bottom to top.
  enum Layer { Weights, Gradients, MasterWeights, Optimizer, Activations, KvCache, LayerCount };
  static QString layerName(Layer layer);
  // Bar positions on the x axis.
  static constexpr double kTrainingKey = 1.0;
  static constexpr double kInferenceKey = 2.0;

  explicit MemoryPlot(Session* session, QWidget* parent = nullptr);

  QString stem() const override { return QStringLiteral("memory"); }
  QString readoutText(double x, double y) const override;

  // The breakdown to draw (schedules a redraw). Gradients include the FP32 accumulation buffer.
  void setBreakdown(const TrainingMemory& training, const InferenceMemory& inference);
  bool hasBreakdown() const { return has_breakdown_; }
  void clearBreakdown();
  // Bytes of a layer in the training (0) and inference (1) bar.
  std::array<double, 2> layerBytes(Layer layer) const;
  // The bars as last drawn (values in GB), nullptr before the first draw.
  QCPBars* bars(Layer layer) const { return bars_[layer]; }

 protected:
  void rebuild() override;
  // Two legend columns when there is room for them, one otherwise.
  void resizeEvent(QResizeEvent* event) override;

 private:
  TrainingMemory training_;
  InferenceMemory inference_;
  bool has_breakdown_ = false;
  std::array<QCPBars*, LayerCount> bars_{};
};

}  // namespace scaleplan
