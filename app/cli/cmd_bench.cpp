// scaleplan-cli bench: measures the matrix-product throughput per precision, the FP32 FMA peak and
// the memory bandwidth of this machine's GPU (or CPU), compared with the catalog's dense peaks.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "base/format.hpp"
#include "cli.hpp"
#include "gpubench/bench_json.hpp"
#include "gpubench/benchmark.hpp"
#include "gpubench/gemm_mix.hpp"
#include "gpubench/shapes.hpp"
#include "hardware/accelerator.hpp"
#include "gpubench/model_step.hpp"

namespace scaleplan::cli {
namespace {

const char* kCommand = "bench";

std::string percent(std::optional<double> fraction) {
  if (!fraction) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", *fraction * 100.0);
  return buf;
}

std::string rateText(const std::optional<RateAtShape>& r) {
  return r ? formatFlopsRate(r->rate.value) : "-";
}
std::string shapeText(const std::optional<RateAtShape>& r) {
  return r ? r->shape.toString() : "-";
}

void printDevice(const BenchResult& r) {
  const DeviceFacts& d = r.device;
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("device", d.name);
  if (d.backend == BenchBackend::Cuda) {
    rows.emplace_back("compute capability", std::to_string(d.compute_major) + "." +
                                                std::to_string(d.compute_minor) + ", " +
                                                std::to_string(d.sm_count) + " SMs");
    rows.emplace_back("memory", formatBytes(static_cast<double>(d.memory_bytes)) + ", " +
                                    std::to_string(d.memory_bus_width_bits) + "-bit bus, L2 " +
                                    formatBytes(static_cast<double>(d.l2_bytes)));
    rows.emplace_back("max clocks", "SM " + formatNumber(d.sm_clock_mhz, 4) + " MHz, memory " +
                                        formatNumber(d.memory_clock_mhz, 4) + " MHz");
    rows.emplace_back("software", "driver (CUDA) " + d.driver_version + ", runtime " + d.runtime_version +
                                      ", " + d.blas_version);
  } else {
    rows.emplace_back(
        "threads", std::to_string(d.threads) + " used of " + std::to_string(d.sm_count) + " logical cores");
    rows.emplace_back("memory", formatBytes(static_cast<double>(d.memory_bytes)) + ", last-level cache " +
                                    formatBytes(static_cast<double>(d.l2_bytes)));
    rows.emplace_back("software", d.blas_version + " (" + d.simd + "), " + d.runtime_version);
  }
  rows.emplace_back("catalog entry",
                    r.catalog_match ? r.catalog_match->id + ": " + r.catalog_match->reason : r.catalog_note);
  rows.emplace_back(
      "mode", (r.options.use_mode_shapes ? std::string(toString(r.options.mode)) : "given shapes only") +
                  ", " + std::to_string(r.options.repeats) +
                  " samples per shape, timed regions >= " + formatNumber(r.options.min_timed_ms, 3) +
                  " ms, " + (r.options.flush_cache ? "cache flushed and operands rotated" : "hot cache") +
                  ", " + formatNumber(r.total_seconds, 3) + " s in all");
  printKeyValues(std::cout, rows);
}

void printSummary(const BenchResult& r) {
  std::cout << "\nMatrix products (FLOPs = 2*M*N*K; int8 figures are integer ops/s):\n";
  Table table({"precision", "best", "best shape", "median", "median shape", "geomean", "dense peak",
               "utilisation", "check"});
  for (const PrecisionSummary& s : r.summary) {
    std::string check = "-";
    if (s.correctness_passed) check = *s.correctness_passed ? "ok" : "FAILED";
    std::string peak = s.reference_peak ? formatFlopsRate(s.reference_peak->value) : "-";
    if (s.reference_peak && s.reference_source.rfind("estimate", 0) == 0) peak += " (est.)";
    std::string name(toString(s.precision));
    if (s.precision == Precision::Fp8) {
      name += r.options.fp8_fast_accumulation ? " (fast acc.)" : "";
    }
    if (s.shapes_failed > 0) name += " [" + std::to_string(s.shapes_failed) + " failed]";
    table.addRow({name, rateText(s.best), shapeText(s.best), rateText(s.median), shapeText(s.median),
                  s.shapes_ok ? formatFlopsRate(s.geometric_mean.value) : "-", peak,
                  percent(s.best_utilisation), check});
  }
  table.print(std::cout);
}

void printDetails(const BenchResult& r) {
  std::cout << "\nEvery shape (median of the samples; spread = interquartile range / median):\n";
  Table table(
      {"precision", "shape", "achieved", "utilisation", "spread", "ms/call", "calls x sets", "algorithm"});
  for (const GemmMeasurement& g : r.gemm) {
    if (!g.ok) {
      table.addRow(
          {std::string(toString(g.precision)), g.shape.toString(), "FAILED", "-", "-", "-", "-", g.error});
      continue;
    }
    table.addRow({std::string(toString(g.precision)), g.shape.toString(), formatFlopsRate(g.achieved.value),
                  percent(g.utilisation), percent(g.seconds_per_call.relativeIqr()),
                  formatNumber(g.seconds_per_call.median * 1e3, 4),
                  std::to_string(g.calls_per_sample) + " x " + std::to_string(g.buffer_sets), g.algorithm});
  }
  table.print(std::cout);
}

void printOthers(const BenchResult& r) {
  if (r.fma_peak) {
    const FmaPeakMeasurement& f = *r.fma_peak;
    std::cout << "\nFP32 FMA peak (CUDA cores, independent FMA chains in registers):\n";
    printKeyValues(
        std::cout,
        {{"achieved", formatFlopsRate(f.achieved.value)},
         {"clock-based peak", std::to_string(f.sm_count) + " SMs x " + std::to_string(f.fp32_lanes_per_sm) +
                                  " lanes x 2 x " + formatNumber(f.measured_clock_mhz, 4) +
                                  " MHz (measured during the run) = " + formatFlopsRate(f.clock_peak.value)},
         {"fraction", percent(f.fraction_of_clock_peak)}});
  }
  if (!r.bandwidth.empty()) {
    std::cout << "\nMemory bandwidth (bytes read + bytes written are both counted):\n";
    Table table({"kernel", "achieved", "array size", "bytes per call", "of catalog"});
    for (const BandwidthMeasurement& b : r.bandwidth) {
      const char* copy_name =
          r.device.backend == BenchBackend::Cuda ? "copy (device to device)" : "copy (memcpy)";
      table.addRow({b.kernel == BandwidthKernel::DeviceCopy ? copy_name : "triad a = b + s*c",
                    formatBytes(b.bytes_per_second) + "/s", formatBytes(static_cast<double>(b.array_bytes)),
                    formatBytes(b.bytes_per_call), percent(b.fraction_of_catalog)});
    }
    table.print(std::cout);
  }
  if (!r.warnings.empty()) {
    std::cout << "\nWarnings:\n";
    for (const std::string& w : r.warnings) std::cout << "  - " << w << "\n";
  }
}

void printModelStep(const BenchResult& r, const ModelStep& step, bool details) {
  std::cout
      << "\nModel step: " << step.label << "\n"
      << "  " << step.gemms.size() << " GEMMs, " << formatFlops(totalFlopsPerStep(step.gemms))
      << " per step per GPU; each costed at its shape's measured median. Not included: attention's\n"
      << "  score and context products (batched, usually fused by FlashAttention), norms, activations.\n"
      << "  The FLOP-weighted rate is this model's matrix-product ceiling here: an MFU above its\n"
      << "  utilisation is not reachable.\n";
  Table table({"precision", "GEMM time per step", "FLOP-weighted rate", "utilisation", "note"});
  // Milliseconds under a second, seconds above.
  auto duration = [](double seconds) {
    return seconds < 1.0 ? formatNumber(seconds * 1e3, 4) + " ms" : formatNumber(seconds, 4) + " s";
  };
  const std::vector<WeightedGemm> mix = step.mix();
  for (const PrecisionSummary& s : r.summary) {
    auto e = estimateGemmMix(r, s.precision, mix);
    if (!e) {
      table.addRow({std::string(toString(s.precision)), "-", "-", "-", e.message()});
      continue;
    }
    table.addRow({std::string(toString(s.precision)), duration(e->seconds.value),
                  formatFlopsRate(e->rate.value), percent(e->utilisation), ""});
  }
  table.print(std::cout);
  if (!details) return;
  std::cout << "\nThe step's GEMMs (calls per step; share of the step's FLOPs):\n";
  Table each({"layer", "pass", "shape (MxNxK)", "calls", "FLOP share"});
  const double total = totalFlopsPerStep(step.gemms);
  for (const ModelGemm& g : step.gemms) {
    each.addRow({g.layer, std::string(toString(g.pass)), GemmShape{g.m, g.n, g.k}.toString(),
                 formatNumber(g.calls_per_step, 6), percent(g.flopsPerStep() / total)});
  }
  each.print(std::cout);
}

// Option errors name BenchOptions fields ("min_timed_ms: ..."); on the command line the flag is
// the name the user knows.
std::string withFlagNames(std::string message) {
  static const std::pair<const char*, const char*> kFlags[] = {{"repeats", "--repeats"},
                                                               {"warmup_calls", "--warmup"},
                                                               {"min_timed_ms", "--min-ms"},
                                                               {"workspace_bytes", "--workspace-mib"},
                                                               {"algorithm_candidates", "--candidates"},
                                                               {"precisions", "--precision"},
                                                               {"extra_shapes", "--shapes"},
                                                               {"device_index", "--device"},
                                                               {"catalog_id", "--match"}};
  for (const auto& [field, flag] : kFlags) {
    const std::string prefix = std::string(field);
    if (message.rfind(prefix, 0) == 0 && message.size() > prefix.size() &&
        (message[prefix.size()] == ':' || message[prefix.size()] == '[' || message[prefix.size()] == ' ')) {
      return flag + message.substr(prefix.size());
    }
  }
  return message;
}

int runBench(const std::vector<std::string>& args) {
  ArgParser p(
      kCommand,
      "Measures what this machine's GPU achieves: dense matrix-product throughput per precision through\n"
      "cuBLASLt (fp32, tf32, bf16, fp16, fp8, int8), the FP32 FMA peak and memory bandwidth, and compares\n"
      "them with the hardware catalog's dense peaks. The result file can be used by the planner:\n"
      "'scaleplan-cli plan --gpu measured:FILE'.");
  p.option("backend", "B",
           kBenchBackendNames.joinedMarkingDefault(BenchOptions{}.backend, " or ") +
               " (Eigen; exercises the same flow without a GPU)")
      .flag("quick", "a few large square and LLM-like shapes (default; under 30 s on an H100)")
      .flag("thorough", "a sweep of squares and M,N,K in {2048..16384}: best, median and geometric mean")
      .option("precision", "LIST",
              "comma-separated, e.g. bf16,fp8 (default: cuda fp32,tf32,bf16,fp16,fp8,int8; cpu fp64,fp32)")
      .option("shapes", "LIST", "extra shapes MxNxK[,MxNxK...], e.g. the GEMMs of your model")
      .option("model", "ID",
              "a model preset ('scaleplan-cli models'): adds the GEMMs of its training step and prints the\n"
              "step's matrix-product time and FLOP-weighted rate per precision")
      .option("tokens", "N", "with --model: tokens per micro-batch on one GPU (default 8192)")
      .option("tp", "N", "with --model: tensor-parallel degree (default 1)")
      .flag("forward-only", "with --model: the forward GEMMs only (inference prefill)")
      .flag("only-shapes", "measure only the --shapes, not the mode's list")
      .option("repeats", "N", "timed samples per shape (default 10)")
      .option("warmup", "N", "untimed calls per shape before its samples (default 3)")
      .option("min-ms", "MS", "shortest timed region in ms, >= 1 (default 1)")
      .option("candidates", "N", "cuBLASLt heuristic candidates timed per shape (default 4)")
      .option("workspace-mib", "N", "cuBLASLt workspace in MiB, >= 32 (default 64)")
      .option("seed", "N", "random input seed")
      .option("device", "N", "CUDA device ordinal (default 0)")
      .option("match", "ID", "compare with this catalog entry instead of matching by SM count and memory")
      .flag("fp8-fast-accum", "use cuBLASLt's FP8 fast accumulation (recorded in the result)")
      .flag("no-flush", "do not flush the cache or rotate operands (measures hot-cache figures)")
      .flag("no-check", "skip the correctness checks")
      .flag("no-fma", "skip the FP32 FMA peak")
      .flag("no-bandwidth", "skip the bandwidth measurements")
      .flag("details", "print every shape's measurement")
      .flag("quiet", "no progress on stderr")
      .flag("json", "print the result document (JSON) instead of tables")
      .option("out", "FILE", "also write the result document to FILE")
      .epilog(
          "Exit status: 0 ok, 1 a correctness check failed or another error, 2 usage, 3 no CUDA device\n"
          "(or no CUDA backend in this build) and no '--backend cpu'.\n"
          "Examples:\n"
          "  scaleplan-cli bench --out h100.json\n"
          "  scaleplan-cli bench --thorough --precision bf16,fp8 --details\n"
          "  scaleplan-cli bench --shapes 16384x53248x16384,16384x16384x53248 --precision bf16\n"
          "  scaleplan-cli bench --model llama3-70b --tp 8 --tokens 8192 --precision bf16,fp8 --only-shapes\n"
          "  scaleplan-cli bench --backend cpu --quick --json");
  return runWithParser(p, args, [&]() -> int {
    BenchOptions o;
    if (auto b = p.get("backend")) {
      auto backend = benchBackendFromString(*b);
      if (!backend)
        return fail(kCommand, "--backend: '" + *b + "' is not a backend (expected " + kBenchBackendNames.joined(" or ") + ")", kExitUsage);
      o.backend = *backend;
    }
    if (p.has("quick") && p.has("thorough"))
      return fail(kCommand, "--quick and --thorough exclude each other", kExitUsage);
    o.mode = p.has("thorough") ? BenchMode::Thorough : BenchMode::Quick;
    if (auto list = p.get("precision")) {
      auto precisions = parsePrecisionList(*list);
      if (!precisions) return fail(kCommand, "--precision: " + precisions.message(), kExitUsage);
      o.precisions = *precisions;
    }
    if (auto list = p.get("shapes")) {
      auto shapes = parseShapeList(*list);
      if (!shapes) return fail(kCommand, "--shapes: " + shapes.message(), kExitUsage);
      o.extra_shapes = *shapes;
    }
    o.use_mode_shapes = !p.has("only-shapes");
    std::optional<ModelStep> model_step;
    if (auto id = p.get("model")) {
      ModelGemmOptions mo;
      for (const char* name : {"tokens", "tp"}) {
        auto v = p.getInt(name);
        if (!v) return fail(kCommand, v.message(), kExitUsage);
        if (*v) (std::string(name) == "tokens" ? mo.tokens : mo.tensor_parallel) = **v;
      }
      mo.backward = !p.has("forward-only");
      std::string why_not;
      if (!mo.isValid(&why_not)) {
        // "tensor_parallel: must be positive, got 0" -> "--tp: must be positive, got 0".
        const std::string field = why_not.substr(0, why_not.find(':'));
        return fail(
            kCommand,
            "--" + (field == "tensor_parallel" ? std::string("tp") : field) + why_not.substr(field.size()),
            kExitUsage);
      }
      auto models = ModelCatalog::loadDefault();
      if (!models) return fail(kCommand, models.message());
      auto preset = models->get(*id);
      if (!preset) return fail(kCommand, "--model: " + preset.message(), kExitUsage);
      auto step = makeModelStep(**preset, mo);
      if (!step) return fail(kCommand, "--model " + *id + ": " + step.message());
      model_step = std::move(step).value();
      addModelStepShapes(*model_step, o);
    } else {
      for (const char* name : {"tokens", "tp", "forward-only"}) {
        if (p.has(name)) return fail(kCommand, "--" + std::string(name) + " needs --model", kExitUsage);
      }
    }
    struct IntOption {
      const char* name;
      long long* out;
    };
    long long repeats = o.repeats, warmup = o.warmup_calls, candidates = o.algorithm_candidates,
              workspace_mib = o.workspace_bytes >> 20, device = o.device_index,
              seed = static_cast<long long>(o.seed);
    for (IntOption opt : {IntOption{"repeats", &repeats}, IntOption{"warmup", &warmup},
                          IntOption{"candidates", &candidates}, IntOption{"workspace-mib", &workspace_mib},
                          IntOption{"device", &device}, IntOption{"seed", &seed}}) {
      auto v = p.getInt(opt.name);
      if (!v) return fail(kCommand, v.message(), kExitUsage);
      if (*v) *opt.out = **v;
    }
    auto min_ms = p.getDouble("min-ms");
    if (!min_ms) return fail(kCommand, min_ms.message(), kExitUsage);
    if (*min_ms) o.min_timed_ms = **min_ms;
    if (seed < 0) return fail(kCommand, "--seed: must be >= 0", kExitUsage);
    auto narrow = [](long long v) { return static_cast<int>(std::clamp<long long>(v, -1, 1 << 30)); };
    o.repeats = narrow(repeats);
    o.warmup_calls = narrow(warmup);
    o.algorithm_candidates = narrow(candidates);
    o.workspace_bytes = std::clamp<long long>(workspace_mib, 0, 1 << 20) << 20;
    o.device_index = narrow(device);
    o.seed = static_cast<std::uint64_t>(seed);
    if (auto id = p.get("match")) o.catalog_id = *id;
    o.fp8_fast_accumulation = p.has("fp8-fast-accum");
    o.flush_cache = !p.has("no-flush");
    o.check_correctness = !p.has("no-check");
    o.measure_fma_peak = !p.has("no-fma");
    o.measure_bandwidth = !p.has("no-bandwidth");
    std::string why;
    if (!o.isValid(&why)) return fail(kCommand, withFlagNames(why), kExitUsage);

    if (o.backend == BenchBackend::Cuda) {
      const CudaProbe probe = probeCudaDevice(o.device_index);
      if (!probe.isAvailable()) {
        return fail(
            kCommand,
            "no CUDA device to benchmark: " + probe.message + ". Use '--backend cpu' to benchmark the CPU.",
            kExitNoDevice);
      }
    }

    auto catalog = HardwareCatalog::loadDefault();
    if (!catalog)
      std::cerr << "scaleplan-cli bench: warning: " << catalog.message() << "; utilisation is not computed\n";
    const bool quiet = p.has("quiet");
    auto result =
        runBenchmark(o, catalog ? &*catalog : nullptr, [&](int done, int total, const std::string& label) {
          if (!quiet && done < total) std::cerr << "[" << done + 1 << "/" << total << "] " << label << "\n";
          return true;
        });
    if (!result) return fail(kCommand, withFlagNames(result.message()));
    if (auto out = p.get("out")) {
      Status written = writeBenchResult(*result, *out);
      if (!written) return fail(kCommand, written.message());
      if (!quiet)
        std::cerr << "scaleplan-cli bench: wrote " << *out << " (use it with 'plan --gpu measured:" << *out
                  << "')\n";
    }
    if (p.has("json")) {
      std::cout << benchResultToJson(*result);
    } else {
      printDevice(*result);
      printSummary(*result);
      if (p.has("details")) printDetails(*result);
      if (model_step) printModelStep(*result, *model_step, p.has("details"));
      printOthers(*result);
    }
    for (const CorrectnessCheck& c : result->correctness) {
      if (!c.passed) {
        return fail(kCommand, "the " + std::string(toString(c.precision)) +
                                  " correctness check FAILED (its timings are not reported): " + c.detail);
      }
    }
    for (const GemmMeasurement& g : result->gemm) {
      if (!g.ok && g.error.find("spot check") != std::string::npos) {
        return fail(kCommand, std::string(toString(g.precision)) + " " + g.shape.toString() + ": " + g.error);
      }
    }
    return kExitOk;
  });
}

const bool registered = registerCommand(
    {kCommand, "Benchmark this machine's GPU (or CPU): measured FLOP/s, bandwidth, utilisation", runBench});

}  // namespace
}  // namespace scaleplan::cli
