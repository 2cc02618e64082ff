// Pipeline-parallel sends against hand-derived times: each micro-batch sends its activations
// forward and their gradients back across every stage boundary (one send each way per model chunk),
// on the fabric of the slowest boundary, and the interleaved schedule of the current software
// overlaps them with the device's other chunks (ExecutionOptions::overlap_pp_interleaved:
// Megatron-Core's overlap_p2p_comm, which Megatron-Bridge turns on whenever the virtual pipeline
// size is above 1). Llama 3 8B (width 4,096, 32 layers) on 64 H100s of the HGX H100 system: 8 per
// NVLink domain, 400 Gb/s per GPU at 0.9 of the line rate and 10 us per step on the network.
#include <algorithm>
#include <cmath>

#include "cluster/layout_search.hpp"
#include "shipped_catalogs.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

TrainingJob llama8bOn64() {
  TrainingJob j;
  j.arch = test::shippedPreset("llama3-8b").architecture;
  j.seq_len = 4096;
  j.gpus = 64;
  j.global_batch = 64;
  return j;
}

// TP 1 · PP 16 · DP 2 · CP 2, micro-batch 1: stages of 4 GPUs (2 layers each), 32 micro-batches.
ParallelLayout smallStages(int virtual_stages) {
  ParallelLayout l;
  l.pp = 16, l.dp = 2, l.cp = 2, l.virtual_stages = virtual_stages, l.micro_batch = 1;
  l.recompute = Recompute::None, l.zero_stage = 1;
  return l;
}

StepEstimate estimate(const TrainingJob& j, const ParallelLayout& l, const ExecutionOptions& o = {}) {
  const ClusterSystem s = test::shippedSystem("hgx-h100");
  auto rates = GemmRates::fromCatalog(s.accelerator, Precision::Bf16);
  if (!rates) qFatal("%s", rates.message().c_str());
  auto e = estimateStep(j, l, s, *rates, o);
  if (!e) qFatal("%s", e.message().c_str());
  return *e;
}

// One send of a micro-batch's activations: 2,048 tokens per GPU (4,096 over CP 2) x 4,096 values
// x 2 bytes, over one 400 Gb/s NIC at 0.9 of its line rate, plus one network step's 10 us.
constexpr double kSendSeconds = 10e-6 + 2048.0 * 4096.0 * 2.0 / (400e9 / 8.0 * 0.9);

}  // namespace

class TestPipelineTransfers : public QObject {
  Q_OBJECT
 private slots:
  // Stages of 4 GPUs: stages 0 and 1 share the first node, but stage 1 (GPUs 4-7) sends to stage 2
  // (GPUs 8-11) on the second, over the network, and that boundary sets every micro-batch's pace.
  void aBoundaryBetweenNodesSetsThePace() {
    const StepEstimate e = estimate(llama8bOn64(), smallStages(1));
    QCOMPARE(e.micro_batches, std::int64_t{32});
    SP_COMPARE_REL(e.time.pp_communication, 32.0 * 2.0 * kSendSeconds, 1e-9);
    // Within one NVLink domain the same pipeline sends over NVLink (450 GB/s at 0.8, 5 us).
    TrainingJob one_node = llama8bOn64();
    one_node.gpus = 8, one_node.global_batch = 32;
    ParallelLayout l = smallStages(1);
    l.pp = 8, l.dp = 1, l.cp = 1;  // 4 layers per stage, 32 micro-batches of 4,096 tokens
    const double nvlink_send = 5e-6 + 4096.0 * 4096.0 * 2.0 / (450e9 * 0.8);
    SP_COMPARE_REL(estimate(one_node, l).time.pp_communication, 32.0 * 2.0 * nvlink_send, 1e-9);
  }

  // Interleaved (V 2: a send each way per chunk), the current software hides the sends behind the
  // other chunk's compute, paying only the slowdown of the overlapped compute, max(c, C + 0.18 c) -
  // C; the 2021/2022 software waits for each.
  void theInterleavedScheduleOverlapsItsSends() {
    const ParallelLayout l = smallStages(2);
    ExecutionOptions waited;
    waited.overlap_pp_interleaved = false;
    const StepEstimate exposed = estimate(llama8bOn64(), l, waited);
    const double per_micro_batch = 2.0 * 2.0 * kSendSeconds;
    SP_COMPARE_REL(exposed.time.pp_communication, 32.0 * per_micro_batch, 1e-9);

    const StepEstimate overlapped = estimate(llama8bOn64(), l);
    const double compute = (overlapped.time.gemm + overlapped.time.attention + overlapped.time.memory_bound) / 32.0;
    QVERIFY(per_micro_batch < compute);  // so only the slowdown shows
    const double hidden = std::max(per_micro_batch, compute + 0.18 * per_micro_batch) - compute;
    SP_COMPARE_REL(overlapped.time.pp_communication, 32.0 * hidden, 1e-9);
    QVERIFY(overlapped.step_seconds < exposed.step_seconds);

    // With one chunk per device Megatron batches the sends instead: exposed under every profile.
    SP_COMPARE_REL(estimate(llama8bOn64(), smallStages(1)).time.pp_communication,
                   estimate(llama8bOn64(), smallStages(1), waited).time.pp_communication, 1e-12);
    // The 2021 and 2022 profiles wait for every send.
    QVERIFY(!ExecutionOptions::megatron2021().overlap_pp_interleaved);
    QVERIFY(!ExecutionOptions::megatron2022().overlap_pp_interleaved);
  }
};

QTEST_GUILESS_MAIN(TestPipelineTransfers)
#include "test_pipeline_transfers.moc"
