#include "plan_auto_cli.hpp"

#include <iostream>

#include "base/file_io.hpp"
#include "base/json_util.hpp"
#include "cluster/cluster_json.hpp"
#include "cluster/cluster_setup.hpp"
#include "cluster/plan_auto.hpp"
#include "cluster/shape_rule.hpp"
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
  auto planned = makePlanWithAutoMfu(request, spec);
  if (!planned) return fail(kCommand, planned.message());
  if (auto out = p.get("out")) {
    if (Status s = savePlan(*out, planned->request, planned->result); !s) return fail(kCommand, s.message());
  }
  const StepEstimate& best = planned->best;
  if (p.has("json")) {
    auto parsed_doc = json::parse(planResultToJson(planned->result), "plan");
    auto step = json::parse(stepEstimateToJson(best), "step");
    auto arch = json::parse(architectureToJson(planned->architecture), "architecture");
    if (!parsed_doc || !step || !arch || !parsed_doc->is_object()) return fail(kCommand, "internal error: plan JSON");
    bj::value doc = *parsed_doc;
    bj::object automatic;
    automatic["mfu"] = planned->request.mfu;
    // The model's accuracy as a range (the plan's own "mfu_range" and its *_ci95 intervals).
    const Interval range = planned->request.mfu_range.value_or(Interval{planned->request.mfu, planned->request.mfu});
    automatic["mfu_range"] = bj::array{range.low, range.high};
    automatic["mfu_range_basis"] = planned->mfu_range_basis;
    automatic["mfu_caveat"] = planned->mfu_caveat;  // "" inside the validated regime
    automatic["layout"] = step->as_object().at("layout");
    automatic["memory_per_gpu_bytes"] = best.memory.total();
    automatic["memory_capacity_bytes"] = best.memory_capacity_bytes;
    automatic["system"] = best.system_id;
    automatic["software"] = std::string(kTrainingSoftwareNames.toString(best.software));
    automatic["architecture"] = *arch;
    automatic["architecture_source"] = planned->architecture_source;
    automatic["seq_len"] = best.job.seq_len;
    automatic["global_batch"] = best.job.global_batch;
    automatic["rounds"] = planned->rounds;
    automatic["step"] = *step;
    doc.as_object()["mfu_auto"] = std::move(automatic);
    std::cout << json::toPrettyString(doc);
    return kExitOk;
  }
  const int status = print_plan(planned->request, planned->result);
  char line[512];
  std::snprintf(line, sizeof line,
                "MFU auto:                %.1f%% with %s on %s (%s; %lld x %lld tokens per step; software %s)\n"
                "memory per GPU:          %.1f GB of %.1f GB\n",
                100.0 * planned->request.mfu, best.layout.describe().c_str(), best.system_id.c_str(),
                planned->architecture_source.c_str(), (long long)best.job.global_batch, (long long)best.job.seq_len,
                std::string(kTrainingSoftwareNames.toString(best.software)).c_str(), best.memory.total() / 1e9, best.memory_capacity_bytes / 1e9);
  std::cout << line;
  if (const auto& range = planned->request.mfu_range) {
    std::snprintf(line, sizeof line, "MFU range:               %.1f-%.1f%%, from ", 100.0 * range->low,
                  100.0 * range->high);
    std::cout << line << planned->mfu_range_basis << "\n";
  }
  if (!planned->mfu_caveat.empty()) std::cout << "caution:                 " << planned->mfu_caveat << "\n";
  return status;
}

}  // namespace scaleplan::cli
