// A plan's 95% intervals: every parameter draw of the law (bootstrap samples, or normal draws from
// its covariance) is planned exactly as the point plan is, with the same budget, hardware and
// sizing question, and each figure's interval is the 2.5th-97.5th percentile over the draws.
// Propagating through the whole planner (not a delta-method formula) keeps the intervals right
// for every budget unit, for inference-aware and data-constrained plans, and makes `plan` agree
// with `fit --budget`, which percentiles the same samples' optima.
//
// MFU as a range: each draw also gets an MFU from the range, spread uniformly (stratified: the
// i-th of n draws takes the quantile (π(i) + 0.5)/n for a fixed shuffle π, so the spread is even
// and the pairing with the law's draws is random but reproducible). With a range but no law
// draws, 1000 MFU draws with the point law.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "base/format.hpp"
#include "laws/law_uncertainty.hpp"
#include "plan/plan_sizing.hpp"

namespace scaleplan::plan_detail {

namespace {

constexpr std::size_t kMfuOnlyDraws = 1000;
constexpr std::uint64_t kMfuPairingSeed = 0x5ca1e;  // fixed: the same plan gives the same intervals

// The interval, or nullopt when the figure did not vary (relative width below 1e-9).
std::optional<Interval> varying(std::vector<double> values) {
  auto interval = percentileInterval95(std::move(values));
  if (!interval) return std::nullopt;
  const double scale = std::max(std::fabs(interval->low), std::fabs(interval->high));
  if (!(interval->high - interval->low > 1e-9 * scale)) return std::nullopt;
  return interval;
}

std::vector<double> mfuDraws(const Interval& range, std::size_t count) {
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937_64 generator(kMfuPairingSeed);
  std::shuffle(order.begin(), order.end(), generator);
  std::vector<double> draws;
  draws.reserve(count);
  for (std::size_t i : order) {
    const double quantile = (static_cast<double>(i) + 0.5) / static_cast<double>(count);
    draws.push_back(range.low + quantile * (range.high - range.low));
  }
  return draws;
}

}  // namespace

PlanIntervals planIntervals(const PlanRequest& request) {
  PlanIntervals out;
  const PropagationOptions propagation;
  std::vector<ScalingLaw> laws;
  for (const auto& values : propagationDraws(request.law, propagation)) {
    laws.push_back(request.law.withParameterValues(values));
  }
  const bool law_varies = !laws.empty();
  if (!law_varies && !request.mfu_range) return out;
  const std::size_t count = law_varies ? laws.size() : kMfuOnlyDraws;
  std::vector<double> mfus = request.mfu_range ? mfuDraws(*request.mfu_range, count) : std::vector<double>(count, request.mfu);

  std::vector<double> n, d, ratio, loss, flops, days, gpu_hours, usd, kwh;
  for (std::size_t i = 0; i < count; ++i) {
    const ScalingLaw law = effectiveLaw(request, law_varies ? laws[i] : request.law);
    auto setup = setupFor(request.accelerator, request.precision, request.gpu_count, mfus[i], request.usd_per_gpu_hour,
                          request.pue);
    if (!setup) return out;  // the point plan's setup failed too and reports why
    std::optional<Flops> budget_flops;
    if (request.budget) {
      auto f = flopsForBudget(*request.budget, *setup);
      if (!f) return out;
      budget_flops = *f;
    }
    auto sizing = sizeRun(request, law, budget_flops);
    const auto predicted = sizing ? law.loss(sizing->params, sizing->tokens) : std::nullopt;
    if (!sizing || !predicted || !(sizing->params > 0.0 && sizing->tokens > 0.0)) {
      ++out.failed_draws;
      continue;
    }
    const Flops training{6.0 * sizing->params * sizing->tokens};
    auto cost = costOf(training, *setup);
    if (!cost) {
      ++out.failed_draws;
      continue;
    }
    n.push_back(sizing->params);
    d.push_back(sizing->tokens);
    ratio.push_back(sizing->tokens / sizing->params);
    loss.push_back(*predicted);
    flops.push_back(training.value);
    days.push_back(cost->wall_clock.days());
    gpu_hours.push_back(cost->gpu_hours);
    usd.push_back(cost->cost_usd);
    kwh.push_back(cost->energy_kwh);
  }
  out.draws = n.size();
  if (out.draws == 0) return out;
  out.params = varying(std::move(n));
  out.tokens = varying(std::move(d));
  out.tokens_per_param = varying(std::move(ratio));
  out.predicted_loss = varying(std::move(loss));
  out.flops = varying(std::move(flops));
  out.wall_clock_days = varying(std::move(days));
  out.gpu_hours = varying(std::move(gpu_hours));
  out.cost_usd = varying(std::move(usd));
  out.energy_kwh = varying(std::move(kwh));
  out.source = law_varies ? "law: " + describePropagation(request.law, propagation) : "law: point estimate";
  if (request.mfu_range) {
    out.mfu_range = request.mfu_range;
    out.source += "; MFU uniform over " + formatNumber(request.mfu_range->low * 100, 3) + "-" +
                  formatNumber(request.mfu_range->high * 100, 3) + "%";
  }
  return out;
}

}  // namespace scaleplan::plan_detail
