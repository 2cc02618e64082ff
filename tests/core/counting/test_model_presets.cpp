// The shipped data/models.json: every preset's architecture reproduces its published size, and the
// loader rejects malformed files with messages naming the file, the entry and the field.
#include <filesystem>
#include <map>

#include "counting/model_presets.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

const std::filesystem::path kShipped = std::filesystem::path(SCALEPLAN_SHIPPED_DATA_DIR) / "models.json";

// A minimal valid catalog with one entry; `entry_extra` is spliced into the entry object and
// `arch_extra` into its architecture.
std::string catalogText(const std::string& entry_extra = "", const std::string& arch_extra = "",
                        const std::string& id = "tiny-1m") {
  return R"({"schema_version": 1, "models": [{"id": ")" + id +
         R"(", "name": "Tiny", "organization": "Test", "year": 2024, "published_params": 1e6, "source": "test")" +
         entry_extra +
         R"(, "architecture": {"layers": 2, "d_model": 64, "heads": 4, "d_ff": 256, "vocab": 1000)" +
         arch_extra + "}}]}";
}

std::string parseError(const std::string& text) {
  auto r = ModelCatalog::parse(text, "models.json");
  return r ? std::string("(parsed)") : r.message();
}

}  // namespace

class TestModelPresets : public QObject {
  Q_OBJECT
 private slots:
  void shippedCatalogLoads() {
    auto catalog = ModelCatalog::loadFile(kShipped);
    QVERIFY2(catalog, catalog.message().c_str());
    for (const char* id : {"gpt3-175b", "gopher-280b", "chinchilla-70b", "lamda-137b", "mt-nlg-530b",
                           "jurassic-178b", "llama2-7b", "llama2-13b", "llama2-70b", "llama3-8b",
                           "llama3-70b", "llama3-405b", "nemotron4-15b", "nemotron4-340b", "mixtral-8x7b", "qwen3-30b-a3b",
                           "qwen3-235b-a22b"}) {
      QVERIFY2(catalog->find(id) != nullptr, id);
      QVERIFY2(!catalog->find(id)->source.empty(), id);
    }
    // loadDefault() finds the same file through $SCALEPLAN_DATA_DIR (set by ctest) or the source tree.
    auto by_default = ModelCatalog::loadDefault();
    QVERIFY2(by_default, by_default.message().c_str());
    QCOMPARE(by_default->models().size(), catalog->models().size());
  }

  void countsReproducePublishedSizes_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<double>(
        "published");  // from the paper / model card, typed here independently of the JSON
    QTest::newRow("gpt3-175b") << "gpt3-175b" << 175.0e9;         // Brown et al. 2020, Table 2.1
    QTest::newRow("gopher-280b") << "gopher-280b" << 280e9;       // Rae et al. 2021, Table 1
    QTest::newRow("chinchilla-70b") << "chinchilla-70b" << 70e9;  // Hoffmann et al. 2022, Table 4
    QTest::newRow("lamda-137b") << "lamda-137b" << 137e9;         // Thoppilan et al. 2022 (non-embedding)
    QTest::newRow("mt-nlg-530b") << "mt-nlg-530b" << 530e9;       // Smith et al. 2022
    QTest::newRow("jurassic-178b") << "jurassic-178b" << 178e9;   // Lieber et al. 2021
    QTest::newRow("llama1-65b") << "llama1-65b" << 65.2e9;        // Touvron et al. 2023, Table 2
    QTest::newRow("llama2-7b") << "llama2-7b" << 6.74e9;          // released weights
    QTest::newRow("llama2-13b") << "llama2-13b" << 13.0e9;
    QTest::newRow("llama2-70b") << "llama2-70b" << 69.0e9;
    QTest::newRow("llama3-8b") << "llama3-8b" << 8.03e9;
    QTest::newRow("llama3-70b") << "llama3-70b" << 70.6e9;
    QTest::newRow("llama3-405b") << "llama3-405b" << 405e9;     // Llama Team 2024, Table 3
    QTest::newRow("nemotron4-15b") << "nemotron4-15b" << 12.5e9;  // Parmar et al. 2024 (non-embedding)
    QTest::newRow("nemotron4-340b") << "nemotron4-340b" << 340e9;  // Nemotron-4 340B Technical Report
    QTest::newRow("mixtral-8x7b") << "mixtral-8x7b" << 46.7e9;  // Mistral AI, total
    QTest::newRow("qwen3-30b-a3b") << "qwen3-30b-a3b" << 30.5e9;  // Qwen3 Technical Report, Table 2, total
    QTest::newRow("qwen3-235b-a22b") << "qwen3-235b-a22b" << 235e9;
  }
  void countsReproducePublishedSizes() {
    QFETCH(QString, id);
    QFETCH(double, published);
    auto catalog = ModelCatalog::loadFile(kShipped);
    QVERIFY2(catalog, catalog.message().c_str());
    auto preset = catalog->get(id.toStdString());
    QVERIFY2(preset, preset.message().c_str());
    QCOMPARE((*preset)->published_params, published);
    SP_COMPARE_REL((*preset)->countedParamsInPublishedScope(), published, 0.005);
  }

  void exactCountsOfOpenModels() {
    // Sums written out from the released configs: L·(attention + MLP + 2 norms) + 2·V·d + d.
    auto catalog = ModelCatalog::loadFile(kShipped);
    QVERIFY2(catalog, catalog.message().c_str());
    auto count = [&](const char* id) { return countParameters(catalog->find(id)->architecture); };
    {
      const double d = 8192, kv = 1024, f = 28672, v = 128256;
      QCOMPARE(count("llama3-70b").total, 80 * (2 * d * d + 2 * d * kv + 3 * d * f + 2 * d) + 2 * v * d + d);
    }
    {
      const double d = 16384, kv = 1024, f = 53248, v = 128256;
      QCOMPARE(count("llama3-405b").total,
               126 * (2 * d * d + 2 * d * kv + 3 * d * f + 2 * d) + 2 * v * d + d);
    }
    {
      const double d = 8192, kv = 1024, f = 28672, v = 32000;
      QCOMPARE(count("llama2-70b").total, 80 * (2 * d * d + 2 * d * kv + 3 * d * f + 2 * d) + 2 * v * d + d);
      // The name rounds up: 68.98B is 1.5% short of 70B.
      SP_COMPARE_REL(count("llama2-70b").total, 68.98e9, 1e-3);
    }
  }

  // A fine-grained MoE, written out from the released config: per layer attention (Q and O 2048 x
  // 4096, K and V 2048 x 512), 128 SwiGLU experts of 3 x 2048 x 768, the router 2048 x 128 and
  // two norms; untied embedding and output layer of 151936 x 2048 and the final norm. Active: 8
  // experts of the 128. The report's 3.3B is rounded (3.35B counted).
  void qwen3MoeCounts() {
    auto catalog = ModelCatalog::loadFile(kShipped);
    QVERIFY2(catalog, catalog.message().c_str());
    const ModelPreset* m = catalog->find("qwen3-30b-a3b");
    QVERIFY(m);
    const double d = 2048, q = 4096, kv = 512, e = 768, v = 151936;
    const double attention = 2 * d * q + 2 * d * kv, expert = 3 * d * e, router = d * 128;
    const ParameterCount c = countParameters(m->architecture);
    QCOMPARE(c.total, 48 * (attention + 128 * expert + router + 2 * d) + 2 * v * d + d);  // 30,532,110,336
    QCOMPARE(c.active, 48 * (attention + 8 * expert + router + 2 * d) + 2 * v * d + d);   // 3,353,020,416
    SP_COMPARE_REL(c.active, *m->published_active_params, 0.02);
    QCOMPARE(*m->training_tokens, 36e12);
    // Qwen3-235B-A22B the same way: h 4096, 64 query heads of 128, 4 KV heads, experts of 1536.
    const ModelPreset* big = catalog->find("qwen3-235b-a22b");
    QVERIFY(big);
    const double D = 4096, Q = 8192, KV = 512, E = 1536;
    const double big_attention = 2 * D * Q + 2 * D * KV, big_expert = 3 * D * E, big_router = D * 128;
    const ParameterCount b = countParameters(big->architecture);
    QCOMPARE(b.total, 94 * (big_attention + 128 * big_expert + big_router + 2 * D) + 2 * v * D + D);
    QCOMPARE(b.active, 94 * (big_attention + 8 * big_expert + big_router + 2 * D) + 2 * v * D + D);
    SP_COMPARE_REL(b.active, *big->published_active_params, 0.02);  // 22.19B against "22B"
  }

  void mixtralActiveParameters() {
    auto catalog = ModelCatalog::loadFile(kShipped);
    QVERIFY2(catalog, catalog.message().c_str());
    const ModelPreset* m = catalog->find("mixtral-8x7b");
    QVERIFY(m);
    QVERIFY(m->published_active_params.has_value());
    QCOMPARE(*m->published_active_params, 12.9e9);
    SP_COMPARE_REL(countParameters(m->architecture).active, 12.9e9, 0.005);
    QVERIFY(!m->training_tokens.has_value());  // not disclosed
  }

  void trainingTokensAsPublished() {
    auto catalog = ModelCatalog::loadFile(kShipped);
    QVERIFY2(catalog, catalog.message().c_str());
    const std::map<std::string, double> tokens = {
        {"gpt3-175b", 300e9},  {"gopher-280b", 300e9}, {"chinchilla-70b", 1.4e12},
        {"lamda-137b", 168e9}, {"mt-nlg-530b", 270e9}, {"jurassic-178b", 300e9},
        {"llama2-7b", 2e12},   {"llama2-13b", 2e12},   {"llama2-70b", 2e12},
        {"llama3-8b", 15e12},  {"llama3-70b", 15e12},  {"llama3-405b", 15.6e12}};
    for (const auto& [id, d] : tokens) {
      const ModelPreset* m = catalog->find(id);
      QVERIFY2(m && m->training_tokens.has_value(), id.c_str());
      QCOMPARE(*m->training_tokens, d);
    }
    // Chinchilla's 20 tokens per parameter.
    SP_COMPARE_REL(
        *catalog->find("chinchilla-70b")->training_tokens / catalog->find("chinchilla-70b")->published_params,
        20.0, 1e-12);
  }

  void lookupByIdAndUnknownId() {
    auto catalog = ModelCatalog::loadFile(kShipped);
    QVERIFY2(catalog, catalog.message().c_str());
    QCOMPARE(QString::fromStdString(catalog->find("llama3-70b")->name), QString("Llama 3 70B"));
    QVERIFY(catalog->find("Llama3-70B") == nullptr);
    auto r = catalog->get("llama4-1t");
    QVERIFY(!r);
    SP_VERIFY_CONTAINS(r.message(), "unknown model preset 'llama4-1t' (known: gpt3-175b, ");
    SP_VERIFY_CONTAINS(r.message(), "mixtral-8x7b");
  }

  void idRules() {
    QVERIFY(isValidPresetId("llama3-70b"));
    QVERIFY(isValidPresetId("mixtral-8x7b"));
    QVERIFY(!isValidPresetId("Llama3-70b"));
    QVERIFY(!isValidPresetId("llama3--70b"));
    QVERIFY(!isValidPresetId("llama3_70b"));
    QVERIFY(!isValidPresetId("-x"));
    QVERIFY(!isValidPresetId(""));
  }

  void minimalCatalogParses() {
    auto r = ModelCatalog::parse(catalogText(), "models.json");
    QVERIFY2(r, r.message().c_str());
    QCOMPARE(r->models().size(), std::size_t{1});
    const ModelPreset& m = r->models()[0];
    QCOMPARE(m.nominal_params, 1e6);  // defaults to published_params
    QVERIFY(m.published_params_scope == ParamsScope::Total);
    QVERIFY(!m.training_tokens.has_value());
    QVERIFY(m.architecture.mlp == MlpKind::SwiGlu);  // the documented default
  }

  void malformedFilesNameFileEntryAndField() {
    const QString entry = "models.json: models[0] (tiny-1m)";
    QCOMPARE(QString::fromStdString(parseError(catalogText("", R"(, "kv_heads": "eight")"))),
             entry + ".architecture.kv_heads: expected an integer, got a string");
    SP_VERIFY_CONTAINS(
        parseError(catalogText("", R"(, "kv_head": 2)")),
        "models.json: models[0] (tiny-1m).architecture.kv_head: unknown field (known: layers, ");
    QCOMPARE(QString::fromStdString(parseError(catalogText("", R"(, "kv_heads": 3)"))),
             entry + ".architecture.heads: 4 is not divisible by kv_heads 3");
    QCOMPARE(QString::fromStdString(parseError(catalogText("", R"(, "positions": "learned")"))),
             entry + ".architecture.max_seq_len: learned positions need the table length, got 0");
    QCOMPARE(QString::fromStdString(parseError(catalogText("", R"(, "moe": {"experts": 4})"))),
             entry + ".architecture.moe: missing field 'top_k'");
    QCOMPARE(QString::fromStdString(parseError(catalogText(R"(, "training_tokens": -3e9)"))),
             entry + ".training_tokens: must be positive");
    QCOMPARE(QString::fromStdString(parseError(catalogText(R"(, "published_params_scope": "embedding")"))),
             entry + ".published_params_scope: unknown value 'embedding' (known: total, non-embedding)");
    QCOMPARE(QString::fromStdString(parseError(catalogText(R"(, "published_active_params": 5e5)"))),
             entry + ".published_active_params: given for a dense model (architecture has no moe)");
    QCOMPARE(QString::fromStdString(parseError(catalogText(R"(, "year": "2024")"))),
             entry + ".year: expected an integer, got a string");
    SP_VERIFY_CONTAINS(parseError(catalogText("", "", "Tiny_1M")),
                       "models.json: models[0] (Tiny_1M).id: 'Tiny_1M' is not a valid id");
    // A missing required field.
    std::string text = catalogText();
    text.replace(text.find(R"("published_params": 1e6, )"),
                 std::string(R"("published_params": 1e6, )").size(), "");
    QCOMPARE(QString::fromStdString(parseError(text)), entry + ": missing field 'published_params'");
  }

  void malformedDocuments() {
    // Two entries with one id.
    std::string one = catalogText();
    const std::string entry = one.substr(one.find("[{") + 1, one.rfind("}]") - one.find("[{"));
    const std::string twice = R"({"schema_version": 1, "models": [)" + entry + "," + entry + "]}";
    QCOMPARE(QString::fromStdString(parseError(twice)),
             QString("models.json: models[1] (tiny-1m).id: duplicate id 'tiny-1m'"));
    QCOMPARE(QString::fromStdString(parseError(R"({"schema_version": 2, "models": []})")),
             QString("models.json: schema_version 2 is not supported (this build reads 1)"));
    QCOMPARE(QString::fromStdString(parseError(R"({"schema_version": 1, "models": []})")),
             QString("models.json: models: the list is empty"));
    QCOMPARE(QString::fromStdString(parseError(R"({"schema_version": 1, "models": [3]})")),
             QString("models.json: models[0]: expected an object, got a number"));
    QCOMPARE(QString::fromStdString(parseError(R"({"schema_version": 1})")),
             QString("models.json: missing field 'models'"));
    SP_VERIFY_CONTAINS(parseError("{\n  \"schema_version\": 1,\n  \"models\": [,]\n}"), "models.json:3:");
    auto missing = ModelCatalog::loadFile("/nonexistent/dir/models.json");
    QVERIFY(!missing);
    SP_VERIFY_CONTAINS(missing.message(), "/nonexistent/dir/models.json");
  }
};

QTEST_APPLESS_MAIN(TestModelPresets)
#include "test_model_presets.moc"
