#pragma once
// Plot 3: the loss landscape over (N, D) as a colour map (with a colour scale), iso-compute lines
// C = 6ND a decade apart, the compute-optimal path of the planning law, and the current plan.
// The axes are log10(N) and log10(D) on linear scales with ticks labelled as counts, so the map's
// log-spaced cells are drawn exactly.

#include <string>

#include "plan/curves.hpp"
#include "plots/plot_view.hpp"

class QCPColorScale;
class QCPColorMap;

namespace scaleplan {

class LandscapePlot : public PlotView {
  Q_OBJECT

 public:
  explicit LandscapePlot(Session* session, QWidget* parent = nullptr);
  QString stem() const override { return QStringLiteral("landscape"); }
  // x, y are log10(N), log10(D).
  QString readoutText(double x, double y) const override;
  const LossLandscape& landscape() const { return landscape_; }
  QCPColorMap* colorMap() const { return map_; }

 protected:
  void rebuild() override;

 private:
  void styleLegend();

  QCPColorScale* scale_ = nullptr;
  QCPColorMap* map_ = nullptr;
  LossLandscape landscape_;
  std::string cache_key_;  // law and plan the grid was computed for
  double color_top_ = 0.0;  // top of the colour range (90th percentile of the loss)
};

}  // namespace scaleplan
