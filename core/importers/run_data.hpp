#pragma once
// The normalised form of imported training runs, and its reduction to points for fitting.
//
// Units: params N is a parameter count, tokens D a token count, flops C a count of floating-point
// operations (not a rate). Loss is the per-token cross-entropy in nats as logged by the trainer.
// Every importer produces `Run`s; the fitter consumes `FitPoint`s made by `toFitPoints`.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_names.hpp"
#include "base/fit_point.hpp"  // FitPoint

namespace scaleplan {

// One logged point of a training curve (or the single result of a finished run).
struct RunPoint {
  std::optional<double> step;  // optimiser step, when the log has one
  double tokens = 0;           // D: tokens seen so far
  double flops = 0;            // C: training FLOPs spent so far (count)
  double loss = 0;             // loss at this point (nats/token)
};

// One training run: a model of `params` parameters and its curve, ordered by tokens.
struct Run {
  std::string name;
  double params = 0;  // N
  std::vector<RunPoint> points;
  std::string source;  // file it came from (for messages)
};

// How a run's curve becomes fit points.
enum class ReductionMode {
  FinalLoss,  // one point per run: the point with the most tokens (the run's end)
  AtTokens,   // the curve's loss at each of `token_counts` (linear in log tokens; FLOPs log-log)
  AllPoints,  // every logged point of every run
};
inline constexpr auto kReductionModeNames = makeEnumNames<ReductionMode>(
    {{ReductionMode::FinalLoss, "final"}, {ReductionMode::AtTokens, "at-tokens"}, {ReductionMode::AllPoints, "all"}});
std::string_view toString(ReductionMode m);  // "final", "at-tokens", "all"
std::optional<ReductionMode> reductionModeFromString(std::string_view s);

struct ReductionOptions {
  ReductionMode mode = ReductionMode::FinalLoss;
  // For AtTokens: token counts (> 0) at which each curve is sampled. A count outside a run's
  // logged token range is not extrapolated: it is skipped and reported.
  std::vector<double> token_counts;
  bool isValid(std::string* error) const;
};

// Flattens runs into fit points. When `skipped` is given, each sample that could not be produced
// (a token count outside a run's range, a run with no points) is described there.
std::vector<FitPoint> toFitPoints(const std::vector<Run>& runs, const ReductionOptions& options,
                                  std::vector<std::string>* skipped = nullptr);

// Loss of a run's curve at `tokens`, linear in log(tokens) between the two neighbouring logged
// points; nullopt outside the logged range or for a run without points.
std::optional<double> lossAtTokens(const Run& run, double tokens);

// The Chinchilla paper's first approach: for each FLOP level, the minimum loss over all runs whose
// curve covers that level (loss interpolated linearly in log FLOPs, tokens log-log), with the N
// and D of the run that attains it. Levels that no run reaches are left out.
std::vector<FitPoint> lossEnvelope(const std::vector<Run>& runs, const std::vector<double>& flop_levels);

// `count` levels spaced evenly in log between lo and hi (inclusive); used to pick envelope levels.
std::vector<double> logSpacedLevels(double lo, double hi, int count);

}  // namespace scaleplan
