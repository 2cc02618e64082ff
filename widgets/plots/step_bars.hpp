#pragma once
// One stacked bar of a step's terms, for the Cluster tab: the step time of the selected layout
// (compute, communication, bubble, optimizer, in seconds) or its memory per GPU (weights,
// gradients, optimizer state, activations, ... in GB) against the device's capacity, drawn as a
// dashed line. The values are the core's (StepEstimate); the plot only stacks them. Terms that are
// zero stay out of the legend.

#include <QString>
#include <optional>
#include <vector>

#include "plots/plot_view.hpp"

class QCPBars;

namespace scaleplan {

struct StackedTerm {
  QString name;
  double value = 0.0;  // in the plot's unit (seconds, or GB = 1e9 bytes)
};

class StepBarsPlot : public PlotView {
  Q_OBJECT

 public:
  // `stem` names exports ("cluster-time"); `axis_label` carries the unit ("step time (s)").
  StepBarsPlot(Session* session, const QString& title, const QString& stem, const QString& axis_label,
               QWidget* parent = nullptr);

  QString stem() const override { return stem_; }
  QString readoutText(double x, double y) const override;

  // The bar: its tick label ("TP 8 · PP 4 · DP 2"), the terms bottom to top, the total as text
  // ("1.23 s", "71.3 GB"), and an optional limit line with its legend text ("H100 SXM: 80 GB").
  void setTerms(const QString& bar_label, std::vector<StackedTerm> terms, const QString& total_text,
                std::optional<double> limit = std::nullopt, const QString& limit_text = {});
  // No bar; `message` is shown in the middle ("No layout selected").
  void clearTerms(const QString& message);

  const std::vector<StackedTerm>& terms() const { return terms_; }
  double total() const;
  const std::vector<QCPBars*>& bars() const { return bars_; }

 protected:
  void rebuild() override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  void fitLegendRows();  // wraps the legend into columns where one column would overflow the plot
  bool fitAxisLabel();   // the layout as the x axis label, wrapped to the axis rect's width; true if changed

  QString stem_;
  QString bar_label_, total_text_, limit_text_, message_;
  std::vector<StackedTerm> terms_;
  std::optional<double> limit_;
  std::vector<QCPBars*> bars_;
};

}  // namespace scaleplan
