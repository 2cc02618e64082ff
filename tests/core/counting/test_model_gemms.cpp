// The GEMMs of one training step: shapes from the architecture (checked by hand for Llama 3 8B),
// FLOPs that agree with the parameter count (2·T per matrix parameter forward, twice that
// backward), balanced MoE routing (Mixtral), tensor parallelism (Llama 3 70B on 8 GPUs).
#include <array>
#include <cmath>

#include "counting/model_gemms.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

TransformerArchitecture llama3(std::int64_t layers, std::int64_t d_model, std::int64_t heads,
                               std::int64_t d_ff) {
  TransformerArchitecture a;
  a.layers = layers;
  a.d_model = d_model;
  a.heads = heads;
  a.kv_heads = 8;
  a.d_ff = d_ff;
  a.vocab = 128256;
  return a;
}

TransformerArchitecture mixtral8x7b() {
  TransformerArchitecture a = llama3(32, 4096, 32, 14336);
  a.vocab = 32000;
  a.moe.experts = 8;
  a.moe.top_k = 2;
  return a;
}

const ModelGemm* find(const std::vector<ModelGemm>& gemms, const std::string& layer, GemmPass pass) {
  for (const ModelGemm& g : gemms) {
    if (g.layer == layer && g.pass == pass) return &g;
  }
  return nullptr;
}

// Matrix parameters one token passes through: attention, active MLP/experts, router, LM head
// (the parameters of a bias-free model minus the embedding table and the norms).
double matrixParams(const TransformerArchitecture& a) {
  const ParameterCount c = countParameters(a);
  return c.attention + c.mlp_active + c.router + (a.tied_embeddings ? c.token_embedding : c.output_embedding);
}

}  // namespace

class TestModelGemms : public QObject {
  Q_OBJECT

 private slots:
  void llama3_8bForwardShapesByHand() {
    ModelGemmOptions o;
    o.tokens = 8192;
    o.backward = false;
    auto gemms = modelGemms(llama3(32, 4096, 32, 14336), o);
    QVERIFY2(gemms, gemms.message().c_str());
    QCOMPARE(gemms->size(), std::size_t{5});
    struct Expected {
      const char* layer;
      std::int64_t m, n, k;
      double calls;
    };
    // QKV: 4096 + 2 × 8 KV heads × 128 = 6144 outputs; gate+up fused: 2 × 14336.
    const Expected expected[] = {{"attention qkv", 8192, 6144, 4096, 32},
                                 {"attention out", 8192, 4096, 4096, 32},
                                 {"mlp gate+up", 8192, 28672, 4096, 32},
                                 {"mlp down", 8192, 4096, 14336, 32},
                                 {"lm head", 8192, 128256, 4096, 1}};
    for (const Expected& e : expected) {
      const ModelGemm* g = find(*gemms, e.layer, GemmPass::Forward);
      QVERIFY2(g, e.layer);
      QCOMPARE(g->m, e.m);
      QCOMPARE(g->n, e.n);
      QCOMPARE(g->k, e.k);
      QCOMPARE(g->calls_per_step, e.calls);
    }
    // Per layer 4096·6144 + 4096·4096 + 3·4096·14336 = 218,103,808 matrix parameters; × 32 layers
    // + 4096·128256 (LM head) = 7,504,658,432; forward = 2 · 8192 tokens · that.
    SP_COMPARE_REL(totalFlopsPerStep(*gemms), 2.0 * 8192.0 * 7504658432.0, 1e-15);
    SP_COMPARE_REL(totalFlopsPerStep(*gemms), 2.0 * 8192.0 * matrixParams(llama3(32, 4096, 32, 14336)),
                   1e-15);
  }

  void backwardIsTwiceForwardWithTransposedShapes() {
    ModelGemmOptions o;
    o.tokens = 4096;
    auto gemms = modelGemms(llama3(32, 4096, 32, 14336), o);
    QVERIFY2(gemms, gemms.message().c_str());
    QCOMPARE(gemms->size(), std::size_t{15});
    double forward = 0.0, data = 0.0, weight = 0.0;
    for (const ModelGemm& g : *gemms) {
      (g.pass == GemmPass::Forward        ? forward
       : g.pass == GemmPass::BackwardData ? data
                                          : weight) += g.flopsPerStep();
    }
    SP_COMPARE_REL(data, forward, 1e-15);
    SP_COMPARE_REL(weight, forward, 1e-15);
    // 6·N·T over the matrix parameters: the 6ND rule for these products.
    SP_COMPARE_REL(totalFlopsPerStep(*gemms), 6.0 * 4096.0 * matrixParams(llama3(32, 4096, 32, 14336)),
                   1e-15);
    // dx = dy·Wᵀ: M = tokens, N = in, K = out; dW = xᵀ·dy: M = in, N = out, K = tokens.
    const ModelGemm* dx = find(*gemms, "mlp down", GemmPass::BackwardData);
    const ModelGemm* dw = find(*gemms, "mlp down", GemmPass::BackwardWeight);
    QVERIFY(dx && dw);
    QCOMPARE((std::array<std::int64_t, 3>{dx->m, dx->n, dx->k}),
             (std::array<std::int64_t, 3>{4096, 14336, 4096}));
    QCOMPARE((std::array<std::int64_t, 3>{dw->m, dw->n, dw->k}),
             (std::array<std::int64_t, 3>{14336, 4096, 4096}));
  }

  void mixtureOfExpertsRoutesTopKOfTheTokens() {
    ModelGemmOptions o;
    o.tokens = 8192;
    o.backward = false;
    auto gemms = modelGemms(mixtral8x7b(), o);
    QVERIFY2(gemms, gemms.message().c_str());
    // No dense MLP; 8 experts per layer each on 8192 · 2 / 8 = 2048 tokens; the router 4096 → 8.
    QVERIFY(!find(*gemms, "mlp gate+up", GemmPass::Forward));
    const ModelGemm* up = find(*gemms, "expert gate+up", GemmPass::Forward);
    QVERIFY(up);
    QCOMPARE(up->m, std::int64_t{2048});
    QCOMPARE(up->n, std::int64_t{28672});
    QCOMPARE(up->calls_per_step, 32.0 * 8.0);
    const ModelGemm* router = find(*gemms, "router", GemmPass::Forward);
    QVERIFY(router && router->n == 8 && router->k == 4096);
    // Balanced routing does exactly the active parameters' work (top-2 of 8 experts).
    SP_COMPARE_REL(totalFlopsPerStep(*gemms), 2.0 * 8192.0 * matrixParams(mixtral8x7b()), 1e-15);
  }

  void tensorParallelSplitsColumnsAndRows() {
    const TransformerArchitecture a = llama3(80, 8192, 64, 28672);  // Llama 3 70B
    ModelGemmOptions whole, split;
    whole.backward = split.backward = false;
    split.tensor_parallel = 8;
    auto one = modelGemms(a, whole);
    auto eight = modelGemms(a, split);
    QVERIFY(one && eight);
    // Column-parallel QKV (8192 + 2·1024)/8 = 1280 outputs; row-parallel output 8192/8 = 1024
    // inputs; gate+up 57344/8 = 7168; down 28672/8 = 3584; vocabulary 128256/8 = 16032.
    QCOMPARE(find(*eight, "attention qkv", GemmPass::Forward)->n, std::int64_t{1280});
    QCOMPARE(find(*eight, "attention out", GemmPass::Forward)->k, std::int64_t{1024});
    QCOMPARE(find(*eight, "mlp gate+up", GemmPass::Forward)->n, std::int64_t{7168});
    QCOMPARE(find(*eight, "mlp down", GemmPass::Forward)->k, std::int64_t{3584});
    QCOMPARE(find(*eight, "lm head", GemmPass::Forward)->n, std::int64_t{16032});
    SP_COMPARE_REL(totalFlopsPerStep(*eight), totalFlopsPerStep(*one) / 8.0, 1e-15);
  }

  void badInputsNameTheField() {
    ModelGemmOptions o;
    o.tokens = 0;
    auto r = modelGemms(llama3(32, 4096, 32, 14336), o);
    QVERIFY(!r);
    QCOMPARE(r.message(), std::string("tokens: must be positive, got 0"));
    o.tokens = 8;
    o.tensor_parallel = -2;
    r = modelGemms(llama3(32, 4096, 32, 14336), o);
    QVERIFY(!r);
    SP_VERIFY_CONTAINS(r.message(), "tensor_parallel");
    TransformerArchitecture bad = llama3(32, 4096, 32, 14336);
    bad.heads = 0;
    r = modelGemms(bad, ModelGemmOptions{});
    QVERIFY(!r);
    SP_VERIFY_CONTAINS(r.message(), "heads");
  }

  void passNamesRoundTrip() {
    for (GemmPass p : {GemmPass::Forward, GemmPass::BackwardData, GemmPass::BackwardWeight}) {
      QCOMPARE(gemmPassFromString(toString(p)), std::optional<GemmPass>(p));
    }
    QCOMPARE(std::string(toString(GemmPass::BackwardWeight)), std::string("backward-weight"));
    QVERIFY(!gemmPassFromString("backward"));
  }
};

QTEST_APPLESS_MAIN(TestModelGemms)
#include "test_model_gemms.moc"
