#include "base/minimize_1d.hpp"

#include <cmath>
#include <limits>

namespace scaleplan {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
// (3 − sqrt(5)) / 2: the golden-section fraction.
constexpr double kGoldenFraction = 0.38196601125010515;

double finiteOrInf(double v) { return std::isfinite(v) ? v : kInf; }
}  // namespace

Minimum brentMinimize(const std::function<double(double)>& f, double lo, double hi, double rel_tol, double abs_tol) {
  double a = lo, b = hi;
  if (b < a) std::swap(a, b);
  // x: best point so far; w: second best; v: previous value of w.
  double x = a + kGoldenFraction * (b - a);
  double w = x, v = x;
  double fx = finiteOrInf(f(x));
  double fw = fx, fv = fx;
  double step = 0.0;       // the last step taken
  double prev_step = 0.0;  // the step before it (parabolic steps must shrink faster than this)
  for (int iteration = 0; iteration < 500; ++iteration) {
    const double mid = 0.5 * (a + b);
    const double tol1 = rel_tol * std::fabs(x) + abs_tol;
    const double tol2 = 2.0 * tol1;
    if (std::fabs(x - mid) <= tol2 - 0.5 * (b - a)) break;

    bool use_golden = true;
    if (std::fabs(prev_step) > tol1 && std::isfinite(fx) && std::isfinite(fw) && std::isfinite(fv)) {
      // Vertex of the parabola through (x, fx), (w, fw), (v, fv), as x + p/q.
      double r = (x - w) * (fx - fv);
      double q = (x - v) * (fx - fw);
      double p = (x - v) * q - (x - w) * r;
      q = 2.0 * (q - r);
      if (q > 0.0) {
        p = -p;
      } else {
        q = -q;
      }
      const double older = prev_step;
      prev_step = step;
      // Accept only a step inside the bracket that is less than half the step before last.
      if (std::fabs(p) < std::fabs(0.5 * q * older) && p > q * (a - x) && p < q * (b - x)) {
        step = p / q;
        const double u = x + step;
        if (u - a < tol2 || b - u < tol2) step = (x < mid) ? tol1 : -tol1;
        use_golden = false;
      }
    }
    if (use_golden) {
      prev_step = (x < mid) ? b - x : a - x;
      step = kGoldenFraction * prev_step;
    }
    const double u = (std::fabs(step) >= tol1) ? x + step : x + (step > 0.0 ? tol1 : -tol1);
    const double fu = finiteOrInf(f(u));
    if (fu <= fx) {
      if (u < x) {
        b = x;
      } else {
        a = x;
      }
      v = w, fv = fw;
      w = x, fw = fx;
      x = u, fx = fu;
    } else {
      if (u < x) {
        a = u;
      } else {
        b = u;
      }
      if (fu <= fw || w == x) {
        v = w, fv = fw;
        w = u, fw = fu;
      } else if (fu <= fv || v == x || v == w) {
        v = u, fv = fu;
      }
    }
  }
  return {x, fx};
}

Minimum scanThenBrent(const std::function<double(double)>& coarse, const std::function<double(double)>& fine,
                      double lo, double hi, int grid_points) {
  if (grid_points < 3) grid_points = 3;
  const double h = (hi - lo) / (grid_points - 1);
  int best = 0;
  double best_value = kInf;
  for (int i = 0; i < grid_points; ++i) {
    const double value = finiteOrInf(coarse(lo + h * i));
    if (value < best_value) {
      best_value = value;
      best = i;
    }
  }
  const double left = lo + h * (best > 0 ? best - 1 : 0);
  const double right = lo + h * (best < grid_points - 1 ? best + 1 : grid_points - 1);
  Minimum m = brentMinimize(fine, left, right);
  // Brent never evaluates the ends of its bracket; when the minimum lies at an end of [lo, hi]
  // (a monotone objective), report that end.
  if (best == 0 || best == grid_points - 1) {
    const double edge = lo + h * best;
    const double f_edge = finiteOrInf(fine(edge));
    if (f_edge < m.fx) m = {edge, f_edge};
  }
  return m;
}

}  // namespace scaleplan
