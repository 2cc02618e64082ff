// Uneven pipeline stages (first / last device lighter, Megatron-Core's
// --decoder-first/last-pipeline-num-layers): validation naming the fields, the layer counts per
// device, memory and step time of the critical device derived independently from even layouts,
// and the search's balanced split for a PP that does not divide the layers (Llama 3 405B's 126
// layers on 16 stages as 7 + 14 × 8 + 7, Dubey et al. 2024, section 3.3.2).
#include <algorithm>
#include <string>

#include "cluster/layout_search.hpp"
#include "shipped_catalogs.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

using test::shippedSystem;

TransformerArchitecture llama405(std::int64_t layers) {
  TransformerArchitecture a = test::shippedPreset("llama3-405b").architecture;
  a.layers = layers;
  return a;
}

TrainingJob job(std::int64_t layers, std::int64_t gpus, std::int64_t global_batch) {
  TrainingJob j;
  j.arch = llama405(layers);
  j.seq_len = 8192;
  j.gpus = gpus;
  j.global_batch = global_batch;
  return j;
}

ParallelLayout layout(int pp, int dp, std::int64_t first = 0, std::int64_t last = 0, int v = 1) {
  ParallelLayout l;
  l.tp = 8, l.pp = pp, l.dp = dp, l.virtual_stages = v, l.sequence_parallel = true;
  l.recompute = Recompute::Full, l.zero_stage = 1;
  l.first_stage_layers = first, l.last_stage_layers = last;
  return l;
}

StepEstimate estimate(const TrainingJob& j, const ParallelLayout& l) {
  const ClusterSystem s = shippedSystem("hgx-h100");
  auto rates = GemmRates::fromCatalog(s.accelerator, Precision::Bf16);
  if (!rates) qFatal("%s", rates.message().c_str());
  auto e = estimateStep(j, l, s, *rates);
  if (!e) qFatal("%s", e.message().c_str());
  return *e;
}

}  // namespace

class TestUnevenStages : public QObject {
  Q_OBJECT
 private slots:
  void validationNamesFieldsAndNumbers() {
    const TrainingJob j = job(126, 1024, 512);
    std::string error;
    ParallelLayout l = layout(16, 8);
    QVERIFY(!l.isValid(j, &error));
    SP_VERIFY_CONTAINS(error, "pp: layers 126 are not divisible by pp × virtual_stages = 16 × 1");
    SP_VERIFY_CONTAINS(error, "first_stage_layers / last_stage_layers");
    l = layout(16, 8, 7, 7);
    QVERIFY2(l.isValid(j, &error), error.c_str());
    l = layout(16, 8, 6, 7);
    QVERIFY(!l.isValid(j, &error));
    SP_VERIFY_CONTAINS(error, "pp: layers 126 - first_stage_layers 6 - last_stage_layers 7 = 113 are not "
                              "divisible by the other 14 stages × virtual_stages 1");
    l = layout(16, 8, 7, 7, 8);
    QVERIFY(!l.isValid(j, &error));
    SP_VERIFY_CONTAINS(error, "first_stage_layers: 7 layers cannot fill virtual_stages 8 chunks");
    l = layout(1, 128, 7, 0);
    QVERIFY(!l.isValid(job(126, 1024, 512), &error));
    SP_VERIFY_CONTAINS(error, "first_stage_layers: needs pp > 1, got pp 1");
    l = layout(16, 8, -1, 0);
    QVERIFY(!l.isValid(j, &error));
    SP_VERIFY_CONTAINS(error, "first_stage_layers: must be >= 0");
    l = layout(2, 64, 100, 27);
    QVERIFY(!l.isValid(job(126, 1024, 512), &error));
    SP_VERIFY_CONTAINS(error, "= -1 are left with no other stage (pp 2)");
  }

  void balancedSplit() {
    auto ends = balancedEndStages(126, 16, 1);
    QVERIFY(ends);
    QCOMPARE(ends->first, std::int64_t{7});
    QCOMPARE(ends->last, std::int64_t{7});
    ends = balancedEndStages(70, 12, 1);  // BLOOM: 5 + 10 × 6 + 5
    QVERIFY(ends);
    QCOMPARE(ends->first, std::int64_t{5});
    QCOMPARE(ends->last, std::int64_t{5});
    ends = balancedEndStages(127, 16, 1);  // one layer short: the first device gives it up
    QVERIFY(ends);
    QCOMPARE(ends->first, std::int64_t{7});
    QCOMPARE(ends->last, std::int64_t{0});
    QVERIFY(!balancedEndStages(128, 16, 2));  // divides: the even split
    QVERIFY(!balancedEndStages(126, 16, 8));  // 7 layers cannot fill 8 chunks
    QVERIFY(!balancedEndStages(10, 1, 1));
  }

  void layerCountsPerDevice() {
    StageLayers s = layout(16, 8, 7, 7).stageLayers(126);
    QCOMPARE(s.first, std::int64_t{7});
    QCOMPARE(s.middle, std::int64_t{8});
    QCOMPARE(s.last, std::int64_t{7});
    s = layout(16, 8, 6, 0).stageLayers(126);  // 120 over the other 15
    QCOMPARE(s.middle, std::int64_t{8});
    QCOMPARE(s.last, std::int64_t{8});
    s = layout(4, 8).stageLayers(128);
    QCOMPARE(s.first, std::int64_t{32});
    QCOMPARE(s.most(), std::int64_t{32});
    QCOMPARE(layout(16, 8, 7, 7).describe(),
             std::string("TP 8 · PP 16 (first 7, last 7 layers) · DP 8 · mb 1 · SP · recompute full · ZeRO 1"));
  }

  // Every layer costs the same, so two even layouts give the per-layer and output-layer times:
  // 128 layers on 16 stages (8 + output layer on the last device) and 112 on 16 (7 + output).
  // The uneven 126 = 7 + 14 × 8 + 7 is then critical on a middle device (8 layers, no output
  // layer) when 8 per-layer times exceed 7 plus the output layer, else on the last.
  void criticalDeviceFromEvenLayouts() {
    const std::int64_t gpus = 1024, batch = 512;
    const StepEstimate even8 = estimate(job(128, gpus, batch), layout(16, 8));
    const StepEstimate even7 = estimate(job(112, gpus, batch), layout(16, 8));
    const StepEstimate uneven = estimate(job(126, gpus, batch), layout(16, 8, 7, 7));
    const double m = static_cast<double>(uneven.micro_batches);
    QCOMPARE(uneven.micro_batches, even8.micro_batches);
    const double layer = (even8.time.gemm - even7.time.gemm) / m;  // one layer's GEMMs per micro-batch
    const double output = even7.time.gemm / m - 7.0 * layer;      // the output layer's
    QVERIFY(layer > 0.0 && output > 0.0);
    const double expected_gemm = m * std::max(8.0 * layer, 7.0 * layer + output);
    SP_COMPARE_REL(uneven.time.gemm, expected_gemm, 1e-9);
    // The bubble is (p - 1) / v = 15 slots of the critical device's micro-batch (current software:
    // no separate gradient-accumulation or reduce-copy passes in the memory-bound term).
    const TimeBreakdown& t = uneven.time;
    SP_COMPARE_REL(t.bubble, 15.0 / m * (t.compute() + t.tp_communication + t.cp_communication +
                                         t.ep_communication + t.pp_communication), 1e-9);
    // Parameters per GPU: the heaviest device, from the same per-layer share.
    const double per_layer = (even8.memory.parameters_per_gpu - even7.memory.parameters_per_gpu) / 1.0;
    QVERIFY(per_layer > 0.0);
    // (1e-6: the final norm, 16,384 values, is spread over the layers of each model alike.)
    SP_COMPARE_REL(uneven.memory.parameters_per_gpu,
                   std::max(even8.memory.parameters_per_gpu - per_layer, 8.0 * per_layer), 1e-6);
    // Activations: the first device holds 7 layers × 16 micro-batches in flight, the second
    // 8 × 15 = 120 > 112 layer-micro-batches.
    QCOMPARE(uneven.memory.micro_batches_in_flight, 15.0);
    SP_COMPARE_REL(uneven.memory.activations,
                   120.0 * uneven.memory.activations_per_layer +
                       (even8.memory.activations - 128.0 * even8.memory.activations_per_layer),
                   1e-9);
  }

  // Block recomputation (recompute_layers): 2 of a device's 8 layers recomputed costs a quarter of
  // full recomputation's extra work and holds 2 layers' inputs and 6 layers' full activations.
  void blockRecomputation() {
    const TrainingJob j = job(128, 1024, 512);
    ParallelLayout none = layout(16, 8), full = layout(16, 8), block = layout(16, 8);
    none.recompute = Recompute::None;
    block.recompute_layers = 2;
    const StepEstimate n = estimate(j, none), f = estimate(j, full), b = estimate(j, block);
    SP_COMPARE_REL(b.time.gemm, n.time.gemm + 0.25 * (f.time.gemm - n.time.gemm), 1e-9);
    SP_COMPARE_REL(b.time.tp_communication,
                   n.time.tp_communication + 0.25 * (f.time.tp_communication - n.time.tp_communication), 1e-9);
    SP_COMPARE_REL(b.hardware_flops_per_step - n.hardware_flops_per_step,
                   0.25 * (f.hardware_flops_per_step - n.hardware_flops_per_step), 1e-9);
    const double kept = n.memory.activations / 128.0;  // 16 in flight × 8 layers
    const double input = f.memory.activations_per_layer;
    SP_COMPARE_REL(b.memory.activations, 16.0 * (2.0 * input + 6.0 * kept) + kept, 1e-9);
    QVERIFY(b.step_seconds < f.step_seconds && b.step_seconds > n.step_seconds);
    QCOMPARE(b.layout.describe(),
             std::string("TP 8 · PP 16 · DP 8 · mb 1 · SP · recompute full (2 layers per device) · ZeRO 1"));
    std::string error;
    block.recompute_layers = 8;
    QVERIFY(!block.isValid(j, &error));
    SP_VERIFY_CONTAINS(error, "recompute_layers: 8 is not fewer than the 8 layers of a device (0 = every layer)");
    block.recompute_layers = 2;
    block.recompute = Recompute::Selective;
    QVERIFY(!block.isValid(j, &error));
    SP_VERIFY_CONTAINS(error, "recompute_layers: 2 needs recompute full, got recompute selective");
    // The search says the same rather than dropping the count.
    const ClusterSystem s = shippedSystem("hgx-h100");
    auto rates = GemmRates::fromCatalog(s.accelerator, Precision::Bf16);
    QVERIFY(rates);
    LayoutSearchOptions o;
    o.recompute = Recompute::Selective, o.recompute_layers = 2;
    auto found = searchLayouts(j, s, *rates, o);
    QVERIFY(!found);
    SP_VERIFY_CONTAINS(found.message(), "layout search: recompute_layers: 2 needs recompute full, got recompute selective");
  }

  void searchSplitsAnUndividedPipeline() {
    const TrainingJob j = job(126, 16384, 2048);
    const ClusterSystem s = shippedSystem("hgx-h100");
    auto rates = GemmRates::fromCatalog(s.accelerator, Precision::Bf16);
    QVERIFY(rates);
    LayoutSearchOptions o;
    o.tp = 8, o.pp = 16, o.cp = 1;
    o.top_k = 50;
    auto found = searchLayouts(j, s, *rates, o);
    QVERIFY2(found, found.message().c_str());
    bool v4 = false;
    for (const RankedLayout& r : found->best) {
      const ParallelLayout& l = r.estimate.layout;
      const StageLayers stages = l.stageLayers(126);
      QCOMPARE(l.pp, 16);
      // Every other device takes ceil(126 / 16) = 8 rounded up to a multiple of V; 8 · 16 - 126 =
      // 2 layers come off the ends.
      QCOMPARE(stages.middle, std::int64_t{8});
      QCOMPARE(stages.first, std::int64_t{7});
      QCOMPARE(stages.last, std::int64_t{7});
      QVERIFY(l.virtual_stages == 1 || l.virtual_stages == 2 || l.virtual_stages == 4);
      v4 = v4 || l.virtual_stages == 4;
    }
    QVERIFY(v4);
    // The user's own end stages are kept.
    o.first_stage_layers = 6;
    o.last_stage_layers = 8;
    found = searchLayouts(j, s, *rates, o);
    QVERIFY2(found, found.message().c_str());
    QCOMPARE(found->best.front().estimate.layout.first_stage_layers, std::int64_t{6});
    // A searched PP need not divide the layers: on 16,384 GPUs only PP 1 and 2 divide both 126 and
    // the GPUs, and a 405B model's state does not fit at PP 2 without ZeRO. The search tries the
    // powers of two with the balanced split, and finds PP 16 at least as fast as the layout above.
    LayoutSearchOptions free_pp;
    free_pp.tp = 8, free_pp.cp = 1, free_pp.top_k = 100;
    const double fixed_best = found->best.front().estimate.step_seconds;
    found = searchLayouts(j, s, *rates, free_pp);
    QVERIFY2(found, found.message().c_str());
    bool undivided = false;
    for (const RankedLayout& r : found->best) {
      const ParallelLayout& l = r.estimate.layout;
      if (126 % l.pp == 0) continue;
      undivided = true;
      const auto ends = balancedEndStages(126, l.pp, l.virtual_stages);
      QVERIFY(ends.has_value());
      QCOMPARE(l.first_stage_layers, ends->first);
      QCOMPARE(l.last_stage_layers, ends->last);
    }
    QVERIFY(undivided);
    QVERIFY(found->best.front().estimate.layout.pp > 2);
    QVERIFY(found->best.front().estimate.step_seconds <= fixed_best * (1.0 + 1e-12));
  }
};

QTEST_GUILESS_MAIN(TestUnevenStages)
#include "test_uneven_stages.moc"
