#include "importers/run_data.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace scaleplan {

std::string_view toString(ReductionMode m) { return kReductionModeNames.toString(m); }
std::optional<ReductionMode> reductionModeFromString(std::string_view s) { return kReductionModeNames.fromString(s); }

bool ReductionOptions::isValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (mode == ReductionMode::AtTokens && token_counts.empty()) {
    return fail("reduction 'at-tokens' needs at least one token count");
  }
  for (double t : token_counts) {
    if (!std::isfinite(t) || t <= 0) {
      std::ostringstream os;
      os << "reduction token count " << t << " must be a finite number > 0";
      return fail(os.str());
    }
  }
  return true;
}

namespace {

// Points of a run sorted by the key (tokens or flops), without modifying the run.
std::vector<RunPoint> sortedBy(const Run& run, double RunPoint::*key) {
  std::vector<RunPoint> pts = run.points;
  std::stable_sort(pts.begin(), pts.end(), [key](const RunPoint& a, const RunPoint& b) { return a.*key < b.*key; });
  return pts;
}

// Interpolation of `value` linear in log(key) on sorted points; nullopt outside [first, last].
// With `log_value`, log(value) is interpolated instead: right for counts (tokens, FLOPs) that are
// power laws of each other, so that C = 6·N·D still holds at the interpolated point.
std::optional<double> interpolateLog(const std::vector<RunPoint>& pts, double RunPoint::*key,
                                     double RunPoint::*value, double x, bool log_value = false) {
  if (pts.empty() || !(x > 0)) return std::nullopt;
  const double lo = pts.front().*key, hi = pts.back().*key;
  // A relative slack of 1e-12 so that asking exactly for a logged value never misses by rounding.
  if (x < lo * (1 - 1e-12) || x > hi * (1 + 1e-12)) return std::nullopt;
  auto it = std::lower_bound(pts.begin(), pts.end(), x, [key](const RunPoint& p, double v) { return p.*key < v; });
  if (it == pts.end()) return pts.back().*value;
  if (it == pts.begin() || (*it).*key == x) return (*it).*value;
  const RunPoint& b = *it;
  const RunPoint& a = *(it - 1);
  const double la = std::log(a.*key), lb = std::log(b.*key);
  if (lb == la) return b.*value;
  const double t = (std::log(x) - la) / (lb - la);
  if (log_value && a.*value > 0 && b.*value > 0) {
    return std::exp(std::log(a.*value) + t * (std::log(b.*value) - std::log(a.*value)));
  }
  return a.*value + t * (b.*value - a.*value);
}

std::string describe(double v) {
  std::ostringstream os;
  os.precision(4);
  os << v;
  return os.str();
}

}  // namespace

std::optional<double> lossAtTokens(const Run& run, double tokens) {
  return interpolateLog(sortedBy(run, &RunPoint::tokens), &RunPoint::tokens, &RunPoint::loss, tokens);
}

std::vector<FitPoint> toFitPoints(const std::vector<Run>& runs, const ReductionOptions& options,
                                  std::vector<std::string>* skipped) {
  std::vector<FitPoint> out;
  auto note = [&](std::string m) {
    if (skipped) skipped->push_back(std::move(m));
  };
  for (const Run& run : runs) {
    if (run.points.empty()) {
      note("run '" + run.name + "': no points");
      continue;
    }
    switch (options.mode) {
      case ReductionMode::FinalLoss: {
        // The end of the run is the point with the most tokens; on ties the later logged one.
        const RunPoint* last = &run.points.front();
        for (const RunPoint& p : run.points) {
          if (p.tokens >= last->tokens) last = &p;
        }
        out.push_back({run.params, last->tokens, last->flops, last->loss, run.name});
        break;
      }
      case ReductionMode::AllPoints:
        for (const RunPoint& p : run.points) out.push_back({run.params, p.tokens, p.flops, p.loss, run.name});
        break;
      case ReductionMode::AtTokens: {
        const auto pts = sortedBy(run, &RunPoint::tokens);
        for (double t : options.token_counts) {
          auto loss = interpolateLog(pts, &RunPoint::tokens, &RunPoint::loss, t);
          auto flops = interpolateLog(pts, &RunPoint::tokens, &RunPoint::flops, t, true);
          if (!loss || !flops) {
            note("run '" + run.name + "': " + describe(t) + " tokens is outside its logged range " +
                 describe(pts.front().tokens) + ".." + describe(pts.back().tokens));
            continue;
          }
          out.push_back({run.params, t, *flops, *loss, run.name});
        }
        break;
      }
    }
  }
  return out;
}

std::vector<FitPoint> lossEnvelope(const std::vector<Run>& runs, const std::vector<double>& flop_levels) {
  std::vector<std::vector<RunPoint>> sorted;
  sorted.reserve(runs.size());
  for (const Run& r : runs) sorted.push_back(sortedBy(r, &RunPoint::flops));
  std::vector<FitPoint> out;
  for (double c : flop_levels) {
    std::optional<FitPoint> best;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      auto loss = interpolateLog(sorted[i], &RunPoint::flops, &RunPoint::loss, c);
      if (!loss) continue;
      if (!best || *loss < best->loss) {
        auto tokens = interpolateLog(sorted[i], &RunPoint::flops, &RunPoint::tokens, c, true);
        best = FitPoint{runs[i].params, tokens.value_or(0.0), c, *loss, runs[i].name};
      }
    }
    if (best) out.push_back(*best);
  }
  return out;
}

std::vector<double> logSpacedLevels(double lo, double hi, int count) {
  std::vector<double> out;
  if (count <= 0 || !(lo > 0) || !(hi > 0)) return out;
  if (count == 1) return {lo};
  const double a = std::log(lo), b = std::log(hi);
  for (int i = 0; i < count; ++i) out.push_back(std::exp(a + (b - a) * i / (count - 1)));
  out.front() = lo;  // exact ends, so the extreme levels are not lost to rounding
  out.back() = hi;
  return out;
}

}  // namespace scaleplan
