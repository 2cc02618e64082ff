#pragma once
// Plot 5: predicted loss against compute at the compute-optimal allocation for every plotted law,
// the 95% band when a law carries uncertainty, and the compute beyond the planning law's fitted
// data shaded as extrapolation.

#include <vector>

#include "plan/curves.hpp"
#include "plots/plot_view.hpp"

namespace scaleplan {

class LossPlot : public PlotView {
  Q_OBJECT

 public:
  explicit LossPlot(Session* session, QWidget* parent = nullptr);
  QString stem() const override { return QStringLiteral("loss-vs-compute"); }
  QString readoutText(double x, double y) const override;
  // The curves of the last rebuild, one per plotted law (empty curve when a law cannot be drawn).
  const std::vector<LossCurve>& curves() const { return curves_; }
  // The shaded extrapolation regions of the last rebuild, in FLOPs.
  const std::vector<Interval>& extrapolationRegions() const { return shaded_; }

 protected:
  void rebuild() override;

 private:
  std::vector<LossCurve> curves_;
  std::vector<Interval> shaded_;
};

}  // namespace scaleplan
