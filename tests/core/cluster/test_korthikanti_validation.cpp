// Second validation of the cluster execution model: Korthikanti et al. 2022 ("Reducing Activation
// Recomputation in Large Transformer Models"), the end-to-end iteration times of four GPT models
// on Selene's A100s with data parallelism 1: tests/data/published-runs/
// korthikanti2022_selective_recompute.csv (see SOURCE.md). Each model twice: the paper's
// sequence parallelism + selective recomputation ("present work", MFU as published) and full
// recomputation without sequence parallelism (MFU = the same FLOPs over the longer time).
// Layout: TP and PP from the paper, DP 1, no ZeRO, the paper's software (megatron-2022: the 2021
// code's passes with the tensor-parallel backward overlapped); the micro-batch and the
// interleaving depth, which the paper does not give, chosen by the layout search as for the
// Narayanan table. MFU counts Megatron's FLOPs, 72·B·s·l·h²·(1 + s/(6h) + V/(12·l·h)) per step.
//
// Nothing in the model was fitted to these rows. Measured: mean absolute error 4.8%, from -6.5%
// (530B, full recomputation) to +7.7% (22B, selective); the small models come out fast and the
// large ones slow, as in the Narayanan table, where the error also falls with size: the matrix
// products run at one efficiency (0.71 of peak, an H200 measurement) whatever their size. For 1T
// with selective recomputation V = 2 fits in the A100's 80 GiB (V = 1 while the capacity was read
// as 80e9 bytes, and the row came out -10.0%). Tolerances, issue 10's for the Narayanan table: no
// row beyond 12% and a mean absolute error of at most 5%; and every published MFU inside the
// accuracy band of 'plan --mfu auto' (kClusterMfuAccuracy, whose upward allowance these rows set).
#include <cmath>
#include <string>

#include "cluster/layout_search.hpp"
#include "cluster/plan_auto.hpp"
#include "published_runs.hpp"
#include "shipped_catalogs.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

using test::number;
using Row = test::PublishedRun;

TrainingJob jobFor(const Row& r) {
  TrainingJob job;
  auto& a = job.arch;
  a.layers = std::int64_t(number(r, "layers")), a.d_model = std::int64_t(number(r, "hidden"));
  a.heads = std::int64_t(number(r, "heads")), a.d_ff = 4 * a.d_model;
  a.mlp = MlpKind::Gelu, a.vocab = std::int64_t(number(r, "vocab")), a.tied_embeddings = true;
  a.positions = PositionKind::Learned, a.max_seq_len = std::int64_t(number(r, "seq_len"));
  a.biases = true, a.norm = NormKind::LayerNorm;
  job.seq_len = a.max_seq_len;
  job.global_batch = std::int64_t(number(r, "global_batch"));
  job.gpus = std::int64_t(number(r, "gpus"));
  job.precision = Precision::Fp16;
  return job;
}

// Megatron's model FLOPs per step (no recomputation counted).
double modelFlops(const Row& r) {
  const double B = number(r, "global_batch"), s = number(r, "seq_len"), l = number(r, "layers");
  const double h = number(r, "hidden"), V = number(r, "vocab");
  return 72.0 * B * s * l * h * h * (1.0 + s / (6.0 * h) + V / (12.0 * l * h));
}

LayoutSearchOptions paperLayout(const Row& r, bool present_work) {
  LayoutSearchOptions o;
  o.tp = int(number(r, "tp"));
  o.pp = int(number(r, "pp"));
  o.dp = 1;
  o.cp = 1;
  o.zero_stage = 0;
  o.sequence_parallel = present_work;
  o.recompute = present_work ? Recompute::Selective : Recompute::Full;
  o.recompute_layers = 0;  // full: every layer, as the paper's baseline
  o.top_k = 1;
  return o;
}

}  // namespace

class TestKorthikantiValidation : public QObject {
  Q_OBJECT
 private slots:
  void iterationTimes() {
    const auto rows = test::readPublishedRuns("korthikanti2022_selective_recompute.csv");
    QCOMPARE(rows.size(), std::size_t{4});
    const ClusterSystem system = test::shippedSystem("dgx-a100");
    auto rates = GemmRates::fromCatalog(system.accelerator, Precision::Fp16);
    QVERIFY2(rates, rates.message().c_str());
    const double peak = system.accelerator.peak(Precision::Fp16)->value;
    const auto software = ExecutionOptions::forSoftware(TrainingSoftware::Megatron2022);
    double sum_abs = 0.0, worst = 0.0;
    int count = 0;
    qInfo("model  mode       layout(mb, V)   published MFU  predicted  error");
    for (const Row& r : rows) {
      const TrainingJob job = jobFor(r);
      for (bool present_work : {true, false}) {
        auto found = searchLayouts(job, system, *rates, paperLayout(r, present_work), software);
        QVERIFY2(found, found.message().c_str());
        const StepEstimate& e = found->best.front().estimate;
        QVERIFY(e.fits);
        const double seconds = number(r, present_work ? "present_work_seconds" : "full_recompute_seconds");
        const double published = modelFlops(r) / (seconds * number(r, "gpus") * peak);
        const double predicted = modelFlops(r) / (e.step_seconds * number(r, "gpus") * peak);
        // The model's own MFU counts the same FLOPs to within what Megatron's formula leaves out
        // (biases, norms, position table): 1%.
        SP_COMPARE_REL(e.mfu, predicted, 0.01);
        const double error = predicted / published - 1.0;
        sum_abs += std::fabs(error);
        worst = std::max(worst, std::fabs(error));
        ++count;
        qInfo("%-5s  %-9s  mb %lld, V %d  %14.1f%% %9.1f%% %+6.1f%%", r.at("model").c_str(),
              present_work ? "SP+sel" : "full", (long long)e.layout.micro_batch, e.layout.virtual_stages,
              100.0 * published, 100.0 * predicted, 100.0 * error);
        if (present_work) QVERIFY(std::fabs(100.0 * published - number(r, "mfu_pct")) <= 0.2);  // the table's MFU
        const Interval band = clusterMfuRange(predicted);
        QVERIFY2(band.low <= published && published <= band.high,
                 qPrintable(QString("%1 %2: published MFU %3 outside the accuracy band %4-%5 around %6")
                                .arg(r.at("model").c_str(), present_work ? "SP+sel" : "full")
                                .arg(published)
                                .arg(band.low)
                                .arg(band.high)
                                .arg(predicted)));
      }
    }
    const double mae = sum_abs / count;
    qInfo("mean absolute error %.1f%%, worst %.1f%%", 100.0 * mae, 100.0 * worst);
    QVERIFY2(worst <= 0.12, "a row is beyond 12%");
    QVERIFY2(mae <= 0.05, "mean absolute error above 5%");
  }
};

QTEST_APPLESS_MAIN(TestKorthikantiValidation)
#include "test_korthikanti_validation.moc"
