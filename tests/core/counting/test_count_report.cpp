// CountReport (core/counting/count_report.hpp): its JSON is the text 'scaleplan-cli count --json'
// printed before the report moved into the core (tests/data/counting/SOURCE.md), and its figures
// follow from the counts they are built on.
#include <fstream>
#include <sstream>

#include "counting/count_report.hpp"
#include "counting/model_presets.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

std::string readData(const std::string& name) {
  std::ifstream in(std::string(SCALEPLAN_TEST_DATA_DIR) + "/counting/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TransformerArchitecture llama3_8bShape() {
  TransformerArchitecture a;
  a.layers = 32, a.d_model = 4096, a.heads = 32, a.kv_heads = 8, a.d_ff = 14336, a.vocab = 128256;
  return a;
}

}  // namespace

class TestCountReport : public QObject {
  Q_OBJECT
 private slots:
  void jsonMatchesTheOldCliOutput() {
    FlopsOptions fo;
    fo.recompute = Recompute::Full;
    CountReport r = makeCountReport(llama3_8bShape(), fo, 15e12);
    r.name = "custom architecture";
    QCOMPARE(QString::fromStdString(countReportToJson(r)), QString::fromStdString(readData("count_custom_llama3_8b_shape.json")));

    auto catalog = ModelCatalog::loadDefault();
    QVERIFY2(catalog.isOk(), catalog.message().c_str());
    auto preset = catalog->get("mixtral-8x7b");
    QVERIFY2(preset.isOk(), preset.message().c_str());
    CountReport m = makeCountReport((*preset)->architecture, FlopsOptions{});
    m.preset_id = (*preset)->id;
    m.name = (*preset)->name;
    QCOMPARE(QString::fromStdString(countReportToJson(m)), QString::fromStdString(readData("count_mixtral_8x7b.json")));
  }

  // The conventions, from the parameter count: 6N and 2N per token, 6ND for a run, and the
  // detailed count's training = 3 × forward (no recomputation) times D.
  void figuresFollowFromTheCounts() {
    const CountReport r = makeCountReport(llama3_8bShape(), FlopsOptions{}, 1e12);
    QCOMPARE(r.six_n, 6.0 * r.params.active);
    QCOMPARE(r.inference, 2.0 * r.params.active);
    SP_COMPARE_REL(r.training.model(), 3.0 * r.forward.total(), 1e-15);
    QCOMPARE(r.training.hardware(), r.training.model());
    SP_COMPARE_REL(r.training_flops_6nd, 6.0 * r.params.active * 1e12, 1e-15);
    SP_COMPARE_REL(r.training_flops_detailed, r.training.model() * 1e12, 1e-15);
    // Llama 3 8B's shape: 8.03e9 parameters (Meta's model card: 8B).
    SP_COMPARE_REL(r.params.total, 8.03e9, 0.001);
    const CountReport no_tokens = makeCountReport(llama3_8bShape(), FlopsOptions{});
    QVERIFY(!no_tokens.tokens);
    QCOMPARE(no_tokens.training_flops_6nd, 0.0);
  }
};

QTEST_APPLESS_MAIN(TestCountReport)
#include "test_count_report.moc"
