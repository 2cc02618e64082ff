#pragma once
// Plot 2: isoFLOP curves. Loss against N at fixed compute for budgets a decade apart around the
// current plan's compute (D = C / 6N along each curve), each curve's minimum marked, under the
// planning law.

#include <vector>

#include "plan/curves.hpp"
#include "plots/plot_view.hpp"

namespace scaleplan {

class IsoFlopPlot : public PlotView {
  Q_OBJECT

 public:
  explicit IsoFlopPlot(Session* session, QWidget* parent = nullptr);
  QString stem() const override { return QStringLiteral("isoflop"); }
  QString readoutText(double x, double y) const override;
  // The curves drawn at the last rebuild (tests compare them with the core's).
  const std::vector<IsoFlopCurve>& curves() const { return curves_; }

  // Budgets: the plan's compute times 10^k for k = -below..above.
  static constexpr int kBelow = 2, kAbove = 2;

 protected:
  void rebuild() override;

 private:
  std::vector<IsoFlopCurve> curves_;
};

}  // namespace scaleplan
