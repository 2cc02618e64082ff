// Validation of the cluster execution model against Narayanan et al. 2021 (Megatron-LM on
// Selene, A100 80GB): Table 1 weak scaling here, and Table 2's PTD-P rows (ptdpRowsOfTable2,
// megatron2021_ptdp_vs_zero3.csv) the same way. Table 1: tests/data/published-runs/
// megatron2021_weak_scaling.csv (a copy of ../shared/data/published-runs/; see its SOURCE.md).
// For each row the model predicts TFLOP/s per GPU counted with the paper's eq. (3) (which
// includes the recomputed forward pass):
//   F = 96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h)) per step, predicted = F / (step seconds × GPUs).
// Layout per row: TP and PP from the table, DP = GPUs / (TP·PP), full recomputation, no sequence
// parallelism and no ZeRO (both came later), the software of 2021 (ExecutionOptions::megatron2021:
// no FlashAttention, gradients reduced after the pipeline flush). The table gives neither the
// micro-batch size nor the number of interleaved stages; the paper tuned them per run for
// throughput (section 5.1 uses the interleaved schedule; sections 3.3 and 5.6 choose the
// micro-batch that is fastest), so the model does the same: the fastest fitting micro-batch in
// {1, 2, 4, 8} and V in the divisors of layers/PP up to 8, by the layout search.
// Tolerances: issue 10 asks for a mean absolute error of at most 5% and no row beyond 12%, and
// the test asserts exactly that. The model meets both (mean 4.85%, worst 8.7% at 76B), every row
// still on the optimistic side. The 2021 software's own costs are counted from Megatron-LM's 2021
// code, none fitted to this table: the FP16 optimizer's passes, the unfused FP32 cross-entropy,
// unfused bias/permute/split copies, the tied-embedding gradient all-reduce, and autograd's
// per-micro-batch gradient accumulation with the local DDP's flatten/unflatten copies. The matrix
// products (~65-80% of each step) are costed at 71% of peak, measured on an H200; published A100
// cuBLAS figures put A100 at or above H200 (85.9% of peak on its best BF16 shape vs 80.1-80.3% for
// H100/H200, Bekman's ml-engineering MAMF table), so the GEMM efficiency is not lowered to fit.
// The model's published accuracy (kClusterMfuAccuracy, the MFU range of 'plan --mfu auto') must
// hold this table: every published figure lies within the range around its prediction, so a
// change of the model that breaks the band fails here (the band's downward side, wider, comes
// from a side check of the searched layout: test_a100_side_checks).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cluster/layout_search.hpp"
#include "cluster/plan_auto.hpp"
#include "published_runs.hpp"
#include "shipped_catalogs.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

struct Row {
  double params_billion = 0;
  std::int64_t heads = 0, hidden = 0, layers = 0, tp = 0, pp = 0, gpus = 0, global_batch = 0, seq = 0, vocab = 0;
  std::int64_t micro_batch = 0;  // 0: not published (the search chooses it)
  double tflops = 0;
};

// The weak-scaling table (Table 1) by default; Table 2's PTD-P rows with their micro-batch.
std::vector<Row> readRows(const char* file = "megatron2021_weak_scaling.csv", const char* scheme = nullptr) {
  std::vector<Row> rows;
  for (const test::PublishedRun& c : test::readPublishedRuns(file)) {
    if (scheme && c.at("scheme") != scheme) continue;
    auto integer = [&](const char* column) { return std::int64_t(test::number(c, column)); };
    Row r;
    r.params_billion = test::number(c, "params_billion");
    r.heads = integer("heads"), r.hidden = integer("hidden"), r.layers = integer("layers");
    r.tp = integer("tp"), r.pp = integer("pp"), r.gpus = integer("gpus");
    r.global_batch = integer("global_batch"), r.seq = integer("seq_len"), r.vocab = integer("vocab");
    r.tflops = test::number(c, "tflops_per_gpu");
    if (c.count("micro_batch")) r.micro_batch = integer("micro_batch");
    rows.push_back(r);
  }
  return rows;
}

TrainingJob jobFor(const Row& r) {
  TrainingJob job;
  auto& a = job.arch;
  a.layers = r.layers, a.d_model = r.hidden, a.heads = r.heads, a.d_ff = 4 * r.hidden;
  a.mlp = MlpKind::Gelu, a.vocab = r.vocab, a.tied_embeddings = true;
  a.positions = PositionKind::Learned, a.max_seq_len = r.seq, a.biases = true, a.norm = NormKind::LayerNorm;
  job.seq_len = r.seq;
  job.global_batch = r.global_batch;
  job.gpus = r.gpus;
  job.precision = Precision::Fp16;
  return job;
}

double eq3Flops(const Row& r) {
  const double B = r.global_batch, s = r.seq, l = r.layers, h = r.hidden, V = r.vocab;
  return 96.0 * B * s * l * h * h * (1.0 + s / (6.0 * h) + V / (16.0 * l * h));
}

LayoutSearchOptions paperLayout(const Row& r) {
  LayoutSearchOptions o;
  o.tp = int(r.tp);
  o.pp = int(r.pp);
  o.cp = 1;
  o.recompute = Recompute::Full;
  o.recompute_layers = 0;  // every layer: the paper's eq. (3) counts the recomputed forward of all
  o.sequence_parallel = false;
  o.zero_stage = 0;
  if (r.micro_batch > 0) o.micro_batch = r.micro_batch;
  o.top_k = 1;
  return o;
}

// Predicts each row's eq. (3) TFLOP/s per GPU in its paper layout (megatron2021 software) and
// checks, as QtTest failures, the invariants every row must meet (the model's hardware FLOPs
// agree with eq. (3), the published rate lies within the accuracy band around the prediction)
// and issue 10's bounds over the table: no row beyond 12%, a mean absolute error of at most 5%.
void checkTable(const std::vector<Row>& rows) {
  const ClusterSystem system = test::shippedSystem("dgx-a100");
  auto rates = GemmRates::fromCatalog(system.accelerator, Precision::Fp16);
  QVERIFY2(rates, rates.message().c_str());
  const double peak = system.accelerator.peak(Precision::Fp16)->value;  // FLOP/s: TFLOP/s as a fraction of it
  double mean_absolute = 0.0, worst = 0.0;
  qInfo("params_B  gpus  TP PP  layout(mb, V)                       published  predicted  error");
  for (const auto& r : rows) {
    const TrainingJob job = jobFor(r);
    auto found = searchLayouts(job, system, *rates, paperLayout(r), ExecutionOptions::megatron2021());
    QVERIFY2(found, found.message().c_str());
    const StepEstimate& e = found->best.front().estimate;
    const double predicted = eq3Flops(r) / (e.step_seconds * double(r.gpus)) / 1e12;
    const double err = (predicted - r.tflops) / r.tflops;
    mean_absolute += std::fabs(err) / double(rows.size());
    worst = std::max(worst, std::fabs(err));
    qInfo("%7.1f %6lld %3lld %2lld  %-36s %9.0f %10.1f %+6.1f%%", r.params_billion, (long long)r.gpus,
          (long long)r.tp, (long long)r.pp, ("mb " + std::to_string(e.layout.micro_batch) + ", V " +
                                             std::to_string(e.layout.virtual_stages)).c_str(),
          r.tflops, predicted, 100.0 * err);
    const auto& t = e.time;
    qInfo("        step %.2f s: gemm %.2f attn %.2f mem %.2f tp %.2f pp %.2f bubble %.2f dp %.2f opt %.2f; %s",
          e.step_seconds, t.gemm, t.attention, t.memory_bound, t.tp_communication, t.pp_communication, t.bubble,
          t.dp_communication, t.optimizer, e.memoryVerdict().c_str());
    // The paper's eq. (3) and the model's hardware FLOPs (PaLM + recomputed forward) agree to
    // within the parameters eq. (3) leaves out (biases, norms, position table): 1%.
    SP_COMPARE_REL(e.hardware_flops_per_step, eq3Flops(r), 0.01);
    if (r.micro_batch > 0) QCOMPARE(e.layout.micro_batch, r.micro_batch);
    // The accuracy band: the published rate lies within the range around the predicted one.
    const Interval band = clusterMfuRange(predicted * 1e12 / peak);
    const double published = r.tflops * 1e12 / peak;
    QVERIFY2(band.low <= published && published <= band.high,
             qPrintable(QString("%1B: published %2 TFLOP/s outside the accuracy band %3-%4 around %5")
                            .arg(r.params_billion)
                            .arg(r.tflops)
                            .arg(band.low * peak / 1e12)
                            .arg(band.high * peak / 1e12)
                            .arg(predicted)));
  }
  qInfo("mean absolute error %.1f%%, worst %.1f%%", 100.0 * mean_absolute, 100.0 * worst);
  QVERIFY2(worst <= 0.12, "a row is beyond 12%");
  QVERIFY2(mean_absolute <= 0.05, "mean absolute error above 5%");
}

}  // namespace

class TestMegatronValidation : public QObject {
  Q_OBJECT
 private slots:
  void weakScalingTable() {
    const auto rows = readRows();
    QCOMPARE(rows.size(), std::size_t{10});
    checkTable(rows);
  }

  // Table 2's PTD-P rows (section 5.2: 174.6B on 384-1,536 GPUs, 529.6B on 560-2,240 GPUs, the
  // global batch fixed while the GPUs double, micro-batch 1 as published), predicted the same
  // way as Table 1 (V chosen by the search) and held to the same bounds. The model meets them
  // with a mean absolute error of 3.8%, worst +8.7% (174.6B on 1,536 GPUs, where data
  // parallelism is largest and the pipeline's micro-batches fewest). Table 2's ZeRO-3 rows are a
  // side check (bench_published_runs): DeepSpeed's 2021 ZeRO-3 ran 3-4x below the model there.
  void ptdpRowsOfTable2() {
    const auto rows = readRows("megatron2021_ptdp_vs_zero3.csv", "ptd-p");
    QCOMPARE(rows.size(), std::size_t{6});
    for (const Row& r : rows) QCOMPARE(r.micro_batch, std::int64_t{1});
    checkTable(rows);
  }

  // The 1T row (3,072 A100s, global batch 3,072): the best layout the search finds is feasible
  // and at least as fast, under the model, as the paper's TP 8 · PP 64 · DP 6 with the paper's
  // recomputation and the micro-batch / V chosen as above.
  void searchBeatsThePapersLayoutForOneTrillion() {
    const auto rows = readRows();
    const Row& r = rows.back();
    QCOMPARE(r.gpus, std::int64_t{3072});
    const ClusterSystem system = test::shippedSystem("dgx-a100");
    auto rates = GemmRates::fromCatalog(system.accelerator, Precision::Fp16);
    const TrainingJob job = jobFor(r);
    const auto exec = ExecutionOptions::megatron2021();
    auto paper = searchLayouts(job, system, *rates, paperLayout(r), exec);
    QVERIFY2(paper, paper.message().c_str());
    LayoutSearchOptions free;
    free.top_k = 3;
    auto best = searchLayouts(job, system, *rates, free, exec);
    QVERIFY2(best, best.message().c_str());
    const StepEstimate& b = best->best.front().estimate;
    const StepEstimate& p = paper->best.front().estimate;
    qInfo("paper layout %s: %.2f s; best %s: %.2f s (%s); %lld candidates, %lld valid, %lld fit, %.2f s search",
          p.layout.describe().c_str(), p.step_seconds, b.layout.describe().c_str(), b.step_seconds,
          b.memoryVerdict().c_str(), (long long)best->candidates, (long long)best->valid, (long long)best->fitting,
          best->search_seconds);
    QVERIFY(b.fits);
    std::string error;
    QVERIFY2(b.layout.isValid(job, &error), error.c_str());
    QVERIFY(b.step_seconds <= p.step_seconds);
    QVERIFY(!best->best.front().reason.empty());
  }

  // The search proposes only what the software can run: the 2021 code had no sequence
  // parallelism, selective recomputation, CP or sharding over DP; the 2022 code adds the first
  // two. A field the user fixes is taken as given (BLOOM: 2021 kernels with ZeRO 1).
  void searchStaysWithinTheSoftware() {
    const Row r = readRows()[4];  // 39.1B on 512 GPUs
    QCOMPARE(r.gpus, std::int64_t{512});
    const ClusterSystem system = test::shippedSystem("dgx-a100");
    auto rates = GemmRates::fromCatalog(system.accelerator, Precision::Fp16);
    const TrainingJob job = jobFor(r);
    LayoutSearchOptions all;
    all.top_k = 500;
    auto old = searchLayouts(job, system, *rates, all, ExecutionOptions::megatron2021());
    QVERIFY2(old, old.message().c_str());
    QVERIFY(old->best.size() >= 50);  // many layouts, none the 2021 code could not run
    for (const RankedLayout& l : old->best) {
      const ParallelLayout& p = l.estimate.layout;
      QVERIFY2(!p.sequence_parallel && p.recompute != Recompute::Selective && p.cp == 1 && p.zero_stage == 0,
               p.describe().c_str());
    }
    auto newer = searchLayouts(job, system, *rates, all, ExecutionOptions::megatron2022());
    QVERIFY2(newer, newer.message().c_str());
    bool sp = false, selective = false;
    for (const RankedLayout& l : newer->best) {
      const ParallelLayout& p = l.estimate.layout;
      QVERIFY2(p.cp == 1 && p.zero_stage == 0, p.describe().c_str());
      sp = sp || p.sequence_parallel;
      selective = selective || p.recompute == Recompute::Selective;
    }
    QVERIFY(sp && selective);
    // Today's software searches them all: the fastest layouts shard over DP.
    auto current = searchLayouts(job, system, *rates, all, ExecutionOptions{});
    QVERIFY2(current, current.message().c_str());
    QVERIFY(std::any_of(current->best.begin(), current->best.end(),
                        [](const RankedLayout& l) { return l.estimate.layout.zero_stage > 0; }));
    LayoutSearchOptions zero1 = all;
    zero1.zero_stage = 1;
    auto fixed = searchLayouts(job, system, *rates, zero1, ExecutionOptions::megatron2021());
    QVERIFY2(fixed, fixed.message().c_str());
    QCOMPARE(fixed->best.front().estimate.layout.zero_stage, 1);
    // What help texts say of it, from the same flags.
    QCOMPARE(searchOmissions(ExecutionOptions::megatron2021()),
             std::string("no sequence parallelism, selective recomputation, CP, EP or ZeRO"));
    QCOMPARE(searchOmissions(ExecutionOptions::megatron2022()), std::string("no CP, EP or ZeRO"));
    QCOMPARE(searchOmissions(ExecutionOptions{}), std::string());
  }
};

QTEST_APPLESS_MAIN(TestMegatronValidation)
#include "test_megatron_validation.moc"
