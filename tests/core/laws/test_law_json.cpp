// Laws as JSON: lossless round trips, atomic saves, "file:PATH" lookup, and malformed files that
// must be refused with the file and the field named.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <unistd.h>

#include "base/file_io.hpp"
#include "laws/scaling_law.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

const std::string kDataDir = std::string(SCALEPLAN_TEST_DATA_DIR) + "/laws/";

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool sameBits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!sameBits(a[i], b[i])) return false;
  }
  return true;
}

// Every field of two laws, doubles compared bit for bit. Returns what differs, or "".
std::string difference(const ScalingLaw& a, const ScalingLaw& b) {
  if (a.id() != b.id()) return "id";
  if (a.displayName() != b.displayName()) return "display_name";
  if (a.citation() != b.citation()) return "citation";
  if (a.kind() != b.kind()) return "kind";
  if (a.parameterNames() != b.parameterNames()) return "parameter names";
  if (!sameBits(a.parameterValues(), b.parameterValues())) return "parameter values";
  if (const auto* pa = std::get_if<PowerLawParams>(&a.params())) {
    if (pa->variable != std::get<PowerLawParams>(b.params()).variable) return "power-law variable";
  }
  if (const auto* da = std::get_if<DataConstrainedParams>(&a.params())) {
    if (!sameBits(da->unique_tokens, std::get<DataConstrainedParams>(b.params()).unique_tokens)) return "unique_tokens";
  }
  const DataRange &ra = a.dataRange(), &rb = b.dataRange();
  if (!sameBits({ra.params_min, ra.params_max, ra.tokens_min, ra.tokens_max, ra.flops_min, ra.flops_max},
                {rb.params_min, rb.params_max, rb.tokens_min, rb.tokens_max, rb.flops_min, rb.flops_max})) {
    return "data_range";
  }
  if (a.uncertainty().has_value() != b.uncertainty().has_value()) return "uncertainty presence";
  if (a.uncertainty()) {
    const auto &ua = *a.uncertainty(), &ub = *b.uncertainty();
    if (ua.method != ub.method) return "uncertainty.method";
    if (ua.names != ub.names) return "uncertainty.names";
    if (!sameBits(ua.standard_errors, ub.standard_errors)) return "uncertainty.standard_errors";
    if (!sameBits(ua.ci95_low, ub.ci95_low)) return "uncertainty.ci95_low";
    if (!sameBits(ua.ci95_high, ub.ci95_high)) return "uncertainty.ci95_high";
    if (ua.samples.size() != ub.samples.size()) return "uncertainty.samples size";
    for (std::size_t i = 0; i < ua.samples.size(); ++i) {
      if (!sameBits(ua.samples[i], ub.samples[i])) return "uncertainty.samples[" + std::to_string(i) + "]";
    }
  }
  return "";
}

std::filesystem::path scratchDir() {
  auto dir = std::filesystem::temp_directory_path() / ("sp-laws-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

class TestLawJson : public QObject {
  Q_OBJECT
 private slots:
  void cleanupTestCase() { std::filesystem::remove_all(scratchDir()); }

  void presetsRoundTripExactly() {
    LawLookupOptions o;
    o.unique_tokens = 25e9;
    o.tokens_per_param = 17.5;
    for (const auto& id : presetLawIds()) {
      auto law = lawById(id, o);
      QVERIFY2(law, law.message().c_str());
      const std::string text = lawToJson(*law);
      auto back = lawFromJson(text, "preset.json");
      QVERIFY2(back, back.message().c_str());
      const std::string diff = difference(*law, *back);
      QVERIFY2(diff.empty(), (id + ": " + diff + " differs\n" + text).c_str());
    }
  }

  void everyFieldSurvivesARoundTrip() {
    // A power law in FLOPs with awkward doubles, a data range and a full uncertainty block.
    PowerLawParams p;
    p.variable = PowerLawVariable::Flops;
    p.e = 1.0 / 3.0, p.a = 6.02214076e23, p.alpha = 0.1;
    ScalingLaw law("power-fit", "Power law in C \"quoted\" \\ name", "test: unicode µ ✓", p);
    DataRange r;
    r.params_min = 1e-300, r.params_max = 2.5e9, r.tokens_min = 0.0, r.tokens_max = 1.7976931348623157e308;
    r.flops_min = 3.14e23, r.flops_max = 5e21 / 3.0;
    law.setDataRange(r);
    LawUncertainty u;
    u.method = "bootstrap (1000 resamples, seed 1)";
    u.names = {"E", "A", "alpha"};
    u.standard_errors = {0.01, 1e22, 0.001};
    u.ci95_low = {0.3, 5e23, 0.098};
    u.ci95_high = {0.36, 7e23, 0.102};
    std::mt19937_64 rng(12345);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int i = 0; i < 300; ++i) {
      // Full-precision doubles across many magnitudes.
      u.samples.push_back({unit(rng), std::ldexp(unit(rng) + 0.5, static_cast<int>(rng() % 200)), unit(rng) * 1e-3 + 1e-9});
    }
    law.setUncertainty(u);
    auto back = lawFromJson(lawToJson(law), "x.json");
    QVERIFY2(back, back.message().c_str());
    const std::string diff = difference(law, *back);
    QVERIFY2(diff.empty(), (diff + " differs").c_str());
    QVERIFY(std::get<PowerLawParams>(back->params()).variable == PowerLawVariable::Flops);
    // Absent uncertainty stays absent.
    law.setUncertainty(std::nullopt);
    auto again = lawFromJson(lawToJson(law), "x.json");
    QVERIFY(again);
    QVERIFY(!again->uncertainty().has_value());
  }

  void saveIsAtomicAndFileLawsLoad() {
    const auto dir = scratchDir();
    const auto path = dir / "fit.json";
    auto law = lawById("besiroglu2024");
    QVERIFY(law);
    QVERIFY2(saveLaw(*law, path), saveLaw(*law, path).message().c_str());
    QVERIFY(saveLaw(*law, path));  // overwrite in place
    int files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
    QCOMPARE(files, 1);  // no temporary left behind
    auto loaded = loadLaw(path);
    QVERIFY2(loaded, loaded.message().c_str());
    QVERIFY(difference(*law, *loaded).empty());
    // "file:PATH" reads the same law and records where it came from.
    auto by_id = lawById("file:" + path.string());
    QVERIFY2(by_id, by_id.message().c_str());
    QCOMPARE(QString::fromStdString(by_id->id()), QString::fromStdString("file:" + path.string()));
    QCOMPARE(by_id->parameterValues(), law->parameterValues());
    SP_COMPARE_REL(*by_id->loss(7e10, 1.4e12), *law->loss(7e10, 1.4e12), 1e-15);
  }

  void fittedFileWithUncertainty() {
    auto law = lawById("file:" + kDataDir + "fitted_chinchilla.json");
    QVERIFY2(law, law.message().c_str());
    QVERIFY(law->kind() == LawKind::Chinchilla);
    QCOMPARE(QString::fromStdString(law->displayName()), QString("Chinchilla form fitted to my runs"));
    QCOMPARE(law->dataRange().flops_max, 4.8e20);
    QVERIFY(law->uncertainty().has_value());
    QCOMPARE(law->uncertainty()->samples.size(), std::size_t(5));
    auto loss = [](double e, double a, double b, double alpha, double beta) {
      return e + a / std::pow(1e9, alpha) + b / std::pow(2e10, beta);
    };
    SP_COMPARE_REL(*law->loss(1e9, 2e10), loss(1.8, 450.0, 1900.0, 0.35, 0.36), 1e-14);
    // Five sample losses; the 2.5th and 97.5th percentiles sit at positions 0.1 and 3.9 of them.
    std::vector<double> l = {loss(1.8, 450.0, 1900.0, 0.35, 0.36), loss(1.79, 440.0, 1850.0, 0.349, 0.359),
                             loss(1.81, 460.0, 1950.0, 0.351, 0.361), loss(1.78, 430.0, 1800.0, 0.348, 0.358),
                             loss(1.82, 470.0, 2000.0, 0.352, 0.362)};
    std::sort(l.begin(), l.end());
    auto interval = law->lossInterval(1e9, 2e10);
    QVERIFY(interval.has_value());
    SP_COMPARE_REL(interval->low, l[0] + 0.1 * (l[1] - l[0]), 1e-13);
    SP_COMPARE_REL(interval->high, l[3] + 0.9 * (l[4] - l[3]), 1e-13);
    QVERIFY(interval->low < *law->loss(1e9, 2e10) && *law->loss(1e9, 2e10) < interval->high);
  }

  void malformedFilesNameTheFileAndField() {
    auto expect = [&](const char* file, const std::string& message) {
      auto law = loadLaw(kDataDir + file);
      QVERIFY2(!law, file);
      QCOMPARE(QString::fromStdString(law.message()), QString::fromStdString(kDataDir + file + ": " + message));
    };
    expect("missing_alpha.json", "params: missing field 'alpha'");
    expect("alpha_is_text.json", "params.alpha: expected a number, got a string");
    expect("newer_schema.json",
           "schema_version 2 is newer than this version of ScalePlan supports (1); update ScalePlan to read it");
    expect("unknown_kind.json",
           "kind: unknown law kind 'broken-power-law' (expected one of chinchilla, kaplan, tokens-per-param, "
           "data-constrained, power-law)");
    expect("short_sample.json", "uncertainty.samples[1]: has 4 values; a chinchilla law has 5 parameters");
    auto syntax = loadLaw(kDataDir + "bad_syntax.json");
    QVERIFY(!syntax);
    SP_VERIFY_CONTAINS(syntax.message(), kDataDir + "bad_syntax.json:5:");
    SP_VERIFY_CONTAINS(syntax.message(), "invalid JSON");
    // Through lawById, the same messages.
    SP_VERIFY_CONTAINS(lawById("file:" + kDataDir + "missing_alpha.json").message(), "missing_alpha.json: params: missing field 'alpha'");
    auto missing = lawById("file:/nonexistent/dir/law.json");
    QVERIFY(!missing);
    SP_VERIFY_CONTAINS(missing.message(), "/nonexistent/dir/law.json");
  }

  void invalidDocumentsInMemory() {
    auto bad = [](const std::string& text) { return lawFromJson(text, "doc").message(); };
    QCOMPARE(QString::fromStdString(bad("[1, 2]")), QString("doc: the law must be a JSON object, got an array"));
    QCOMPARE(QString::fromStdString(bad(R"({"id": "x", "kind": "chinchilla", "params": {}})")),
             QString("doc: missing field 'schema_version'"));
    QCOMPARE(QString::fromStdString(bad(R"({"schema_version": 0, "id": "x", "kind": "chinchilla", "params": {}})")),
             QString("doc: schema_version: must be 1, got 0"));
    QCOMPARE(QString::fromStdString(bad(R"({"schema_version": 1, "kind": "chinchilla", "params": {}})")),
             QString("doc: missing field 'id'"));
    QCOMPARE(QString::fromStdString(bad(
                 R"({"schema_version": 1, "id": "x", "kind": "chinchilla",
                     "params": {"E": 1.7, "A": 400, "B": 400, "alpha": -0.3, "beta": 0.3}})")),
             QString("doc: params.alpha: must be positive, got -0.3"));
    QCOMPARE(QString::fromStdString(bad(
                 R"({"schema_version": 1, "id": "x", "kind": "power-law",
                     "params": {"variable": "epochs", "E": 1.7, "A": 400, "alpha": 0.3}})")),
             QString("doc: params.variable: unknown variable 'epochs' (expected params, tokens or flops)"));
    QCOMPARE(QString::fromStdString(bad(
                 R"({"schema_version": 1, "id": "x", "kind": "chinchilla",
                     "params": {"E": 1.7, "A": 400, "B": 400, "alpha": 0.3, "beta": 0.3},
                     "data_range": {"flops_max": "big"}})")),
             QString("doc: data_range.flops_max: expected a number, got a string"));
    QCOMPARE(QString::fromStdString(bad(
                 R"({"schema_version": 1, "id": "x", "kind": "chinchilla",
                     "params": {"E": 1.7, "A": 400, "B": 400, "alpha": 0.3, "beta": 0.3},
                     "uncertainty": {"names": ["E", "gamma"]}})")),
             QString("doc: uncertainty.names[1]: 'gamma' is not a parameter of a chinchilla law"));
    QCOMPARE(QString::fromStdString(bad(
                 R"({"schema_version": 1, "id": "x", "kind": "data-constrained",
                     "params": {"E": 1.7, "A": 400, "B": 400, "alpha": 0.3, "beta": 0.3, "R_D_star": 15,
                                "R_N_star": 5, "unique_tokens": -1}})")),
             QString("doc: params.unique_tokens: must be a non-negative number (0 = unlimited), got -1"));
    // Integers are accepted where numbers are expected; data range and uncertainty may be absent.
    auto ok = lawFromJson(R"({"schema_version": 1, "id": "x", "kind": "chinchilla",
                              "params": {"E": 2, "A": 400, "B": 400, "alpha": 0.3, "beta": 0.3}})",
                          "doc");
    QVERIFY2(ok, ok.message().c_str());
    QCOMPARE(std::get<ChinchillaParams>(ok->params()).e, 2.0);
    QVERIFY(!ok->dataRange().known());
    QCOMPARE(QString::fromStdString(ok->displayName()), QString("x"));
  }

  void saveRefusesAnInvalidLaw() {
    auto law = lawById("hoffmann2022");
    QVERIFY(law);
    auto broken = law->withParameterValues({1.69, std::nan(""), 410.7, 0.34, 0.28});
    const auto path = scratchDir() / "broken.json";
    auto status = saveLaw(broken, path);
    QVERIFY(!status);
    QCOMPARE(QString::fromStdString(status.message()),
             QString::fromStdString("cannot save law 'hoffmann2022' to " + path.string() +
                                    ": params.A: must be a finite number, got nan"));
    QVERIFY(!std::filesystem::exists(path));
  }
};

QTEST_APPLESS_MAIN(TestLawJson)
#include "test_law_json.moc"
