// Laws as JSON documents (schema_version 1), written by the fitter and read back by plans and the
// CLI's "file:PATH" laws:
//   {"schema_version": 1, "id": ..., "display_name": ..., "citation": ..., "kind": "chinchilla",
//    "params": {"E": ..., "A": ..., ...},            // keys = ScalingLaw::parameterNames(), plus
//                                                    // "variable" (power-law), "unique_tokens"
//                                                    // (data-constrained)
//    "data_range": {"params_min": ..., ...},         // 0 = unknown
//    "uncertainty": null | {"method", "propagation", "names", "standard_errors", "ci95_low",
//                           "ci95_high", "samples", "covariance"}}
// "propagation" says what a plan propagates: "samples" (the bootstrap's parameter vectors),
// "covariance" (a parameterNames()-ordered matrix, drawn as a normal) or "none". Files written
// before it existed have neither "propagation" nor "covariance" and still load (their samples,
// if any, are used).
// Doubles are written in their shortest round-trip form, so a save/load cycle is exact.
#include <string>

#include "base/file_io.hpp"
#include "base/json_util.hpp"
#include "laws/scaling_law.hpp"

namespace scaleplan {

namespace bj = boost::json;

namespace {

constexpr std::int64_t kLawSchemaVersion = 1;

bj::array numbers(const std::vector<double>& values) {
  bj::array a;
  a.reserve(values.size());
  for (double v : values) a.emplace_back(v);
  return a;
}

// Errors from the JSON helpers name the field relative to the document root ("params.alpha: ...");
// the file (or embedding document) is prefixed here.
Error inSource(const std::string& source, const std::string& message) {
  const std::string root = "document: ";
  if (message.rfind(root, 0) == 0) return Error{source + ": " + message.substr(root.size())};
  return Error{source + ": " + message};
}

Result<std::vector<double>> numberArray(const bj::object& o, std::string_view key, const std::string& path) {
  std::vector<double> out;
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return out;
  const std::string field = json::member(path, key);
  auto array = json::asArray(it->value(), field);
  if (!array) return array.error();
  out.reserve((*array)->size());
  for (std::size_t i = 0; i < (*array)->size(); ++i) {
    auto v = json::asDouble((**array)[i], json::element(field, i));
    if (!v) return v.error();
    out.push_back(*v);
  }
  return out;
}

ScalingLaw::Params defaultParamsFor(LawKind kind) {
  switch (kind) {
    case LawKind::Chinchilla: return ChinchillaParams{};
    case LawKind::Kaplan: return KaplanParams{};
    case LawKind::TokensPerParam: return TokensPerParamParams{};
    case LawKind::DataConstrained: return DataConstrainedParams{};
    case LawKind::PowerLaw: return PowerLawParams{};
  }
  return ChinchillaParams{};
}

std::string kindList() {
  std::string out;
  for (LawKind k : {LawKind::Chinchilla, LawKind::Kaplan, LawKind::TokensPerParam, LawKind::DataConstrained,
                    LawKind::PowerLaw}) {
    out += (out.empty() ? "" : ", ") + std::string(toString(k));
  }
  return out;
}

}  // namespace

std::string lawToJson(const ScalingLaw& law) {
  bj::object o;
  o["schema_version"] = kLawSchemaVersion;
  o["id"] = law.id();
  o["display_name"] = law.displayName();
  o["citation"] = law.citation();
  o["kind"] = std::string(toString(law.kind()));

  bj::object params;
  if (const auto* pl = std::get_if<PowerLawParams>(&law.params())) params["variable"] = std::string(toString(pl->variable));
  const auto names = law.parameterNames();
  const auto values = law.parameterValues();
  for (std::size_t i = 0; i < names.size(); ++i) params[names[i]] = values[i];
  if (const auto* dc = std::get_if<DataConstrainedParams>(&law.params())) params["unique_tokens"] = dc->unique_tokens;
  o["params"] = std::move(params);

  const DataRange& r = law.dataRange();
  o["data_range"] = bj::object{{"params_min", r.params_min}, {"params_max", r.params_max},
                               {"tokens_min", r.tokens_min}, {"tokens_max", r.tokens_max},
                               {"flops_min", r.flops_min},   {"flops_max", r.flops_max}};

  if (const auto& u = law.uncertainty()) {
    bj::object uo;
    uo["method"] = u->method;
    bj::array uncertainty_names;
    for (const auto& n : u->names) uncertainty_names.emplace_back(bj::string_view(n));
    uo["names"] = std::move(uncertainty_names);
    uo["standard_errors"] = numbers(u->standard_errors);
    uo["ci95_low"] = numbers(u->ci95_low);
    uo["ci95_high"] = numbers(u->ci95_high);
    bj::array samples;
    samples.reserve(u->samples.size());
    for (const auto& s : u->samples) samples.emplace_back(numbers(s));
    uo["samples"] = std::move(samples);
    bj::array covariance;
    for (const auto& row : u->covariance) covariance.emplace_back(numbers(row));
    uo["covariance"] = std::move(covariance);
    uo["propagation"] = std::string(toString(u->propagation()));
    o["uncertainty"] = std::move(uo);
  } else {
    o["uncertainty"] = nullptr;
  }
  return json::toPrettyString(o);
}

Result<ScalingLaw> lawFromJson(std::string_view text, const std::string& source) {
  auto doc = json::parse(text, source);
  if (!doc) return doc.error();
  auto root = json::asObject(*doc, "document");
  if (!root) return inSource(source, "the law must be a JSON object, got " + json::kindName(*doc));
  const bj::object& o = **root;

  auto version = json::getInt(o, "schema_version", "");
  if (!version) return inSource(source, version.message());
  if (*version > kLawSchemaVersion) {
    return inSource(source, "schema_version " + std::to_string(*version) +
                                " is newer than this version of ScalePlan supports (" +
                                std::to_string(kLawSchemaVersion) + "); update ScalePlan to read it");
  }
  if (*version < 1) return inSource(source, "schema_version: must be 1, got " + std::to_string(*version));

  auto kind_name = json::getString(o, "kind", "");
  if (!kind_name) return inSource(source, kind_name.message());
  auto kind = lawKindFromString(*kind_name);
  if (!kind) return inSource(source, "kind: unknown law kind '" + *kind_name + "' (expected one of " + kindList() + ")");
  auto id = json::getString(o, "id", "");
  if (!id) return inSource(source, id.message());
  auto display_name = json::getOptionalString(o, "display_name", "");
  if (!display_name) return inSource(source, display_name.message());
  auto citation = json::getOptionalString(o, "citation", "");
  if (!citation) return inSource(source, citation.message());

  auto params = json::getObject(o, "params", "");
  if (!params) return inSource(source, params.message());
  ScalingLaw::Params defaults = defaultParamsFor(*kind);
  if (auto* pl = std::get_if<PowerLawParams>(&defaults)) {
    auto variable = json::getString(**params, "variable", "params");
    if (!variable) return inSource(source, variable.message());
    auto v = powerLawVariableFromString(*variable);
    if (!v) {
      return inSource(source, "params.variable: unknown variable '" + *variable + "' (expected params, tokens or flops)");
    }
    pl->variable = *v;
  }
  if (auto* dc = std::get_if<DataConstrainedParams>(&defaults)) {
    auto u = json::getOptionalDouble(**params, "unique_tokens", "params");
    if (!u) return inSource(source, u.message());
    dc->unique_tokens = u->value_or(0.0);
  }
  ScalingLaw law(*id, display_name->value_or(*id), citation->value_or(""), defaults);
  std::vector<double> values;
  for (const auto& name : law.parameterNames()) {
    auto v = json::getDouble(**params, name, "params");
    if (!v) return inSource(source, v.message());
    values.push_back(*v);
  }
  law = law.withParameterValues(values);

  auto range_it = o.find("data_range");
  if (range_it != o.end() && !range_it->value().is_null()) {
    auto range = json::asObject(range_it->value(), "data_range");
    if (!range) return inSource(source, range.message());
    DataRange r;
    struct Field {
      const char* key;
      double* target;
    };
    const Field fields[] = {{"params_min", &r.params_min}, {"params_max", &r.params_max},
                            {"tokens_min", &r.tokens_min}, {"tokens_max", &r.tokens_max},
                            {"flops_min", &r.flops_min},   {"flops_max", &r.flops_max}};
    for (const Field& f : fields) {
      auto v = json::getOptionalDouble(**range, f.key, "data_range");
      if (!v) return inSource(source, v.message());
      *f.target = v->value_or(0.0);
    }
    law.setDataRange(r);
  }

  auto u_it = o.find("uncertainty");
  if (u_it != o.end() && !u_it->value().is_null()) {
    auto uo = json::asObject(u_it->value(), "uncertainty");
    if (!uo) return inSource(source, uo.message());
    LawUncertainty u;
    auto method = json::getOptionalString(**uo, "method", "uncertainty");
    if (!method) return inSource(source, method.message());
    u.method = method->value_or("");
    if (auto names_it = (*uo)->find("names"); names_it != (*uo)->end() && !names_it->value().is_null()) {
      auto names = json::asArray(names_it->value(), "uncertainty.names");
      if (!names) return inSource(source, names.message());
      for (std::size_t i = 0; i < (*names)->size(); ++i) {
        auto n = json::asString((**names)[i], json::element("uncertainty.names", i));
        if (!n) return inSource(source, n.message());
        u.names.push_back(*n);
      }
    }
    struct ArrayField {
      const char* key;
      std::vector<double>* target;
    };
    for (const ArrayField& f : {ArrayField{"standard_errors", &u.standard_errors}, ArrayField{"ci95_low", &u.ci95_low},
                                ArrayField{"ci95_high", &u.ci95_high}}) {
      auto v = numberArray(**uo, f.key, "uncertainty");
      if (!v) return inSource(source, v.message());
      *f.target = std::move(*v);
    }
    if (auto s_it = (*uo)->find("samples"); s_it != (*uo)->end() && !s_it->value().is_null()) {
      auto samples = json::asArray(s_it->value(), "uncertainty.samples");
      if (!samples) return inSource(source, samples.message());
      u.samples.reserve((*samples)->size());
      for (std::size_t i = 0; i < (*samples)->size(); ++i) {
        const std::string field = json::element("uncertainty.samples", i);
        auto row = json::asArray((**samples)[i], field);
        if (!row) return inSource(source, row.message());
        std::vector<double> sample;
        sample.reserve((*row)->size());
        for (std::size_t j = 0; j < (*row)->size(); ++j) {
          auto v = json::asDouble((**row)[j], json::element(field, j));
          if (!v) return inSource(source, v.message());
          sample.push_back(*v);
        }
        u.samples.push_back(std::move(sample));
      }
    }
    if (auto c_it = (*uo)->find("covariance"); c_it != (*uo)->end() && !c_it->value().is_null()) {
      auto rows = json::asArray(c_it->value(), "uncertainty.covariance");
      if (!rows) return inSource(source, rows.message());
      for (std::size_t i = 0; i < (*rows)->size(); ++i) {
        const std::string field = json::element("uncertainty.covariance", i);
        auto row = json::asArray((**rows)[i], field);
        if (!row) return inSource(source, row.message());
        std::vector<double> row_values;
        for (std::size_t j = 0; j < (*row)->size(); ++j) {
          auto v = json::asDouble((**row)[j], json::element(field, j));
          if (!v) return inSource(source, v.message());
          row_values.push_back(*v);
        }
        u.covariance.push_back(std::move(row_values));
      }
    }
    auto propagation = json::getOptionalString(**uo, "propagation", "uncertainty");
    if (!propagation) return inSource(source, propagation.message());
    if (*propagation) {
      auto said = uncertaintyPropagationFromString(**propagation);
      if (!said) {
        return inSource(source, "uncertainty.propagation: unknown value '" + **propagation +
                                    "' (expected samples, covariance or none)");
      }
      if (*said != u.propagation()) {
        return inSource(source, "uncertainty.propagation: says '" + **propagation + "' but the file carries " +
                                    std::string(toString(u.propagation())) +
                                    " (samples are used when present, else the covariance)");
      }
    }
    law.setUncertainty(std::move(u));
  }

  std::string why;
  if (!law.isValid(&why)) return inSource(source, why);
  return law;
}

Status saveLaw(const ScalingLaw& law, const std::filesystem::path& path) {
  std::string why;
  if (!law.isValid(&why)) return Error{"cannot save law '" + law.id() + "' to " + path.string() + ": " + why};
  return writeFileAtomically(path, lawToJson(law));
}

Result<ScalingLaw> loadLaw(const std::filesystem::path& path) {
  auto text = readTextFile(path);
  if (!text) return text.error();
  return lawFromJson(*text, path.string());
}

}  // namespace scaleplan
