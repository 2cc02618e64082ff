#pragma once
// One-dimensional minimisation, used by the laws' numerical optima (Chinchilla check,
// data-constrained allocation, inference-aware sizing; all over log N, where the objectives are
// smooth) and by the fit (the likelihood's best scale). Hand-written rather than taken from Boost
// (boost/math/tools/minima.hpp) so that non-finite values count as +infinity and the tolerances
// are relative to |x|, which the callers rely on.

#include <functional>

namespace scaleplan {

struct Minimum {
  double x = 0.0;
  double fx = 0.0;
};

// Brent's method (parabolic interpolation safeguarded by golden-section steps) on [lo, hi].
// Stops when the bracket is narrower than about 2·(rel_tol·|x| + abs_tol). Non-finite f values
// are treated as +infinity (worse than any finite value).
Minimum brentMinimize(const std::function<double(double)>& f, double lo, double hi, double rel_tol = 1e-12,
                      double abs_tol = 1e-14);

// A robust global-then-local search: evaluates `coarse` on `grid_points` evenly spaced points of
// [lo, hi], keeps the best, then refines `fine` with Brent's method between the best point's
// neighbours. `coarse` may be a cheaper or better-scaled proxy (e.g. a logarithm) of `fine`
// with the same minimiser; pass the same function twice otherwise.
Minimum scanThenBrent(const std::function<double(double)>& coarse, const std::function<double(double)>& fine,
                      double lo, double hi, int grid_points = 400);

}  // namespace scaleplan
