// scaleplan-cli count:  parameters and FLOPs of a Transformer (a preset or architecture flags).
// scaleplan-cli memory: training and inference memory, and how many GPUs it takes to hold it.
// scaleplan-cli models: the model presets with their published and counted sizes.
#include <cmath>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "base/file_io.hpp"
#include "base/format.hpp"
#include "architecture_flags.hpp"
#include "cli.hpp"
#include "counting/architecture.hpp"
#include "counting/count_report.hpp"
#include "counting/flops.hpp"
#include "counting/memory.hpp"
#include "counting/model_presets.hpp"
#include "hardware/accelerator.hpp"
#include "json_out.hpp"

namespace scaleplan::cli {
namespace {

namespace bj = boost::json;

const char* kCount = "count";
const char* kMemory = "memory";
const char* kModels = "models";


Result<std::int64_t> positiveInt(const ArgParser& p, const std::string& name, std::int64_t fallback) {
  auto v = p.getInt(name);
  if (!v) return v.error();
  if (!*v) return fallback;
  if (**v <= 0) return Error{"--" + name + ": must be positive, got " + std::to_string(**v)};
  return **v;
}

std::string countCell(double n) {
  return formatCount(n) + " (" + formatThousands(n) + ")";
}

// --- count ---------------------------------------------------------------------------------------

int runCount(const std::vector<std::string>& args) {
  ArgParser p(
      kCount,
      "Counts a Transformer's parameters (total, active per token, embedding, non-embedding) and its\n"
      "FLOPs: per token by 6N, by the per-component count of Hoffmann et al. 2022 appendix F\n"
      "(backward = 2 x forward), and by PaLM's MFU formula 6N + 12*L*H*Q*T; and training FLOPs\n"
      "for D tokens.");
  addArchitectureOptions(p);
  p.option("tokens", "D", "training tokens (default: the preset's published figure, if any)")
      .option("seq", "T", "sequence length for the attention terms (default 2048)")
      .flag("causal", "halve the attention-score FLOPs (causal mask); default counts the full square")
      .option("recompute", "MODE",
              "activation recomputation for hardware FLOPs: " + kRecomputeNames.joinedWithDefault(FlopsOptions{}.recompute))
      .flag("json", "machine-readable output");
  p.epilog(
      "Examples:\n  scaleplan-cli count --preset llama3-8b\n"
      "  scaleplan-cli count --layers 32 --d-model 4096 --heads 32 --kv-heads 8 --d-ff 14336 --vocab 128256 "
      "--tokens 15e12");
  return runWithParser(p, args, [&]() -> int {
    int status = kExitUsage;
    auto model = resolveModel(p, &status);
    if (!model) return fail(kCount, model.message(), status);
    const TransformerArchitecture& a = model->arch;

    FlopsOptions fo;
    auto seq = positiveInt(p, "seq", 2048);
    if (!seq) return fail(kCount, seq.message(), kExitUsage);
    fo.seq_len = *seq;
    fo.causal = p.has("causal");
    if (std::string why; !fo.isValid(&why)) return fail(kCount, "--seq: " + why);
    if (auto e = readEnum(p, "recompute", fo.recompute, recomputeFromString, allRecomputeNames())) {
      return fail(kCount, e->message, e->status);
    }
    auto tokens_opt = p.getDouble("tokens");
    if (!tokens_opt) return fail(kCount, tokens_opt.message(), kExitUsage);
    std::optional<double> tokens = *tokens_opt;
    bool published_tokens = false;
    if (tokens && !(*tokens > 0))
      return fail(kCount, "--tokens: must be positive, got " + formatNumber(*tokens));
    if (tokens && *tokens > kMaxTrainingTokens) {
      return fail(kCount, "--tokens: " + formatNumber(*tokens) + " is beyond the " + formatNumber(kMaxTrainingTokens) +
                              " accepted (the largest published training sets are about 1.5e13 tokens)");
    }
    if (!tokens && model->preset && model->preset->training_tokens) {
      tokens = model->preset->training_tokens;
      published_tokens = true;
    }

    CountReport report = makeCountReport(a, fo, tokens);
    if (model->preset) report.preset_id = model->preset->id;
    report.name = model->preset ? model->preset->name : model->label;
    if (p.has("json")) {
      std::cout << countReportToJson(report);
      return kExitOk;
    }
    const ParameterCount& c = report.params;
    const ForwardFlops& f = report.forward;
    const TrainingFlopsPerToken& t = report.training;
    const double six_n = report.six_n, palm = report.palm_mfu, inference = report.inference;

    std::vector<std::pair<std::string, std::string>> rows;
    rows.emplace_back("model", model->label);
    rows.emplace_back("parameters", countCell(c.total));
    if (a.isMoe()) rows.emplace_back("active per token", countCell(c.active));
    rows.emplace_back("embedding", countCell(c.embedding));
    rows.emplace_back("non-embedding", countCell(c.non_embedding));
    if (model->preset) {
      const ModelPreset& m = *model->preset;
      rows.emplace_back(
          "published",
          formatCount(m.published_params) +
              (m.published_params_scope == ParamsScope::NonEmbedding ? " non-embedding" : "") +
              " (counted differs by " +
              formatNumber(100.0 * (m.countedParamsInPublishedScope() / m.published_params - 1.0), 2) + "%)");
    }
    printKeyValues(std::cout, rows);

    std::cout << "\nTraining FLOPs per token (sequence " << fo.seq_len << (fo.causal ? ", causal" : "")
              << "):\n";
    Table per_token({"method", "FLOPs/token", "vs 6N"});
    auto vs = [&](double x) { return formatNumber(x / six_n, 4); };
    per_token.addRow({"6N (Kaplan et al. 2020)", formatScientific(six_n, 4), "1"});
    per_token.addRow({"detailed, 3 x forward (Hoffmann et al. 2022 app. F)", formatScientific(t.model(), 4),
                      vs(t.model())});
    if (fo.recompute != Recompute::None) {
      per_token.addRow({"hardware, " + std::string(toString(fo.recompute)) + " recomputation",
                        formatScientific(t.hardware(), 4), vs(t.hardware())});
    }
    per_token.addRow({"6N + 12LHQT (PaLM app. B)", formatScientific(palm, 4), vs(palm)});
    per_token.addRow({"the same without input lookups (MFU: Megatron-LM, torchtitan)",
                      formatScientific(report.mfu_model, 4), vs(report.mfu_model)});
    per_token.addRow({"inference forward, 2N", formatScientific(inference, 4), vs(inference)});
    per_token.print(std::cout);

    std::cout << "\nForward FLOPs per token by component:\n";
    Table parts({"component", "FLOPs/token", "share"});
    auto add = [&](const std::string& name, double v) {
      if (v == 0.0 && name == "MoE router") return;
      parts.addRow({name, formatScientific(v, 4), formatNumber(100.0 * v / f.total(), 3) + "%"});
    };
    add("embedding", f.embedding);
    add("Q/K/V projections", f.qkv);
    add("attention logits QK^T", f.attention_logits);
    add("attention softmax", f.attention_softmax);
    add("softmax x V", f.attention_values);
    add("attention output", f.attention_output);
    add("MLP", f.mlp);
    add("MoE router", f.router);
    add("logits (unembedding)", f.logits);
    add("total forward", f.total());
    parts.print(std::cout);

    if (tokens) {
      std::vector<std::pair<std::string, std::string>> train;
      train.emplace_back("training tokens", formatCount(*tokens) + (published_tokens ? " (published)" : ""));
      train.emplace_back("training FLOPs, 6ND", formatFlops(report.training_flops_6nd));
      train.emplace_back("training FLOPs, detailed", formatFlops(report.training_flops_detailed));
      if (fo.recompute != Recompute::None) {
        train.emplace_back("hardware FLOPs (recompute)", formatFlops(report.training_flops_hardware));
      }
      train.emplace_back("tokens per parameter", formatNumber(*tokens / c.active, 4));
      std::cout << "\n";
      printKeyValues(std::cout, train);
    }
    return kExitOk;
  });
}

// --- memory --------------------------------------------------------------------------------------

int runMemory(const std::vector<std::string>& args) {
  ArgParser p(
      kMemory,
      "Memory to train a model (weights, gradients, master weights, optimizer state, activations after\n"
      "Korthikanti et al. 2022) and to serve it (weights per precision plus the KV cache), and how\n"
      "many GPUs it takes just to hold it.");
  addArchitectureOptions(p);
  p.option("precision", "P",
           "training precision of weights and gradients: fp32, tf32, bf16, fp16, fp8 (default bf16)")
      .option("optimizer", "O", "optimizer: " + kOptimizerNames.joinedWithDefault(TrainingStateOptions{}.optimizer))
      .flag("fp32-grad-accumulation", "an extra FP32 gradient buffer (+4 B/param; 20 B/param with AdamW)")
      .option("micro-batch", "B",
              "sequences per micro-batch for activations; batch for the KV cache (default 1)")
      .option("seq", "T", "sequence length; also the KV-cache context (default 2048)")
      .option("recompute", "MODE", "activation recomputation: " + kRecomputeNames.joinedWithDefault(ActivationOptions{}.recompute))
      .flag("flash-attention", "attention scores are not stored (drops the 5as/h term)")
      .option("kv-precision", "P", "KV-cache precision (default bf16)")
      .option("gpu", "ID", "accelerator from the hardware catalog (its memory size)")
      .option("gpu-memory-gb", "G", "memory per GPU as vendors state it (binary GB, GiB: 80 for an 80GB card), instead of --gpu")
      .flag("json", "machine-readable output");
  p.epilog(
      "Examples:\n  scaleplan-cli memory --preset llama3-70b --gpu h100-sxm\n"
      "  scaleplan-cli memory --preset llama2-7b --micro-batch 4 --seq 4096 --recompute selective "
      "--gpu-memory-gb 80");
  return runWithParser(p, args, [&]() -> int {
    int status = kExitUsage;
    auto model = resolveModel(p, &status);
    if (!model) return fail(kMemory, model.message(), status);
    const TransformerArchitecture& a = model->arch;

    TrainingStateOptions state;
    if (auto prec = p.get("precision")) {
      auto pr = precisionFromString(*prec);
      if (!pr) {
        return fail(
            kMemory,
            "--precision: unknown precision '" + *prec + "' (expected one of " + allPrecisionNames() + ")",
            kExitUsage);
      }
      state.precision = *pr;
    }
    std::string why;
    if (!state.isValid(&why)) return fail(kMemory, "--" + why);
    if (auto e = readEnum(p, "optimizer", state.optimizer, optimizerFromString, allOptimizerNames())) {
      return fail(kMemory, e->message, e->status);
    }
    state.fp32_grad_accumulation = p.has("fp32-grad-accumulation");

    ActivationOptions act;
    auto batch = positiveInt(p, "micro-batch", 1);
    if (!batch) return fail(kMemory, batch.message(), kExitUsage);
    auto seq = positiveInt(p, "seq", 2048);
    if (!seq) return fail(kMemory, seq.message(), kExitUsage);
    act.micro_batch = *batch;
    act.seq_len = *seq;
    act.flash_attention = p.has("flash-attention");
    if (!act.isValid(&why)) return fail(kMemory, "--seq or --micro-batch: " + why);
    if (auto e = readEnum(p, "recompute", act.recompute, recomputeFromString, allRecomputeNames())) {
      return fail(kMemory, e->message, e->status);
    }

    InferenceOptions inf;
    inf.batch = act.micro_batch;
    inf.context = act.seq_len;
    if (auto prec = p.get("kv-precision")) {
      auto pr = precisionFromString(*prec);
      if (!pr) {
        return fail(
            kMemory,
            "--kv-precision: unknown precision '" + *prec + "' (expected one of " + allPrecisionNames() + ")",
            kExitUsage);
      }
      inf.kv_precision = *pr;
    }

    // Memory per GPU: from --gpu (hardware catalog) or --gpu-memory-gb.
    std::optional<double> gpu_gb;
    std::string gpu_label;
    if (p.has("gpu") && p.has("gpu-memory-gb"))
      return fail(kMemory, "give --gpu or --gpu-memory-gb, not both", kExitUsage);
    if (auto id = p.get("gpu")) {
      auto catalog = HardwareCatalog::loadDefault();
      if (!catalog) return fail(kMemory, catalog.message());
      auto acc = catalog->get(*id);
      if (!acc) return fail(kMemory, acc.message());
      gpu_gb = (*acc)->memory_gb;
      gpu_label = (*acc)->id + ", " + formatNumber(*gpu_gb, 4) + " GiB";
    }
    auto gb = p.getDouble("gpu-memory-gb");
    if (!gb) return fail(kMemory, gb.message(), kExitUsage);
    if (*gb) {
      if (!(**gb > 0)) return fail(kMemory, "--gpu-memory-gb: must be positive, got " + formatNumber(**gb));
      gpu_gb = **gb;
      gpu_label = formatNumber(**gb, 4) + " GiB";
    }

    const ParameterCount c = countParameters(a);
    const TrainingMemory tm = trainingMemory(a, state, act);
    const BytesPerParameter bpp = trainingBytesPerParameter(state);
    const InferenceMemory kv_only = inferenceMemory(a, inf);
    auto gpus = [&](double bytes) -> std::optional<std::int64_t> {
      if (!gpu_gb) return std::nullopt;
      auto n = gpusToHold(bytes, *gpu_gb);
      return n ? std::optional<std::int64_t>(*n) : std::nullopt;
    };
    const Precision serving[] = {Precision::Fp32, Precision::Bf16, Precision::Fp8, Precision::Int8,
                                 Precision::Int4};

    if (p.has("json")) {
      bj::object o;
      if (model->preset) o["preset"] = model->preset->id;
      o["name"] = model->preset ? model->preset->name : model->label;
      o["params"] = parameterCountToJsonObject(c);
      bj::object train;
      train["precision"] = toString(state.precision);
      train["optimizer"] = toString(state.optimizer);
      train["bytes_per_param"] = bpp.total();
      train["weights"] = tm.weights;
      train["gradients"] = tm.gradients;
      train["grad_accumulation"] = tm.grad_accumulation;
      train["master_weights"] = tm.master_weights;
      train["optimizer_state"] = tm.optimizer;
      train["state"] = tm.state();
      train["activations"] = tm.activations;
      train["activations_per_layer"] = activationBytesPerLayer(a.d_model, a.heads, act);
      train["micro_batch"] = act.micro_batch;
      train["seq_len"] = act.seq_len;
      train["recompute"] = toString(act.recompute);
      train["flash_attention"] = act.flash_attention;
      train["total"] = tm.total();
      if (auto n = gpus(tm.total())) train["gpus_to_hold"] = *n;
      o["training"] = std::move(train);
      bj::object infer;
      infer["kv_precision"] = toString(inf.kv_precision);
      infer["batch"] = inf.batch;
      infer["context"] = inf.context;
      infer["kv_cache_bytes_per_token"] = kvCacheBytesPerToken(a, inf.kv_precision);
      infer["kv_cache"] = kv_only.kv_cache;
      bj::object weights;
      for (Precision pr : serving) {
        bj::object w;
        w["weights"] = inferenceWeightBytes(c.total, pr);
        w["total"] = inferenceWeightBytes(c.total, pr) + kv_only.kv_cache;
        if (auto n = gpus(inferenceWeightBytes(c.total, pr) + kv_only.kv_cache)) w["gpus_to_hold"] = *n;
        weights[toString(pr)] = std::move(w);
      }
      infer["by_precision"] = std::move(weights);
      o["inference"] = std::move(infer);
      if (gpu_gb) o["gpu_memory_gb"] = *gpu_gb;
      printJson(o);
      return kExitOk;
    }

    printKeyValues(
        std::cout,
        {{"model", model->label},
         {"parameters", countCell(c.total) + (a.isMoe() ? ", " + formatCount(c.active) + " active" : "")},
         {"GPU", gpu_gb ? gpu_label : "none given (--gpu ID or --gpu-memory-gb G)"}});

    std::cout << "\nTraining (" << toString(state.precision) << ", " << toString(state.optimizer)
              << ", micro-batch " << act.micro_batch << " x " << act.seq_len << " tokens, recompute "
              << toString(act.recompute) << (act.flash_attention ? ", FlashAttention" : "") << "):\n";
    Table train({"part", "bytes", "B/param"});
    auto row = [&](const std::string& name, double bytes, double per_param) {
      train.addRow({name, formatBytes(bytes), per_param > 0 ? formatNumber(per_param, 3) : "-"});
    };
    row("weights", tm.weights, bpp.weights);
    row("gradients", tm.gradients, bpp.gradients);
    if (bpp.grad_accumulation > 0)
      row("fp32 gradient accumulation", tm.grad_accumulation, bpp.grad_accumulation);
    if (bpp.master_weights > 0) row("fp32 master weights", tm.master_weights, bpp.master_weights);
    row("optimizer state", tm.optimizer, bpp.optimizer);
    row("state total", tm.state(), bpp.total());
    train.addRow({"activations (" + std::to_string(a.layers) + " layers)", formatBytes(tm.activations),
                  formatBytes(activationBytesPerLayer(a.d_model, a.heads, act)) + "/layer"});
    train.addRow({"total", formatBytes(tm.total()), ""});
    train.print(std::cout);
    if (auto n = gpus(tm.total())) {
      std::cout << "GPUs to hold it (" << gpu_label << "): " << *n << " (state alone: " << *gpus(tm.state())
                << "; unsharded activations of one micro-batch counted once)\n";
    }

    std::cout << "\nInference (KV cache " << toString(inf.kv_precision) << ", batch " << inf.batch
              << " x context " << inf.context << ": " << formatBytes(kv_only.kv_cache) << ", "
              << formatBytes(kvCacheBytesPerToken(a, inf.kv_precision)) << " per token):\n";
    std::vector<std::string> headers = {"weights precision", "weights", "weights + KV cache"};
    if (gpu_gb) headers.push_back("GPUs");
    Table infer(headers);
    for (Precision pr : serving) {
      const double w = inferenceWeightBytes(c.total, pr);
      std::vector<std::string> cells = {std::string(toString(pr)), formatBytes(w),
                                        formatBytes(w + kv_only.kv_cache)};
      if (auto n = gpus(w + kv_only.kv_cache)) cells.push_back(std::to_string(*n));
      infer.addRow(cells);
    }
    infer.print(std::cout);
    return kExitOk;
  });
}

// --- models --------------------------------------------------------------------------------------

int runModels(const std::vector<std::string>& args) {
  ArgParser p(kModels,
              "Lists the model presets (data/models.json): published size and training tokens, the size\n"
              "counted from each architecture, and the source of the figures.");
  p.flag("json", "machine-readable output");
  p.epilog("The catalog is " + (dataDirectory() / "models.json").string() +
           ".\nUse an id with 'scaleplan-cli count --preset ID' or 'memory --preset ID'.");
  return runWithParser(p, args, [&]() -> int {
    auto catalog = ModelCatalog::loadDefault();
    if (!catalog) return fail(kModels, catalog.message());
    if (p.has("json")) {
      bj::array list;
      for (const ModelPreset& m : catalog->models()) {
        const ParameterCount c = countParameters(m.architecture);
        bj::object o;
        o["id"] = m.id;
        o["name"] = m.name;
        o["organization"] = m.organization;
        o["year"] = m.year;
        o["published_params"] = m.published_params;
        o["nominal_params"] = m.nominal_params;
        o["published_params_scope"] = toString(m.published_params_scope);
        o["published_active_params"] =
            m.published_active_params ? bj::value(*m.published_active_params) : bj::value(nullptr);
        o["training_tokens"] = m.training_tokens ? bj::value(*m.training_tokens) : bj::value(nullptr);
        o["counted_params"] = parameterCountToJsonObject(c);
        o["source"] = m.source;
        o["architecture"] = architectureToJsonObject(m.architecture);
        list.push_back(std::move(o));
      }
      printJson(list);
      return kExitOk;
    }
    Table t({"id", "name", "year", "published", "counted", "diff", "active", "tokens", "tokens/param"});
    for (const ModelPreset& m : catalog->models()) {
      const ParameterCount c = countParameters(m.architecture);
      const double counted = m.countedParamsInPublishedScope();
      const bool non_emb = m.published_params_scope == ParamsScope::NonEmbedding;
      t.addRow({m.id, m.name, std::to_string(m.year),
                formatCount(m.published_params) + (non_emb ? " non-emb" : ""),
                formatCount(counted) + (non_emb ? " non-emb" : ""),
                formatNumber(100.0 * (counted / m.published_params - 1.0), 2) + "%",
                m.architecture.isMoe() ? formatCount(c.active) : "-",
                m.training_tokens ? formatCount(*m.training_tokens) : "n/a",
                m.training_tokens ? formatNumber(*m.training_tokens / c.active, 4) : "-"});
    }
    t.print(std::cout);
    return kExitOk;
  });
}

const bool registered_count = registerCommand(
    {kCount, "Parameters and FLOPs of a Transformer (preset or architecture flags)", runCount});
const bool registered_memory =
    registerCommand({kMemory, "Training and inference memory, and GPUs needed to hold a model", runMemory});
const bool registered_models =
    registerCommand({kModels, "List the model presets with published and counted sizes", runModels});

}  // namespace
}  // namespace scaleplan::cli
