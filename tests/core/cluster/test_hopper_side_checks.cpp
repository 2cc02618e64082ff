// The Hopper MFU allowances against the side checks that set them:
//  - Llama 3 405B's Table 4 rows at 8K tokens (tests/data/published-runs/llama3_405b_table4.csv,
//    Dubey et al. 2024) on HGX H100s: in Meta's own layout (TP, CP, PP, DP fixed; the rest
//    searched) the model is within 5% of the published TFLOP/s per GPU (bench_published_runs:
//    +3.5% and -0.7%); with every field searched, as plan --mfu auto plans the job, the fastest
//    layout is predicted well above the published rate (+31.7%), inside the allowance.
//  - The Nemotron-4 15B and 340B technical reports' runs (nemotron4_tech_reports.csv): in the
//    layout the search finds fastest the 15B on 2,304 H100s is +51.57%, the widest of all, and
//    kClusterMfuAccuracyHopper's over-prediction is that row rounded up to 0.1%: the plan's range
//    reaches the published run.
//  - Megatron-Bridge's tuned FP8 recipes (dense rows, H100, B200, GB200, GB300) against the
//    search's fastest layout for the same jobs: every row within the allowance of its accelerator;
//    in their own layouts they set the upward allowances (the run's rate at most (1 +
//    under_prediction) x the model's): Hopper's from the H100 rows, the others' the widest of all.
//  - Megatron-Bridge's dropless MoE rows (Qwen3 on H100) set the MoE allowance
//    (kClusterMfuMoeOverPrediction), in their own layouts and the search's.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cluster_setup.hpp"
#include "cluster/layout_search.hpp"
#include "cluster/plan_auto.hpp"
#include "published_runs.hpp"
#include "shipped_catalogs.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

// A published row (preset, system, gpus, seq_len, global_batch, precision columns) with its job on
// its system and the catalog's rates for its precision.
struct BridgeJob {
  test::PublishedRun row;
  TrainingJob job;
  ClusterSetup setup;
  GemmRates rates;
};

// The rows of `file` whose preset is (mixture_of_experts true) or is not (false) a mixture of
// experts; both when the filter is empty.
std::vector<BridgeJob> publishedJobs(const std::string& file, std::optional<bool> mixture_of_experts,
                                     std::string* error) {
  std::vector<BridgeJob> out;
  for (const test::PublishedRun& r : test::readPublishedRuns(file)) {
    TrainingJob job;
    job.arch = test::shippedPreset(r.at("preset")).architecture;
    if (mixture_of_experts && job.arch.isMoe() != *mixture_of_experts) continue;
    ClusterSetupSpec spec;
    spec.system_id = r.at("system");
    auto setup = makeClusterSetup(spec, test::shippedAccelerators(), test::shippedSystems());
    const auto precision = kPrecisionNames.fromString(r.at("precision"));
    if (!setup || !precision) {
      *error = setup ? "unknown precision " + r.at("precision") : setup.message();
      return {};
    }
    job.gpus = std::int64_t(test::number(r, "gpus"));
    job.seq_len = std::int64_t(test::number(r, "seq_len"));
    job.global_batch = std::int64_t(test::number(r, "global_batch"));
    job.precision = *precision;
    auto rates = GemmRates::fromCatalog(setup->system.accelerator, job.precision);
    if (!rates) {
      *error = rates.message();
      return {};
    }
    out.push_back(BridgeJob{r, job, *setup, *rates});
  }
  return out;
}

// Megatron-Bridge's dense rows (mixture_of_experts false) or MoE rows (true), which have an
// allowance of their own (kClusterMfuMoeOverPrediction).
std::vector<BridgeJob> bridgeJobs(bool mixture_of_experts, std::string* error) {
  return publishedJobs("megatron_bridge_fp8.csv", mixture_of_experts, error);
}

// The row's published layout: TP, PP, CP, V, EP, micro-batch as published; FSDP as ZeRO 3, else
// Megatron-Core's distributed optimizer, ZeRO 1; the rest (recomputation, expert TP) searched.
LayoutSearchOptions publishedLayout(const BridgeJob& run) {
  const test::PublishedRun& r = run.row;
  LayoutSearchOptions published;
  published.tp = int(test::number(r, "tp")), published.pp = int(test::number(r, "pp"));
  published.cp = int(test::number(r, "cp"));
  published.dp = int(run.job.gpus / (*published.tp * *published.pp * *published.cp));
  published.micro_batch = std::int64_t(test::number(r, "micro_batch"));
  if (test::number(r, "vp") > 0) published.virtual_stages = int(test::number(r, "vp"));
  published.ep = int(test::number(r, "ep"));
  published.zero_stage = test::number(r, "fsdp") > 0 ? 3 : 1;
  published.top_k = 1;
  return published;
}

// tokens/s per GPU of the fastest layout `options` allows, or an error.
Result<double> tokensPerGpu(const BridgeJob& run, const LayoutSearchOptions& options) {
  auto found = searchLayouts(run.job, run.setup.system, run.rates, options);
  if (!found) return found.error();
  return found->best.front().estimate.tokens_per_second / double(run.job.gpus);
}

}  // namespace

class TestHopperSideChecks : public QObject {
  Q_OBJECT

 private slots:
  void llama3AtEightKTokens() {
    ClusterSetupSpec spec;
    spec.system_id = "hgx-h100";
    auto setup = makeClusterSetup(spec, test::shippedAccelerators(), test::shippedSystems());
    QVERIFY2(setup, setup.message().c_str());
    const ClusterMfuAccuracy hopper = clusterMfuAccuracyFor(setup->system.accelerator.id);
    double worst_over = 0.0;
    int rows = 0;
    for (const test::PublishedRun& r : test::readPublishedRuns("llama3_405b_table4.csv")) {
      if (test::number(r, "seq_len") != 8192) continue;  // 128K: outside what the range covers (caveat)
      ++rows;
      TrainingJob job;
      job.arch = test::shippedPreset("llama3-405b").architecture;
      job.gpus = std::int64_t(test::number(r, "gpus"));
      job.seq_len = 8192;
      const auto dp = std::int64_t(test::number(r, "dp"));
      job.global_batch = std::int64_t(test::number(r, "batch_size_per_dp")) * dp;
      const double published = test::number(r, "tflops_per_gpu") * 1e12;

      LayoutSearchOptions meta;
      meta.tp = int(test::number(r, "tp")), meta.cp = int(test::number(r, "cp"));
      meta.pp = int(test::number(r, "pp")), meta.dp = int(dp), meta.top_k = 1;
      auto in_meta_layout = searchLayouts(job, setup->system, setup->rates, meta);
      QVERIFY2(in_meta_layout, in_meta_layout.message().c_str());
      const double meta_rate = in_meta_layout->best.front().estimate.model_flops_per_second_per_gpu;
      QVERIFY2(std::abs(meta_rate / published - 1.0) < 0.05,
               qPrintable(QStringLiteral("%1 GPUs: %2 TFLOP/s against %3")
                              .arg(job.gpus)
                              .arg(meta_rate / 1e12)
                              .arg(published / 1e12)));

      LayoutSearchOptions free_layout;
      free_layout.top_k = 1;
      auto fastest = searchLayouts(job, setup->system, setup->rates, free_layout);
      QVERIFY2(fastest, fastest.message().c_str());
      const StepEstimate& best = fastest->best.front().estimate;
      QVERIFY(best.step_seconds <= in_meta_layout->best.front().estimate.step_seconds);
      worst_over = std::max(worst_over, best.model_flops_per_second_per_gpu / published - 1.0);
    }
    QCOMPARE(rows, 2);
    // The allowance covers the worst row (+31.7%); since the Nemotron-4 technical reports' rows
    // it is set by those (nemotronTechReports).
    QVERIFY2(worst_over > 0.31 && worst_over <= hopper.over_prediction,
             qPrintable(QStringLiteral("worst over-prediction %1, allowance %2")
                            .arg(worst_over)
                            .arg(hopper.over_prediction)));
  }

  // The Nemotron-4 15B and 340B pre-training runs on DGX H100 (their technical reports' Table 2:
  // 15B on 768, 1,536 and 2,304 GPUs in TP 8 and DP 96, 192, 288; 340B on 6,144 GPUs in TP 8 ·
  // PP 12 · DP 64; BF16; tests/data/published-runs/nemotron4_tech_reports.csv), an out-of-sample
  // check added after the model, step time against the model:
  //  - in the published TP, PP and DP (micro-batch, V and recomputation, which the reports do not
  //    give, searched): +16.2% to +29.6% (the 15B's micro-batch is unknown; with 1 the model is
  //    within -11.8% to -1.3% of it, with 4, the search's choice, +18.4% to +29.6%);
  //  - in the layout the search finds fastest for the same jobs, as a plan uses: the 15B in TP 2
  //    over DP 384 to 1,152 (+39.2% to +51.6%), the 340B in TP 4 · PP 12 · CP 4 (+21.4%).
  // The 15B on 2,304 GPUs in the search's layout is the most over-predicted side-check row of all
  // (the run's MFU 30.5%), so the Hopper over-prediction allowance is it rounded up to 0.1%, and
  // off Hopper the allowance is the same (the widest side check's).
  void nemotronTechReports() {
    std::string error;
    const std::vector<BridgeJob> runs = publishedJobs("nemotron4_tech_reports.csv", std::nullopt, &error);
    QVERIFY2(error.empty(), error.c_str());
    QCOMPARE(runs.size(), std::size_t{4});
    const ClusterMfuAccuracy hopper = clusterMfuAccuracyFor("h100-sxm");
    double worst_over = 0.0, worst_in_layout = 0.0;
    std::string worst_row;
    for (const BridgeJob& run : runs) {
      const test::PublishedRun& r = run.row;
      QCOMPARE(run.setup.system.accelerator.id, std::string("h100-sxm"));
      const QString name = QString::fromStdString(r.at("preset") + " on " + r.at("gpus") + " GPUs");
      const double published = test::number(r, "step_seconds");
      LayoutSearchOptions layout;
      layout.tp = int(test::number(r, "tp")), layout.pp = int(test::number(r, "pp"));
      layout.dp = int(test::number(r, "dp")), layout.cp = 1, layout.top_k = 1;
      QCOMPARE(std::int64_t(*layout.tp) * *layout.pp * *layout.dp, run.job.gpus);
      auto in_layout = searchLayouts(run.job, run.setup.system, run.rates, layout);
      QVERIFY2(in_layout, in_layout.message().c_str());
      // Throughput ratio model / run = published step time / predicted step time.
      const double over = published / in_layout->best.front().estimate.step_seconds - 1.0;
      QVERIFY2(over > 0.0 && over <= hopper.over_prediction,
               qPrintable(name + QStringLiteral(": model %1% above the run").arg(100.0 * over)));
      worst_in_layout = std::max(worst_in_layout, over);
      LayoutSearchOptions free_layout;
      free_layout.top_k = 1;
      auto fastest = searchLayouts(run.job, run.setup.system, run.rates, free_layout);
      QVERIFY2(fastest, fastest.message().c_str());
      const double searched = published / fastest->best.front().estimate.step_seconds - 1.0;
      QVERIFY2(searched >= over && searched <= hopper.over_prediction,
               qPrintable(name + QStringLiteral(": the search's fastest %1% above the run")
                                     .arg(100.0 * searched)));
      if (searched > worst_over) worst_over = searched, worst_row = r.at("preset") + " " + r.at("gpus");
    }
    QVERIFY2(worst_in_layout > 0.29 && worst_in_layout < 0.30, qPrintable(QString::number(worst_in_layout)));
    QCOMPARE(worst_row, std::string("nemotron4-15b 2304"));
    // The allowance covers the worst row and is no wider than it rounded up to 0.1%.
    QVERIFY2(worst_over <= hopper.over_prediction && hopper.over_prediction < worst_over + 0.001,
             qPrintable(QStringLiteral("worst over-prediction %1, allowance %2")
                            .arg(worst_over)
                            .arg(hopper.over_prediction)));
    QCOMPARE(clusterMfuAccuracyFor("b200").over_prediction, hopper.over_prediction);
  }

  // NVIDIA's tuned Megatron-Bridge recipes (tests/data/published-runs/megatron_bridge_fp8.csv, the
  // dense rows), each job twice, tokens/s per GPU as bench_published_runs prints them:
  //  - in the layout the search finds fastest (as plan --mfu auto plans it): the search rates its
  //    own choice above what the recipe ran (+5% to +20% on DGX-H100, -0.1% to +26% on DGX-B200,
  //    GB200 and GB300), and the downward allowance on each accelerator covers every row (Llama 3
  //    at 8K above sets it);
  //  - in the published layout (TP, PP, CP, V, EP, micro-batch as published; FSDP as ZeRO 3, else
  //    Megatron-Core's distributed optimizer, ZeRO 1; recomputation, which the tables do not give,
  //    chosen by the search): where a run beat the model, by how much sets the upward allowance, on
  //    Hopper the H100 rows' worst (Llama 3 70B, the run 5.72% above the model, which recomputes 2
  //    layers per device to fit the published layout), elsewhere the worst of all (Llama 3.1 405B on
  //    256 GB300s in TP 2 · PP 8 · CP 2 · V 4, where the model recomputes 8 layers per device: the
  //    run 13.89% above the model), each rounded up to 0.1%.
  void megatronBridgeRecipes() {
    std::string error;
    const std::vector<BridgeJob> runs = bridgeJobs(false, &error);
    QVERIFY2(error.empty(), error.c_str());
    QCOMPARE(runs.size(), std::size_t{17});
    double worst_hopper = 0.0, worst_all = 0.0;
    std::string worst_all_row;
    for (const BridgeJob& run : runs) {
      const test::PublishedRun& r = run.row;
      const TrainingJob& job = run.job;
      const ClusterSystem& system = run.setup.system;
      const QString name =
          QStringLiteral("%1 %2 on %3 GPUs")
              .arg(QString::fromStdString(r.at("published_system")), QString::fromStdString(r.at("model")))
              .arg(job.gpus);
      const double published_rate = test::number(r, "tokens_per_second_per_gpu");
      const ClusterMfuAccuracy allowance = clusterMfuAccuracyFor(system.accelerator.id);

      LayoutSearchOptions free_layout;
      free_layout.top_k = 1;
      auto fastest = searchLayouts(job, system, run.rates, free_layout);
      QVERIFY2(fastest, fastest.message().c_str());
      const double over =
          fastest->best.front().estimate.tokens_per_second / double(job.gpus) / published_rate - 1.0;
      QVERIFY2(over <= allowance.over_prediction,
               qPrintable(name + QStringLiteral(": the search's fastest %1% over").arg(100.0 * over)));

      auto found = searchLayouts(job, system, run.rates, publishedLayout(run));
      QVERIFY2(found, found.message().c_str());
      const double under =
          published_rate / (found->best.front().estimate.tokens_per_second / double(job.gpus)) - 1.0;
      QVERIFY2(under <= allowance.under_prediction,
               qPrintable(name + QStringLiteral(": the run %1% above the model").arg(100.0 * under)));
      if (system.accelerator.id == "h100-sxm") worst_hopper = std::max(worst_hopper, under);
      if (under > worst_all)
        worst_all = under, worst_all_row = r.at("published_system") + " " + r.at("model");
    }
    // Hopper's upward allowance covers these rows and is set by NVIDIA's DGX Cloud benchmarks
    // (dgxcBenchmarkingRows).
    QVERIFY2(worst_hopper > 0.057 && worst_hopper <= clusterMfuAccuracyFor("h100-sxm").under_prediction,
             qPrintable(QString::number(worst_hopper)));
    QVERIFY2(clusterMfuAccuracyFor("gb300").under_prediction < worst_all + 0.001,
             qPrintable(QString::number(worst_all)));
    QCOMPARE(worst_all_row, std::string("DGX-GB300 LLAMA3.1_405B"));
    QCOMPARE(clusterMfuAccuracyFor("b200").under_prediction, clusterMfuAccuracyFor("gb300").under_prediction);
  }

  // NVIDIA's DGX Cloud benchmarks on DGX H100 (dgxc-benchmarking: Llama 3.1 8B, 70B and 405B in
  // NeMo 24.09, Nemotron-4 15B and 340B, GPT-3 175B; BF16 and FP8; 64 rows from 8 to 2,304 GPUs;
  // tests/data/published-runs/dgxc_benchmarking_h100.csv), an out-of-sample check added after the
  // model: tokens/s against the model in the published layout (ZeRO 1, the run's gradient width;
  // recomputation chosen by the model, which needs some to fit layouts the runs trained without:
  // Llama 3.1 405B on 576 and 1,152 GPUs, 3 layers per device; Nemotron-4 340B on 128, 6) and in the
  // layout the search finds fastest under the same settings. Every row lies within the Hopper
  // allowances; Llama 3.1 405B in FP8 on 576 GPUs, 12.83% above the model, sets the upward one
  // (rounded up to 0.1%).
  void dgxcBenchmarkingRows() {
    std::string error;
    const std::vector<BridgeJob> runs = publishedJobs("dgxc_benchmarking_h100.csv", std::nullopt, &error);
    QVERIFY2(error.empty(), error.c_str());
    const ClusterMfuAccuracy hopper = clusterMfuAccuracyFor("h100-sxm");
    double worst_under = 0.0, abs_sum = 0.0;
    std::string worst_row;
    int rows = 0;
    for (const BridgeJob& run : runs) {
      ++rows;
      const test::PublishedRun& r = run.row;
      QCOMPARE(run.setup.system.accelerator.id, std::string("h100-sxm"));
      ExecutionOptions execution;
      execution.setGradientBytes(test::number(r, "gradient_bytes"));  // the configuration's (SOURCE.md)
      TrainingJob job = run.job;
      if (test::number(r, "kv_heads") > 0) job.arch.kv_heads = std::int64_t(test::number(r, "kv_heads"));
      const ClusterSystem& system = run.setup.system;
      const GemmRates& rates = run.rates;
      const double published = test::number(r, "tokens_per_second");
      const QString name =
          QString::fromStdString(r.at("preset") + " " + r.at("precision") + " on " + r.at("gpus") + " GPUs");
      LayoutSearchOptions layout;
      layout.tp = int(test::number(r, "tp")), layout.pp = int(test::number(r, "pp"));
      layout.cp = int(test::number(r, "cp")), layout.virtual_stages = int(test::number(r, "vp"));
      layout.dp = int(job.gpus / (*layout.tp * *layout.pp * *layout.cp));
      layout.micro_batch = std::int64_t(test::number(r, "micro_batch"));
      layout.zero_stage = 1, layout.top_k = 1;
      auto in_layout = searchLayouts(job, system, rates, layout, execution);
      QVERIFY2(in_layout, in_layout.message().c_str());
      const double model = in_layout->best.front().estimate.tokens_per_second;
      const double over = model / published - 1.0, under = published / model - 1.0;
      QVERIFY2(over <= hopper.over_prediction && under <= hopper.under_prediction,
               qPrintable(name + QStringLiteral(": model %1% of the run").arg(100.0 * model / published)));
      abs_sum += std::abs(over);
      if (under > worst_under)
        worst_under = under, worst_row = r.at("preset") + " " + r.at("precision") + " " + r.at("gpus");
      LayoutSearchOptions free_layout;
      free_layout.top_k = 1;
      auto fastest = searchLayouts(job, system, rates, free_layout, execution);
      QVERIFY2(fastest, fastest.message().c_str());
      const double searched = fastest->best.front().estimate.tokens_per_second / published - 1.0;
      QVERIFY2(searched <= hopper.over_prediction && -searched / (1.0 + searched) <= hopper.under_prediction,
               qPrintable(name + QStringLiteral(": the search's fastest %1%").arg(100.0 * searched)));
    }
    QCOMPARE(rows, 64);
    // Mean absolute error 8.5% over the 64 rows (bench_published_runs by model and precision:
    // Llama 3.1 8B 11.4% / 12.3%, 70B 8.6% / 15.1%, 405B 4.6% / 8.7%; Nemotron-4 15B 3.7% / 1.0%,
    // 340B 7.6% / 5.8%; GPT-3 175B 11.5% / 16.6%; 8.9% until the last data-parallel bucket was
    // exposed).
    QVERIFY2(abs_sum / rows < 0.09, qPrintable(QString::number(abs_sum / rows)));
    QCOMPARE(worst_row, std::string("llama3-405b fp8 576"));
    QVERIFY2(worst_under <= hopper.under_prediction && hopper.under_prediction < worst_under + 0.001,
             qPrintable(QStringLiteral("worst under-prediction %1, allowance %2")
                            .arg(worst_under)
                            .arg(hopper.under_prediction)));
  }

  // The mixture-of-experts allowance from Megatron-Bridge's four dropless Qwen3 MoE rows on
  // DGX-H100 (FP8): every row over-predicted, in its published layout (+57% to +173%) and more in
  // the layout the search finds fastest, which a plan uses (up to +204.8%, Qwen3-30B-A3B in the 26.02
  // release); kClusterMfuMoeOverPrediction is that worst row rounded up to 0.1%, on every accelerator. The
  // dense allowance (51.6% on Hopper) covers none of them: without the MoE allowance an MoE
  // plan's range would not reach the runs.
  void megatronBridgeMoeRows() {
    std::string error;
    const std::vector<BridgeJob> runs = bridgeJobs(true, &error);
    QVERIFY2(error.empty(), error.c_str());
    QCOMPARE(runs.size(), std::size_t{4});
    double worst = 0.0;
    std::string worst_row;
    for (const BridgeJob& run : runs) {
      const test::PublishedRun& r = run.row;
      const QString name = QString::fromStdString(r.at("container") + " " + r.at("model"));
      const double published_rate = test::number(r, "tokens_per_second_per_gpu");
      const ClusterMfuAccuracy moe = clusterMfuAccuracyFor(run.setup.system.accelerator.id, true);
      QCOMPARE(moe.over_prediction, kClusterMfuMoeOverPrediction);
      QCOMPARE(moe.under_prediction, clusterMfuAccuracyFor(run.setup.system.accelerator.id).under_prediction);
      LayoutSearchOptions free_layout;
      free_layout.top_k = 1;
      for (const LayoutSearchOptions& options : {publishedLayout(run), free_layout}) {
        auto rate = tokensPerGpu(run, options);
        QVERIFY2(rate, rate.message().c_str());
        const double over = *rate / published_rate - 1.0;
        QVERIFY2(over <= moe.over_prediction,
                 qPrintable(name + QStringLiteral(": %1% over").arg(100.0 * over)));
        QVERIFY2(over > clusterMfuAccuracyFor("h100-sxm").over_prediction,
                 qPrintable(name + QStringLiteral(": only %1% over").arg(100.0 * over)));
        if (over > worst) worst = over, worst_row = r.at("container") + " " + r.at("model");
      }
    }
    QVERIFY2(kClusterMfuMoeOverPrediction < worst + 0.001, qPrintable(QString::number(worst)));
    QCOMPARE(worst_row, std::string("26.02 Qwen3_30B_a3B"));
  }
};

QTEST_GUILESS_MAIN(TestHopperSideChecks)
#include "test_hopper_side_checks.moc"
