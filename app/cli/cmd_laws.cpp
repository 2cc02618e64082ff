// scaleplan-cli laws: list the scaling laws (parameters, citation, the data they were fitted on).
// scaleplan-cli loss: a law's predicted loss for N parameters trained on D tokens.
#include <iostream>
#include <string>
#include <vector>

#include "base/format.hpp"
#include "cli.hpp"
#include "json_out.hpp"
#include "laws/scaling_law.hpp"

namespace scaleplan::cli {
namespace {

namespace bj = boost::json;

const char* kLaws = "laws";
const char* kLoss = "loss";

std::string rangeText(double low, double high, std::string (*format)(double, int)) {
  if (low <= 0.0 && high <= 0.0) return "unknown";
  return (low > 0.0 ? format(low, 3) : std::string("?")) + " - " + (high > 0.0 ? format(high, 3) : std::string("?"));
}

std::string parametersText(const ScalingLaw& law) {
  if (const auto* k = std::get_if<KaplanParams>(&law.params())) {
    // The combined form and the allocation; the single-variable constants are in 'laws kaplan2020'.
    return "N_c " + formatNumber(k->n_c, 4) + ", D_c " + formatNumber(k->d_c, 4) + ", alpha_N " +
           formatNumber(k->alpha_n, 4) + ", alpha_D " + formatNumber(k->alpha_d, 4) + "; N_opt = " +
           formatNumber(k->allocation_coefficient, 4) + " C[PF-days]^" + formatNumber(k->allocation_exponent, 4);
  }
  const auto names = law.parameterNames();
  const auto values = law.parameterValues();
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += (i ? ", " : "") + names[i] + " " + formatNumber(values[i], 6);
  }
  if (const auto* pl = std::get_if<PowerLawParams>(&law.params())) {
    out = std::string("in ") + std::string(toString(pl->variable)) + ": " + out;
  }
  return out;
}

bj::object rangeJson(const DataRange& r) {
  return bj::object{{"params_min", r.params_min}, {"params_max", r.params_max}, {"tokens_min", r.tokens_min},
                    {"tokens_max", r.tokens_max}, {"flops_min", r.flops_min},   {"flops_max", r.flops_max}};
}

bj::object lawJson(const ScalingLaw& law) {
  bj::object o;
  o["id"] = law.id();
  o["display_name"] = law.displayName();
  o["kind"] = std::string(toString(law.kind()));
  bj::object params;
  const auto names = law.parameterNames();
  const auto values = law.parameterValues();
  for (std::size_t i = 0; i < names.size(); ++i) params[names[i]] = values[i];
  if (const auto* pl = std::get_if<PowerLawParams>(&law.params())) params["variable"] = std::string(toString(pl->variable));
  if (const auto* dc = std::get_if<DataConstrainedParams>(&law.params())) params["unique_tokens"] = dc->unique_tokens;
  o["parameters"] = std::move(params);
  o["citation"] = law.citation();
  o["data_range"] = rangeJson(law.dataRange());
  o["has_uncertainty"] = law.uncertainty().has_value();
  return o;
}

void printLawDetails(const ScalingLaw& law) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("id", law.id());
  rows.emplace_back("name", law.displayName());
  rows.emplace_back("kind", std::string(toString(law.kind())));
  const auto names = law.parameterNames();
  const auto values = law.parameterValues();
  for (std::size_t i = 0; i < names.size(); ++i) rows.emplace_back(names[i], formatNumber(values[i], 10));
  const DataRange& r = law.dataRange();
  rows.emplace_back("fitted on: params", rangeText(r.params_min, r.params_max, formatCount));
  rows.emplace_back("fitted on: tokens", rangeText(r.tokens_min, r.tokens_max, formatCount));
  rows.emplace_back("fitted on: FLOPs", rangeText(r.flops_min, r.flops_max, formatScientific));
  if (const auto& u = law.uncertainty()) {
    rows.emplace_back("uncertainty", u->method.empty() ? "yes" : u->method);
    rows.emplace_back("samples", std::to_string(u->samples.size()));
  }
  rows.emplace_back("citation", law.citation());
  printKeyValues(std::cout, rows);
}

int runLaws(const std::vector<std::string>& args) {
  ArgParser p(kLaws,
              "Lists the scaling laws ScalePlan knows: id (for --law), kind, parameters, the range of\n"
              "data each was fitted on (plans far outside it are extrapolations), and its source.\n"
              "Give law ids (or file:PATH) to see one law in full.");
  p.positionals("[LAW...]", "show these laws in full (preset ids or file:PATH)")
      .flag("json", "print the laws as JSON");
  p.epilog(
      "Losses are in nats per token. Kaplan et al.'s N counts non-embedding parameters; the\n"
      "Chinchilla forms count all parameters. tokens-per-param takes its losses from hoffmann2022.\n"
      "Example:\n  scaleplan-cli laws besiroglu2024");
  return runWithParser(p, args, [&]() -> int {
    std::vector<ScalingLaw> laws;
    const bool selected = !p.positionalValues().empty();
    for (const std::string& id : selected ? p.positionalValues() : presetLawIds()) {
      auto law = lawById(id);
      if (!law) return fail(kLaws, law.message());
      laws.push_back(*law);
    }
    if (p.has("json")) {
      bj::array list;
      for (const auto& law : laws) list.emplace_back(lawJson(law));
      printJson(bj::object{{"laws", std::move(list)}});
      return kExitOk;
    }
    if (selected) {
      for (std::size_t i = 0; i < laws.size(); ++i) {
        if (i > 0) std::cout << "\n";
        printLawDetails(laws[i]);
      }
      return kExitOk;
    }
    Table table({"id", "kind", "parameters", "fitted on (params)", "fitted on (FLOPs)"});
    for (const auto& law : laws) {
      const DataRange& r = law.dataRange();
      table.addRow({law.id(), std::string(toString(law.kind())), parametersText(law),
                    rangeText(r.params_min, r.params_max, formatCount),
                    rangeText(r.flops_min, r.flops_max, formatScientific)});
    }
    table.print(std::cout);
    std::cout << "\nSources:\n";
    for (const auto& law : laws) std::cout << "  " << law.id() << ": " << law.citation() << "\n";
    std::cout << "Also: --law file:PATH for a law saved as JSON (e.g. by 'fit').\n";
    return kExitOk;
  });
}

int runLoss(const std::vector<std::string>& args) {
  ArgParser p(kLoss,
              "Predicted loss (nats per token) of a model of N parameters trained on D tokens under a\n"
              "scaling law, with the 95% interval when the law carries bootstrap samples.");
  p.option("law", "LAW",
           "hoffmann2022 (default), besiroglu2024, kaplan2020, muennighoff2023, tokens-per-param or file:PATH")
      .option("params", "N", "parameters (non-embedding for kaplan2020), e.g. 70e9")
      .option("tokens", "D", "training tokens, e.g. 1.4e12")
      .option("ratio", "R", "tokens per parameter for tokens-per-param (default 20; losses use hoffmann2022)")
      .option("unique-tokens", "U",
              "unique tokens available (repeated data): muennighoff2023, or a Chinchilla-form law in "
              "Muennighoff et al.'s data-constrained form")
      .flag("json", "print the result as JSON (key 'loss')");
  p.epilog(
      "Example (Chinchilla 70B on 1.4T tokens):\n"
      "  scaleplan-cli loss --law hoffmann2022 --params 70e9 --tokens 1.4e12");
  return runWithParser(p, args, [&]() -> int {
    for (const char* name : {"params", "tokens"}) {
      if (!p.has(name)) return fail(kLoss, std::string("--") + name + " is required (see 'loss --help')", kExitUsage);
    }
    for (const char* name : {"params", "tokens", "ratio", "unique-tokens"}) {
      auto v = p.getDouble(name);
      if (!v) return fail(kLoss, v.message(), kExitUsage);
    }
    const double n = **p.getDouble("params");
    const double d = **p.getDouble("tokens");
    // A model has at least one parameter and is trained on at least one token: below that a law's
    // power terms explode (N = 1e-300 gave a loss of 4e104 nats/token).
    if (!(n >= 1.0)) return fail(kLoss, "--params: must be at least 1 parameter, got " + formatNumber(n));
    if (!(d >= 1.0)) return fail(kLoss, "--tokens: must be at least 1 token, got " + formatNumber(d));
    LawLookupOptions options;
    if (auto ratio = *p.getDouble("ratio")) options.tokens_per_param = *ratio;
    const std::optional<double> unique = *p.getDouble("unique-tokens");
    if (unique) {
      if (!(*unique > 0.0)) {
        return fail(kLoss, "--unique-tokens: must be a positive number of tokens, got " + formatNumber(*unique));
      }
      options.unique_tokens = *unique;
    }
    const std::string law_id = p.get("law").value_or("hoffmann2022");
    if (p.has("ratio") && law_id != "tokens-per-param") {
      return fail(kLoss, "--ratio applies only to --law tokens-per-param", kExitUsage);
    }
    auto found = lawById(law_id, options);
    if (!found) return fail(kLoss, found.message());
    ScalingLaw law = *found;
    if (unique) {
      auto limited = withUniqueTokenLimit(law, *unique);
      if (!limited) return fail(kLoss, "--unique-tokens: " + limited.message());
      law = *limited;
    }
    auto loss = law.loss(n, d);
    if (!loss) return fail(kLoss, "law '" + law.id() + "' cannot predict a loss at N = " + formatCount(n) +
                                      ", D = " + formatCount(d));
    auto interval = law.lossInterval(n, d);
    const auto* dc = std::get_if<DataConstrainedParams>(&law.params());
    const bool repeated = dc && dc->unique_tokens > 0.0;

    if (p.has("json")) {
      bj::object o;
      o["law"] = law.id();
      o["params"] = n;
      o["tokens"] = d;
      o["loss"] = *loss;
      if (interval) o["loss_interval"] = bj::object{{"low", interval->low}, {"high", interval->high}, {"level", 0.95}};
      if (repeated) {
        o["unique_tokens"] = dc->unique_tokens;
        o["effective_params"] = dataConstrainedEffectiveParams(*dc, n);
        o["effective_tokens"] = dataConstrainedEffectiveTokens(*dc, d);
      }
      printJson(o);
      return kExitOk;
    }
    std::vector<std::pair<std::string, std::string>> rows;
    rows.emplace_back("law", law.id() + " (" + law.displayName() + ")");
    rows.emplace_back("params", formatCount(n) + (law.kind() == LawKind::Kaplan ? " (non-embedding)" : ""));
    rows.emplace_back("tokens", formatCount(d) + " (" + formatNumber(d / n, 4) + " per parameter)");
    if (repeated) {
      rows.emplace_back("unique tokens", formatCount(dc->unique_tokens) + " (" +
                                             formatNumber(d / dc->unique_tokens, 3) + " epochs)");
      rows.emplace_back("effective tokens D'", formatCount(dataConstrainedEffectiveTokens(*dc, d)));
      rows.emplace_back("effective params N'", formatCount(dataConstrainedEffectiveParams(*dc, n)));
    }
    rows.emplace_back("loss", formatNumber(*loss, 6) + " nats/token");
    if (interval) {
      rows.emplace_back("95% interval", formatNumber(interval->low, 5) + " - " + formatNumber(interval->high, 5) +
                                            " (" + std::to_string(law.uncertainty()->samples.size()) +
                                            " bootstrap samples)");
    }
    const DataRange& r = law.dataRange();
    if ((r.params_max > 0.0 && n > r.params_max) || (r.tokens_max > 0.0 && d > r.tokens_max)) {
      rows.emplace_back("note", "beyond the data the law was fitted on (up to " + formatCount(r.params_max) +
                                    " params, " + formatCount(r.tokens_max) + " tokens): an extrapolation");
    }
    printKeyValues(std::cout, rows);
    return kExitOk;
  });
}

const bool registered_laws =
    registerCommand({kLaws, "List the scaling laws: parameters, citations, fitted ranges", runLaws});
const bool registered_loss = registerCommand({kLoss, "Predicted loss of N parameters trained on D tokens", runLoss});

}  // namespace
}  // namespace scaleplan::cli
