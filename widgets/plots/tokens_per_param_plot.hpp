#pragma once
// Plot: tokens per parameter D/N of the compute-optimal model against training compute, from
// 1e18 to 1e28 FLOPs (the span of Besiroglu et al. 2024's figure), for every plotted law, with a
// 95% band where the law carries uncertainty; published models as points, the plan as a star,
// compute outside the planning law's data shaded as extrapolation. The core computes every
// value (laws/law_uncertainty.hpp's allocationBand); the CLI prints the same band (`fit`).

#include <vector>

#include "laws/law_uncertainty.hpp"
#include "plan/curves.hpp"
#include "plots/plot_view.hpp"

namespace scaleplan {

class TokensPerParamPlot : public PlotView {
  Q_OBJECT

 public:
  explicit TokensPerParamPlot(Session* session, QWidget* parent = nullptr);
  QString stem() const override { return QStringLiteral("tokens-per-param"); }
  QString readoutText(double x, double y) const override;
  // The last rebuild's curves (one per law that can allocate) and shaded extrapolation.
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
