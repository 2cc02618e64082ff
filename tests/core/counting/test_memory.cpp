// Training state bytes per parameter, activation memory (Korthikanti et al. 2022), inference
// weights and KV cache, and GPUs needed to hold them.
#include <cmath>

#include "counting/memory.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

TransformerArchitecture llama2(std::int64_t layers, std::int64_t d_model, std::int64_t heads,
                               std::int64_t kv_heads, std::int64_t d_ff) {
  TransformerArchitecture a;
  a.layers = layers;
  a.d_model = d_model;
  a.heads = heads;
  a.kv_heads = kv_heads;
  a.d_ff = d_ff;
  a.vocab = 32000;
  return a;
}

QString errorOf(const TrainingStateOptions& o) {
  std::string e;
  return o.isValid(&e) ? QString("(valid)") : QString::fromStdString(e);
}

}  // namespace

class TestMemory : public QObject {
  Q_OBJECT
 private slots:
  void mixedPrecisionAdamIsSixteenBytes() {
    // bf16 weights 2 + bf16 gradients 2 + fp32 master 4 + Adam m and v 4 + 4 (ZeRO paper, §3.1).
    const BytesPerParameter b = trainingBytesPerParameter();
    QCOMPARE(b.weights, 2.0);
    QCOMPARE(b.gradients, 2.0);
    QCOMPARE(b.master_weights, 4.0);
    QCOMPARE(b.optimizer, 8.0);
    QCOMPARE(b.grad_accumulation, 0.0);
    QCOMPARE(b.total(), 16.0);
    QCOMPARE(trainingStateBytes(70e9), 1.12e12);
    TrainingStateOptions o;
    o.fp32_grad_accumulation = true;
    QCOMPARE(trainingBytesPerParameter(o).total(), 20.0);
  }

  void otherPrecisionsAndOptimizers() {
    TrainingStateOptions o;
    o.precision = Precision::Fp32;  // no master copy: the weights already are fp32
    QCOMPARE(trainingBytesPerParameter(o).total(), 4.0 + 4.0 + 8.0);
    QCOMPARE(trainingBytesPerParameter(o).master_weights, 0.0);
    o.precision = Precision::Bf16;
    o.optimizer = Optimizer::SgdMomentum;
    QCOMPARE(trainingBytesPerParameter(o).total(), 2.0 + 2.0 + 4.0 + 4.0);
    o.optimizer = Optimizer::AdamW8bit;
    QCOMPARE(trainingBytesPerParameter(o).total(), 2.0 + 2.0 + 4.0 + 2.0);
    o.optimizer = Optimizer::Sgd;
    QCOMPARE(trainingBytesPerParameter(o).total(), 8.0);
    o.optimizer = Optimizer::Adafactor;
    QCOMPARE(trainingBytesPerParameter(o).total(), 8.0);
    o.optimizer = Optimizer::AdamW;
    o.master_weights = false;
    QCOMPARE(trainingBytesPerParameter(o).total(), 12.0);
    o.precision = Precision::Fp8;
    o.master_weights = true;
    QCOMPARE(trainingBytesPerParameter(o).total(), 1.0 + 1.0 + 4.0 + 8.0);
    for (Optimizer x : {Optimizer::AdamW, Optimizer::AdamW8bit, Optimizer::Sgd, Optimizer::SgdMomentum,
                        Optimizer::Adafactor}) {
      QVERIFY(optimizerFromString(toString(x)) == x);
    }
    QVERIFY(!optimizerFromString("adam").has_value());
    QCOMPARE(QString::fromStdString(allOptimizerNames()),
             QString("adamw, adamw-8bit, sgd, sgd-momentum, adafactor"));
  }

  void invalidTrainingPrecision() {
    TrainingStateOptions o;
    o.precision = Precision::Int4;
    QCOMPARE(errorOf(o),
             QString("precision: int4 is not a training precision (use fp32, tf32, bf16, fp16 or fp8)"));
    o.precision = Precision::Int8;
    QVERIFY(!o.isValid(nullptr));
    o.precision = Precision::Tf32;
    QCOMPARE(errorOf(o), QString("(valid)"));
  }

  void korthikantiActivationsForGpt3() {
    // GPT-3 175B: s 2048, h 12288, a 96, b 1. 5·a·s/h = 80, so a layer holds s·b·h·114 bytes;
    // selective recomputation keeps 34·s·b·h, i.e. 70% less (the paper's figure for GPT-3).
    const double s = 2048, h = 12288, sbh = s * h;
    ActivationOptions o;
    QCOMPARE(activationBytesPerLayer(12288, 96, o), sbh * (34 + 5 * 96 * s / h));
    QCOMPARE(activationBytesPerLayer(12288, 96, o), sbh * 114);
    o.recompute = Recompute::Selective;
    QCOMPARE(activationBytesPerLayer(12288, 96, o), 34 * sbh);
    SP_COMPARE_REL(1.0 - 34.0 / 114.0, 0.70, 0.01);
    o.recompute = Recompute::Full;
    QCOMPARE(activationBytesPerLayer(12288, 96, o), 2 * sbh);
    o.recompute = Recompute::None;
    o.flash_attention = true;  // scores never stored: same as selective
    QCOMPARE(activationBytesPerLayer(12288, 96, o), 34 * sbh);
    o.flash_attention = false;
    o.micro_batch = 4;
    QCOMPARE(activationBytesPerLayer(12288, 96, o), 4 * 114 * sbh);
  }

  void tensorAndSequenceParallel() {
    // t = 8 without sequence parallelism: s·b·h·(10 + 24/8 + 80/8) = 23·s·b·h; with it 114/8.
    const double sbh = 2048.0 * 12288;
    ActivationOptions o;
    o.tensor_parallel = 8;
    QCOMPARE(activationBytesPerLayer(12288, 96, o), 23 * sbh);
    o.sequence_parallel = true;
    QCOMPARE(activationBytesPerLayer(12288, 96, o), 114 * sbh / 8);
    o.recompute = Recompute::Selective;
    QCOMPARE(activationBytesPerLayer(12288, 96, o), 34 * sbh / 8);
    o.sequence_parallel = false;
    QCOMPARE(activationBytesPerLayer(12288, 96, o), (10 + 3) * sbh);
    o.tensor_parallel = 0;
    std::string error;
    QVERIFY(!o.isValid(&error));
    QCOMPARE(QString::fromStdString(error), QString("tensor_parallel: must be positive, got 0"));
  }

  void trainingMemoryOfAnArchitecture() {
    const TransformerArchitecture a = llama2(32, 4096, 32, 32, 11008);
    ActivationOptions act;
    act.seq_len = 4096;
    act.recompute = Recompute::Selective;
    const TrainingMemory m = trainingMemory(a, TrainingStateOptions{}, act);
    const double n = 6738415616.0;
    QCOMPARE(m.weights, 2 * n);
    QCOMPARE(m.optimizer, 8 * n);
    QCOMPARE(m.state(), 16 * n);
    QCOMPARE(m.activations, 32 * 34 * 4096.0 * 4096);
    QCOMPARE(m.total(), 16 * n + 32 * 34 * 4096.0 * 4096);
  }

  void kvCacheAndInferenceWeights() {
    // Llama 2 7B: 2 · 32 layers · 32 heads · 128 · 2 bytes = 512 KiB per token.
    const TransformerArchitecture l7 = llama2(32, 4096, 32, 32, 11008);
    QCOMPARE(kvCacheBytesPerToken(l7), 524288.0);
    // Llama 2 70B with 8 KV heads: 2 · 80 · 8 · 128 · 2 = 320 KiB per token.
    const TransformerArchitecture l70 = llama2(80, 8192, 64, 8, 28672);
    QCOMPARE(kvCacheBytesPerToken(l70), 327680.0);
    QCOMPARE(kvCacheBytesPerToken(l70, Precision::Fp8), 163840.0);
    InferenceOptions o;
    o.batch = 8;
    o.context = 4096;
    const InferenceMemory m = inferenceMemory(l70, o);
    const double n = 80 * (2 * 8192.0 * 8192 + 2 * 8192.0 * 1024 + 3 * 8192.0 * 28672 + 2 * 8192) +
                     2 * 32000.0 * 8192 + 8192;
    QCOMPARE(m.weights, 2 * n);
    QCOMPARE(m.kv_cache, 327680.0 * 8 * 4096);
    QCOMPARE(m.total(), 2 * n + 327680.0 * 8 * 4096);
    QCOMPARE(inferenceWeightBytes(n, Precision::Int4), n / 2);
    QCOMPARE(inferenceWeightBytes(n, Precision::Fp32), 4 * n);
    QCOMPARE(inferenceWeightBytes(n, Precision::Int8), n);
    o.batch = 0;
    std::string error;
    QVERIFY(!o.isValid(&error));
    QCOMPARE(QString::fromStdString(error), QString("batch: must be positive, got 0"));
  }

  void gpusToHoldIt() {
    // GPU memory as vendors state it, in GiB: an "80 GB" GPU holds 80 · 2^30 = 85.9e9 bytes.
    // A 70B model's 1.12 TB of training state needs 14 of them (13.04); its bf16 weights (140 GB) 2.
    auto training = gpusToHold(trainingStateBytes(70e9), 80);
    QVERIFY2(training, training.message().c_str());
    QCOMPARE(*training, std::int64_t{14});
    QCOMPARE(*gpusToHold(inferenceWeightBytes(70e9, Precision::Bf16), 80), std::int64_t{2});
    QCOMPARE(*gpusToHold(inferenceWeightBytes(70e9, Precision::Int4), 80), std::int64_t{1});
    const double two_gpus = 2.0 * 80.0 * 1024 * 1024 * 1024;  // 171,798,691,840 bytes
    QCOMPARE(*gpusToHold(two_gpus, 80), std::int64_t{2});  // exactly full
    QCOMPARE(*gpusToHold(two_gpus + 1, 80), std::int64_t{3});
    QCOMPARE(*gpusToHold(160e9 + 1, 80), std::int64_t{2});  // 160 decimal GB fit on two
    QCOMPARE(*gpusToHold(140e9, 80, 0.9), std::int64_t{2});  // 72 GiB (77.3e9 bytes) usable each
    QCOMPARE(*gpusToHold(155e9, 80, 0.9), std::int64_t{3});
    QCOMPARE(*gpusToHold(0.0, 80), std::int64_t{0});
    auto bad = gpusToHold(1e9, 0);
    QVERIFY(!bad);
    QCOMPARE(QString::fromStdString(bad.message()), QString("GPU memory must be positive, got 0 GiB"));
    bad = gpusToHold(1e9, 80, 1.5);
    QVERIFY(!bad);
    QCOMPARE(QString::fromStdString(bad.message()), QString("usable fraction must be in (0, 1], got 1.5"));
    bad = gpusToHold(std::nan(""), 80);
    QVERIFY(!bad);
    QCOMPARE(QString::fromStdString(bad.message()),
             QString("bytes must be finite and non-negative, got nan"));
  }
};

QTEST_APPLESS_MAIN(TestMemory)
#include "test_memory.moc"
