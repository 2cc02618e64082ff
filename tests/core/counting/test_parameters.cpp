// Parameter counts from an architecture, checked against published sizes and against the
// arithmetic written out here independently of the implementation.
#include "counting/architecture.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

TransformerArchitecture llama2_7b() {
  TransformerArchitecture a;
  a.layers = 32;
  a.d_model = 4096;
  a.heads = 32;
  a.d_ff = 11008;
  a.mlp = MlpKind::SwiGlu;
  a.vocab = 32000;
  a.tied_embeddings = false;
  a.positions = PositionKind::Rotary;
  a.norm = NormKind::RmsNorm;
  return a;
}

TransformerArchitecture gpt3_175b() {
  TransformerArchitecture a;
  a.layers = 96;
  a.d_model = 12288;
  a.heads = 96;
  a.d_ff = 4 * 12288;
  a.mlp = MlpKind::Gelu;
  a.vocab = 50257;
  a.tied_embeddings = true;
  a.positions = PositionKind::Learned;
  a.max_seq_len = 2048;
  a.biases = true;
  a.norm = NormKind::LayerNorm;
  return a;
}

TransformerArchitecture mixtral() {
  TransformerArchitecture a;
  a.layers = 32;
  a.d_model = 4096;
  a.heads = 32;
  a.kv_heads = 8;
  a.head_dim = 128;
  a.d_ff = 14336;
  a.vocab = 32000;
  a.moe.experts = 8;
  a.moe.top_k = 2;
  return a;
}

std::string validationError(const TransformerArchitecture& a) {
  std::string error;
  if (a.isValid(&error)) return "(valid)";
  return error;
}

}  // namespace

class TestParameters : public QObject {
  Q_OBJECT
 private slots:
  void llama2_7bMatchesReleasedWeights() {
    // Per layer: Q, K, V, O (4·d²), SwiGLU gate/up/down (3·d·d_ff), two RMSNorm scales (2·d);
    // untied embedding and unembedding (2·V·d); final norm (d).
    const double d = 4096, f = 11008, v = 32000, layers = 32;
    const double expected = layers * (4 * d * d + 3 * d * f + 2 * d) + 2 * v * d + d;
    const ParameterCount c = countParameters(llama2_7b());
    QCOMPARE(c.total, expected);
    QCOMPARE(c.total, 6738415616.0);  // the released checkpoint's exact size
    SP_COMPARE_REL(c.total, 6.74e9, 0.005);
    QCOMPARE(c.embedding, 2 * v * d);
    QCOMPARE(c.non_embedding, expected - 2 * v * d);
    QCOMPARE(c.active, c.total);
    QCOMPARE(c.active_non_embedding, c.non_embedding);
  }

  void groupedQueryAttentionShrinksKeyValueProjections() {
    // Llama 3 8B: 8 KV heads of 128 → K and V are d×1024 each instead of d×d.
    TransformerArchitecture a = llama2_7b();
    a.kv_heads = 8;
    a.d_ff = 14336;
    a.vocab = 128256;
    const double d = 4096, kv = 8 * 128, f = 14336, v = 128256, layers = 32;
    const double attention = d * d + 2 * d * kv + d * d;
    const double expected = layers * (attention + 3 * d * f + 2 * d) + 2 * v * d + d;
    const ParameterCount c = countParameters(a);
    QCOMPARE(c.attention, layers * attention);
    QCOMPARE(c.total, expected);
    SP_COMPARE_REL(c.total, 8.03e9, 0.005);
    // Multi-query attention: a single K/V head.
    a.kv_heads = 1;
    QCOMPARE(countParameters(a).attention, layers * (2 * d * d + 2 * d * 128));
  }

  void gpt3CountsBiasesLayerNormAndLearnedPositions() {
    const double d = 12288, f = 4 * d, v = 50257, t = 2048, layers = 96;
    const double attention = 4 * d * d + 4 * d;  // Q, K, V, O weights and their biases
    const double mlp = 2 * d * f + f + d;        // two matrices and their biases
    const double norms = 2 * (2 * d);            // two LayerNorms (scale and bias) per layer
    const double expected = layers * (attention + mlp + norms) + v * d + t * d + 2 * d;
    const ParameterCount c = countParameters(gpt3_175b());
    QCOMPARE(c.total, expected);
    QCOMPARE(c.position_embedding, t * d);
    QCOMPARE(c.output_embedding, 0.0);  // tied
    QCOMPARE(c.embedding, v * d + t * d);
    SP_COMPARE_REL(c.total, 175.0e9, 0.005);  // Brown et al. 2020, Table 2.1
    // Kaplan et al.'s approximation N ≈ 12·L·d² for the non-embedding count is within 0.1%.
    SP_COMPARE_REL(c.non_embedding, 12 * layers * d * d, 1e-3);
  }

  void headDimIndependentOfDModel() {
    // LaMDA: 128 heads of 128 on d_model 8192, so H·Q = 16384 ≠ d_model; gated GELU MLP.
    TransformerArchitecture a;
    a.layers = 64;
    a.d_model = 8192;
    a.heads = 128;
    a.head_dim = 128;
    a.d_ff = 65536;
    a.mlp = MlpKind::GeGlu;
    a.vocab = 32000;
    a.positions = PositionKind::RelativeBias;
    a.relative_buckets = 32;
    const double d = 8192, hq = 128 * 128, f = 65536;
    const double expected_non_embedding = 64 * (4 * d * hq + 3 * d * f + 2 * d) + d + 32 * 128;
    const ParameterCount c = countParameters(a);
    QCOMPARE(c.non_embedding, expected_non_embedding);
    SP_COMPARE_REL(c.non_embedding, 137e9, 0.005);  // "137B non-embedding parameters"
  }

  void transformerXlRelativePositionsAddAProjectionPerLayer() {
    // Chinchilla Table A4's second model: 20 layers, d 1024, d_ff 4096, 16 heads of 64, 32K
    // vocabulary, tied embeddings; the paper lists it as 305M.
    TransformerArchitecture a;
    a.layers = 20;
    a.d_model = 1024;
    a.heads = 16;
    a.d_ff = 4096;
    a.mlp = MlpKind::Gelu;
    a.vocab = 32000;
    a.tied_embeddings = true;
    a.positions = PositionKind::RelativeXl;
    const double d = 1024;
    const ParameterCount c = countParameters(a);
    QCOMPARE(c.relative_position, 20 * (d * d + 2 * d));
    const double expected = 20 * (4 * d * d + (d * d + 2 * d) + 2 * d * 4096 + 2 * d) + d + 32000 * d;
    QCOMPARE(c.total, expected);
    SP_COMPARE_REL(c.total, 305e6, 0.005);
    // Without the relative-position projection the count would be 6.9% short of 305M.
    a.positions = PositionKind::Rotary;
    QVERIFY(countParameters(a).total < 0.95 * 305e6);
  }

  void mixtralTotalAndActive() {
    const double d = 4096, kv = 1024, f = 14336, v = 32000, layers = 32, experts = 8;
    const double attention = 2 * d * d + 2 * d * kv;
    const double expert = 3 * d * f;
    const double router = d * experts;
    const double shared_part = layers * (attention + router + 2 * d) + 2 * v * d + d;
    const ParameterCount c = countParameters(mixtral());
    QCOMPARE(c.total, shared_part + layers * experts * expert);
    QCOMPARE(c.active, shared_part + layers * 2 * expert);
    QCOMPARE(c.router, layers * router);
    SP_COMPARE_REL(c.total, 46.7e9, 0.005);   // Mistral AI: 46.7B total
    SP_COMPARE_REL(c.active, 12.9e9, 0.005);  // 12.9B used per token
  }

  void moeEveryOtherLayerWithSharedExperts() {
    // 12 layers, the first 2 dense, then every 2nd MoE layer: layers 3, 5, 7, 9, 11 (1-based
    // 4, 6, 8, 10, 12) → 5 MoE layers with 16 routed experts of 512 (top-2) + 1 shared.
    TransformerArchitecture a;
    a.layers = 12;
    a.d_model = 256;
    a.heads = 4;
    a.d_ff = 1024;
    a.mlp = MlpKind::Gelu;
    a.vocab = 1000;
    a.tied_embeddings = true;
    a.moe.experts = 16;
    a.moe.top_k = 2;
    a.moe.shared_experts = 1;
    a.moe.layer_interval = 2;
    a.moe.first_dense_layers = 2;
    a.moe.expert_d_ff = 512;
    a.moe.router_bias = true;
    QCOMPARE(a.moeLayerCount(), std::int64_t{5});
    QVERIFY(!a.isMoeLayer(0) && !a.isMoeLayer(1) && !a.isMoeLayer(2) && a.isMoeLayer(3) && !a.isMoeLayer(4) &&
            a.isMoeLayer(11));
    const double d = 256, dense_mlp = 2 * d * 1024, expert = 2 * d * 512;
    QCOMPARE(countParameters(a).mlp, 7 * dense_mlp + 5 * 17 * expert);
    QCOMPARE(countParameters(a).mlp_active, 7 * dense_mlp + 5 * 3 * expert);
    QCOMPARE(countParameters(a).router, 5 * (d * 16 + 16));
    const ParameterCount c = countParameters(a);
    QCOMPARE(c.total - c.active, 5 * 14 * expert);
  }

  void enumNamesRoundTrip() {
    for (MlpKind k : {MlpKind::Gelu, MlpKind::Relu, MlpKind::SwiGlu, MlpKind::GeGlu}) {
      QVERIFY(mlpKindFromString(toString(k)) == k);
    }
    for (PositionKind k : {PositionKind::Learned, PositionKind::Rotary, PositionKind::Alibi,
                           PositionKind::RelativeXl, PositionKind::RelativeBias}) {
      QVERIFY(positionKindFromString(toString(k)) == k);
    }
    for (NormKind k : {NormKind::LayerNorm, NormKind::RmsNorm}) QVERIFY(normKindFromString(toString(k)) == k);
    QVERIFY(!mlpKindFromString("SwiGLU").has_value());
    QCOMPARE(mlpMatrixCount(MlpKind::Relu), 2);
    QCOMPARE(mlpMatrixCount(MlpKind::SwiGlu), 3);
    QCOMPARE(QString::fromStdString(allMlpKindNames()), QString("gelu, relu, swiglu, geglu"));
  }

  void invalidArchitecturesNameTheField() {
    TransformerArchitecture a = llama2_7b();
    a.heads = 0;
    QCOMPARE(QString::fromStdString(validationError(a)),
             QString("heads: must be a positive whole number, got 0"));
    a = llama2_7b();
    a.kv_heads = 7;
    QCOMPARE(QString::fromStdString(validationError(a)), QString("heads: 32 is not divisible by kv_heads 7"));
    a = llama2_7b();
    a.d_model = 4000;
    a.heads = 48;
    SP_VERIFY_CONTAINS(validationError(a), "head_dim: d_model 4000 is not divisible by heads 48");
    a = gpt3_175b();
    a.max_seq_len = 0;
    SP_VERIFY_CONTAINS(validationError(a), "max_seq_len: learned positions need the table length");
    a = mixtral();
    a.moe.top_k = 9;
    QCOMPARE(QString::fromStdString(validationError(a)),
             QString("moe.top_k: must be between 1 and experts (8), got 9"));
    a = mixtral();
    a.moe.layer_interval = 40;
    SP_VERIFY_CONTAINS(validationError(a), "moe.layer_interval: 40 leaves no MoE layer");
    a = llama2_7b();
    a.moe.top_k = 2;
    SP_VERIFY_CONTAINS(validationError(a), "moe.experts: top_k, shared_experts or expert_d_ff given but experts is 0");
    // An expert width without experts was ignored silently.
    a = llama2_7b();
    a.moe.expert_d_ff = 100;
    SP_VERIFY_CONTAINS(validationError(a), "expert_d_ff given but experts is 0");
  }

  void architectureJsonRoundTrip() {
    TransformerArchitecture a = mixtral();
    a.moe.shared_experts = 1;
    a.moe.layer_interval = 2;
    a.biases = true;
    a.norm = NormKind::LayerNorm;
    auto back = architectureFromJson(architectureToJson(a), "arch");
    QVERIFY2(back, back.message().c_str());
    QCOMPARE(architectureToJson(*back), architectureToJson(a));
    QCOMPARE(countParameters(*back).total, countParameters(a).total);
    QCOMPARE(back->moe.layer_interval, std::int64_t{2});
  }

  void architectureJsonErrorsNameTheField() {
    auto r = architectureFromJson(
        R"({"layers": 2, "d_model": 64, "heads": 4, "d_ff": 256, "vocab": 100, "kv_head": 2})",
        "user.json: architecture");
    QVERIFY(!r);
    SP_VERIFY_CONTAINS(r.message(), "user.json: architecture.kv_head: unknown field");
    r = architectureFromJson(R"({"layers": 2, "d_model": 64, "heads": "four", "d_ff": 256, "vocab": 100})",
                             "a");
    QVERIFY(!r);
    QCOMPARE(QString::fromStdString(r.message()), QString("a.heads: expected an integer, got a string"));
    r = architectureFromJson(R"({"layers": 2, "d_model": 64, "heads": 4, "d_ff": 256})", "a");
    QVERIFY(!r);
    QCOMPARE(QString::fromStdString(r.message()), QString("a: missing field 'vocab'"));
    r = architectureFromJson(
        R"({"layers": 2, "d_model": 64, "heads": 4, "d_ff": 256, "vocab": 100, "mlp": "swish"})", "a");
    QVERIFY(!r);
    QCOMPARE(QString::fromStdString(r.message()),
             QString("a.mlp: unknown value 'swish' (known: gelu, relu, swiglu, geglu)"));
    r = architectureFromJson(
        R"({"layers": 2, "d_model": 64, "heads": 4, "kv_heads": 3, "d_ff": 256, "vocab": 100})", "a");
    QVERIFY(!r);
    QCOMPARE(QString::fromStdString(r.message()), QString("a.heads: 4 is not divisible by kv_heads 3"));
  }
};

QTEST_APPLESS_MAIN(TestParameters)
#include "test_parameters.moc"
