// The hold-out check (see fit_holdout.hpp).
#include "fit/fit_holdout.hpp"

#include <algorithm>
#include <cmath>

#include "fit/fit_multistart.hpp"

namespace scaleplan::fit_detail {

std::optional<HoldoutCheck> holdoutCheck(const FitOptions& options, const Layout& layout, const std::vector<Observation>& obs,
                                         const std::vector<double>& size_groups, const Grid& grid,
                                         const std::vector<double>& theta, std::vector<std::string>* warnings) {
  const auto k = static_cast<std::size_t>(options.holdout_largest_sizes);
  const bool have_sizes = std::all_of(obs.begin(), obs.end(), [](const Observation& o) { return o.n > 0.0; });
  if (!have_sizes) {
    warnings->push_back("hold-out check skipped: the points have no model sizes");
    return std::nullopt;
  }
  if (size_groups.size() < k + 2) {
    warnings->push_back("hold-out check skipped: it needs at least " + std::to_string(k + 2) + " model sizes (" +
                        std::to_string(k) + " held out, 2 to fit), found " + std::to_string(size_groups.size()));
    return std::nullopt;
  }
  const double cut = size_groups[size_groups.size() - k];  // smallest member of the first held-out group
  std::vector<int> train(obs.size(), 0);
  std::size_t n_train = 0;
  for (std::size_t i = 0; i < obs.size(); ++i) {
    if (obs[i].n < cut) train[i] = 1, ++n_train;
  }
  if (n_train <= static_cast<std::size_t>(layout.thetaSize())) {
    warnings->push_back("hold-out check skipped: only " + std::to_string(n_train) + " points remain without the largest sizes");
    return std::nullopt;
  }
  const FitData td = buildData(layout, obs, train);
  const std::size_t grid_size = grid.size();
  std::vector<std::vector<double>> starts = {theta};
  const auto extra = static_cast<std::size_t>(options.holdout_extra_starts);
  for (std::size_t j = 0; j < extra && j < grid_size; ++j) {
    starts.push_back(gridStart(layout, grid, j * grid_size / std::min(extra, grid_size), td));
  }
  LocalSolver solver(layout.law, layout.objective, options.solver, layout.delta, td);
  MultiStartResult r;
  multiStart([&](int) -> LocalSolver& { return solver; }, starts, options.polish_count > 0 ? 1 : 0,
             screenTolerances(options), polishTolerances(options), sequentialFor, &r);
  const SolveOutcome& best = r.best.outcome;
  if (!std::isfinite(best.objective)) {
    warnings->push_back("hold-out check: the fit without the largest sizes gave no finite objective");
    return std::nullopt;
  }
  HoldoutCheck h;
  for (std::size_t g = size_groups.size() - k; g < size_groups.size(); ++g) h.held_out_sizes.insert(h.held_out_sizes.begin(), size_groups[g]);
  h.train_points = n_train;
  const std::vector<std::string> names = lawParameterNames(layout.law);
  const std::vector<double> hv = naturalParams(layout, best.theta.data());
  for (std::size_t j = 0; j < names.size(); ++j) h.params.push_back({names[j], hv[j]});
  double hss = 0.0, hsum = 0.0;
  for (std::size_t i = 0; i < obs.size(); ++i) {
    if (train[i]) continue;
    double v1, v2;
    lawVariables(layout.law, obs[i], &v1, &v2);
    const double pred = layout.ops.predict(best.theta.data(), v1 - layout.c1, v2 - layout.c2, nullptr);
    const double e = std::log(obs[i].loss) - pred;
    hss += e * e, hsum += e;
    h.max_abs_relative_error = std::max(h.max_abs_relative_error, std::fabs(std::exp(-e) - 1.0));
    ++h.test_points;
  }
  h.rmse_log_loss = std::sqrt(hss / static_cast<double>(h.test_points));
  h.mean_log_error = hsum / static_cast<double>(h.test_points);
  return h;
}

}  // namespace scaleplan::fit_detail
