// Training and inference FLOPs: 6ND, the Chinchilla appendix-F count, PaLM's MFU formula.
#include <cmath>

#include "counting/flops.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

// A model of Chinchilla's Table A4: Gopher-family block (relative positions, 2-matrix MLP, tied
// 32K vocabulary).
TransformerArchitecture chinchillaFamily(std::int64_t layers, std::int64_t d_model, std::int64_t d_ff,
                                         std::int64_t heads, std::int64_t head_dim) {
  TransformerArchitecture a;
  a.layers = layers;
  a.d_model = d_model;
  a.d_ff = d_ff;
  a.heads = heads;
  a.head_dim = head_dim;
  a.mlp = MlpKind::Gelu;
  a.vocab = 32000;
  a.tied_embeddings = true;
  a.positions = PositionKind::RelativeXl;
  return a;
}

TransformerArchitecture llama3_8b() {
  TransformerArchitecture a;
  a.layers = 32;
  a.d_model = 4096;
  a.heads = 32;
  a.kv_heads = 8;
  a.d_ff = 14336;
  a.vocab = 128256;
  return a;
}

}  // namespace

class TestFlops : public QObject {
  Q_OBJECT
 private slots:
  void sixNDExamples() {
    // GPT-3: 6 · 175e9 · 300e9 ≈ 3.15e23; Chinchilla: 6 · 70e9 · 1.4e12 = 5.88e23.
    SP_COMPARE_REL(trainingFlops(175e9, 300e9).value, 3.15e23, 1e-12);
    SP_COMPARE_REL(trainingFlops(70e9, 1.4e12).value, 5.88e23, 1e-12);
    SP_COMPARE_REL(inferenceFlopsPerToken(70e9), 1.4e11, 1e-15);
  }

  void chinchillaTableA4Ratios_data() {
    QTest::addColumn<int>("layers");
    QTest::addColumn<int>("d_model");
    QTest::addColumn<int>("d_ff");
    QTest::addColumn<int>("heads");
    QTest::addColumn<int>("head_dim");
    QTest::addColumn<double>("ratio");  // "FLOP Ratio (Ours/6ND)" as printed, two decimals
    QTest::newRow("73M") << 10 << 640 << 2560 << 10 << 64 << 1.03;
    QTest::newRow("305M") << 20 << 1024 << 4096 << 16 << 64 << 1.10;
    QTest::newRow("552M") << 24 << 1280 << 5120 << 10 << 128 << 1.08;
    QTest::newRow("1.1B") << 26 << 1792 << 7168 << 14 << 128 << 1.04;
    QTest::newRow("1.6B") << 28 << 2048 << 8192 << 16 << 128 << 1.03;
    QTest::newRow("6.8B") << 40 << 3584 << 14336 << 28 << 128 << 0.99;
  }
  void chinchillaTableA4Ratios() {
    // Hoffmann et al. 2022, Table A4, sequence length 2048. The printed ratios come out when the
    // count covers the Transformer layers (the embedding and logit terms left out) and N counts
    // all parameters.
    QFETCH(int, layers);
    QFETCH(int, d_model);
    QFETCH(int, d_ff);
    QFETCH(int, heads);
    QFETCH(int, head_dim);
    QFETCH(double, ratio);
    const TransformerArchitecture a = chinchillaFamily(layers, d_model, d_ff, heads, head_dim);
    const ForwardFlops f = forwardFlopsPerToken(a, FlopsOptions{});
    const double n = countParameters(a).total;
    const double ours = 3.0 * f.layers() / (6.0 * n);
    QVERIFY2(std::fabs(ours - ratio) <= 0.005, QByteArray::number(ours, 'f', 4));

    // The same per-token count written out from the appendix (per layer: QKV 6·d·HQ, logits and
    // values 2·T·HQ each, softmax 3·H·T, output 2·HQ·d, dense 4·d·d_ff).
    const double d = d_model, hq = double(heads) * head_dim, t = 2048;
    const double per_layer = 6 * d * hq + 2 * t * hq + 3 * heads * t + 2 * t * hq + 2 * hq * d + 4 * d * d_ff;
    QCOMPARE(f.layers(), layers * per_layer);
    QCOMPARE(f.embedding, 2.0 * 32000 * d);
    QCOMPARE(f.logits, 2.0 * 32000 * d);
    QCOMPARE(f.total(), layers * per_layer + 4.0 * 32000 * d);
  }

  void componentsWithGqaAndSwiGlu() {
    // Llama 3 8B, T = 8192: K and V projections use the 8 KV heads; the MLP has three matrices.
    FlopsOptions o;
    o.seq_len = 8192;
    const ForwardFlops f = forwardFlopsPerToken(llama3_8b(), o);
    const double d = 4096, L = 32, t = 8192, hq = 32 * 128, kvq = 8 * 128, v = 128256;
    QCOMPARE(f.qkv, L * 2 * d * (hq + 2 * kvq));
    QCOMPARE(f.attention_logits, L * 2 * t * hq);
    QCOMPARE(f.attention_values, L * 2 * t * hq);
    QCOMPARE(f.attention_softmax, L * 3 * 32 * t);
    QCOMPARE(f.attention_output, L * 2 * hq * d);
    QCOMPARE(f.mlp, L * 2 * 3 * d * 14336);
    QCOMPARE(f.router, 0.0);
    QCOMPARE(f.logits, 2 * d * v);
    // Matmul FLOPs outside attention scores are 2 per weight: layers' weights minus norms.
    const ParameterCount c = countParameters(llama3_8b());
    QCOMPARE(f.qkv + f.attention_output + f.mlp, 2 * (c.attention + c.mlp));
  }

  void moeCountsTopKAndSharedExperts() {
    TransformerArchitecture a = llama3_8b();
    a.vocab = 32000;
    a.moe.experts = 8;
    a.moe.top_k = 2;
    a.moe.shared_experts = 1;
    const ForwardFlops f = forwardFlopsPerToken(a, FlopsOptions{});
    QCOMPARE(f.mlp, 32.0 * 3 * 2 * 3 * 4096 * 14336);
    QCOMPARE(f.router, 32.0 * 2 * 4096 * 8);
    // 2 FLOPs per active weight: the detailed count's matmuls agree with the active parameters.
    const ParameterCount c = countParameters(a);
    QCOMPARE(f.qkv + f.attention_output + f.mlp + f.router, 2 * (c.attention + c.mlp_active + c.router));
  }

  void causalHalvesOnlyTheScoreTerms() {
    FlopsOptions full;
    full.seq_len = 4096;
    FlopsOptions causal = full;
    causal.causal = true;
    const ForwardFlops a = forwardFlopsPerToken(llama3_8b(), full);
    const ForwardFlops b = forwardFlopsPerToken(llama3_8b(), causal);
    QCOMPARE(b.attention_logits, a.attention_logits / 2);
    QCOMPARE(b.attention_softmax, a.attention_softmax / 2);
    QCOMPARE(b.attention_values, a.attention_values / 2);
    QCOMPARE(b.qkv, a.qkv);
    QCOMPARE(b.mlp, a.mlp);
    QCOMPARE(a.total() - b.total(), a.attentionScores() / 2);
  }

  void recomputationChangesHardwareNotModelFlops() {
    FlopsOptions o;
    const TrainingFlopsPerToken none = trainingFlopsPerToken(llama3_8b(), o);
    const ForwardFlops f = forwardFlopsPerToken(llama3_8b(), o);
    QCOMPARE(none.forward, f.total());
    QCOMPARE(none.backward, 2 * f.total());
    QCOMPARE(none.model(), 3 * f.total());
    QCOMPARE(none.hardware(), none.model());
    o.recompute = Recompute::Full;
    const TrainingFlopsPerToken full = trainingFlopsPerToken(llama3_8b(), o);
    QCOMPARE(full.model(), none.model());
    QCOMPARE(full.hardware(), 3 * f.total() + f.layers());  // one more forward through the layers
    // Below 4/3: the embedding and the logits (large for a 128K vocabulary) are not recomputed.
    QVERIFY(full.hardware() / full.model() > 1.25 && full.hardware() / full.model() < 4.0 / 3.0);
    o.recompute = Recompute::Selective;
    const TrainingFlopsPerToken selective = trainingFlopsPerToken(llama3_8b(), o);
    QCOMPARE(selective.hardware(), none.model() + f.attentionScores());
    QCOMPARE(selective.model(), none.model());
    // Detailed training FLOPs for D tokens use model FLOPs.
    SP_COMPARE_REL(detailedTrainingFlops(llama3_8b(), 15e12, o).value, none.model() * 15e12, 1e-15);
  }

  void detailedCountIsCloseToSixNDForGpt3() {
    TransformerArchitecture a;
    a.layers = 96;
    a.d_model = 12288;
    a.heads = 96;
    a.d_ff = 49152;
    a.mlp = MlpKind::Gelu;
    a.vocab = 50257;
    a.tied_embeddings = true;
    a.positions = PositionKind::Learned;
    a.max_seq_len = 2048;
    a.biases = true;
    a.norm = NormKind::LayerNorm;
    const double n = countParameters(a).total;
    const double detailed = detailedTrainingFlops(a, 300e9).value;
    const double approx = trainingFlops(n, 300e9).value;
    // Attention scores (4·T·d per layer) and the embedding/logit terms add ≈ 3%.
    const double d = 12288, t = 2048;
    const double expected_ratio = (96 * (24 * d * d + 4 * t * d + 3 * 96 * t) + 4 * 50257 * d) / (2 * n);
    SP_COMPARE_REL(detailed / approx, expected_ratio, 1e-9);
    QVERIFY(detailed / approx > 1.0 && detailed / approx < 1.05);
  }

  void palmModelFlopsUtilization() {
    // Chowdhery et al. 2022, appendix B: PaLM 540B (N = 540.35e9, L 118, H 48, Q 256, T 2048)
    // trained at 238.3K tokens/s on 6144 TPU v4 chips (275 TFLOP/s bf16 each): MFU 46.2%.
    const double per_token = mfuModelFlopsPerToken(540.35e9, 118, 48, 256, 2048);
    QCOMPARE(per_token, 6 * 540.35e9 + 12.0 * 118 * 48 * 256 * 2048);
    const double mfu = modelFlopsUtilization(per_token, 238.3e3, 6144.0 * FlopsPerSecond::fromTera(275));
    QVERIFY2(std::fabs(mfu - 0.462) < 0.0005, QByteArray::number(mfu, 'f', 5));
    // PaLM's count from an architecture: N = active parameters, Q = head dim.
    TransformerArchitecture a = llama3_8b();
    QCOMPARE(palmModelFlopsPerToken(a, 8192), 6 * countParameters(a).active + 12.0 * 32 * 32 * 128 * 8192);
    // The MFU's count leaves out the untied token embedding (a lookup; the output layer stays):
    // Llama 3 8B, 8,030,261,248 parameters less 128,256 x 4,096 = 525,336,576, by hand.
    QCOMPARE(matrixProductParameters(a), 7504924672.0);
    QCOMPARE(mfuModelFlopsPerToken(a, 8192), 6 * 7504924672.0 + 12.0 * 32 * 32 * 128 * 8192);
    // Tied embeddings count once, as the output projection: PaLM's count and the MFU's agree.
    a.tied_embeddings = true;
    QCOMPARE(mfuModelFlopsPerToken(a, 8192), palmModelFlopsPerToken(a, 8192));
    // A learned position table is a lookup too (GPT-3 style: 2,048 x 4,096 more parameters, no
    // more model FLOPs).
    TransformerArchitecture learned = a;
    learned.positions = PositionKind::Learned;
    learned.max_seq_len = 2048;
    QCOMPARE(countParameters(learned).active - countParameters(a).active, 2048.0 * 4096);
    QCOMPARE(mfuModelFlopsPerToken(learned, 8192), mfuModelFlopsPerToken(a, 8192));
  }

  void optionsValidation() {
    FlopsOptions o;
    o.seq_len = 0;
    std::string error;
    QVERIFY(!o.isValid(&error));
    QCOMPARE(QString::fromStdString(error), QString("seq_len: must be positive, got 0"));
    for (Recompute r : {Recompute::None, Recompute::Selective, Recompute::Full}) {
      QVERIFY(recomputeFromString(toString(r)) == r);
    }
    QVERIFY(!recomputeFromString("partial").has_value());
    QCOMPARE(QString::fromStdString(allRecomputeNames()), QString("none, selective, full"));
  }
};

QTEST_APPLESS_MAIN(TestFlops)
#include "test_flops.moc"
