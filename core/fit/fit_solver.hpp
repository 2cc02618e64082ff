#pragma once
// Private to core/fit: the local minimisers (Ceres), one start at a time, and the covariance of the
// prediction's Jacobian. This header names no Ceres type; fit_solver.cpp holds all Ceres code.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fit/fit.hpp"
#include "fit/fit_model.hpp"

namespace scaleplan::fit_detail {

struct Tolerances {
  int max_iterations = 500;
  double function_tolerance = 1e-12;
  double gradient_tolerance = 1e-12;
  double parameter_tolerance = 1e-12;
};

struct SolveOutcome {
  std::vector<double> theta;    // internal parameters at the end (scale last for the likelihood)
  double objective = kNaN;      // our own evaluation at theta (NaN when not finite)
  bool converged = false;       // the solver met a tolerance (not max iterations, not a failure)
  int iterations = 0;
};

// A minimiser bound to one data set and objective, reused for many starts. Not thread-safe: use
// one per thread. `data` must outlive it.
class LocalSolver {
 public:
  LocalSolver(FitLaw law, FitObjective objective, FitSolver solver, double delta, const FitData& data);
  ~LocalSolver();
  LocalSolver(const LocalSolver&) = delete;
  LocalSolver& operator=(const LocalSolver&) = delete;

  SolveOutcome solve(const std::vector<double>& start, const Tolerances& tolerances);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// (JᵀJ)⁻¹ over the form's parameters (not the likelihood's scale), J = ∂(predicted ln L)/∂θ at θ
// for every point (weights ignored), computed with ceres::Covariance (dense SVD). Row-major p×p.
// nullopt with `why` when J is rank deficient.
std::optional<std::vector<double>> predictionCovariance(FitLaw law, const FitData& data,
                                                        const std::vector<double>& theta, std::string* why);

// Ceres logs through glog (line-search warnings, "covariance rank deficient" errors), which writes
// to stderr when the host program has not initialised glog. The fitter reports those conditions
// itself (termination, warnings), so when glog is not set up, only fatal messages are let through.
// Called once before a fit; programs that initialise glog themselves keep their settings.
void quietCeresLogging();

}  // namespace scaleplan::fit_detail
