#pragma once
// Private to core/fit: the hold-out check (refit without the largest model sizes and predict them).

#include <string>
#include <vector>

#include "fit/fit.hpp"
#include "fit/fit_layout.hpp"

namespace scaleplan::fit_detail {

// Refits the points below the `options.holdout_largest_sizes` largest model-size groups (from the
// optimum `theta` and holdout_extra_starts grid starts) and measures its error on the held-out
// points. nullopt with a warning in `warnings` when the check is skipped or the refit fails.
// `size_groups`: the distinct model sizes, ascending (see distinctGroups).
std::optional<HoldoutCheck> holdoutCheck(const FitOptions& options, const Layout& layout, const std::vector<Observation>& obs,
                                         const std::vector<double>& size_groups, const Grid& grid,
                                         const std::vector<double>& theta, std::vector<std::string>* warnings);

}  // namespace scaleplan::fit_detail
