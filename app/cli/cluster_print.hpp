#pragma once
// Human output of the cluster model shared by 'step' and 'layouts'.
#include <iosfwd>
#include <string>

#include "cluster/step_model.hpp"

namespace scaleplan::cli {

// Layout, memory verdict, throughput and the memory and time breakdowns of one estimate; with
// `system` (the one it was costed on, overrides applied) a "fabrics" line of its values.
void printStepEstimate(std::ostream& out, const StepEstimate& e, const ClusterSystem* system = nullptr);
// "1.23 s", "45.6 ms".
std::string formatSeconds(double s);
// The estimate's MFU range from the model's accuracy: "43.6-61.1% (the model's accuracy on
// h100-sxm; --json: mfu_range_basis)" (assessClusterMfu).
std::string mfuRangeText(const StepEstimate& e);
// "caution: <why the range may not hold>" when the layout lies outside what it rests on.
void printMfuCaution(std::ostream& out, const StepEstimate& e);

}  // namespace scaleplan::cli
