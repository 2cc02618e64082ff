#include "plan_auto_cli.hpp"

#include <iostream>

#include "base/file_io.hpp"
#include "base/format.hpp"
#include "base/json_util.hpp"
#include "cluster/cluster_json.hpp"
#include "cluster/cluster_setup.hpp"
#include "cluster/plan_auto.hpp"
#include "cluster/shape_rule.hpp"
#include "cluster/step_command.hpp"
#include "counting/model_presets.hpp"
#include "cluster_flags.hpp"
#include "interconnect_args.hpp"

namespace scaleplan::cli {

namespace bj = boost::json;

namespace {
const char* kCommand = "plan";
}

bool mfuIsAuto(const ArgParser& p) { return p.get("mfu") == std::optional<std::string>("auto"); }

void addPlanAutoOptions(ArgParser& p) {
  p.option("system", "ID", "with --mfu auto: the cluster system (default: the standard system of --gpu)")
      .option("arch-preset", "NAME", "with --mfu auto: the model's architecture from data/models.json "
                                     "(default: the Llama shape rule for the planned N)")
      .option("arch-config", "FILE", "with --mfu auto: the architecture as JSON (models.json's 'architecture' object)")
      .option("seq", "T", "with --mfu auto: sequence length (default 4096)")
      .option("global-batch", "B", "with --mfu auto: sequences per step (default 4M tokens, rounded for DP)");
  // As 'step' and 'layouts' take them (used only with --mfu auto).
  addClusterOverrideOptions(p, "with --mfu auto: ");
  addInterconnectOption(p);
}

Status checkAutoOnlyOptions(const ArgParser& p) {
  if (mfuIsAuto(p)) return Status::ok();
  std::vector<std::string> names = {"system", "arch-preset", "arch-config", "seq", "global-batch", "interconnect"};
  names.insert(names.end(), clusterOverrideOptionNames().begin(), clusterOverrideOptionNames().end());
  for (const std::string& name : names)
    if (p.has(name)) return Error{"--" + name + ": only used with --mfu auto"};
  return Status::ok();
}

int runPlanAuto(const ArgParser& p, const PlanRequest& request,
                const std::function<int(const PlanRequest&, const PlanResult&)>& print_plan) {
  auto accelerators = HardwareCatalog::loadDefault();
  if (!accelerators) return fail(kCommand, accelerators.message());
  auto systems = SystemCatalog::loadDefault();
  if (!systems) return fail(kCommand, systems.message());
  ClusterSetupSpec setup_spec;
  setup_spec.gpu_id = p.get("gpu").value_or(request.accelerator.id);
  setup_spec.system_id = p.get("system").value_or("");
  setup_spec.precision = request.precision;
  if (Status st = resolveClusterOverrides(p, &setup_spec.overrides); !st) return fail(kCommand, st.message(), kExitUsage);
  auto execution = resolveExecutionOptions(p, request.precision);
  if (!execution) return fail(kCommand, execution.message(), kExitUsage);
  setup_spec.gemm = execution->gemm;
  auto setup = makeClusterSetup(setup_spec, *accelerators, *systems);
  if (!setup) return fail(kCommand, "--mfu auto: " + setup.message());
  if (p.has("interconnect")) {
    std::vector<std::string> notes;
    if (Status st = applyInterconnectOption(p, setup->system, setup_spec.overrides, &notes); !st)
      return fail(kCommand, st.message());
    printInterconnectNotes(kCommand, notes);
    setup = makeClusterSetup(setup_spec, *accelerators, *systems);
    if (!setup) return fail(kCommand, "--mfu auto: " + setup.message());
  }

  AutoMfuSpec spec{setup->system, setup->rates, std::nullopt, "", kDefaultClusterSeqLen, std::nullopt, {}, {}};
  spec.seq_len = kDefaultClusterSeqLen;
  spec.execution = *execution;
  for (const char* name : {"seq", "global-batch"}) {
    auto v = p.getInt(name);
    if (!v) return fail(kCommand, v.message(), kExitUsage);
    if (*v && **v < 1) return fail(kCommand, "--" + std::string(name) + ": must be positive", kExitUsage);
    if (*v && std::string(name) == "seq") spec.seq_len = **v;
    if (*v && std::string(name) == "global-batch") spec.global_batch = **v;
  }
  if (p.has("arch-preset") && p.has("arch-config"))
    return fail(kCommand, "give --arch-preset or --arch-config, not both", kExitUsage);
  if (auto id = p.get("arch-preset")) {
    auto models = ModelCatalog::loadDefault();
    if (!models) return fail(kCommand, models.message());
    auto preset = models->get(*id);
    if (!preset) return fail(kCommand, "--arch-preset: " + preset.message());
    spec.architecture = (*preset)->architecture;
    spec.architecture_source = "preset " + *id;
  }
  if (auto file = p.get("arch-config")) {
    auto text = readTextFile(*file);
    if (!text) return fail(kCommand, "--arch-config: " + text.message());
    auto arch = architectureFromJson(*text, *file);
    if (!arch) return fail(kCommand, "--arch-config: " + arch.message());
    spec.architecture = *arch;
    spec.architecture_source = "file " + *file;
  }
  auto made = makePlanWithAutoMfu(request, spec);
  if (!made) return fail(kCommand, made.message());
  AutoMfuPlan planned = std::move(made).value();
  planned.request.mfu_auto->step_command =
      autoPlanStepCommand(planned.best, setup->system, *execution, *systems, setup_spec.system_id,
                          p.get("arch-preset").value_or(""), p.getAll("interconnect"));
  if (auto out = p.get("out")) {
    if (Status s = savePlan(*out, planned.request, planned.result); !s) return fail(kCommand, s.message());
  }
  const StepEstimate& best = planned.best;
  if (p.has("json")) {
    auto parsed_doc = json::parse(planResultToJson(planned.result), "plan");
    auto step = json::parse(stepEstimateToJson(best), "step");
    auto arch = json::parse(architectureToJson(planned.architecture), "architecture");
    if (!parsed_doc || !step || !arch || !parsed_doc->is_object()) return fail(kCommand, "internal error: plan JSON");
    bj::value doc = *parsed_doc;
    bj::object automatic = mfuAutoJson(planned.request, false);
    automatic["layout"] = step->as_object().at("layout");
    automatic["architecture"] = *arch;
    automatic["rounds"] = planned.rounds;
    automatic["step"] = *step;
    doc.as_object()["mfu_auto"] = std::move(automatic);
    std::cout << json::toPrettyString(doc);
    return kExitOk;
  }
  return print_plan(planned.request, planned.result);
}

std::vector<std::pair<std::string, std::string>> mfuAutoRows(const PlanRequest& request, bool saved) {
  std::vector<std::pair<std::string, std::string>> rows;
  if (!request.mfu_auto) return rows;
  const MfuAutoRecord& a = *request.mfu_auto;
  // The request's MFU is in the plan's count (6N per token), the layout's in step's (planMfuOf).
  rows.emplace_back("MFU auto", formatNumber(100.0 * request.mfu, 3) + "% (of the plan's 6ND FLOPs) with " +
                                    describeMfuAuto(a) +
                                    (saved ? " (as saved; --mfu auto searches again)" : ""));
  rows.emplace_back("memory per GPU", formatBytes(a.memory_per_gpu_bytes) + " of " + formatBytes(a.memory_capacity_bytes));
  if (request.mfu_range && !a.range_basis.empty()) {
    rows.emplace_back("MFU range", formatNumber(100.0 * request.mfu_range->low, 3) + "-" +
                                       formatNumber(100.0 * request.mfu_range->high, 3) + "%, from " + a.range_basis);
  }
  if (!a.caveat.empty()) rows.emplace_back("caution", a.caveat);
  if (!a.step_command.empty()) rows.emplace_back("step command", a.step_command);
  return rows;
}

bj::object mfuAutoJson(const PlanRequest& request, bool saved) {
  const MfuAutoRecord& a = *request.mfu_auto;
  bj::object o;
  o["mfu"] = request.mfu;  // in the plan's count, C = 6ND (planMfuOf)
  o["layout_mfu"] = a.layout_mfu;  // the layout's, as step counts it; 0 in records saved before it was kept
  o["tokens_per_second"] = a.tokens_per_second;
  // The model's accuracy as a range (the plan's own "mfu_range" and its *_ci95 intervals).
  const Interval range = request.mfu_range.value_or(Interval{request.mfu, request.mfu});
  o["mfu_range"] = bj::array{range.low, range.high};
  o["mfu_range_basis"] = a.range_basis;
  o["mfu_caveat"] = a.caveat;  // "" inside the validated regime
  o["layout_description"] = a.layout;
  o["memory_per_gpu_bytes"] = a.memory_per_gpu_bytes;
  o["memory_capacity_bytes"] = a.memory_capacity_bytes;
  o["system"] = a.system;
  o["software"] = a.software;
  o["architecture_source"] = a.architecture_source;
  o["seq_len"] = a.seq_len;
  o["global_batch"] = a.global_batch;
  o["step_command"] = a.step_command;  // "" when the CLI could not rebuild the cluster
  o["saved"] = saved;  // read from a plan file, not searched now
  return o;
}

}  // namespace scaleplan::cli
