#pragma once
// Achieved against peak per precision: grouped bars (achieved, and the dense peak it is compared
// with) on a logarithmic TFLOP/s axis (GFLOP/s when every bar is under 1 TFLOP/s), since precisions differ by
// orders of magnitude (FP64 on a CPU vs FP8 on a GPU), with the utilisation written above each achieved bar.

#include <optional>

#include "gpubench/bench_types.hpp"
#include "plots/plot_view.hpp"

class QCPBars;
class QCPBarsGroup;

namespace scaleplan {

class BenchChart : public PlotView {
  Q_OBJECT

 public:
  explicit BenchChart(Session* session, QWidget* parent = nullptr);

  QString stem() const override { return QStringLiteral("benchmark"); }
  QString readoutText(double x, double y) const override;

  void setResult(const BenchResult& result);
  void clearResult();
  // As last drawn, nullptr before a result. Each bar spans baseValue() to baseValue() + value
  // (in axis units): the top of a bar is the rate.
  QCPBars* achievedBars() const { return achieved_; }
  QCPBars* peakBars() const { return peak_; }
  // FLOP/s per unit of the value axis as last drawn: 1e12 (TFLOP/s) or 1e9 (GFLOP/s).
  double flopsPerAxisUnit() const { return flops_per_axis_unit_; }
  // The top of the bar at `key` (1 = first precision) in axis units, or nullopt.
  static std::optional<double> barTop(const QCPBars* bars, double key);

 protected:
  void rebuild() override;

 private:
  std::optional<BenchResult> result_;
  QCPBars* achieved_ = nullptr;
  QCPBars* peak_ = nullptr;
  QCPBarsGroup* group_ = nullptr;  // owned by the plot; kept across rebuilds
  double flops_per_axis_unit_ = 1e12;

  QString axisLabel() const;
};

}  // namespace scaleplan
