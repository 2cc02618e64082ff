// Data-parallel communication under the current software, against hand-derived times: ZeRO 3
// gathers and reduce-scatters one layer at a time, Megatron-Core's gradient buckets (max(40M, 1M ×
// dp) parameters each, one collective per bucket), ZeRO 2 reducing after every micro-batch, and
// the compute slowed while a collective overlaps it (ExecutionOptions::overlap_compute_slowdown:
// max(c, C + s·c)). Gradients are FP32 (4 bytes: ExecutionOptions::gradient_bytes, Megatron-Core's
// default), weights 16-bit (2 bytes).
#include <algorithm>
#include <cmath>
#include <string>

#include "cluster/layout_search.hpp"
#include "shipped_catalogs.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

ClusterSystem h100System() { return test::shippedSystem("hgx-h100"); }

TrainingJob llama70b(std::int64_t gpus) {
  TrainingJob j;
  j.arch = test::shippedPreset("llama3-70b").architecture;
  j.seq_len = 4096;
  j.gpus = gpus;
  j.global_batch = gpus * 2;
  return j;
}

StepEstimate estimate(const TrainingJob& j, const ParallelLayout& l, const ExecutionOptions& o = {}) {
  const ClusterSystem s = h100System();
  auto rates = GemmRates::fromCatalog(s.accelerator, Precision::Bf16);
  if (!rates) qFatal("%s", rates.message().c_str());
  auto e = estimateStep(j, l, s, *rates, o);
  if (!e) qFatal("%s", e.message().c_str());
  return *e;
}

double extra(double comm, double compute, double slowdown) {
  return std::max(comm, compute + slowdown * comm) - compute;
}

}  // namespace

class TestDpOverlap : public QObject {
  Q_OBJECT
 private slots:
  // FSDP over 1,024 GPUs: per micro-batch, each of the 80 layers' weights all-gathered twice and
  // its gradients reduce-scattered once; the sum overlaps that micro-batch's compute.
  void zero3GathersLayerByLayer() {
    const TrainingJob j = llama70b(1024);
    ParallelLayout l;
    l.dp = 1024, l.zero_stage = 3, l.micro_batch = 1, l.recompute = Recompute::Full;
    const StepEstimate e = estimate(j, l);
    const double m = static_cast<double>(e.micro_batches);
    QCOMPARE(m, 2.0);
    const Fabric f = h100System().groupFabric(1024, 1);
    const double n = 80.0;
    const double params = e.memory.parameters_per_gpu;
    const double comm = n * (2.0 * collectiveSeconds(f, Collective::AllGather, 2.0 * params / n, 1024) +
                             collectiveSeconds(f, Collective::ReduceScatter, 4.0 * params / n, 1024));
    const double compute = (e.time.gemm + e.time.attention + e.time.memory_bound) / m;
    SP_COMPARE_REL(e.time.dp_communication, m * extra(comm, compute, 0.18), 1e-9);
    // The slowdown is what makes it cost anything here: without it the gathers hide entirely.
    QVERIFY(comm < compute);
    ExecutionOptions free_overlap;
    free_overlap.overlap_compute_slowdown = 0.0;
    QCOMPARE(estimate(j, l, free_overlap).time.dp_communication, 0.0);
  }

  // ZeRO 1 over DP 256 (TP 4): gradients reduce-scattered and weights all-gathered in buckets of
  // max(40M, 256M) = 256M parameters, overlapped with the last micro-batch's backward and the
  // next forward, but for the last bucket: half a bucket of the first layer's parameters and the
  // input embedding's share (128,256 x 8,192 / 4), whose gradient is complete only when the
  // backward ends; its reduction and its weights' gather are exposed.
  void zero1Buckets() {
    const TrainingJob j = llama70b(1024);
    ParallelLayout l;
    l.tp = 4, l.dp = 256, l.sequence_parallel = true, l.zero_stage = 1, l.micro_batch = 1;
    l.recompute = Recompute::Full;
    const StepEstimate e = estimate(j, l);
    const double m = static_cast<double>(e.micro_batches);
    const double params = e.memory.parameters_per_gpu;
    const double buckets = std::ceil(params / 256e6);
    QVERIFY(buckets > 1.0);
    const Fabric f = h100System().groupFabric(256, 4);
    const double reduce = buckets * collectiveSeconds(f, Collective::ReduceScatter, 4.0 * params / buckets, 256);
    const double gather = buckets * collectiveSeconds(f, Collective::AllGather, 2.0 * params / buckets, 256);
    const double compute = (e.time.gemm + e.time.attention + e.time.memory_bound) / m;
    const double backward = compute * 2.0 / 4.0;  // full recomputation: 2 of 4 passes
    const double tail = (0.5 * 256e6 + 128256.0 * 8192.0 / 4.0) / params;
    QVERIFY(tail > 0.02 && tail < 0.03);  // of 17.6e9 parameters per GPU
    SP_COMPARE_REL(e.time.dp_communication,
                   extra((1.0 - tail) * reduce, backward, 0.18) + tail * reduce +
                       extra((1.0 - tail) * gather, compute - backward, 0.18) + tail * gather,
                   1e-9);
    // Without the last bucket's exposure the term would be smaller.
    QVERIFY(e.time.dp_communication > extra(reduce, backward, 0.18) + extra(gather, compute - backward, 0.18));
  }

  // ZeRO 2 holds only its shard of the gradients, so each of the 8 micro-batches' gradients is
  // reduce-scattered after its own backward (DeepSpeed's stage 2 under gradient accumulation); the
  // weights are gathered once. ZeRO 1, with the whole gradient buffer, reduces once per step.
  void zero2ReducesEveryMicroBatch() {
    TrainingJob j = llama70b(1024);
    j.global_batch = 256 * 8;
    ParallelLayout l;
    l.tp = 4, l.dp = 256, l.sequence_parallel = true, l.zero_stage = 2, l.micro_batch = 1;
    l.recompute = Recompute::Full;
    const StepEstimate e = estimate(j, l);
    const double m = static_cast<double>(e.micro_batches);
    QCOMPARE(m, 8.0);
    const double params = e.memory.parameters_per_gpu;
    const double buckets = std::ceil(params / 256e6);
    const Fabric f = h100System().groupFabric(256, 4);
    const double reduce = buckets * collectiveSeconds(f, Collective::ReduceScatter, 4.0 * params / buckets, 256);
    const double gather = buckets * collectiveSeconds(f, Collective::AllGather, 2.0 * params / buckets, 256);
    const double compute = (e.time.gemm + e.time.attention + e.time.memory_bound) / m;
    const double backward = compute * 2.0 / 4.0;
    // The last micro-batch's last bucket and the first gather's first are exposed (zero1Buckets).
    const double tail = (0.5 * 256e6 + 128256.0 * 8192.0 / 4.0) / params;
    const double last = extra((1.0 - tail) * reduce, backward, 0.18) + tail * reduce;
    const double gathered = extra((1.0 - tail) * gather, compute - backward, 0.18) + tail * gather;
    SP_COMPARE_REL(e.time.dp_communication, (m - 1.0) * extra(reduce, backward, 0.18) + last + gathered, 1e-9);
    l.zero_stage = 1;
    const StepEstimate once = estimate(j, l);
    SP_COMPARE_REL(once.time.dp_communication, last + gathered, 1e-9);
    QVERIFY(e.time.dp_communication > once.time.dp_communication);
    // Without overlap (Megatron-LM 2021's profile) all eight reductions are exposed.
    ExecutionOptions exposed;
    exposed.overlap_grad_reduce = exposed.overlap_param_gather = false;
    l.zero_stage = 2;
    SP_COMPARE_REL(estimate(j, l, exposed).time.dp_communication, m * reduce + gather, 1e-9);
  }

  void optionsAreChecked() {
    ExecutionOptions o;
    o.overlap_compute_slowdown = 1.0;
    std::string error;
    QVERIFY(!o.isValid(&error));
    SP_VERIFY_CONTAINS(error, "overlap_compute_slowdown: must be in [0, 1)");
    o = ExecutionOptions{};
    o.dp_bucket_parameters_min = -1.0;
    QVERIFY(!o.isValid(&error));
    SP_VERIFY_CONTAINS(error, "dp_bucket_parameters_min");
    QCOMPARE(ExecutionOptions::megatron2021().dp_bucket_parameters_min, 0.0);
    QCOMPARE(ExecutionOptions{}.gradient_bytes, 4.0);  // FP32 gradient buffer (Megatron-Core)
    QCOMPARE(ExecutionOptions::megatron2022().gradient_bytes, 2.0);  // the FP16 runs of 2021/2022
  }

  // A BF16 run of the 2022 code: FP32 gradients, accumulated by the weight-gradient products
  // themselves; per parameter per step, 6 bytes for each micro-batch after the first and 8 - 4
  // bytes of buffer passes fewer than the FP16 run's, and 6 fewer in the optimizer (no FP16 ->
  // FP32 gradient copy). 2 bytes restore the FP16 passes; other profiles only change the bytes.
  void fp32GradientsUnderThe2022Code() {
    const TrainingJob j = llama70b(64);
    ParallelLayout l;
    l.tp = 8, l.dp = 8, l.micro_batch = 1, l.recompute = Recompute::Full, l.sequence_parallel = true;
    ExecutionOptions fp16 = ExecutionOptions::megatron2022();
    ExecutionOptions bf16 = fp16;
    bf16.setGradientBytes(4.0);
    QCOMPARE(bf16.gradient_bytes, 4.0);
    QCOMPARE(bf16.gradient_accumulation_bytes_per_parameter, 0.0);
    QCOMPARE(bf16.gradient_reduce_copy_bytes_per_parameter, 4.0);
    QCOMPARE(bf16.optimizer_bytes_per_parameter, 46.0);
    const StepEstimate a = estimate(j, l, fp16), b = estimate(j, l, bf16);
    const double m = static_cast<double>(a.micro_batches);
    QCOMPARE(m, 16.0);  // 128 sequences / (DP 8 · mb 1)
    const double params = a.memory.parameters_per_gpu;
    auto rates = GemmRates::fromCatalog(h100System().accelerator, Precision::Bf16);
    QVERIFY(rates);
    SP_COMPARE_REL(a.time.memory_bound - b.time.memory_bound,
                   rates->memorySeconds(params * ((m - 1.0) * 6.0 + 8.0 - 4.0)), 1e-9);
    SP_COMPARE_REL(a.time.optimizer - b.time.optimizer, rates->memorySeconds(params * 6.0), 1e-9);
    SP_COMPARE_REL(b.memory.gradients, 2.0 * a.memory.gradients, 1e-12);
    bf16.setGradientBytes(2.0);
    QVERIFY(bf16 == fp16);
    ExecutionOptions current;
    current.setGradientBytes(2.0);
    ExecutionOptions expected;
    expected.gradient_bytes = 2.0;
    QVERIFY(current == expected);
  }
};

QTEST_GUILESS_MAIN(TestDpOverlap)
#include "test_dp_overlap.moc"
