// Side checks of the cluster model against published runs that are not in the tests: Llama 3
// 405B's Table 4 (Megatron-style TP/CP/PP on H100), Megatron-Bridge's FP8 rows on DGX-H100,
// DGX-B200 and DGX-GB200 (today's Megatron-Core), Megatron-Turing NLG 530B (Megatron-DeepSpeed
// on A100), Narayanan et al.'s ZeRO-3 rows (DeepSpeed on A100), Megatron-LM's README strong
// scaling of GPT-3 175B on H100 and llm-foundry's MPT benchmark tables (PyTorch FSDP on A100 and H100). Prints each row's published and predicted
// throughput, the error, and per table the mean absolute error, the range and the mean; the data
// and their sources are in tests/data/published-runs/ (SOURCE.md). Default ("current") software
// unless a table says otherwise; no constant is fitted to these rows. A printer for whoever
// improves the model, not a pass/fail test.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cluster/cluster_setup.hpp"
#include "cluster/layout_search.hpp"
#include "counting/model_presets.hpp"

using namespace scaleplan;

namespace {

using Row = std::map<std::string, std::string>;

std::vector<Row> readCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) std::fprintf(stderr, "%s: cannot open\n", path.c_str());
  std::vector<Row> rows;
  std::string line;
  std::vector<std::string> header;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string cell; std::getline(ss, cell, ',');) out.push_back(cell);
    return out;
  };
  if (std::getline(in, line)) header = split(line);
  for (int line_number = 2; std::getline(in, line); ++line_number) {
    const auto cells = split(line);
    if (cells.size() != header.size()) {
      std::fprintf(stderr, "%s:%d: %zu cells, the header has %zu; row skipped\n", path.c_str(), line_number,
                   cells.size(), header.size());
      continue;
    }
    Row r;
    for (std::size_t i = 0; i < cells.size(); ++i) r[header[i]] = cells[i];
    rows.push_back(r);
  }
  return rows;
}

struct Errors {
  std::vector<double> values;  // percent, predicted / published - 1
  void print(const char* what) const {
    if (values.empty()) return;
    double abs_sum = 0.0, sum = 0.0, lo = values.front(), hi = values.front();
    for (double e : values) abs_sum += std::fabs(e), sum += e, lo = std::min(lo, e), hi = std::max(hi, e);
    const double n = static_cast<double>(values.size());
    std::printf("  %s: %zu rows, mean absolute error %.1f%%, from %+.1f%% to %+.1f%%, mean %+.1f%%\n\n", what,
                values.size(), abs_sum / n, lo, hi, sum / n);
  }
};

Result<ClusterSetup> setupFor(const std::string& system_id, const HardwareCatalog& hw, const SystemCatalog& systems) {
  ClusterSetupSpec spec;
  spec.system_id = system_id;
  return makeClusterSetup(spec, hw, systems);
}

// A row naming a preset, system, GPUs, sequence length, global batch and precision: its job on
// that system with the catalog's rates for the precision.
struct PresetRowJob {
  TrainingJob job;
  ClusterSetup setup;
  GemmRates rates;
};
Result<PresetRowJob> presetRowJob(const Row& r, const ModelCatalog& models, const HardwareCatalog& hw,
                                  const SystemCatalog& systems) {
  const ModelPreset* preset = models.find(r.at("preset"));
  if (!preset) return Error{"no preset " + r.at("preset")};
  auto setup = setupFor(r.at("system"), hw, systems);
  if (!setup) return setup.error();
  TrainingJob job;
  job.arch = preset->architecture;
  job.gpus = std::stoll(r.at("gpus"));
  job.seq_len = std::stoll(r.at("seq_len"));
  job.global_batch = std::stoll(r.at("global_batch"));
  job.precision = *kPrecisionNames.fromString(r.at("precision"));
  auto rates = GemmRates::fromCatalog(setup->system.accelerator, job.precision);
  if (!rates) return rates.error();
  return PresetRowJob{job, *setup, *rates};
}

// The job with every layout field searched: the layout plan --mfu auto would plan it with.
Result<LayoutSearchResult> searchFastest(const TrainingJob& job, const ClusterSystem& system, const GemmRates& rates,
                                         const ExecutionOptions& execution = {}) {
  LayoutSearchOptions o;
  o.top_k = 1;
  return searchLayouts(job, system, rates, o, execution);
}
Result<LayoutSearchResult> searchFastest(const TrainingJob& job, const ClusterSetup& setup,
                                         const ExecutionOptions& execution = {}) {
  return searchFastest(job, setup.system, setup.rates, execution);
}

void llama3(const ModelCatalog& models, const HardwareCatalog& hw, const SystemCatalog& systems) {
  auto setup = setupFor("hgx-h100", hw, systems);
  if (!setup) return (void)std::fprintf(stderr, "%s\n", setup.message().c_str());
  std::printf("Llama 3 405B, Dubey et al. 2024 Table 4 (the layout's other fields chosen by the search; "
              "then every field)\n");
  Errors errors, fastest_errors;
  for (const Row& r : readCsv(std::string(SCALEPLAN_PUBLISHED_RUNS_DIR) + "/llama3_405b_table4.csv")) {
    TrainingJob job;
    job.arch = models.find("llama3-405b")->architecture;
    job.gpus = std::stoll(r.at("gpus"));
    job.seq_len = std::stoll(r.at("seq_len"));
    job.global_batch = std::stoll(r.at("batch_size_per_dp")) * std::stoll(r.at("dp"));
    LayoutSearchOptions o;
    o.tp = std::stoi(r.at("tp")), o.cp = std::stoi(r.at("cp")), o.pp = std::stoi(r.at("pp"));
    o.dp = std::stoi(r.at("dp"));
    o.top_k = 1;
    auto found = searchLayouts(job, setup->system, setup->rates, o);
    if (!found) {
      std::printf("  %s: %s\n", r.at("gpus").c_str(), found.message().c_str());
      continue;
    }
    const StepEstimate& e = found->best.front().estimate;
    const double published = std::stod(r.at("tflops_per_gpu"));
    const double predicted = e.model_flops_per_second_per_gpu / 1e12;
    errors.values.push_back(100.0 * (predicted / published - 1.0));
    std::printf("  %6lld GPUs seq %6lld  %-72s published %5.0f TFLOP/s, predicted %6.1f (MFU %.1f%%)  %+6.1f%%\n",
                (long long)job.gpus, (long long)job.seq_len, e.layout.describe().c_str(), published, predicted,
                100.0 * e.mfu, errors.values.back());
    auto fastest = searchFastest(job, *setup);  // as plan --mfu auto would plan the same job
    if (!fastest) {
      std::printf("  %s, the search's fastest: %s\n", r.at("gpus").c_str(), fastest.message().c_str());
      continue;
    }
    const StepEstimate& f = fastest->best.front().estimate;
    const double fastest_rate = f.model_flops_per_second_per_gpu / 1e12;
    fastest_errors.values.push_back(100.0 * (fastest_rate / published - 1.0));
    std::printf("  %6s the search's fastest: %-61s predicted %6.1f (MFU %.1f%%)  %+6.2f%%\n", "",
                f.layout.describe().c_str(), fastest_rate, 100.0 * f.mfu, fastest_errors.values.back());
  }
  errors.print("Llama 3 405B");
  fastest_errors.print("Llama 3 405B, the search's fastest layout");
}

// LLaMA 65B on 2,048 A100 80GB (Touvron et al. 2023, section 2.4): tokens/s per GPU, layout not
// published, so the search's fastest under the current profile (FlashAttention-like attention,
// overlapped communication, as the paper describes) and the 2022 one (sequence parallelism and
// selective recomputation, nothing of Megatron-Core's).
void llama1(const ModelCatalog& models, const HardwareCatalog& hw, const SystemCatalog& systems) {
  auto setup = setupFor("dgx-a100", hw, systems);
  if (!setup) return (void)std::fprintf(stderr, "%s\n", setup.message().c_str());
  const ModelPreset* preset = models.find("llama1-65b");
  if (!preset) return (void)std::fprintf(stderr, "no preset llama1-65b\n");
  std::printf("LLaMA 65B, Touvron et al. 2023 section 2.4 (tokens/s per GPU; layout not published: "
              "the search's fastest)\n");
  Errors errors;
  for (const Row& r : readCsv(std::string(SCALEPLAN_PUBLISHED_RUNS_DIR) + "/llama1_65b_touvron2023.csv")) {
    TrainingJob job;
    job.arch = preset->architecture;
    job.gpus = std::stoll(r.at("gpus"));
    job.seq_len = std::stoll(r.at("seq_len"));
    job.global_batch = std::stoll(r.at("global_batch"));
    const double published = std::stod(r.at("tokens_per_second_per_gpu"));
    for (TrainingSoftware software : {TrainingSoftware::Current, TrainingSoftware::Megatron2022}) {
      auto found = searchFastest(job, *setup, ExecutionOptions::forSoftware(software));
      if (!found) {
        std::printf("  %s GPUs: %s\n", r.at("gpus").c_str(), found.message().c_str());
        continue;
      }
      const StepEstimate& e = found->best.front().estimate;
      const double predicted = e.tokens_per_second / static_cast<double>(job.gpus);
      errors.values.push_back(100.0 * (predicted / published - 1.0));
      const std::string name(kTrainingSoftwareNames.toString(software));
      std::printf("  %5lld GPUs  %-13s %-60s published %4.0f tokens/s/GPU, predicted %5.0f (MFU %.1f%%)  "
                  "%+6.1f%%\n",
                  (long long)job.gpus, name.c_str(), e.layout.describe().c_str(), published, predicted,
                  100.0 * e.mfu, errors.values.back());
    }
  }
  errors.print("LLaMA 65B");
}

// Megatron-Bridge's FP8 tables (today's Megatron-Core) on DGX-H100, DGX-B200 and DGX-GB200:
// tokens/s per GPU, which needs no FLOP convention (the tables' TFLOP/s count the causal half of
// attention and leave out the input embedding). One error summary per system.
void megatronBridge(const ModelCatalog& models, const HardwareCatalog& hw, const SystemCatalog& systems) {
  std::printf("Megatron-Bridge performance summary, FP8 (tokens/s per GPU; the other fields chosen by the search)\n");
  std::map<std::string, Errors> errors, searched_errors;  // by the table's system name
  std::vector<std::string> order;
  for (const Row& r : readCsv(std::string(SCALEPLAN_PUBLISHED_RUNS_DIR) + "/megatron_bridge_fp8.csv")) {
    auto costed = presetRowJob(r, models, hw, systems);
    if (!costed) return (void)std::fprintf(stderr, "%s\n", costed.message().c_str());
    const TrainingJob& job = costed->job;
    const ClusterSetup* setup = &costed->setup;
    const GemmRates* rates = &costed->rates;
    LayoutSearchOptions o;
    o.tp = std::stoi(r.at("tp")), o.pp = std::stoi(r.at("pp")), o.cp = std::stoi(r.at("cp"));
    o.dp = static_cast<int>(job.gpus / (*o.tp * *o.pp * *o.cp));
    o.micro_batch = std::stoll(r.at("micro_batch"));
    if (std::stoi(r.at("vp")) > 0) o.virtual_stages = std::stoi(r.at("vp"));
    o.ep = std::stoi(r.at("ep"));
    // FSDP, else DDP with the distributed optimizer: ZeRO 1 ("[no] distribute model gradients",
    // Megatron-LM's docs/source/api-guide/dist_optimizer.md).
    o.zero_stage = std::stoi(r.at("fsdp")) > 0 ? 3 : 1;
    o.top_k = 1;
    auto found = searchLayouts(job, setup->system, *rates, o);
    if (!found) {
      std::printf("  %s: %s\n", r.at("model").c_str(), found.message().c_str());
      continue;
    }
    const StepEstimate& e = found->best.front().estimate;
    const double published = std::stod(r.at("tokens_per_second_per_gpu"));
    const double predicted = e.tokens_per_second / static_cast<double>(job.gpus);
    // Mixture-of-experts rows are summarised apart (the dense rows are what the MFU range rests on).
    const std::string system = r.at("published_system") + (job.arch.isMoe() ? " MoE" : "");
    if (!errors.count(system)) order.push_back(system);
    errors[system].values.push_back(100.0 * (predicted / published - 1.0));
    std::printf("  %s %-9s %-13s %5lld GPUs  %-78s published %6.0f tokens/s/GPU, predicted %7.0f  %+7.2f%%\n",
                r.at("container").c_str(), system.c_str(), r.at("model").c_str(), (long long)job.gpus,
                e.layout.describe().c_str(), published, predicted, errors[system].values.back());
    if (job.arch.isMoe()) continue;
    // The same job with every field searched, as plan --mfu auto plans it, against NVIDIA's tuned
    // recipe: how far the layout the search prefers is rated above what the recipe ran.
    auto fastest = searchFastest(job, setup->system, *rates);
    if (!fastest) continue;
    const StepEstimate& f = fastest->best.front().estimate;
    const double searched = f.tokens_per_second / static_cast<double>(job.gpus);
    searched_errors[system].values.push_back(100.0 * (searched / published - 1.0));
    std::printf("        the search's fastest: %-78s predicted %7.0f  %+7.2f%%\n", f.layout.describe().c_str(),
                searched, searched_errors[system].values.back());
  }
  for (const std::string& system : order) errors[system].print(("Megatron-Bridge " + system + " FP8").c_str());
  for (const std::string& system : order) {
    if (searched_errors.count(system))
      searched_errors[system].print(("Megatron-Bridge " + system + " FP8, the search's fastest layout").c_str());
  }
}

// Llama 3.1 8B, 70B and 405B and Nemotron-4 15B and 340B on DGX H100 (NVIDIA's DGX Cloud benchmarking
// recipes; SOURCE.md), as the
// Megatron-Bridge rows are costed: the published TP, PP, V, DP, CP and micro-batch, ZeRO 1 (a
// distributed optimizer) and the run's gradient width, recomputation chosen by the model (the runs
// recomputed nothing; where that does not fit under the model, it recomputes); then with every
// field searched, under the same software settings.
void dgxcBenchmarking(const ModelCatalog& models, const HardwareCatalog& hw, const SystemCatalog& systems) {
  std::printf("NVIDIA dgxc-benchmarking on DGX H100, Llama 3.1 and Nemotron-4 (tokens/s; the published layout and "
              "gradient width, recomputation as the model needs to fit)\n");
  std::map<std::string, Errors> errors, searched_errors;  // by model and precision
  for (const Row& r : readCsv(std::string(SCALEPLAN_PUBLISHED_RUNS_DIR) + "/dgxc_benchmarking_h100.csv")) {
    auto costed = presetRowJob(r, models, hw, systems);
    if (!costed) return (void)std::fprintf(stderr, "%s\n", costed.message().c_str());
    TrainingJob job = costed->job;
    // The benchmark's configuration where it differs from the preset (Llama 3.1 405B: 16 query groups).
    if (const int kv = std::stoi(r.at("kv_heads")); kv > 0) job.arch.kv_heads = kv;
    const ClusterSetup* setup = &costed->setup;
    const GemmRates* rates = &costed->rates;
    ExecutionOptions execution;
    execution.setGradientBytes(std::stod(r.at("gradient_bytes")));  // the configuration's (SOURCE.md)
    LayoutSearchOptions o;
    o.tp = std::stoi(r.at("tp")), o.pp = std::stoi(r.at("pp")), o.cp = std::stoi(r.at("cp"));
    o.dp = static_cast<int>(job.gpus / (*o.tp * *o.pp * *o.cp));
    o.virtual_stages = std::stoi(r.at("vp"));
    o.micro_batch = std::stoll(r.at("micro_batch"));
    o.zero_stage = 1;
    o.top_k = 1;
    auto found = searchLayouts(job, setup->system, *rates, o, execution);
    if (!found) return (void)std::printf("  %s\n", found.message().c_str());
    const StepEstimate& e = found->best.front().estimate;
    const std::string precision = r.at("preset") + " " + r.at("precision");
    const double published = std::stod(r.at("tokens_per_second"));
    errors[precision].values.push_back(100.0 * (e.tokens_per_second / published - 1.0));
    std::printf("  %-19s %5lld GPUs  %-84s published %5.3f s per step, predicted %5.3f s  %+6.1f%%\n",
                precision.c_str(), (long long)job.gpus, e.layout.describe().c_str(), std::stod(r.at("step_seconds")),
                e.step_seconds, errors[precision].values.back());
    auto fastest = searchFastest(job, setup->system, *rates, execution);  // as plan --mfu auto would
    if (!fastest) continue;
    const StepEstimate& f = fastest->best.front().estimate;
    searched_errors[precision].values.push_back(100.0 * (f.tokens_per_second / published - 1.0));
    std::printf("  %19s %5s       the search's fastest: %-84s %5.3f s  %+6.1f%%\n", "", "", f.layout.describe().c_str(),
                f.step_seconds, searched_errors[precision].values.back());
  }
  for (const auto& [precision, err] : errors) err.print(precision.c_str());
  for (const auto& [precision, err] : searched_errors)
    err.print((precision + ", the search's fastest layout").c_str());
}

// Nemotron-4 15B and 340B pre-training on DGX H100 (their technical reports' Table 2; SOURCE.md): the
// published TP, PP and DP, the micro-batch, V and recomputation searched, as Llama 3's Table 4 is
// costed; the reports give no micro-batch, so each of 1, 2 and 4 is printed too; then every
// field searched.
void nemotronTechReports(const ModelCatalog& models, const HardwareCatalog& hw, const SystemCatalog& systems) {
  std::printf("Nemotron-4 15B and 340B technical reports, Table 2 (step time; the published TP, PP and DP, the rest "
              "searched)\n");
  Errors errors, searched_errors;
  for (const Row& r : readCsv(std::string(SCALEPLAN_PUBLISHED_RUNS_DIR) + "/nemotron4_tech_reports.csv")) {
    auto costed = presetRowJob(r, models, hw, systems);
    if (!costed) return (void)std::fprintf(stderr, "%s\n", costed.message().c_str());
    const TrainingJob& job = costed->job;
    LayoutSearchOptions o;
    o.tp = std::stoi(r.at("tp")), o.pp = std::stoi(r.at("pp")), o.dp = std::stoi(r.at("dp")), o.cp = 1;
    o.top_k = 1;
    const double published = std::stod(r.at("step_seconds"));
    auto found = searchLayouts(job, costed->setup.system, costed->rates, o);
    if (!found) return (void)std::printf("  %s\n", found.message().c_str());
    const StepEstimate& e = found->best.front().estimate;
    errors.values.push_back(100.0 * (published / e.step_seconds - 1.0));
    std::printf("  %-15s %5lld GPUs  %-64s published %5.2f s per step, predicted %5.3f s (MFU %.1f%%)  %+6.1f%%\n",
                r.at("preset").c_str(), (long long)job.gpus, e.layout.describe().c_str(), published, e.step_seconds,
                100.0 * e.mfu, errors.values.back());
    for (std::int64_t mb : {1, 2, 4}) {  // the reports give no micro-batch: each where it fits
      LayoutSearchOptions fixed = o;
      fixed.micro_batch = mb;
      auto at = searchLayouts(job, costed->setup.system, costed->rates, fixed);
      if (!at) continue;
      const StepEstimate& a = at->best.front().estimate;
      std::printf("  %15s %5s       with mb %lld: %-52s predicted %5.3f s  %+6.1f%%\n", "", "", (long long)mb,
                  a.layout.describe().c_str(), a.step_seconds, 100.0 * (published / a.step_seconds - 1.0));
    }
    auto fastest = searchFastest(job, costed->setup.system, costed->rates);
    if (!fastest) continue;
    const StepEstimate& f = fastest->best.front().estimate;
    searched_errors.values.push_back(100.0 * (published / f.step_seconds - 1.0));
    std::printf("  %15s %5s       the search's fastest: %-45s predicted %5.3f s  %+6.1f%%\n", "", "",
                f.layout.describe().c_str(), f.step_seconds, searched_errors.values.back());
  }
  errors.print("Nemotron-4 technical reports");
  searched_errors.print("Nemotron-4 technical reports, the search's fastest layout");
}

// Megatron-Turing NLG 530B (Megatron-DeepSpeed, 2021) on Selene: hardware FLOP/s, which the
// paper counts with recomputation. The closest profile is the 2021 Megatron-LM one; DeepSpeed's
// pipeline engine has no interleaving, and every layer is recomputed.
void mtnlg(const ModelCatalog& models, const HardwareCatalog& hw, const SystemCatalog& systems) {
  const ModelPreset* preset = models.find("mt-nlg-530b");
  if (!preset) return (void)std::fprintf(stderr, "no preset mt-nlg-530b\n");
  auto setup = setupFor("dgx-a100", hw, systems);
  if (!setup) return (void)std::fprintf(stderr, "%s\n", setup.message().c_str());
  std::printf("Megatron-Turing NLG 530B, Smith et al. 2022 section 2.4 (hardware TFLOP/s; software megatron-2021, V 1, "
              "full recomputation of every layer; micro-batch chosen by the search, no ZeRO: the 2021 "
              "software searches none)\n");
  Errors errors;
  for (const Row& r : readCsv(std::string(SCALEPLAN_PUBLISHED_RUNS_DIR) + "/mtnlg_530b_smith2022.csv")) {
    TrainingJob job;
    job.arch = preset->architecture;
    job.arch.vocab = 51200;  // GPT-2's 50,257 padded by Megatron to a multiple of 128 x TP (SOURCE.md)
    job.seq_len = std::stoll(r.at("seq_len"));
    job.gpus = std::stoll(r.at("gpus"));
    job.global_batch = std::stoll(r.at("global_batch"));
    job.precision = Precision::Fp16;  // the A100's 16-bit peak either way; the 2021 profile's gradients are 16-bit
    auto rates = GemmRates::fromCatalog(setup->system.accelerator, job.precision);
    if (!rates) return (void)std::fprintf(stderr, "%s\n", rates.message().c_str());
    LayoutSearchOptions o;
    o.tp = std::stoi(r.at("tp")), o.pp = std::stoi(r.at("pp")), o.dp = std::stoi(r.at("dp")), o.cp = 1, o.ep = 1;
    o.virtual_stages = 1, o.sequence_parallel = false, o.recompute = Recompute::Full, o.recompute_layers = 0;
    o.top_k = 1;
    auto found = searchLayouts(job, setup->system, *rates, o, ExecutionOptions::megatron2021());
    if (!found) {
      std::printf("  %s GPUs: %s\n", r.at("gpus").c_str(), found.message().c_str());
      continue;
    }
    const StepEstimate& e = found->best.front().estimate;
    const double published = std::stod(r.at("tflops_per_gpu"));
    const double predicted = e.hardware_flops_per_second_per_gpu / 1e12;
    errors.values.push_back(100.0 * (predicted / published - 1.0));
    std::printf("  %5lld GPUs  %-60s %5.1f s per step (published %4.1f), published %3.0f TFLOP/s, predicted %5.1f  %+6.1f%%\n",
                (long long)job.gpus, e.layout.describe().c_str(), e.step_seconds, std::stod(r.at("iteration_seconds")),
                published, predicted, errors.values.back());
  }
  errors.print("MT-NLG 530B");
}

// A GPT with Megatron-LM's defaults (GELU MLP of 4h, learned positions, LayerNorm, biases, output
// layer tied to the embedding) from a row's layers, hidden, heads, vocab, seq_len, gpus and
// global_batch.
TrainingJob megatronGptJob(const Row& r) {
  TrainingJob job;
  TransformerArchitecture& a = job.arch;
  a.layers = std::stoll(r.at("layers")), a.d_model = std::stoll(r.at("hidden")), a.heads = std::stoll(r.at("heads"));
  a.d_ff = 4 * a.d_model, a.mlp = MlpKind::Gelu, a.vocab = std::stoll(r.at("vocab")), a.tied_embeddings = true;
  a.positions = PositionKind::Learned, a.max_seq_len = std::stoll(r.at("seq_len"));
  a.norm = NormKind::LayerNorm, a.biases = true;
  job.seq_len = a.max_seq_len;
  job.gpus = std::stoll(r.at("gpus"));
  job.global_batch = std::stoll(r.at("global_batch"));
  return job;
}

// BLOOM 176B on Jean Zay (BigScience's figure and script, SOURCE.md): hardware TFLOP/s per GPU in
// the published layout, under the 2021 software (the closest profile to its Megatron-DeepSpeed)
// and the current one, on the DGX A100 system's spec network and on Jean Zay's own (50 Gb/s per
// GPU).
void bloom(const HardwareCatalog& hw, const SystemCatalog& systems) {
  std::printf("BLOOM 176B, BigScience 2022 (hardware TFLOP/s; TP 4 · PP 12 · DP 8, mb 2, full recomputation, "
              "ZeRO 1, as its script ran)\n");
  Errors errors;
  for (const Row& r : readCsv(std::string(SCALEPLAN_PUBLISHED_RUNS_DIR) + "/bloom_176b_scao2022.csv")) {
    TrainingJob job = megatronGptJob(r);
    job.arch.positions = PositionKind::Alibi;  // no position table
    ParallelLayout l;
    l.tp = std::stoi(r.at("tp")), l.pp = std::stoi(r.at("pp")), l.dp = std::stoi(r.at("dp"));
    l.micro_batch = std::stoll(r.at("micro_batch")), l.zero_stage = 1, l.recompute = Recompute::Full;
    l.first_stage_layers = std::stoll(r.at("first_stage_layers"));
    l.last_stage_layers = std::stoll(r.at("last_stage_layers"));
    const double published = std::stod(r.at("hardware_tflops_per_gpu"));
    for (const bool jean_zay : {false, true}) {
      ClusterSetupSpec spec;
      spec.system_id = "dgx-a100";
      if (jean_zay) spec.overrides.network_gbps = std::stod(r.at("network_gbps_per_gpu"));
      auto setup = makeClusterSetup(spec, hw, systems);
      if (!setup) return (void)std::fprintf(stderr, "%s\n", setup.message().c_str());
      for (TrainingSoftware software : {TrainingSoftware::Megatron2021, TrainingSoftware::Current}) {
        auto e = estimateStep(job, l, setup->system, setup->rates, ExecutionOptions::forSoftware(software));
        if (!e) return (void)std::printf("  %s\n", e.message().c_str());
        const double predicted = e->hardware_flops_per_second_per_gpu / 1e12;
        errors.values.push_back(100.0 * (predicted / published - 1.0));
        const std::string name(kTrainingSoftwareNames.toString(software));
        std::printf("  %4lld GPUs  network %3.0f Gb/s per GPU (%s)  %-13s %5.1f s per step, published %3.0f TFLOP/s, "
                    "predicted %5.1f  %+6.1f%%\n",
                    (long long)job.gpus, setup->system.network.bytes_per_second_per_gpu * 8.0 / 1e9,
                    jean_zay ? "Jean Zay" : "DGX A100 spec", name.c_str(), e->step_seconds, published, predicted,
                    errors.values.back());
      }
    }
  }
  errors.print("BLOOM 176B");
}

// Megatron-LM's README (H100): GPT-3 175B strong-scaled from 96 to 4,608 H100s at 1,152 sequences
// of 4,096 tokens, MFU 47% -> 42%. The layouts are only in an image, so the published MFU is set
// against the MFU of the layout the search finds fastest: what 'plan --mfu auto' would report.
void megatronReadmeH100(const HardwareCatalog& hw, const SystemCatalog& systems) {
  auto setup = setupFor("hgx-h100", hw, systems);
  if (!setup) return (void)std::fprintf(stderr, "%s\n", setup.message().c_str());
  std::printf("Megatron-LM README, GPT-3 175B (vocabulary 131,072) strong scaling on H100, BF16 (MFU; layout: the "
              "search's fastest, as plan --mfu auto)\n");
  Errors errors;
  for (const Row& r : readCsv(std::string(SCALEPLAN_PUBLISHED_RUNS_DIR) + "/megatron_lm_readme_h100.csv")) {
    const TrainingJob job = megatronGptJob(r);
    auto found = searchFastest(job, *setup);
    if (!found) {
      std::printf("  %s GPUs: %s\n", r.at("gpus").c_str(), found.message().c_str());
      continue;
    }
    const StepEstimate& e = found->best.front().estimate;
    const double published = std::stod(r.at("mfu_pct"));
    errors.values.push_back(100.0 * (100.0 * e.mfu / published - 1.0));
    std::printf("  %5lld GPUs  %-72s published MFU %4.1f%%, predicted %5.2f%%  %+7.2f%%\n", (long long)job.gpus,
                e.layout.describe().c_str(), published, 100.0 * e.mfu, errors.values.back());
  }
  errors.print("Megatron-LM README, H100");
}

// Narayanan et al. 2021 Table 2: DeepSpeed's ZeRO-3 without model parallelism beside Megatron-LM's
// PTD-P, the same models and global batches on 384-2,240 A100s. The PTD-P rows are a test
// (test_megatron_validation); printed here again beside the ZeRO-3 ones, which are predicted with
// the 2021 software profile, ZeRO 3 over all GPUs, TP = PP = 1, the published micro-batch and full
// recomputation (eq. (3)'s FLOPs count the recomputed forward).
void megatronTable2(const HardwareCatalog& hw, const SystemCatalog& systems) {
  auto setup = setupFor("dgx-a100", hw, systems);
  if (!setup) return (void)std::fprintf(stderr, "%s\n", setup.message().c_str());
  std::printf("Narayanan et al. 2021 Table 2, PTD-P vs ZeRO-3 (eq. (3) TFLOP/s per GPU; software megatron-2021; "
              "the published micro-batch, V chosen by the search)\n");
  auto rates = GemmRates::fromCatalog(setup->system.accelerator, Precision::Fp16);
  if (!rates) return (void)std::fprintf(stderr, "%s\n", rates.message().c_str());
  std::map<std::string, Errors> errors;
  for (const Row& r : readCsv(std::string(SCALEPLAN_PUBLISHED_RUNS_DIR) + "/megatron2021_ptdp_vs_zero3.csv")) {
    TrainingJob job = megatronGptJob(r);
    const TransformerArchitecture& a = job.arch;
    job.precision = Precision::Fp16;
    const bool zero3 = r.at("scheme") == "zero-3";
    LayoutSearchOptions o;
    o.tp = std::stoi(r.at("tp")), o.pp = std::stoi(r.at("pp")), o.cp = 1, o.ep = 1;
    o.micro_batch = std::stoll(r.at("micro_batch"));
    o.sequence_parallel = false, o.recompute = Recompute::Full, o.recompute_layers = 0;
    o.zero_stage = zero3 ? 3 : 0;
    o.top_k = 1;
    auto found = searchLayouts(job, setup->system, *rates, o, ExecutionOptions::megatron2021());
    if (!found) {
      std::printf("  %s %s GPUs: %s\n", r.at("scheme").c_str(), r.at("gpus").c_str(), found.message().c_str());
      continue;
    }
    const StepEstimate& e = found->best.front().estimate;
    const double B = double(job.global_batch), s_len = double(job.seq_len), l = double(a.layers), h = double(a.d_model);
    const double eq3 = 96.0 * B * s_len * l * h * h * (1.0 + s_len / (6.0 * h) + double(a.vocab) / (16.0 * l * h));
    const double predicted = eq3 / (e.step_seconds * double(job.gpus)) / 1e12;
    const double published = std::stod(r.at("tflops_per_gpu"));
    errors[r.at("scheme")].values.push_back(100.0 * (predicted / published - 1.0));
    std::printf("  %-6s %6sB %5lld GPUs  %-44s %6.1f s per step (dp %5.1f s), published %3.0f TFLOP/s, predicted %5.1f  %+6.1f%%%s\n",
                r.at("scheme").c_str(), r.at("params_billion").c_str(), (long long)job.gpus,
                e.layout.describe().c_str(), e.step_seconds, e.time.dp_communication, published, predicted,
                errors[r.at("scheme")].values.back(), e.fits ? "" : "  (does not fit under the model)");
  }
  for (const auto& [scheme, err] : errors) err.print(scheme.c_str());
}

void mpt(const HardwareCatalog& hw, const SystemCatalog& systems) {
  std::printf("MPT with PyTorch FSDP (llm-foundry benchmark tables; ZeRO 3, TP = PP = 1)\n");
  const std::map<std::string, std::string> system_of = {{"h100_80gb", "hgx-h100"}, {"a100_80gb", "dgx-a100"}};
  std::map<std::string, Errors> errors;
  for (const Row& r : readCsv(std::string(SCALEPLAN_PUBLISHED_RUNS_DIR) + "/llm_foundry_mpt_fsdp.csv")) {
    auto setup = setupFor(system_of.at(r.at("gpu")), hw, systems);
    if (!setup) return (void)std::fprintf(stderr, "%s\n", setup.message().c_str());
    // A Megatron-style GPT in llm-foundry's columns, its vocabulary 50,368 and no biases.
    Row gpt = r;
    gpt["hidden"] = r.at("d_model"), gpt["vocab"] = "50368";
    TrainingJob job = megatronGptJob(gpt);
    job.arch.biases = false;
    job.arch.positions = PositionKind::Alibi;  // MPT's attention biases (ALiBi): no position table
    ParallelLayout l;
    l.dp = static_cast<int>(job.gpus), l.zero_stage = 3, l.micro_batch = std::stoll(r.at("micro_batch"));
    l.recompute = r.at("activation_checkpointing") == "true" ? Recompute::Full : Recompute::None;
    auto e = estimateStep(job, l, setup->system, setup->rates);
    if (!e) {
      std::printf("  %s: %s\n", r.at("model").c_str(), e.message().c_str());
      continue;
    }
    const double published = std::stod(r.at("mfu_pct"));
    const double error = 100.0 * (100.0 * e->mfu / published - 1.0);
    errors[r.at("gpu")].values.push_back(error);
    std::printf("  %-9s %-9s seq %6s GPUs %3s mb %3s %s  published MFU %5.2f%%, predicted %5.1f%%  %+6.1f%%%s\n",
                r.at("model").c_str(), r.at("gpu").c_str(), r.at("seq_len").c_str(), r.at("gpus").c_str(),
                r.at("micro_batch").c_str(), l.recompute == Recompute::Full ? "recompute" : "         ", published,
                100.0 * e->mfu, error, e->fits ? "" : "  (does not fit under the model)");
  }
  for (const auto& [gpu, err] : errors) err.print(gpu.c_str());
}

}  // namespace

int main() {
  auto models = ModelCatalog::loadDefault();
  auto hw = HardwareCatalog::loadDefault();
  auto systems = SystemCatalog::loadDefault();
  if (!models || !hw || !systems) {
    std::fprintf(stderr, "cannot load data: %s%s%s\n", models.message().c_str(), hw.message().c_str(),
                 systems.message().c_str());
    return 1;
  }
  llama3(*models, *hw, *systems);
  llama1(*models, *hw, *systems);
  megatronBridge(*models, *hw, *systems);
  dgxcBenchmarking(*models, *hw, *systems);
  nemotronTechReports(*models, *hw, *systems);
  mtnlg(*models, *hw, *systems);
  bloom(*hw, *systems);
  megatronTable2(*hw, *systems);
  megatronReadmeH100(*hw, *systems);
  mpt(*hw, *systems);
  return 0;
}
