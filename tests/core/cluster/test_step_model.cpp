// The step model: Korthikanti et al. 2022 activation memory per recompute mode (hand-computed),
// a step costed with measured H200 rates (the benchmark's own medians), memory verdicts, bad
// layouts naming field and numbers.
#include <cmath>
#include <string>

#include "cluster/layout_search.hpp"
#include "counting/model_presets.hpp"
#include "gpubench/bench_json.hpp"
#include "gpubench/gemm_mix.hpp"
#include "gpubench/measured_accelerator.hpp"
#include "counting/model_gemms.hpp"
#include "shipped_catalogs.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

const std::string kH200 = std::string(SCALEPLAN_TEST_DATA_DIR) + "/h200-gpubench/";

SystemCatalog systems() { return test::shippedSystems(); }

ModelPreset preset(const std::string& id) { return test::shippedPreset(id); }

// A GPT layer as in Korthikanti et al.: h 12288, a 96, GELU MLP of 4h, multi-head attention.
TransformerArchitecture gpt175() {
  TransformerArchitecture a;
  a.layers = 96, a.d_model = 12288, a.heads = 96, a.d_ff = 4 * 12288, a.mlp = MlpKind::Gelu;
  a.vocab = 51200, a.tied_embeddings = true, a.positions = PositionKind::Learned, a.max_seq_len = 2048;
  a.biases = true, a.norm = NormKind::LayerNorm;
  return a;
}

double activation(const TransformerArchitecture& a, int tp, bool sp, Recompute r, bool flash = false,
                  std::int64_t seq = 2048) {
  ParallelLayout l;
  l.tp = tp, l.sequence_parallel = sp, l.recompute = r;
  return layerActivationBytes(a, 0, seq, l, flash);
}

}  // namespace

class TestStepModel : public QObject {
  Q_OBJECT
 private slots:
  // s 2048, b 1, h 12288, a 96: sbh = 25,165,824 and 5as/h = 80.
  void activationsPerRecomputeMode() {
    const auto a = gpt175();
    const double sbh = 2048.0 * 12288.0;
    SP_COMPARE_REL(activation(a, 1, false, Recompute::None), sbh * (34 + 80), 1e-12);  // 2,868,903,936
    SP_COMPARE_REL(activation(a, 8, false, Recompute::None), sbh * (10 + 24.0 / 8 + 80.0 / 8), 1e-12);
    SP_COMPARE_REL(activation(a, 8, true, Recompute::None), sbh / 8 * (34 + 80), 1e-12);  // 358,612,992
    SP_COMPARE_REL(activation(a, 8, false, Recompute::Selective), sbh * (10 + 24.0 / 8), 1e-12);
    SP_COMPARE_REL(activation(a, 8, true, Recompute::Selective), sbh * 34 / 8, 1e-12);  // 106,954,752
    SP_COMPARE_REL(activation(a, 8, false, Recompute::Full), 2 * sbh, 1e-12);
    SP_COMPARE_REL(activation(a, 8, true, Recompute::Full), 2 * sbh / 8, 1e-12);
    // FlashAttention never stores the scores: as selective.
    SP_COMPARE_REL(activation(a, 8, true, Recompute::None, true), sbh * 34 / 8, 1e-12);
    // Generalised to GQA and SwiGLU (Llama 3 8B: h 4096, 32 heads of 128, 8 KV heads, d_ff 14336):
    // 10 + 2·(2·1 + 2·0.25) + 6·3.5 = 36 per s·b·h.
    const auto llama = preset("llama3-8b").architecture;
    SP_COMPARE_REL(activation(llama, 1, false, Recompute::None, true, 4096), 4096.0 * 4096.0 * 36.0, 1e-12);
  }

  // Llama 3 70B, TP 8, one micro-batch of 8192 tokens: the configuration of model.json
  // ('bench --model llama3-70b --tp 8 --tokens 8192' on an H200). Costed with that file, the
  // step's linear-layer time must be the benchmark's own medians summed over the step's GEMMs
  // (estimateGemmMix, an independent path; SOURCE.md quotes 571 ms).
  void measuredRatesAreUsed() {
    auto bench = loadBenchResult(kH200 + "model.json");
    QVERIFY2(bench, bench.message().c_str());
    auto accelerator = acceleratorFromBenchmark(*bench);
    QVERIFY2(accelerator, accelerator.message().c_str());
    auto rates = GemmRates::fromBenchmark(*bench, Precision::Bf16, *accelerator, "model.json");
    QVERIFY2(rates, rates.message().c_str());
    QVERIFY(rates->measured());
    const ModelPreset p = preset("llama3-70b");
    ModelGemmOptions go;
    go.tokens = 8192;
    go.tensor_parallel = 8;
    auto gemms = modelGemms(p.architecture, go);
    QVERIFY2(gemms, gemms.message().c_str());
    std::vector<WeightedGemm> weighted;
    for (const auto& g : *gemms) weighted.push_back({GemmShape{g.m, g.n, g.k}, g.calls_per_step, g.layer});
    auto mix = estimateGemmMix(*bench, Precision::Bf16, weighted);
    QVERIFY2(mix, mix.message().c_str());
    SP_COMPARE_REL(mix->seconds.value, 0.571, 0.005);

    ClusterSystem system = genericSystemFor(*accelerator, systems().find("hgx-h200"));
    TrainingJob job;
    job.arch = p.architecture;
    job.seq_len = 8192;
    job.global_batch = 1;
    job.gpus = 8;
    ParallelLayout l;
    l.tp = 8;
    auto e = estimateStep(job, l, system, *rates);
    QVERIFY2(e, e.message().c_str());
    SP_COMPARE_REL(e->time.gemm, mix->seconds.value, 1e-9);
    // A shape the benchmark did not run takes its neighbours' rate: 8192x1280x8192 lies between
    // measured shapes, so its time is within their per-FLOP range.
    const double t = rates->seconds(8192, 1280, 8192);
    QVERIFY(t > 0.0 && std::isfinite(t));
  }

  void layoutErrorsNameFieldAndNumbers() {
    TrainingJob job;
    job.arch = gpt175();
    job.global_batch = 1536;
    job.gpus = 1024;
    ParallelLayout l;
    l.tp = 8, l.pp = 7, l.dp = 1024 / 56;
    std::string error;
    QVERIFY(!l.isValid(job, &error));
    SP_VERIFY_CONTAINS(error, "gpus: 1024 is not tp × pp × dp × cp = 8 × 7 × 18 × 1 = 1008");
    l.pp = 64, l.dp = 2, l.tp = 8;
    QVERIFY(!l.isValid(job, &error));
    SP_VERIFY_CONTAINS(error, "pp: layers 96 are not divisible by pp × virtual_stages = 64 × 1");
    l.pp = 16, l.dp = 8, l.tp = 8, l.micro_batch = 5;
    QVERIFY(!l.isValid(job, &error));
    SP_VERIFY_CONTAINS(error, "global_batch: 1536 sequences are not divisible by micro_batch × dp = 5 × 8");
    l.micro_batch = 1, l.tp = 16, l.dp = 4;
    job.arch.heads = 24;
    job.arch.d_model = 24 * 512;
    QVERIFY(!l.isValid(job, &error));
    SP_VERIFY_CONTAINS(error, "tp: heads 24 are not divisible by tp 16");
  }

  // A search whose fixed fields leave nothing to enumerate says which field and numbers.
  void searchWithImpossibleFixedFieldsSaysWhy() {
    TrainingJob job;
    job.arch = gpt175();
    job.global_batch = 1536;
    job.gpus = 1024;
    const auto sys = systems();
    const ClusterSystem& a100 = *sys.find("dgx-a100");
    auto rates = GemmRates::fromCatalog(a100.accelerator, Precision::Fp16);
    QVERIFY(rates);
    LayoutSearchOptions o;
    o.tp = 8, o.pp = 3;  // 24 does not divide 1024
    auto r = searchLayouts(job, a100, *rates, o);
    QVERIFY(!r);
    SP_VERIFY_CONTAINS(r.message(), "no valid layout for 1024 GPUs: tp × pp × cp = 8 × 3 × 1 = 24 does not divide "
                                    "the 1024 GPUs");
    o.pp = 4, o.cp = 1, o.dp = 16;  // 8 × 4 × 1 × 16 = 512
    r = searchLayouts(job, a100, *rates, o);
    QVERIFY(!r);
    SP_VERIFY_CONTAINS(r.message(), "tp × pp × cp × dp = 8 × 4 × 1 × 16 = 512 is not the 1024 GPUs");
    o.dp.reset(), o.cp.reset();
    o.tp = 64;  // within the GPUs, but 96 heads do not split 64 ways
    o.pp = 1;
    r = searchLayouts(job, a100, *rates, o);
    QVERIFY(!r);
    SP_VERIFY_CONTAINS(r.message(), "tp: heads 96 are not divisible by tp 64");
  }

  // GPT-3 175B on 8 A100s cannot fit: the verdict says by how much and which term dominates.
  void notFittingSaysByHowMuch() {
    TrainingJob job;
    job.arch = gpt175();
    job.global_batch = 8;
    job.gpus = 8;
    job.precision = Precision::Fp16;
    ParallelLayout l;
    l.tp = 8;
    const auto sys = systems();
    const ClusterSystem& a100 = *sys.find("dgx-a100");
    auto rates = GemmRates::fromCatalog(a100.accelerator, Precision::Fp16);
    auto e = estimateStep(job, l, a100, *rates);
    QVERIFY2(e, e.message().c_str());
    QVERIFY(!e->fits);
    // 175e9 parameters / 8 × 16 bytes = 350 GB per GPU of training state, optimizer 12/16 of it.
    SP_COMPARE_REL(e->memory.optimizer, 12.0 * countParameters(job.arch).total / 8.0, 0.01);
    SP_VERIFY_CONTAINS(e->memoryVerdict(), "GB over; optimizer");
    auto none = searchLayouts(job, a100, *rates);
    QVERIFY(!none);
    SP_VERIFY_CONTAINS(none.message(), "no layout fits in memory");
  }

  // Mixtral 8x7B with expert parallelism: the routed experts' weights are split over EP, their
  // optimizer state sharded over the expert-data-parallel group only, the all-to-all appears, and
  // a model without experts cannot take EP.
  void expertParallelism() {
    TrainingJob job;
    job.arch = preset("mixtral-8x7b").architecture;
    job.seq_len = 4096;
    job.global_batch = 256;
    job.gpus = 64;
    const auto sys = systems();
    const ClusterSystem& h100 = *sys.find("hgx-h100");
    auto rates = GemmRates::fromCatalog(h100.accelerator, Precision::Bf16);
    ParallelLayout one, eight;
    one.tp = eight.tp = 2;
    one.dp = eight.dp = 32;
    one.sequence_parallel = eight.sequence_parallel = true;
    eight.ep = 8;
    auto a = estimateStep(job, one, h100, *rates);
    auto b = estimateStep(job, eight, h100, *rates);
    QVERIFY2(a && b, (a.message() + b.message()).c_str());
    QCOMPARE(a->time.ep_communication, 0.0);
    QVERIFY(b->time.ep_communication > 0.0);
    // Routed experts: 32 layers × 8 experts × 3 × 4096 × 14336 parameters, / tp, then / ep.
    const double routed = 32.0 * 8 * 3 * 4096 * 14336;
    SP_COMPARE_REL(a->memory.parameters_per_gpu - b->memory.parameters_per_gpu, routed / 2 * (1 - 1.0 / 8), 1e-9);
    // ZeRO shards each parameter over the ranks holding the same copy: the dense ones over DP 32,
    // the routed experts over the expert-data-parallel group, 32 / EP 8 = 4 ranks.
    ParallelLayout sharded = eight;
    sharded.zero_stage = 2;
    auto z = estimateStep(job, sharded, h100, *rates);
    QVERIFY2(z, z.message().c_str());
    const double total = countParameters(job.arch).total;
    const double dense_per_gpu = (total - routed) / 2, experts_per_gpu = routed / 2 / 8;
    SP_COMPARE_REL(z->memory.optimizer, 12.0 * (dense_per_gpu / 32 + experts_per_gpu / 4), 1e-9);
    SP_COMPARE_REL(z->memory.gradients, 4.0 * (dense_per_gpu / 32 + experts_per_gpu / 4), 1e-9);  // FP32
    SP_COMPARE_REL(z->memory.weights, 2.0 * (dense_per_gpu + experts_per_gpu), 1e-9);
    TrainingJob dense = job;
    dense.arch = gpt175();
    std::string error;
    eight.tp = 8, eight.dp = 8;
    QVERIFY(!eight.isValid(dense, &error));
    SP_VERIFY_CONTAINS(error, "ep: 8 needs a mixture-of-experts model");
    auto found = searchLayouts(job, h100, *rates);
    QVERIFY2(found, found.message().c_str());
    QVERIFY(found->best.front().estimate.fits);
  }

  // MoE parallel folding: Qwen3-30B-A3B on 16 GPUs with TP 2 · DP 8 cannot take EP 16 unless
  // the experts leave TP (expert TP 1), when EP spans the TP ranks. Then each GPU holds 128 / 16
  // whole experts (48 layers of 3 · 2048 · 768 each) beside half of the rest, and the experts'
  // optimizer state is not sharded (expert data parallelism 2 · 8 / (1 · 16) = 1).
  void moeParallelFolding() {
    TrainingJob job;
    job.arch = preset("qwen3-30b-a3b").architecture;
    job.seq_len = 4096, job.global_batch = 64, job.gpus = 16;
    ParallelLayout l;
    l.tp = 2, l.dp = 8, l.ep = 16, l.sequence_parallel = true, l.zero_stage = 1;
    std::string error;
    QVERIFY(!l.isValid(job, &error));
    SP_VERIFY_CONTAINS(error, "ep: dp × cp = 8 × 1 is not divisible by ep 16 (expert_tp lets EP span the TP ranks too)");
    l.expert_tp = 1;
    QVERIFY2(l.isValid(job, &error), error.c_str());
    QCOMPARE(l.expertDataParallel(), 1);
    SP_VERIFY_CONTAINS(l.describe(), "EP 16 (expert TP 1)");
    ParallelLayout too_wide = l;
    too_wide.ep = 32;
    QVERIFY(!too_wide.isValid(job, &error));
    SP_VERIFY_CONTAINS(error, "ep: tp × cp × dp = 2 × 1 × 8 = 16 is not divisible by expert_tp × ep = 1 × 32");
    // Its 4 key/value heads take TP 2 or 4, not 8: Megatron-Core divides them over TP (the model
    // replicated them before).
    ParallelLayout tp8;
    tp8.tp = 8, tp8.dp = 2, tp8.ep = 2, tp8.sequence_parallel = true;
    QVERIFY(!tp8.isValid(job, &error));
    SP_VERIFY_CONTAINS(error, "tp: kv_heads 4 are not divisible by tp 8");
    const auto sys = systems();
    const ClusterSystem& h100 = *sys.find("hgx-h100");
    auto rates = GemmRates::fromCatalog(h100.accelerator, Precision::Bf16);
    QVERIFY(rates);
    auto e = estimateStep(job, l, h100, *rates);
    QVERIFY2(e, e.message().c_str());
    const double routed = 48.0 * 128 * 3 * 2048 * 768;
    const double dense = countParameters(job.arch).total - routed;
    SP_COMPARE_REL(e->memory.parameters_per_gpu, dense / 2 + routed / 16, 1e-9);
    SP_COMPARE_REL(e->memory.optimizer, 12.0 * (dense / 2 / 8 + routed / 16), 1e-9);
    QVERIFY(e->time.ep_communication > 0.0);
    // The search finds the folded layout when EP 16 is asked for with TP 2.
    LayoutSearchOptions o;
    o.tp = 2, o.ep = 16;
    auto found = searchLayouts(job, h100, *rates, o);
    QVERIFY2(found, found.message().c_str());
    QCOMPARE(found->best.front().estimate.layout.expertTp(), 1);
  }

  // The MoE dispatcher's token copies, by hand for Mixtral 8x7B (top 2, h 4096) on one HGX H100
  // node, TP 1, one micro-batch of 4096 tokens, all 32 layers MoE: with EP 8 (one local expert,
  // no chunk sorts) (3·2 + 1)·4096 = 28,672 values forward per token and layer; with EP 4 (two
  // local experts) (7·2 + 1)·4096 = 61,440; 2 bytes each, forward and backward, at 0.89 of
  // 3.35 TB/s.
  void moeTokenPermutation() {
    TrainingJob job;
    job.arch = preset("mixtral-8x7b").architecture;
    job.seq_len = 4096;
    job.gpus = 8;
    const auto sys = systems();
    const ClusterSystem& h100 = *sys.find("hgx-h100");
    auto rates = GemmRates::fromCatalog(h100.accelerator, Precision::Bf16);
    QVERIFY(rates);
    ExecutionOptions without;
    without.moe_token_permutation = false;
    for (const auto& [ep, values] : {std::pair{8, 28672.0}, std::pair{4, 61440.0}}) {
      ParallelLayout l;
      l.dp = 8, l.ep = ep, l.zero_stage = 1;
      job.global_batch = 8;
      auto with = estimateStep(job, l, h100, *rates);
      auto off = estimateStep(job, l, h100, *rates, without);
      QVERIFY2(with && off, (with.message() + off.message()).c_str());
      SP_COMPARE_REL(with->time.memory_bound - off->time.memory_bound,
                     values * 2.0 * 2.0 * 4096.0 * 32.0 / (0.89 * 3.35e12), 1e-9);
    }
  }

  // The 2021 software's extra memory passes (ExecutionOptions::megatron2021, sources in
  // step_model.cpp), hand-counted for GPT-3 175B, TP 8, 8 micro-batches of 1 x 2048 tokens, full
  // recomputation, no SP: per token per layer qkv = 3·12288/8 = 4608, ctx = 1536; forward copies
  // 4·4608 + 4·1536 + 2·12288 = 49,152 bytes (twice: recomputed), backward 4·4608 + 4·1536 +
  // 2·4608 + 2·6144 = 46,080; the loss 52 - 16 = 36 bytes per logit over 51200/8 logits; the
  // optimizer 52 - 30 = 22 bytes per parameter. All at 89% of the A100's 2.039 TB/s.
  void megatron2021PassesAreCounted() {
    TrainingJob job;
    job.arch = gpt175();
    job.global_batch = 8;
    job.gpus = 8;
    job.precision = Precision::Fp16;
    ParallelLayout l;
    l.tp = 8, l.recompute = Recompute::Full;
    const auto sys = systems();
    const ClusterSystem& a100 = *sys.find("dgx-a100");
    auto rates = GemmRates::fromCatalog(a100.accelerator, Precision::Fp16);
    ExecutionOptions old_software = ExecutionOptions::megatron2021(), fused = old_software;
    fused.unfused_layer_copies = false, fused.loss_bytes_per_logit = 16.0, fused.optimizer_bytes_per_parameter = 30.0;
    auto a = estimateStep(job, l, a100, *rates, old_software);
    auto b = estimateStep(job, l, a100, *rates, fused);
    QVERIFY2(a && b, (a.message() + b.message()).c_str());
    const double bandwidth = a100.accelerator.bandwidth_tb_per_s * 1e12 * GemmEfficiencyModel{}.bandwidth_fraction;
    const double per_token = 96.0 * (2.0 * 49152.0 + 46080.0) + 36.0 * 51200.0 / 8.0;
    SP_COMPARE_REL(a->time.memory_bound - b->time.memory_bound, 8.0 * 2048.0 * per_token / bandwidth, 1e-9);
    SP_COMPARE_REL(a->time.optimizer - b->time.optimizer, 22.0 * a->memory.parameters_per_gpu / bandwidth, 1e-9);
    // Autograd's gradient accumulation after micro-batches 2..8 (6 bytes per parameter each) and
    // the local DDP's flatten/unflatten copies once per step (8 bytes per parameter).
    ExecutionOptions accumulation_fused = fused;
    accumulation_fused.gradient_accumulation_bytes_per_parameter = 0.0;
    accumulation_fused.gradient_reduce_copy_bytes_per_parameter = 0.0;
    auto f = estimateStep(job, l, a100, *rates, accumulation_fused);
    QVERIFY2(f, f.message().c_str());
    SP_COMPARE_REL(b->time.memory_bound - f->time.memory_bound,
                   (7.0 * 6.0 + 8.0) * b->memory.parameters_per_gpu / bandwidth, 1e-9);
    // ... and the per-micro-batch share sits in each bubble slot too (pp 1 here: no bubble).
    QCOMPARE(b->time.bubble, 0.0);
    // Tied embeddings on two stages: their gradient is all-reduced between the first and last
    // stage (here the only data-parallel term: dp 1), 51200 x 12288 / 8 16-bit values.
    l.pp = 2;
    job.gpus = 16;
    auto c = estimateStep(job, l, a100, *rates, old_software);
    QVERIFY2(c, c.message().c_str());
    SP_COMPARE_REL(c->time.dp_communication,
                   collectiveSeconds(a100.fabricFor(16), Collective::AllReduce, 51200.0 * 12288 / 8 * 2, 2), 1e-12);
  }

  // MFU and HFU follow the stated conventions: HFU / MFU = 1 + recomputed / model FLOPs.
  void flopConventions() {
    TrainingJob job;
    job.arch = gpt175();
    job.global_batch = 64;
    job.gpus = 64;
    job.precision = Precision::Bf16;
    ParallelLayout l;
    l.tp = 8, l.pp = 8, l.recompute = Recompute::Full, l.sequence_parallel = true;
    const auto sys = systems();
    const ClusterSystem& h100 = *sys.find("hgx-h100");
    auto rates = GemmRates::fromCatalog(h100.accelerator, Precision::Bf16);
    auto e = estimateStep(job, l, h100, *rates);
    QVERIFY2(e, e.message().c_str());
    const auto c = countParameters(job.arch);
    const double attention = 12.0 * 96 * 12288 * 2048;  // 12·L·H·Q·T
    // GPT-3's tied embedding counts once (the output layer); its learned position table, a lookup,
    // not at all (Megatron-LM's count).
    const double model = 6.0 * (c.total - c.position_embedding) + attention;
    SP_COMPARE_REL(e->model_flops_per_step, model * 64 * 2048, 1e-12);
    SP_COMPARE_REL(e->hardware_flops_per_step, (model + 2.0 * c.non_embedding + attention / 3.0) * 64 * 2048, 1e-12);
    SP_COMPARE_REL(e->mfu, e->model_flops_per_second_per_gpu / 989.4e12, 1e-12);
    SP_COMPARE_REL(e->step_seconds, e->time.total(), 1e-12);
  }

  // FlashAttention runs in BF16 when the matrix products run in FP8, so an FP8 job's attention
  // takes what a BF16 job's does, by hand: per layer and micro-batch (mb 1, seq 2048, 96 heads of
  // 128 over TP 8) the causal half of 4·s²·heads·Q, times 3.5 for forward and backward, at 0.5 of
  // the H100's 989.4 TFLOP/s BF16 peak (not of its 1978.9 FP8 one) times the short-sequence share
  // 1024 / (1024 + 230) (causal: a query tile visits 1,024 keys on average); 12 layers per device
  // and 64 micro-batches.
  void fp8JobsRunAttentionAtTheSixteenBitPeak() {
    TrainingJob job;
    job.arch = gpt175();
    job.global_batch = 64;
    job.gpus = 64;
    ParallelLayout l;
    l.tp = 8, l.pp = 8, l.sequence_parallel = true, l.recompute = Recompute::Selective;
    const auto sys = systems();
    const ClusterSystem& h100 = *sys.find("hgx-h100");
    double attention[2] = {0.0, 0.0}, gemm[2] = {0.0, 0.0};
    int i = 0;
    for (Precision p : {Precision::Bf16, Precision::Fp8}) {
      job.precision = p;
      auto rates = GemmRates::fromCatalog(h100.accelerator, p);
      QVERIFY2(rates, rates.message().c_str());
      auto e = estimateStep(job, l, h100, *rates);
      QVERIFY2(e, e.message().c_str());
      attention[i] = e->time.attention, gemm[i] = e->time.gemm;
      ++i;
    }
    const double per_layer =
        3.5 * 0.5 * 4.0 * 2048.0 * 2048.0 * (96.0 / 8.0) * 128.0 / (0.5 * 1024.0 / 1254.0 * 989.4e12);
    SP_COMPARE_REL(attention[0], per_layer * 12 * 64, 1e-9);
    SP_COMPARE_REL(attention[1], attention[0], 1e-12);
    QVERIFY(gemm[1] < 0.6 * gemm[0]);  // the products themselves at the FP8 peak
  }

  // FlashAttention at short sequences (ExecutionOptions::flash_attention_overhead_keys): Llama 3 8B
  // at 8K tokens on 8 H100s, without and with context parallelism 4. Per token the attention FLOPs
  // are the same (each GPU's 2,048 queries against all 8,192 keys, causal half), but under CP 4 a
  // query tile visits 8,192 / 8 = 1,024 keys per kernel instead of 4,096, so the rate falls from
  // 4096 / 4326 to 1024 / 1254 of the long-sequence 50%; and without the overhead the two agree.
  void flashAttentionAtShortSequences() {
    TrainingJob job;
    job.arch = test::shippedPreset("llama3-8b").architecture;
    job.seq_len = 8192, job.gpus = 8, job.global_batch = 16;
    const ClusterSystem h100 = test::shippedSystem("hgx-h100");
    auto rates = GemmRates::fromCatalog(h100.accelerator, Precision::Bf16);
    QVERIFY2(rates, rates.message().c_str());
    ParallelLayout whole, split;
    whole.dp = 8, whole.micro_batch = 1, whole.recompute = Recompute::None, whole.zero_stage = 1;
    split = whole;
    split.dp = 2, split.cp = 4;
    auto attention = [&](const ParallelLayout& l, const ExecutionOptions& o) {
      auto e = estimateStep(job, l, h100, *rates, o);
      if (!e) qFatal("%s", e.message().c_str());
      return e->time.attention / double(e->micro_batches);  // per micro-batch of one sequence
    };
    // One sequence of 8,192 tokens: 32 layers of 3.5 x the causal half of 4·s²·32 heads·128.
    const double flops = 32.0 * 3.5 * 0.5 * 4.0 * 8192.0 * 8192.0 * 32.0 * 128.0;
    SP_COMPARE_REL(attention(whole, {}), flops / (0.5 * 4096.0 / 4326.0 * 989.4e12), 1e-9);
    // Under CP 4 each GPU holds a quarter of the sequence's queries.
    SP_COMPARE_REL(attention(split, {}), flops / 4.0 / (0.5 * 1024.0 / 1254.0 * 989.4e12), 1e-9);
    ExecutionOptions no_overhead;
    no_overhead.flash_attention_overhead_keys = 0.0;
    SP_COMPARE_REL(4.0 * attention(split, no_overhead), attention(whole, no_overhead), 1e-12);
    ExecutionOptions bad;
    bad.flash_attention_overhead_keys = -1.0;
    auto rejected = estimateStep(job, whole, h100, *rates, bad);
    QVERIFY(!rejected);
    SP_VERIFY_CONTAINS(rejected.message(), "flash_attention_overhead_keys");
  }

  // The efficiency model's share of the peak is per precision (H200 'bench --thorough' medians):
  // by hand, one 8192³ product on an H100 takes 2·8192³ FLOPs at 0.71 of 989.4 TFLOP/s in BF16
  // and at 0.65 of 1978.9 TFLOP/s in FP8, plus the 3 µs call overhead (the memory roofline, 201 MB
  // at 0.89 of 3.35 TB/s = 67 µs, does not bind). A user's --gemm-efficiency is for the job's
  // precision, whichever it is.
  void productsRunAtTheirPrecisionsMeasuredShare() {
    const auto sys = systems();
    const Accelerator& h100 = sys.find("hgx-h100")->accelerator;
    const double flops = 2.0 * 8192.0 * 8192.0 * 8192.0;
    auto bf16 = GemmRates::fromCatalog(h100, Precision::Bf16);
    auto fp8 = GemmRates::fromCatalog(h100, Precision::Fp8);
    QVERIFY(bf16 && fp8);
    SP_COMPARE_REL(bf16->seconds(8192, 8192, 8192), flops / (0.71 * 989.4e12) + 3e-6, 1e-9);
    SP_COMPARE_REL(fp8->seconds(8192, 8192, 8192), flops / (0.65 * 1978.9e12) + 3e-6, 1e-9);
    GemmEfficiencyModel mine;
    mine.fp8_peak_fraction = 0.5;
    auto custom = GemmRates::fromCatalog(h100, Precision::Fp8, mine);
    QVERIFY(custom);
    SP_COMPARE_REL(custom->seconds(8192, 8192, 8192), flops / (0.5 * 1978.9e12) + 3e-6, 1e-9);
    mine.fp8_peak_fraction = 1.5;
    auto bad = GemmRates::fromCatalog(h100, Precision::Fp8, mine);
    QVERIFY(!bad);
    SP_VERIFY_CONTAINS(bad.message(), "fp8_peak_fraction: must be in (0, 1]");
  }

  // Megatron-Core's output layer is not a Transformer Engine module, so an FP8 job runs it in
  // BF16. By hand, Llama 3 8B on one HGX H100 node (TP 1, one micro-batch of 8192 tokens): its
  // three products (forward, data and weight gradients) each take 2·8192·128256·4096 FLOPs, at
  // 0.71 of the 989.4 TFLOP/s BF16 peak instead of 0.65 of the 1978.9 TFLOP/s FP8 one (the
  // 3 µs call overheads cancel; both are FLOP-bound). The 16-bit companion of the FP8 rates is
  // the BF16 rates themselves.
  void fp8JobsKeepTheOutputLayerInSixteenBits() {
    const auto sys = systems();
    const ClusterSystem& h100 = *sys.find("hgx-h100");
    TrainingJob job;
    job.arch = preset("llama3-8b").architecture;
    job.seq_len = 8192, job.global_batch = 8, job.gpus = 8, job.precision = Precision::Fp8;
    ParallelLayout l;
    l.dp = 8, l.zero_stage = 1;
    auto fp8 = GemmRates::fromCatalog(h100.accelerator, Precision::Fp8);
    auto bf16 = GemmRates::fromCatalog(h100.accelerator, Precision::Bf16);
    QVERIFY(fp8 && bf16);
    SP_COMPARE_REL(fp8->sixteenBit().seconds(8192, 128256, 4096), bf16->seconds(8192, 128256, 4096), 1e-12);
    QCOMPARE(&bf16->sixteenBit(), &*bf16);
    ExecutionOptions all_fp8;
    all_fp8.fp8_output_layer = true;
    auto kept = estimateStep(job, l, h100, *fp8);
    auto cast = estimateStep(job, l, h100, *fp8, all_fp8);
    QVERIFY2(kept && cast, (kept.message() + cast.message()).c_str());
    const double flops = 2.0 * 8192.0 * 128256.0 * 4096.0;
    SP_COMPARE_REL(kept->time.gemm - cast->time.gemm, 3.0 * (flops / (0.71 * 989.4e12) - flops / (0.65 * 1978.9e12)),
                   1e-9);
  }

  // An FP8 job's linear layers quantize their inputs (forward) and output gradients (backward):
  // 6 bytes per element on Hopper (current scaling reads the 16-bit tensor twice; Hopper writes a
  // row-wise and a transposed FP8 copy), 5 on Blackwell (no transposed copy). By hand for Llama 3 8B (h 4096, 32 heads and 8 KV heads
  // of 128, d_ff 14336), per token and layer, inputs: QKV 4096, attention out 4096, gate+up 4096,
  // down 14336; output gradients: QKV 6144, out 4096, gate+up 28672, down 4096; 69,632 elements.
  // With TP 2 every width halves (sequence parallelism quantizes the h-wide tensors on each
  // rank's half; without it they are whole: 43,008). 8192 tokens, 32 layers, one micro-batch, at
  // 0.89 of 3.35 TB/s.
  void fp8QuantizationTraffic() {
    const auto sys = systems();
    const ClusterSystem& h100 = *sys.find("hgx-h100");
    TrainingJob job;
    job.arch = preset("llama3-8b").architecture;
    job.seq_len = 8192, job.gpus = 8, job.precision = Precision::Fp8;
    auto fp8 = GemmRates::fromCatalog(h100.accelerator, Precision::Fp8);
    QVERIFY(fp8);
    ExecutionOptions none;
    none.fp8_quantization_bytes_per_element = 0.0;
    none.fp8_transpose_copy_bytes_per_element = 0.0;
    const double bandwidth = 0.89 * 3.35e12;
    struct Case {
      int tp;
      bool sp;
      double elements;
    };
    for (const Case c : {Case{1, false, 69632.0}, Case{2, true, 34816.0}, Case{2, false, 43008.0}}) {
      ParallelLayout l;
      l.tp = c.tp, l.dp = 8 / c.tp, l.sequence_parallel = c.sp, l.zero_stage = 1;
      job.global_batch = l.dp;
      auto with = estimateStep(job, l, h100, *fp8);
      auto without = estimateStep(job, l, h100, *fp8, none);
      QVERIFY2(with && without, (with.message() + without.message()).c_str());
      SP_COMPARE_REL(with->time.memory_bound - without->time.memory_bound,
                     6.0 * c.elements * 8192.0 * 32.0 / bandwidth, 1e-9);
    }
    // Blackwell (DGX B200, 0.89 of 8 TB/s): 5 bytes per element, TP 1.
    {
      const ClusterSystem& b200 = *sys.find("dgx-b200");
      QVERIFY(b200.accelerator.fp8_gemm_any_layout);
      auto rates = GemmRates::fromCatalog(b200.accelerator, Precision::Fp8);
      QVERIFY(rates);
      ParallelLayout l;
      l.dp = 8, l.zero_stage = 1;
      job.global_batch = 8;
      auto with = estimateStep(job, l, b200, *rates);
      auto without = estimateStep(job, l, b200, *rates, none);
      QVERIFY2(with && without, (with.message() + without.message()).c_str());
      SP_COMPARE_REL(with->time.memory_bound - without->time.memory_bound, 5.0 * 69632.0 * 8192.0 * 32.0 / (0.89 * 8e12),
                     1e-9);
    }
    // A 16-bit job quantizes nothing.
    job.precision = Precision::Bf16;
    job.global_batch = 8;
    auto bf16 = GemmRates::fromCatalog(h100.accelerator, Precision::Bf16);
    ParallelLayout l;
    l.dp = 8, l.zero_stage = 1;
    auto with = estimateStep(job, l, h100, *bf16);
    auto without = estimateStep(job, l, h100, *bf16, none);
    QVERIFY(with && without);
    QCOMPARE(with->time.memory_bound, without->time.memory_bound);
  }
};

QTEST_APPLESS_MAIN(TestStepModel)
#include "test_step_model.moc"
