// Units, precision names, JSON helpers and atomic file writing.
#include <filesystem>

#include "base/file_io.hpp"
#include "base/json_util.hpp"
#include "base/precision.hpp"
#include "base/units.hpp"
#include "test_support.hpp"

using namespace scaleplan;

class TestBase : public QObject {
  Q_OBJECT
 private slots:
  void flopsDayConversions() {
    // A PF-day is 1e15 FLOP/s for 86,400 s; a FLOP/s-day is 86,400 FLOPs.
    SP_COMPARE_REL(Flops::fromPetaflopDays(1.0).value, 8.64e19, 1e-15);
    SP_COMPARE_REL(Flops{86400.0}.flopsDays(), 1.0, 1e-15);
    SP_COMPARE_REL(Flops{3.14e23}.petaflopDays(), 3.14e23 / 8.64e19, 1e-15);
  }
  void countOverRateIsDuration() {
    // GPT-3: 3.14e23 FLOPs on 256 GPUs at 60 TFLOP/s each = 236.6 days (Book example).
    Seconds s = Flops{3.14e23} / (256.0 * FlopsPerSecond::fromTera(60.0));
    SP_COMPARE_REL(s.days(), 236.6, 1e-3);
  }
  void precisionNamesRoundTrip() {
    for (Precision p : kAllPrecisions) {
      auto back = precisionFromString(toString(p));
      QVERIFY(back.has_value());
      QVERIFY(*back == p);
    }
    QVERIFY(!precisionFromString("bf17").has_value());
    QCOMPARE(bytesPerValue(Precision::Int4), 0.5);
  }
  void jsonSyntaxErrorHasLineAndColumn() {
    auto r = json::parse("{\n  \"a\": 1,\n  \"b\": ]\n}", "x.json");
    QVERIFY(!r);
    SP_VERIFY_CONTAINS(r.message(), "x.json:3:");
    auto empty = json::parse("   \n", "e.json");
    QVERIFY(!empty);
    SP_VERIFY_CONTAINS(empty.message(), "file is empty");
  }
  void jsonGettersNameTheField() {
    auto v = json::parse(R"({"gpu": {"peak": "fast", "n": 3}})", "t.json");
    QVERIFY(v);
    const auto& gpu = v->as_object().at("gpu").as_object();
    auto peak = json::getDouble(gpu, "peak", "t.json: gpu");
    QVERIFY(!peak);
    QCOMPARE(QString::fromStdString(peak.message()), QString("t.json: gpu.peak: expected a number, got a string"));
    auto missing = json::getDouble(gpu, "tdp", "t.json: gpu");
    QCOMPARE(QString::fromStdString(missing.message()), QString("t.json: gpu: missing field 'tdp'"));
    auto n = json::getDouble(gpu, "n", "gpu");
    QVERIFY(n);
    QCOMPARE(*n, 3.0);
  }
  void doublesRoundTripExactly() {
    const double values[] = {0.1, 1.0 / 3.0, 3.14e23, 6.02214076e23, 1e-300, 2.0, 5e-324};
    boost::json::array a;
    for (double d : values) a.emplace_back(d);
    std::string text = json::toPrettyString(a);
    auto back = json::parse(text, "rt");
    QVERIFY2(back, back.message().c_str());
    const auto& arr = back->as_array();
    QCOMPARE(arr.size(), std::size(values));
    for (std::size_t i = 0; i < arr.size(); ++i) {
      QVERIFY2(arr[i].is_double(), text.c_str());
      QCOMPARE(arr[i].get_double(), values[i]);  // bit-exact
    }
  }
  void atomicWriteReplacesWholeFile() {
    auto dir = std::filesystem::temp_directory_path() / ("sp-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto path = dir / "plan.json";
    QVERIFY(writeFileAtomically(path, "first"));
    QVERIFY(writeFileAtomically(path, "second version"));
    auto text = readTextFile(path);
    QVERIFY(text);
    QCOMPARE(QString::fromStdString(*text), QString("second version"));
    // No temporary files are left behind.
    int files = 0;
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++files;
    QCOMPARE(files, 1);
    auto bad = writeFileAtomically(dir / "no-such-dir" / "x.json", "x");
    QVERIFY(!bad);
    SP_VERIFY_CONTAINS(bad.message(), "cannot create temporary file");
    std::filesystem::remove_all(dir);
  }
};

QTEST_APPLESS_MAIN(TestBase)
#include "test_base.moc"
