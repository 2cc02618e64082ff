#pragma once
// Private to core/fit: the fit's observations, the internal parameterisation of each form (centred
// logs, see fit_model.hpp), the start grid and the law's derived quantities. Shared by the
// orchestration (fit.cpp), the uncertainty (fit_uncertainty.cpp) and the hold-out check.

#include <cstddef>
#include <string>
#include <vector>

#include "fit/fit.hpp"
#include "fit/fit_model.hpp"

namespace scaleplan::fit_detail {

// One checked point, with C or D filled from C = 6·N·D when it was missing.
struct Observation {
  double n = 0.0, d = 0.0, c = 0.0, loss = 0.0;
};

// The names of the law's parameters, in the order of FitSummary::params.
std::vector<std::string> lawParameterNames(FitLaw law);
// How many parameters the form has (0 for the iso-FLOP analysis, which fits none by least squares).
int lawParameterCount(FitLaw law);

// How the form's parameters are laid out inside the solver.
struct Layout {
  FitLaw law = FitLaw::Chinchilla;
  FitObjective objective = FitObjective::Huber;
  double delta = 1e-3;
  ModelOps ops;
  double c1 = 0.0, c2 = 0.0;  // centres of the logged variables
  int thetaSize() const { return ops.num_params + (objective == FitObjective::HuberLikelihood ? 1 : 0); }
};

// The layout for `options` with the variables centred on the observations' means.
Layout makeLayout(const FitOptions& options, const std::vector<Observation>& obs);

// The form's logged variables of one observation (v2 = 0 for one-variable forms).
void lawVariables(FitLaw law, const Observation& o, double* v1, double* v2);

// The columns for the points with nonzero weight (all weights 1 when `weights` is empty).
FitData buildData(const Layout& layout, const std::vector<Observation>& obs, const std::vector<int>& weights);

// Grid axis values (in startGridAxisNames order) to internal parameters (without the scale).
std::vector<double> thetaFromStart(const Layout& layout, const std::vector<double>& v);

// For the likelihood: appends the scale that is optimal for θ's residuals when they lie in the
// Huber penalty's linear part, s = ln(δ·mean|r|) (minimises Σ δ|r|/σ + n·ln σ).
void appendInitialScale(const Layout& layout, const FitData& data, std::vector<double>* theta);

// Internal parameters to the law's parameters (lawParameterNames order).
std::vector<double> naturalParams(const Layout& layout, const double* t);

bool allFinite(const std::vector<double>& v);

// Derived quantities (names and values) from the law's parameters; `budget` in FLOPs (0: none).
std::vector<FitParameter> derivedQuantities(FitLaw law, const std::vector<double>& p, double budget);

// The start grid: the axes of FitOptions::start_grid (or the law's default) in
// startGridAxisNames order; start `index` is the index's mixed-radix digits, last axis fastest.
struct Grid {
  std::vector<GridAxis> axes;
  std::size_t size() const;
  std::vector<double> point(std::size_t index) const;
  // The axes on which the start lies at the smallest or largest value (axes of one value excluded).
  std::vector<std::string> edgeAxes(std::size_t index) const;
};
Grid resolveGrid(const FitOptions& options);

// Grid start `index` as internal parameters (with the likelihood's initial scale for `data`).
std::vector<double> gridStart(const Layout& layout, const Grid& grid, std::size_t index, const FitData& data);

}  // namespace scaleplan::fit_detail
