#pragma once
// Plot 1: the compute-optimal frontier. N_opt(C) (solid) and D_opt(C) (dashed) for every plotted
// law, with 95% bands where a law carries uncertainty (its bootstrap samples, or covariance
// draws), published models as points (parameters filled, tokens hollow, C = 6·N·D) so that a user
// sees who was over- or under-trained, the current plan as stars, and the compute outside the
// planning law's data shaded as extrapolation.

#include <vector>

#include "laws/law_uncertainty.hpp"
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
  // The last rebuild's 95% bands (one per law with uncertainty) and shaded extrapolation, in FLOPs.
  const std::vector<std::vector<AllocationBandPoint>>& bands() const { return bands_; }
  const std::vector<Interval>& extrapolationRegions() const { return shaded_; }

 protected:
  void rebuild() override;

 private:
  std::vector<ModelPoint> models_;
  std::vector<std::vector<AllocationBandPoint>> bands_;
  std::vector<Interval> shaded_;
};

}  // namespace scaleplan
