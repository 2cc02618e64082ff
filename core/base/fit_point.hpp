#pragma once
// One observation for the fitter: what the importers produce (importers/run_data.hpp, toFitPoints)
// and the fit consumes (fit/fit.hpp). In base so that the fit does not depend on the importers.
//
// Units: params N is a parameter count, tokens D a token count, flops C a count of floating-point
// operations (not a rate); loss is the per-token cross-entropy in nats. 0 = unknown for N, D, C.

#include <string>

namespace scaleplan {

struct FitPoint {
  double params = 0, tokens = 0, flops = 0, loss = 0;
  std::string run;  // the run it came from (for messages); may be empty
};

}  // namespace scaleplan
