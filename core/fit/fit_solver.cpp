// The Ceres side of the fitter: L-BFGS (GradientProblemSolver) over the objective with its analytic
// gradient, Levenberg-Marquardt (Solver, one residual block per point with HuberLoss), and the
// covariance of the prediction's Jacobian.
#include "fit/fit_solver.hpp"

#include <ceres/ceres.h>
#include <glog/logging.h>

#include <algorithm>
#include <cmath>
#include <mutex>

namespace scaleplan::fit_detail {
namespace {

// The objective (Huber sum or Huber likelihood) as Ceres' first-order function. Returning false
// tells the line search the point is infeasible (a Kaplan α_D ≤ 0, an overflow), so it steps back.
// With `fixed` (indices of θ), those parameters keep their values in `theta` and the function is one
// of the others only.
class ObjectiveFunction final : public ceres::FirstOrderFunction {
 public:
  ObjectiveFunction(ModelOps ops, FitObjective objective, double delta, const FitData& data,
                    std::vector<double> theta = {}, const std::vector<int>& fixed = {})
      : ops_(ops), objective_(objective), delta_(delta), data_(data), theta_(std::move(theta)) {
    for (int k = 0; k < fullSize(); ++k) {
      if (std::find(fixed.begin(), fixed.end(), k) == fixed.end()) free_.push_back(k);
    }
    gradient_.resize(static_cast<std::size_t>(fullSize()));
  }
  int NumParameters() const override { return static_cast<int>(free_.size()); }
  bool Evaluate(const double* parameters, double* cost, double* gradient) const override {
    const bool all_free = NumParameters() == fullSize();
    if (!all_free) {
      for (std::size_t k = 0; k < free_.size(); ++k) theta_[static_cast<std::size_t>(free_[k])] = parameters[k];
    }
    const double* t = all_free ? parameters : theta_.data();
    double* g = gradient && !all_free ? gradient_.data() : gradient;
    const double c = evaluateObjective(ops_, objective_, data_, t, delta_, g);
    if (!std::isfinite(c)) return false;
    if (gradient) {
      if (!all_free) {
        for (std::size_t k = 0; k < free_.size(); ++k) gradient[k] = gradient_[static_cast<std::size_t>(free_[k])];
      }
      for (int k = 0; k < NumParameters(); ++k) {
        if (!std::isfinite(gradient[k])) return false;
      }
    }
    *cost = c;
    return true;
  }
  const std::vector<int>& freeParameters() const { return free_; }

 private:
  int fullSize() const { return ops_.num_params + (objective_ == FitObjective::HuberLikelihood ? 1 : 0); }
  ModelOps ops_;
  FitObjective objective_;
  double delta_;
  const FitData& data_;
  mutable std::vector<double> theta_, gradient_;  // scratch: one solver per thread
  std::vector<int> free_;
};

// The exponents of θ outside [kMinExponent, kMaxExponent].
std::vector<int> exponentsOutOfBounds(const ModelOps& ops, const std::vector<double>& theta) {
  std::vector<int> out;
  for (int k : ops.exponents) {
    const double v = theta[static_cast<std::size_t>(k)];
    if (v < kMinExponent || v > kMaxExponent) out.push_back(k);
  }
  return out;
}

// One point's residual r = predicted ln L − observed ln L, with the analytic Jacobian.
class PointResidual final : public ceres::CostFunction {
 public:
  PointResidual(ModelOps ops, double x1, double x2, double log_loss) : ops_(ops), x1_(x1), x2_(x2), log_loss_(log_loss) {
    set_num_residuals(1);
    mutable_parameter_block_sizes()->push_back(ops.num_params);
  }
  bool Evaluate(double const* const* parameters, double* residuals, double** jacobians) const override {
    const double* t = parameters[0];
    if (!ops_.feasible(t)) return false;
    double* g = jacobians ? jacobians[0] : nullptr;
    residuals[0] = ops_.predict(t, x1_, x2_, g) - log_loss_;
    return std::isfinite(residuals[0]);
  }

 private:
  ModelOps ops_;
  double x1_, x2_, log_loss_;
};

}  // namespace

struct LocalSolver::Impl {
  ModelOps ops;
  FitObjective objective;
  FitSolver solver;
  double delta;
  const FitData& data;
  std::unique_ptr<ceres::GradientProblem> gradient_problem;  // L-BFGS
  std::unique_ptr<ceres::Problem> problem;                   // Levenberg-Marquardt
  std::vector<double> x;                                     // the LM problem's parameter block

  Impl(FitLaw law, FitObjective objective_in, FitSolver solver_in, double delta_in, const FitData& data_in)
      : ops(modelOps(law)), objective(objective_in), solver(solver_in), delta(delta_in), data(data_in) {
    if (solver == FitSolver::Lbfgs) {
      gradient_problem = std::make_unique<ceres::GradientProblem>(new ObjectiveFunction(ops, objective, delta, data));
      return;
    }
    // Least squares with one residual block per point, so that ceres::HuberLoss applies per point;
    // a bootstrap multiplicity w scales the loss (w copies of a point = w·ρ).
    x.assign(static_cast<std::size_t>(ops.num_params), 0.0);
    problem = std::make_unique<ceres::Problem>();
    for (std::size_t i = 0; i < data.size(); ++i) {
      ceres::LossFunction* loss = new ceres::HuberLoss(delta);
      if (data.weight[i] != 1.0) loss = new ceres::ScaledLoss(loss, data.weight[i], ceres::TAKE_OWNERSHIP);
      problem->AddResidualBlock(new PointResidual(ops, data.x1[i], data.x2[i], data.log_loss[i]), loss, x.data());
    }
    if (data.size() > 0) {
      for (int k : ops.exponents) {
        problem->SetParameterLowerBound(x.data(), k, kMinExponent);
        problem->SetParameterUpperBound(x.data(), k, kMaxExponent);
      }
    }
  }

  static void runLbfgs(const ceres::GradientProblem& problem, double* x, const Tolerances& tol, SolveOutcome* out) {
    ceres::GradientProblemSolver::Options options;
    options.line_search_direction_type = ceres::LBFGS;
    options.max_num_iterations = tol.max_iterations;
    options.function_tolerance = tol.function_tolerance;
    options.gradient_tolerance = tol.gradient_tolerance;
    options.parameter_tolerance = tol.parameter_tolerance;
    options.logging_type = ceres::SILENT;
    ceres::GradientProblemSolver::Summary summary;
    ceres::Solve(options, problem, x, &summary);
    out->converged = summary.termination_type == ceres::CONVERGENCE;
    out->iterations += static_cast<int>(summary.iterations.size());
  }

  // Unbounded L-BFGS; then, while exponents lie outside their bounds, those are fixed at the
  // nearest bound and the other parameters minimised again (an active-set pass: each round fixes
  // at least one more exponent, so it ends). A fit that stays within the bounds runs once.
  SolveOutcome solveLbfgs(const std::vector<double>& start, const Tolerances& tol) {
    SolveOutcome out;
    out.theta = start;
    runLbfgs(*gradient_problem, out.theta.data(), tol, &out);
    std::vector<int> fixed;
    for (std::vector<int> outside = exponentsOutOfBounds(ops, out.theta); !outside.empty();
         outside = exponentsOutOfBounds(ops, out.theta)) {
      for (int k : outside) {
        double& v = out.theta[static_cast<std::size_t>(k)];
        if (!std::isfinite(v)) return out;  // diverged: the objective check in solve() reports it
        v = std::clamp(v, kMinExponent, kMaxExponent);
        fixed.push_back(k);
      }
      auto* function = new ObjectiveFunction(ops, objective, delta, data, out.theta, fixed);
      const std::vector<int> free = function->freeParameters();
      ceres::GradientProblem reduced(function);
      std::vector<double> free_values;
      for (int k : free) free_values.push_back(out.theta[static_cast<std::size_t>(k)]);
      runLbfgs(reduced, free_values.data(), tol, &out);
      for (std::size_t k = 0; k < free.size(); ++k) out.theta[static_cast<std::size_t>(free[k])] = free_values[k];
    }
    return out;
  }

  SolveOutcome solveLm(const std::vector<double>& start, const Tolerances& tol) {
    SolveOutcome out;
    std::copy(start.begin(), start.end(), x.begin());
    // Ceres needs a start within the bounds: a grid value outside them starts at the nearest bound.
    for (int k : ops.exponents) x[static_cast<std::size_t>(k)] = std::clamp(x[static_cast<std::size_t>(k)], kMinExponent, kMaxExponent);
    ceres::Solver::Options options;
    options.linear_solver_type = ceres::DENSE_QR;
    options.max_num_iterations = tol.max_iterations;
    options.function_tolerance = tol.function_tolerance;
    options.gradient_tolerance = tol.gradient_tolerance;
    options.parameter_tolerance = tol.parameter_tolerance;
    options.num_threads = 1;  // the fitter runs starts in parallel instead
    options.logging_type = ceres::SILENT;
    ceres::Solver::Summary summary;
    ceres::Solve(options, problem.get(), &summary);
    out.theta = x;
    out.converged = summary.termination_type == ceres::CONVERGENCE;
    out.iterations = static_cast<int>(summary.iterations.size());
    return out;
  }
};

LocalSolver::LocalSolver(FitLaw law, FitObjective objective, FitSolver solver, double delta, const FitData& data)
    : impl_(std::make_unique<Impl>(law, objective, solver, delta, data)) {}

LocalSolver::~LocalSolver() = default;

SolveOutcome LocalSolver::solve(const std::vector<double>& start, const Tolerances& tolerances) {
  SolveOutcome out = impl_->solver == FitSolver::Lbfgs ? impl_->solveLbfgs(start, tolerances)
                                                       : impl_->solveLm(start, tolerances);
  const double value = evaluateObjective(impl_->ops, impl_->objective, impl_->data, out.theta.data(), impl_->delta, nullptr);
  bool finite = std::isfinite(value);
  for (double v : out.theta) finite = finite && std::isfinite(v);
  out.objective = finite ? value : kNaN;
  if (!finite) out.converged = false;
  return out;
}

std::optional<std::vector<double>> predictionCovariance(FitLaw law, const FitData& data,
                                                        const std::vector<double>& theta, std::string* why) {
  const ModelOps ops = modelOps(law);
  std::vector<double> x(theta.begin(), theta.begin() + ops.num_params);
  ceres::Problem problem;
  for (std::size_t i = 0; i < data.size(); ++i) {
    problem.AddResidualBlock(new PointResidual(ops, data.x1[i], data.x2[i], data.log_loss[i]), nullptr, x.data());
  }
  ceres::Covariance::Options options;
  options.algorithm_type = ceres::DENSE_SVD;
  options.num_threads = 1;
  ceres::Covariance covariance(options);
  const std::vector<std::pair<const double*, const double*>> blocks = {{x.data(), x.data()}};
  if (!covariance.Compute(blocks, &problem)) {
    if (why) *why = "the Jacobian at the optimum is rank deficient, so the data do not identify every parameter";
    return std::nullopt;
  }
  std::vector<double> out(static_cast<std::size_t>(ops.num_params * ops.num_params));
  if (!covariance.GetCovarianceBlock(x.data(), x.data(), out.data())) {
    if (why) *why = "ceres::Covariance returned no block";
    return std::nullopt;
  }
  return out;
}

void quietCeresLogging() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (!google::IsGoogleLoggingInitialized()) FLAGS_minloglevel = google::GLOG_FATAL;
  });
}

}  // namespace scaleplan::fit_detail
