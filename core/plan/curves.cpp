#include "plan/curves.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/format.hpp"

namespace scaleplan {

namespace {

bool positiveFinite(double x) { return std::isfinite(x) && x > 0.0; }

bool fail(std::string* error, const std::string& message) {
  if (error) *error = message;
  return false;
}

double nan() { return std::numeric_limits<double>::quiet_NaN(); }

// Loss along the isoFLOP line at log10(N) = x (NaN when the law cannot predict).
double isoLoss(const ScalingLaw& law, double compute, double log_n) {
  const double n = std::pow(10.0, log_n);
  const double d = compute / (6.0 * n);
  auto l = law.loss(n, d);
  return l ? *l : nan();
}

// Golden-section search for the minimum of isoLoss over [lo, hi] in log10 N. The Chinchilla and
// Kaplan forms are unimodal along an isoFLOP line, so this converges to the minimum.
double goldenMinimum(const ScalingLaw& law, double compute, double lo, double hi) {
  const double inv_phi = (std::sqrt(5.0) - 1.0) / 2.0;
  double a = lo, b = hi;
  double c = b - inv_phi * (b - a), d = a + inv_phi * (b - a);
  double fc = isoLoss(law, compute, c), fd = isoLoss(law, compute, d);
  for (int i = 0; i < 200 && (b - a) > 1e-12; ++i) {
    // NaN compares false: treat it as +infinity so the search moves away from it.
    const bool c_better = std::isnan(fd) || (!std::isnan(fc) && fc < fd);
    if (c_better) {
      b = d;
      d = c;
      fd = fc;
      c = b - inv_phi * (b - a);
      fc = isoLoss(law, compute, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + inv_phi * (b - a);
      fd = isoLoss(law, compute, d);
    }
  }
  return 0.5 * (a + b);
}

std::optional<double> powerLawInCompute(const ScalingLaw& law, double compute) {
  const auto* p = std::get_if<PowerLawParams>(&law.params());
  if (!p || p->variable != PowerLawVariable::Flops) return std::nullopt;
  return p->e + p->a * std::pow(compute, -p->alpha);
}

}  // namespace

std::vector<double> logSpace(double low, double high, int count) {
  std::vector<double> out;
  if (count < 2 || !positiveFinite(low) || !positiveFinite(high)) return out;
  out.reserve(static_cast<size_t>(count));
  const double a = std::log10(low), b = std::log10(high);
  for (int i = 0; i < count; ++i) {
    out.push_back(std::pow(10.0, a + (b - a) * i / (count - 1)));
  }
  // Exact end points (pow(10, log10(x)) can be off by an ulp).
  out.front() = low;
  out.back() = high;
  return out;
}

std::vector<double> budgetsAround(double center, int below, int above, double factor) {
  std::vector<double> out;
  for (int k = -below; k <= above; ++k) out.push_back(center * std::pow(factor, k));
  return out;
}

bool FrontierOptions::isValid(std::string* error) const {
  if (!positiveFinite(flops_min)) return fail(error, "flops_min: must be positive, got " + formatNumber(flops_min));
  if (!positiveFinite(flops_max) || flops_max <= flops_min) {
    return fail(error, "flops_max: must exceed flops_min (" + formatNumber(flops_min) + "), got " +
                           formatNumber(flops_max));
  }
  if (points < 2) return fail(error, "points: must be at least 2, got " + std::to_string(points));
  return true;
}

Result<std::vector<FrontierPoint>> computeOptimalFrontier(const ScalingLaw& law, const FrontierOptions& options) {
  std::string why;
  if (!options.isValid(&why)) return Error{why};
  std::vector<FrontierPoint> out;
  out.reserve(static_cast<size_t>(options.points));
  for (double c : logSpace(options.flops_min, options.flops_max, options.points)) {
    auto alloc = law.computeOptimal(Flops{c});
    if (!alloc) return Error{"frontier of " + law.id() + ": " + alloc.message()};
    FrontierPoint p;
    p.flops = c;
    p.params = alloc->params;
    p.tokens = alloc->tokens;
    p.loss = law.loss(p.params, p.tokens);
    p.loss_interval = law.lossInterval(p.params, p.tokens);
    out.push_back(p);
  }
  return out;
}

bool IsoFlopOptions::isValid(std::string* error) const {
  if (!positiveFinite(span_decades)) {
    return fail(error, "span_decades: must be positive, got " + formatNumber(span_decades));
  }
  if (points < 3) return fail(error, "points: must be at least 3, got " + std::to_string(points));
  return true;
}

Result<IsoFlopCurve> isoFlopCurve(const ScalingLaw& law, Flops compute, const IsoFlopOptions& options) {
  std::string why;
  if (!options.isValid(&why)) return Error{why};
  if (!positiveFinite(compute.value)) return Error{"compute: must be positive, got " + formatNumber(compute.value)};
  const double c = compute.value;

  // Centre: the law's allocation, else the numeric minimum over a wide range.
  double centre_log_n = 0.0;
  if (auto alloc = law.computeOptimal(compute)) {
    centre_log_n = std::log10(alloc->params);
  } else {
    centre_log_n = goldenMinimum(law, c, 6.0, 14.0);
  }
  const double lo = centre_log_n - options.span_decades, hi = centre_log_n + options.span_decades;

  IsoFlopCurve curve;
  curve.flops = c;
  for (double n : logSpace(std::pow(10.0, lo), std::pow(10.0, hi), options.points)) {
    const double d = c / (6.0 * n);
    auto l = law.loss(n, d);
    curve.params.push_back(n);
    curve.tokens.push_back(d);
    curve.loss.push_back(l ? *l : nan());
  }
  // Bracket the minimum with the best sample, then refine.
  size_t best = curve.loss.size();
  for (size_t i = 0; i < curve.loss.size(); ++i) {
    if (std::isnan(curve.loss[i])) continue;
    if (best == curve.loss.size() || curve.loss[i] < curve.loss[best]) best = i;
  }
  if (best == curve.loss.size()) return Error{"isoFLOP curve of " + law.id() + ": the law predicts no loss here"};
  const double step = (hi - lo) / (options.points - 1);
  const double a = std::max(lo, std::log10(curve.params[best]) - step);
  const double b = std::min(hi, std::log10(curve.params[best]) + step);
  const double x = goldenMinimum(law, c, a, b);
  curve.min_params = std::pow(10.0, x);
  curve.min_tokens = c / (6.0 * curve.min_params);
  curve.min_loss = isoLoss(law, c, x);
  if (std::isnan(curve.min_loss) || curve.min_loss > curve.loss[best]) {
    curve.min_params = curve.params[best];
    curve.min_tokens = curve.tokens[best];
    curve.min_loss = curve.loss[best];
  }
  return curve;
}

bool LandscapeOptions::isValid(std::string* error) const {
  if (!positiveFinite(params_min)) return fail(error, "params_min: must be positive, got " + formatNumber(params_min));
  if (!positiveFinite(params_max) || params_max <= params_min) {
    return fail(error, "params_max: must exceed params_min, got " + formatNumber(params_max));
  }
  if (!positiveFinite(tokens_min)) return fail(error, "tokens_min: must be positive, got " + formatNumber(tokens_min));
  if (!positiveFinite(tokens_max) || tokens_max <= tokens_min) {
    return fail(error, "tokens_max: must exceed tokens_min, got " + formatNumber(tokens_max));
  }
  if (params_cells < 2) return fail(error, "params_cells: must be at least 2, got " + std::to_string(params_cells));
  if (tokens_cells < 2) return fail(error, "tokens_cells: must be at least 2, got " + std::to_string(tokens_cells));
  return true;
}

LandscapeOptions landscapeAround(double params, double tokens, double decades) {
  LandscapeOptions o;
  const double k = std::pow(10.0, decades);
  o.params_min = params / k;
  o.params_max = params * k;
  o.tokens_min = tokens / k;
  o.tokens_max = tokens * k;
  return o;
}

Result<LossLandscape> lossLandscape(const ScalingLaw& law, const LandscapeOptions& options) {
  std::string why;
  if (!options.isValid(&why)) return Error{why};
  LossLandscape out;
  out.range = options;
  out.params = logSpace(options.params_min, options.params_max, options.params_cells);
  out.tokens = logSpace(options.tokens_min, options.tokens_max, options.tokens_cells);
  out.loss.resize(out.params.size() * out.tokens.size());
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (size_t j = 0; j < out.tokens.size(); ++j) {
    for (size_t i = 0; i < out.params.size(); ++i) {
      auto l = law.loss(out.params[i], out.tokens[j]);
      const double v = (l && std::isfinite(*l)) ? *l : nan();
      out.loss[j * out.params.size() + i] = v;
      if (!std::isnan(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  if (!std::isfinite(lo)) return Error{"loss landscape of " + law.id() + ": the law predicts no loss in this range"};
  out.loss_min = lo;
  out.loss_max = hi;
  return out;
}

IsoComputeLine isoComputeLine(Flops compute, const LandscapeOptions& range, int points) {
  IsoComputeLine line;
  line.flops = compute.value;
  if (!positiveFinite(compute.value) || points < 2) return line;
  // N such that D = C/(6N) lies in [tokens_min, tokens_max], intersected with [params_min, params_max].
  const double n_lo = std::max(range.params_min, compute.value / (6.0 * range.tokens_max));
  const double n_hi = std::min(range.params_max, compute.value / (6.0 * range.tokens_min));
  if (!(n_lo < n_hi)) return line;
  line.params = logSpace(n_lo, n_hi, points);
  for (double n : line.params) line.tokens.push_back(compute.value / (6.0 * n));
  return line;
}

Result<std::vector<FrontierPoint>> optimalPath(const ScalingLaw& law, const LandscapeOptions& range, int points) {
  std::string why;
  if (!range.isValid(&why)) return Error{why};
  if (points < 2) return Error{"points: must be at least 2, got " + std::to_string(points)};
  // Every optimum inside the box has 6·N·D between the box's extreme corners.
  FrontierOptions f;
  f.flops_min = 6.0 * range.params_min * range.tokens_min;
  f.flops_max = 6.0 * range.params_max * range.tokens_max;
  f.points = points;
  auto frontier = computeOptimalFrontier(law, f);
  if (!frontier) return frontier.error();
  std::vector<FrontierPoint> out;
  for (const auto& p : *frontier) {
    if (p.params >= range.params_min && p.params <= range.params_max && p.tokens >= range.tokens_min &&
        p.tokens <= range.tokens_max) {
      out.push_back(p);
    }
  }
  return out;
}

std::optional<Interval> fittedComputeRange(const DataRange& range) {
  if (range.flops_max > 0.0) return Interval{range.flops_min, range.flops_max};
  if (range.params_max > 0.0 && range.tokens_max > 0.0) {
    return Interval{6.0 * range.params_min * range.tokens_min, 6.0 * range.params_max * range.tokens_max};
  }
  return std::nullopt;
}

Result<LossCurve> lossVsCompute(const ScalingLaw& law, const FrontierOptions& options) {
  std::string why;
  if (!options.isValid(&why)) return Error{why};
  LossCurve curve;
  curve.fitted_flops = fittedComputeRange(law.dataRange());
  bool any_interval = false;
  for (double c : logSpace(options.flops_min, options.flops_max, options.points)) {
    double loss = nan();
    std::optional<Interval> interval;
    if (auto alloc = law.computeOptimal(Flops{c})) {
      if (auto l = law.loss(alloc->params, alloc->tokens)) loss = *l;
      interval = law.lossInterval(alloc->params, alloc->tokens);
    } else if (auto l = powerLawInCompute(law, c)) {
      loss = *l;
    } else {
      return Error{"loss against compute for " + law.id() + ": " + alloc.message()};
    }
    curve.flops.push_back(c);
    curve.loss.push_back(loss);
    curve.loss_low.push_back(interval ? interval->low : nan());
    curve.loss_high.push_back(interval ? interval->high : nan());
    any_interval = any_interval || interval.has_value();
  }
  if (!any_interval) {
    curve.loss_low.clear();
    curve.loss_high.clear();
  }
  return curve;
}

std::vector<ModelPoint> publishedModelPoints(const ModelCatalog& catalog) {
  std::vector<ModelPoint> out;
  for (const ModelPreset& m : catalog.models()) {
    if (!m.training_tokens || !positiveFinite(*m.training_tokens)) continue;
    ModelPoint p;
    p.id = m.id;
    p.name = m.name;
    p.year = m.year;
    p.params = m.published_active_params.value_or(m.published_params);
    p.tokens = *m.training_tokens;
    if (!positiveFinite(p.params)) continue;
    p.flops = 6.0 * p.params * p.tokens;
    out.push_back(p);
  }
  return out;
}

const ModelPreset* nearestPublishedModel(const ModelCatalog& catalog, double params) {
  if (!positiveFinite(params)) return nullptr;
  auto nearestAmong = [&](bool dense_only) {
    const ModelPreset* nearest = nullptr;
    double best = std::numeric_limits<double>::infinity();
    for (const ModelPreset& m : catalog.models()) {
      if (!positiveFinite(m.published_params) || (dense_only && m.published_active_params)) continue;
      const double distance = std::fabs(std::log(m.published_params / params));
      if (distance < best) best = distance, nearest = &m;
    }
    return nearest;
  };
  const ModelPreset* dense = nearestAmong(true);
  return dense ? dense : nearestAmong(false);
}

Result<OptimalityComparison> compareWithOptimal(const ScalingLaw& law, const ModelPoint& model) {
  if (!positiveFinite(model.params) || !positiveFinite(model.tokens)) {
    return Error{"model " + model.id + ": needs positive params and tokens"};
  }
  auto alloc = law.computeOptimal(Flops{6.0 * model.params * model.tokens});
  if (!alloc) return alloc.error();
  OptimalityComparison c;
  c.optimal_params = alloc->params;
  c.optimal_tokens = alloc->tokens;
  c.tokens_ratio = model.tokens / alloc->tokens;
  c.params_ratio = model.params / alloc->params;
  return c;
}

}  // namespace scaleplan
