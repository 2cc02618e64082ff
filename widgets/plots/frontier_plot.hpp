#pragma once
// Plot 1: the compute-optimal frontier. N_opt(C) (solid) and D_opt(C) (dashed) for every plotted
// law, published models as points (parameters filled, tokens hollow, C = 6·N·D) so that a user sees
// who was over- or under-trained, and the current plan as stars.

#include <vector>

#include "plan/curves.hpp"
#include "plots/plot_view.hpp"

namespace scaleplan {

class FrontierPlot : public PlotView {
  Q_OBJECT

 public:
  explicit FrontierPlot(Session* session, QWidget* parent = nullptr);
  QString stem() const override { return QStringLiteral("frontier"); }
  QString readoutText(double x, double y) const override;
  const std::vector<ModelPoint>& modelPoints() const { return models_; }

 protected:
  void rebuild() override;

 private:
  std::vector<ModelPoint> models_;
};

}  // namespace scaleplan
