// A fit as a ScalingLaw (for planning, plotting and saving) and as JSON (for --json and the GUI).
#include <cmath>

#include "base/format.hpp"
#include "base/json_util.hpp"
#include "fit/fit.hpp"

namespace scaleplan {

namespace bj = boost::json;

Result<ScalingLaw> toScalingLaw(const FitSummary& summary, std::string_view name) {
  if (!summary.hasParameters()) {
    return Error{"the fit has no parameters (" + std::string(toString(summary.termination)) + ": " + summary.message + ")"};
  }
  if (summary.law == FitLaw::IsoFlop) {
    return Error{"an isoflop analysis gives an allocation rule (N_opt = k_n·C^a), not a loss law, so it cannot be used as "
                 "a scaling law; fit the chinchilla form for that"};
  }
  if (name.empty()) return Error{"the law needs a name"};
  auto value = [&](std::string_view key) { return summary.param(key).value_or(std::nan("")); };
  ScalingLaw::Params params;
  switch (summary.law) {
    case FitLaw::Chinchilla:
      params = ChinchillaParams{value("E"), value("A"), value("B"), value("alpha"), value("beta")};
      break;
    case FitLaw::Kaplan: {
      // The combined form fixes N_c, D_c, α_N and α_D; Kaplan's single-variable and allocation
      // constants are separate fits the combined form does not determine, so they keep the paper's
      // values.
      KaplanParams k;
      k.n_c = value("N_c"), k.d_c = value("D_c"), k.alpha_n = value("alpha_N"), k.alpha_d = value("alpha_D");
      params = k;
      break;
    }
    default: {
      PowerLawParams p;
      p.variable = summary.law == FitLaw::PowerParams   ? PowerLawVariable::Params
                   : summary.law == FitLaw::PowerTokens ? PowerLawVariable::Tokens
                                                        : PowerLawVariable::Flops;
      p.e = value("E"), p.a = value("A"), p.alpha = value("alpha");
      params = p;
      break;
    }
  }
  const std::string law_name(toString(summary.law));
  std::string citation = "Fitted by ScalePlan to " + std::to_string(summary.points) + " points: " + law_name + " form, " +
                         std::string(toString(summary.objective)) + " objective (delta " + formatNumber(summary.huber_delta) +
                         "), " + std::to_string(summary.starts) + " starts";
  ScalingLaw law("fit:" + std::string(name), "Fit to " + std::string(name) + " (" + law_name + ")", citation, params);
  law.setDataRange(summary.data_range);
  if (summary.uncertainty) {
    const FitUncertainty& fu = *summary.uncertainty;
    LawUncertainty u;
    u.method = fu.method;
    for (const auto& p : fu.parameters) {
      if (!std::isfinite(p.standard_error) || !std::isfinite(p.ci95_low) || !std::isfinite(p.ci95_high)) continue;
      u.names.push_back(p.name);
      u.standard_errors.push_back(p.standard_error);
      u.ci95_low.push_back(p.ci95_low);
      u.ci95_high.push_back(p.ci95_high);
    }
    // Samples are full parameter vectors in the law's own order (Kaplan's has more parameters than
    // the fit; the rest keep their values).
    const std::vector<std::string> law_names = law.parameterNames();
    const std::vector<double> base = law.parameterValues();
    for (const auto& sample : fu.samples) {
      std::vector<double> full = base;
      for (std::size_t k = 0; k < summary.params.size() && k < sample.size(); ++k) {
        for (std::size_t j = 0; j < law_names.size(); ++j) {
          if (law_names[j] == summary.params[k].name) full[j] = sample[k];
        }
      }
      u.samples.push_back(std::move(full));
    }
    // The covariance (when the fit computed one), in the law's order; parameters the fit does not
    // estimate (Kaplan's single-variable constants) get zero rows and columns.
    if (summary.covariance && !summary.covariance->covariance.empty()) {
      const auto& fitted = summary.covariance->covariance;
      std::vector<std::size_t> position(summary.params.size(), law_names.size());
      for (std::size_t k = 0; k < summary.params.size(); ++k) {
        for (std::size_t j = 0; j < law_names.size(); ++j) {
          if (law_names[j] == summary.params[k].name) position[k] = j;
        }
      }
      u.covariance.assign(law_names.size(), std::vector<double>(law_names.size(), 0.0));
      for (std::size_t a = 0; a < fitted.size() && a < position.size(); ++a) {
        for (std::size_t b = 0; b < fitted[a].size() && b < position.size(); ++b) {
          if (position[a] < law_names.size() && position[b] < law_names.size()) u.covariance[position[a]][position[b]] = fitted[a][b];
        }
      }
    }
    law.setUncertainty(u);
  }
  return law;
}

namespace {

bj::value number(double v) { return std::isfinite(v) ? bj::value(v) : bj::value(nullptr); }

bj::object intervalsObject(const std::vector<ParameterInterval>& v, bool ci) {
  bj::object o;
  for (const auto& p : v) {
    if (ci) {
      o[p.name] = bj::array{number(p.ci95_low), number(p.ci95_high)};
    } else {
      o[p.name] = number(p.standard_error);
    }
  }
  return o;
}

}  // namespace

std::string fitSummaryToJson(const FitSummary& s) {
  bj::object o;
  o["law"] = toString(s.law);
  o["objective"] = toString(s.objective);
  o["huber_delta"] = s.huber_delta;
  bj::object params;
  for (const auto& p : s.params) params[p.name] = number(p.value);
  o["params"] = params;
  o["scale"] = s.scale ? number(*s.scale) : bj::value(nullptr);
  o["objective_value"] = number(s.objective_value);
  o["points"] = s.points;
  o["starts"] = s.starts;
  o["best_start_index"] = s.best_start_index;
  bj::object best_start;
  for (const auto& a : s.best_start) best_start[a.name] = a.values.empty() ? bj::value(nullptr) : number(a.values.front());
  o["best_start"] = best_start;
  if (s.uncertainty) {
    o["stderr"] = intervalsObject(s.uncertainty->parameters, false);
    o["ci95"] = intervalsObject(s.uncertainty->parameters, true);
    o["uncertainty_method"] = s.uncertainty->method;
    if (s.uncertainty->resamples == 0) o["uncertainty_note"] = kCovarianceTooNarrowNote;
    bj::object derived;
    for (const auto& d : s.uncertainty->derived) {
      derived[d.name] = bj::object{{"value", number(d.value)},
                                   {"stderr", number(d.standard_error)},
                                   {"ci95", bj::array{number(d.ci95_low), number(d.ci95_high)}}};
    }
    o["derived"] = derived;
    if (s.uncertainty->resamples > 0) {
      o["bootstrap_resamples"] = s.uncertainty->resamples;
      o["bootstrap_failed_resamples"] = s.uncertainty->failed_resamples;
    }
  } else {
    o["stderr"] = bj::object{};
    o["ci95"] = bj::object{};
    o["uncertainty_method"] = nullptr;
    o["derived"] = bj::object{};
  }
  if (s.covariance && s.uncertainty && s.uncertainty->method != "covariance") {
    o["covariance_stderr"] = intervalsObject(s.covariance->parameters, false);
  }
  o["termination"] = toString(s.termination);
  o["message"] = s.message;
  o["seconds"] = s.seconds;
  bj::array warnings;
  for (const auto& w : s.warnings) warnings.emplace_back(w);
  o["warnings"] = warnings;

  const FitDiagnostics& d = s.diagnostics;
  bj::object diag{{"rmse_log_loss", number(d.rmse_log_loss)},
                  {"mean_abs_log_residual", number(d.mean_abs_log_residual)},
                  {"max_abs_log_residual", number(d.max_abs_log_residual)},
                  {"starts_converged", d.starts_converged},
                  {"starts_at_optimum", d.starts_at_optimum}};
  bj::array residuals;
  for (double r : d.log_residuals) residuals.push_back(number(r));
  diag["log_residuals"] = residuals;
  if (d.holdout) {
    const HoldoutCheck& h = *d.holdout;
    bj::array sizes;
    for (double n : h.held_out_sizes) sizes.push_back(number(n));
    bj::object hp;
    for (const auto& p : h.params) hp[p.name] = number(p.value);
    diag["holdout"] = bj::object{{"held_out_sizes", sizes},
                                 {"train_points", h.train_points},
                                 {"test_points", h.test_points},
                                 {"params", hp},
                                 {"rmse_log_loss", number(h.rmse_log_loss)},
                                 {"mean_log_error", number(h.mean_log_error)},
                                 {"max_abs_relative_error", number(h.max_abs_relative_error)}};
  } else {
    diag["holdout"] = nullptr;
  }
  o["diagnostics"] = diag;
  const DataRange& r = s.data_range;
  o["data_range"] = bj::object{{"params_min", r.params_min}, {"params_max", r.params_max}, {"tokens_min", r.tokens_min},
                               {"tokens_max", r.tokens_max}, {"flops_min", r.flops_min},   {"flops_max", r.flops_max}};
  if (s.isoflop) {
    bj::array budgets;
    for (const auto& b : s.isoflop->budgets) {
      budgets.push_back(bj::object{{"flops", number(b.flops)},
                                   {"points", b.points},
                                   {"used", b.used},
                                   {"note", b.note},
                                   {"parabola", bj::array{number(b.c0), number(b.c1), number(b.c2)}},
                                   {"n_opt", number(b.n_opt)},
                                   {"d_opt", number(b.d_opt)},
                                   {"loss_at_opt", number(b.loss_at_opt)}});
    }
    o["isoflop"] = bj::object{{"budgets", budgets},
                              {"a", number(s.isoflop->a)},
                              {"k_n", number(s.isoflop->k_n)},
                              {"b", number(s.isoflop->b)},
                              {"k_d", number(s.isoflop->k_d)}};
  }
  return json::toPrettyString(o);
}

}  // namespace scaleplan
