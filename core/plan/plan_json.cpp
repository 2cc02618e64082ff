// Plan files: {"schema_version": 1, "kind": "scaleplan-plan", "request": {...}, "result": {...}}.
// The request embeds the law document (laws/scaling_law.hpp's JSON) and the accelerator entry
// (the hardware catalog's JSON), so a plan reopens the same even if the law file or the
// catalog entry it came from is gone or changed.
#include <cmath>

#include "base/file_io.hpp"
#include "base/json_util.hpp"
#include "plan/plan.hpp"

namespace scaleplan {

namespace bj = boost::json;

static bj::value optionalNumber(const std::optional<double>& v) {
  return v ? bj::value(*v) : bj::value(nullptr);
}

static bj::value optionalInterval(const std::optional<Interval>& v) {
  return v ? bj::value(bj::array{v->low, v->high}) : bj::value(nullptr);
}

static bj::object requestToObject(const PlanRequest& r) {
  bj::object o;
  if (r.budget) {
    o["budget"] = bj::object{{"unit", std::string(toString(r.budget->unit))}, {"amount", r.budget->amount}};
  } else {
    o["budget"] = nullptr;
  }
  auto law = json::parse(lawToJson(r.law), "law");
  o["law"] = law ? *law : bj::value(nullptr);
  auto acc = json::parse(acceleratorsToJson({r.accelerator}), "accelerator");
  o["accelerator"] = acc ? acc->as_object().at("accelerators").as_array().at(0) : bj::value(nullptr);
  o["precision"] = std::string(toString(r.precision));
  o["gpus"] = r.gpu_count;
  o["mfu"] = r.mfu;
  o["mfu_range"] = optionalInterval(r.mfu_range);
  o["inference_sizing"] = std::string(toString(r.inference_sizing));
  o["usd_per_gpu_hour"] = optionalNumber(r.usd_per_gpu_hour);
  o["pue"] = r.pue;
  o["inference_tokens"] = optionalNumber(r.inference_tokens);
  o["target_loss"] = optionalNumber(r.target_loss);
  o["unique_tokens"] = optionalNumber(r.unique_tokens);
  o["training_bytes_per_param"] = r.training_bytes_per_param;
  if (const auto& a = r.mfu_auto) {
    o["mfu_auto"] = bj::object{{"layout", a->layout},
                               {"system", a->system},
                               {"software", a->software},
                               {"architecture_source", a->architecture_source},
                               {"memory_per_gpu_bytes", a->memory_per_gpu_bytes},
                               {"memory_capacity_bytes", a->memory_capacity_bytes},
                               {"seq_len", a->seq_len},
                               {"global_batch", a->global_batch},
                               {"layout_mfu", a->layout_mfu},
                               {"tokens_per_second", a->tokens_per_second},
                               {"mfu_range_basis", a->range_basis},
                               {"mfu_caveat", a->caveat},
                               {"step_command", a->step_command}};
  }
  return o;
}

// request.mfu_auto (optional: plans saved before it, or with a typed MFU, have none).
static Result<std::optional<MfuAutoRecord>> mfuAutoFromObject(const bj::object& request, const std::string& rpath) {
  const bj::value* v = request.if_contains("mfu_auto");
  if (!v || v->is_null()) return std::optional<MfuAutoRecord>{};
  const std::string path = json::member(rpath, "mfu_auto");
  auto o = json::asObject(*v, path);
  if (!o) return o.error();
  MfuAutoRecord r;
  for (auto [key, field] : {std::pair{"layout", &r.layout}, std::pair{"system", &r.system},
                            std::pair{"software", &r.software}, std::pair{"architecture_source", &r.architecture_source},
                            std::pair{"mfu_range_basis", &r.range_basis}, std::pair{"mfu_caveat", &r.caveat}}) {
    auto text = json::getString(**o, key, path);
    if (!text) return text.error();
    *field = *text;
  }
  for (auto [key, field] : {std::pair{"memory_per_gpu_bytes", &r.memory_per_gpu_bytes},
                            std::pair{"memory_capacity_bytes", &r.memory_capacity_bytes}}) {
    auto number = json::getDouble(**o, key, path);
    if (!number) return number.error();
    *field = *number;
  }
  for (auto [key, field] : {std::pair{"seq_len", &r.seq_len}, std::pair{"global_batch", &r.global_batch}}) {
    auto number = json::getInt(**o, key, path);
    if (!number) return number.error();
    *field = *number;
  }
  // Later fields: records without them read as "" and 0 (not recorded).
  for (auto [key, field] : {std::pair{"layout_mfu", &r.layout_mfu}, std::pair{"tokens_per_second", &r.tokens_per_second}}) {
    auto number = json::getOptionalDouble(**o, key, path);
    if (!number) return number.error();
    *field = number->value_or(0.0);
  }
  auto command = json::getOptionalString(**o, "step_command", path);
  if (!command) return command.error();
  r.step_command = command->value_or("");
  if (std::string why; !r.isValid(&why)) return Error{path + "." + why};
  return std::optional<MfuAutoRecord>{r};
}

static bj::object resultToObject(const PlanResult& p) {
  bj::object o;
  o["law"] = p.law_id;
  o["flops"] = p.flops.value;
  o["params"] = p.params;
  o["tokens"] = p.tokens;
  o["tokens_per_param"] = p.tokens_per_param;
  o["predicted_loss"] = optionalNumber(p.predicted_loss);
  // 95% intervals ([low, high]), present only when the figure varies over the law's draws or
  // the MFU range (see PlanIntervals).
  const PlanIntervals& iv = p.intervals;
  for (auto [key, interval] : {std::pair{"params_ci95", &iv.params}, std::pair{"tokens_ci95", &iv.tokens},
                               std::pair{"tokens_per_param_ci95", &iv.tokens_per_param},
                               std::pair{"loss_ci95", &iv.predicted_loss}, std::pair{"flops_ci95", &iv.flops},
                               std::pair{"wall_clock_days_ci95", &iv.wall_clock_days},
                               std::pair{"gpu_hours_ci95", &iv.gpu_hours}, std::pair{"cost_usd_ci95", &iv.cost_usd},
                               std::pair{"energy_kwh_ci95", &iv.energy_kwh}}) {
    if (*interval) o[key] = optionalInterval(*interval);
  }
  // The MFU range the intervals on days, GPU-hours, cost and energy come from ([low, high]).
  if (iv.mfu_range) o["mfu_range"] = optionalInterval(iv.mfu_range);
  if (iv.any()) {
    o["intervals"] = bj::object{{"source", iv.source},
                                {"draws", static_cast<std::int64_t>(iv.draws)},
                                {"failed_draws", static_cast<std::int64_t>(iv.failed_draws)}};
  }
  o["precision"] = std::string(toString(p.precision));
  o["peak_flops_per_second_per_gpu"] = p.peak_per_gpu.value;
  o["cluster_flops_per_second"] = p.cost.cluster_rate.value;
  o["wall_clock_days"] = p.cost.wall_clock.days();
  o["gpu_hours"] = p.cost.gpu_hours;
  o["gpu_days"] = p.cost.gpu_days;
  o["usd_per_gpu_hour"] = p.usd_per_gpu_hour;
  o["cost_usd"] = p.cost.cost_usd;
  o["energy_kwh"] = p.cost.energy_kwh;
  o["training_memory_bytes"] = p.training_memory_bytes;
  o["gpus_to_hold_training_state"] = p.gpus_to_hold_training_state;
  if (p.inference) {
    const auto& inf = *p.inference;
    o["inference_aware"] = bj::object{{"sizing", std::string(toString(p.inference_sizing.value_or(
                                                     InferenceSizing::SameLossLeastCompute)))},
                                      {"train_flops", inf.train_flops.value},
                                      {"inference_flops", inf.inference_flops.value},
                                      {"total_flops", inf.total_flops.value},
                                      {"chinchilla_params", inf.chinchilla_params},
                                      {"chinchilla_tokens", inf.chinchilla_tokens},
                                      {"chinchilla_total_flops", inf.chinchilla_total_flops.value}};
  }
  bj::array warnings;
  for (const auto& w : p.warnings) {
    warnings.push_back(bj::object{{"kind", std::string(toString(w.kind))}, {"message", w.message}});
  }
  o["warnings"] = std::move(warnings);
  return o;
}

std::string planResultToJson(const PlanResult& result) { return json::toPrettyString(resultToObject(result)); }

std::string planToJson(const PlanRequest& request, const PlanResult& result) {
  bj::object doc;
  doc["schema_version"] = kPlanSchemaVersion;
  doc["kind"] = "scaleplan-plan";
  doc["request"] = requestToObject(request);
  doc["result"] = resultToObject(result);
  return json::toPrettyString(doc);
}

// Reads an optional number member into `out`; returns false and sets `error` on a type error.
static Status readOptional(const bj::object& o, const char* key, const std::string& path, std::optional<double>& out) {
  auto v = json::getOptionalDouble(o, key, path);
  if (!v) return v.status();
  out = *v;
  return Status::ok();
}

Result<PlanRequest> planRequestFromJson(std::string_view text, const std::string& source) {
  auto doc = json::parse(text, source);
  if (!doc) return doc.error();
  const std::string top = source + ": ";  // the document's root: "plan.json: schema_version"
  auto root = json::asObject(*doc, top);
  if (!root) return root.error();
  if (!(*root)->contains("request")) {
    // Other ScalePlan documents given where a plan is expected say what they are.
    const bj::value* schema = (*root)->if_contains("schema");
    if (schema && schema->is_string() && schema->get_string() == "scaleplan-benchmark") {
      return Error{top + "this is a GPU benchmark result, not a plan file (use it as --gpu measured:FILE)"};
    }
    if ((*root)->contains("kind") && (*root)->contains("params")) {
      return Error{top + "this is a scaling-law file, not a plan file (use it as --law file:FILE)"};
    }
  }
  auto version = json::getInt(**root, "schema_version", top);
  if (!version) return version.error();
  if (*version > kPlanSchemaVersion) {
    return Error{source + ": schema_version " + std::to_string(*version) +
                 " is newer than this ScalePlan supports (" + std::to_string(kPlanSchemaVersion) +
                 "); update ScalePlan to open this plan"};
  }
  if (*version < 1) return Error{source + ": schema_version " + std::to_string(*version) + " is not valid"};
  if (auto kind = json::getOptionalString(**root, "kind", top); !kind) {
    return kind.error();
  } else if (*kind && **kind != "scaleplan-plan") {
    return Error{source + ": kind: expected 'scaleplan-plan', got '" + **kind + "'"};
  }
  const std::string rpath = source + ": request";
  auto req = json::getObject(**root, "request", top);
  if (!req) return req.error();
  const bj::object& o = **req;

  PlanRequest r;
  // budget
  if (auto it = o.find("budget"); it == o.end()) {
    return Error{rpath + ": missing field 'budget'"};
  } else if (!it->value().is_null()) {
    const std::string bpath = json::member(rpath, "budget");
    auto b = json::asObject(it->value(), bpath);
    if (!b) return b.error();
    auto unit = json::getString(**b, "unit", bpath);
    if (!unit) return unit.error();
    auto parsed_unit = budgetUnitFromString(*unit);
    if (!parsed_unit) {
      return Error{bpath + ".unit: unknown budget unit '" + *unit + "' (expected flops, usd, gpu-hours or days)"};
    }
    auto amount = json::getDouble(**b, "amount", bpath);
    if (!amount) return amount.error();
    r.budget = Budget{*parsed_unit, *amount};
  }
  // law
  {
    auto law = json::getObject(o, "law", rpath);
    if (!law) return law.error();
    auto parsed = lawFromJson(bj::serialize(**law), json::member(rpath, "law"));
    if (!parsed) return parsed.error();
    r.law = *parsed;
  }
  // accelerator
  {
    auto acc = json::getObject(o, "accelerator", rpath);
    if (!acc) return acc.error();
    bj::object catalog{{"schema_version", 1}, {"accelerators", bj::array{**acc}}};
    auto parsed = HardwareCatalog::parse(bj::serialize(catalog), json::member(rpath, "accelerator"));
    if (!parsed) return parsed.error();
    r.accelerator = parsed->accelerators().front();
  }
  auto precision = json::getString(o, "precision", rpath);
  if (!precision) return precision.error();
  auto p = precisionFromString(*precision);
  if (!p) return Error{rpath + ".precision: unknown precision '" + *precision + "' (expected one of " + allPrecisionNames() + ")"};
  r.precision = *p;
  auto gpus = json::getInt(o, "gpus", rpath);
  if (!gpus) return gpus.error();
  if (!kGpuCountSpec.allows(static_cast<double>(*gpus))) {
    return Error{rpath + ".gpus: " + kGpuCountSpec.violation(static_cast<double>(*gpus)) + ", got " + std::to_string(*gpus)};
  }
  r.gpu_count = static_cast<int>(*gpus);
  auto mfu = json::getDouble(o, "mfu", rpath);
  if (!mfu) return mfu.error();
  r.mfu = *mfu;
  // mfu_range and inference_sizing came later: plans without them still open.
  if (auto it = o.find("mfu_range"); it != o.end() && !it->value().is_null()) {
    const std::string field = json::member(rpath, "mfu_range");
    auto range = json::asArray(it->value(), field);
    if (!range) return range.error();
    if ((*range)->size() != 2) return Error{field + ": must be [low, high], got " + std::to_string((*range)->size()) + " values"};
    auto low = json::asDouble((**range)[0], json::element(field, 0));
    if (!low) return low.error();
    auto high = json::asDouble((**range)[1], json::element(field, 1));
    if (!high) return high.error();
    r.mfu_range = Interval{*low, *high};
  }
  auto sizing = json::getOptionalString(o, "inference_sizing", rpath);
  if (!sizing) return sizing.error();
  if (*sizing) {
    auto parsed = inferenceSizingFromString(**sizing);
    if (!parsed) {
      return Error{rpath + ".inference_sizing: unknown value '" + **sizing +
                   "' (expected same-loss-least-compute or best-loss-within-budget)"};
    }
    r.inference_sizing = *parsed;
  }
  auto pue = json::getDouble(o, "pue", rpath);
  if (!pue) return pue.error();
  r.pue = *pue;
  for (auto [key, field] : {std::pair{"usd_per_gpu_hour", &r.usd_per_gpu_hour}, std::pair{"inference_tokens", &r.inference_tokens},
                            std::pair{"target_loss", &r.target_loss}, std::pair{"unique_tokens", &r.unique_tokens}}) {
    if (Status s = readOptional(o, key, rpath, *field); !s) return Error{s.message()};
  }
  auto bpp = json::getOptionalDouble(o, "training_bytes_per_param", rpath);
  if (!bpp) return bpp.error();
  if (*bpp) r.training_bytes_per_param = **bpp;
  auto automatic = mfuAutoFromObject(o, rpath);
  if (!automatic) return automatic.error();
  r.mfu_auto = *automatic;

  std::string why;
  if (!r.isValid(&why)) return Error{rpath + ": " + why};
  return r;
}

Status savePlan(const std::filesystem::path& path, const PlanRequest& request, const PlanResult& result) {
  return writeFileAtomically(path, planToJson(request, result));
}

Result<PlanRequest> loadPlan(const std::filesystem::path& path) {
  auto text = readTextFile(path);
  if (!text) return text.error();
  return planRequestFromJson(*text, path.string());
}

bool operator==(const PlanRequest& a, const PlanRequest& b) {
  // Doubles are written with round-trip precision, so equal documents mean equal requests.
  return json::toPrettyString(requestToObject(a)) == json::toPrettyString(requestToObject(b));
}

}  // namespace scaleplan
