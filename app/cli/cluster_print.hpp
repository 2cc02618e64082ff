#pragma once
// Human output of the cluster model shared by 'step' and 'layouts'.
#include <iosfwd>

#include "cluster/step_model.hpp"

namespace scaleplan::cli {

// Layout, memory verdict, throughput and the memory and time breakdowns of one estimate.
void printStepEstimate(std::ostream& out, const StepEstimate& e);
// "1.23 s", "45.6 ms".
std::string formatSeconds(double s);

}  // namespace scaleplan::cli
