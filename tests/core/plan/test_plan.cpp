// The planner end to end: allocations checked against independent arithmetic, the book's GPT-3
// example, warnings, inference-aware sizing, JSON round trip and bad inputs.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "base/file_io.hpp"
#include "plan/plan.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

const HardwareCatalog& catalog() {
  static HardwareCatalog c = [] {
    auto r = HardwareCatalog::loadDefault();
    if (!r) qFatal("%s", r.message().c_str());
    return *r;
  }();
  return c;
}

PlanSpec baseSpec() {
  PlanSpec s;
  s.budget = Budget{BudgetUnit::Flops, 5.88e23};
  s.law_id = "hoffmann2022";
  s.gpu_id = "a100-80gb-sxm";
  s.gpu_count = 1024;
  s.mfu = 0.4;
  s.usd_per_gpu_hour = 2.0;
  return s;
}

PlanRequest request(const PlanSpec& s) {
  auto r = makePlanRequest(s, catalog());
  if (!r) qFatal("%s", r.message().c_str());
  return *r;
}

bool hasWarning(const PlanResult& r, PlanWarningKind k) {
  for (const auto& w : r.warnings) {
    if (w.kind == k) return true;
  }
  return false;
}

std::filesystem::path tempDir() {
  auto d = std::filesystem::temp_directory_path() / ("sp-plan-" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace

class TestPlan : public QObject {
  Q_OBJECT
 private slots:
  void chinchillaAllocationMatchesClosedForm() {
    auto r = makePlan(request(baseSpec()));
    QVERIFY2(r, r.message().c_str());
    // Independent: G = (alpha A / (beta B))^(1/(alpha+beta)), N = G (C/6)^(beta/(alpha+beta)).
    const double e = 1.69, a = 406.4, b = 410.7, alpha = 0.34, beta = 0.28, c = 5.88e23;
    const double g = std::pow(alpha * a / (beta * b), 1.0 / (alpha + beta));
    const double n = g * std::pow(c / 6.0, beta / (alpha + beta));
    const double d = c / (6.0 * n);
    SP_COMPARE_REL(r->params, n, 1e-6);
    SP_COMPARE_REL(r->tokens, d, 1e-6);
    SP_COMPARE_REL(r->flops.value, c, 1e-9);
    SP_COMPARE_REL(*r->predicted_loss, e + a / std::pow(n, alpha) + b / std::pow(d, beta), 1e-9);
  }

  void tokensPerParamAndCostArithmetic() {
    PlanSpec s = baseSpec();
    s.law_id = "tokens-per-param";
    s.law_options.tokens_per_param = 20;
    auto r = makePlan(request(s));
    QVERIFY2(r, r.message().c_str());
    // Chinchilla itself: 70B parameters, 1.4T tokens, 6 * 70e9 * 1.4e12 = 5.88e23 FLOPs.
    SP_COMPARE_REL(r->params, 70e9, 1e-9);
    SP_COMPARE_REL(r->tokens, 1.4e12, 1e-9);
    const auto* a100 = catalog().find("a100-80gb-sxm");
    QVERIFY(a100);
    const double peak = a100->peak(Precision::Bf16)->value;
    const double seconds = 5.88e23 / (peak * 0.4 * 1024);
    SP_COMPARE_REL(r->cost.wall_clock.days(), seconds / 86400.0, 1e-9);
    SP_COMPARE_REL(r->cost.gpu_hours, seconds / 3600.0 * 1024, 1e-9);
    SP_COMPARE_REL(r->cost.cost_usd, seconds / 3600.0 * 1024 * 2.0, 1e-9);
    SP_COMPARE_REL(r->cost.energy_kwh, a100->tdp_watts * 1024 * seconds / 3600.0 * kDefaultPue / 1000.0, 1e-9);
    SP_COMPARE_REL(r->training_memory_bytes, 16.0 * 70e9, 1e-12);
  }

  void dollarBudgetBuysTheRightFlops() {
    PlanSpec s = baseSpec();
    s.budget = Budget{BudgetUnit::Usd, 4.15e6};
    s.gpu_id = "h100-sxm";
    s.usd_per_gpu_hour = 2.0;
    auto r = makePlan(request(s));
    QVERIFY2(r, r.message().c_str());
    const double peak = catalog().find("h100-sxm")->peak(Precision::Bf16)->value;
    const double flops = 4.15e6 / 2.0 * 3600.0 * peak * 0.4;
    SP_COMPARE_REL(r->flops.value, flops, 1e-9);
    SP_COMPARE_REL(r->cost.cost_usd, 4.15e6, 1e-9);
  }

  void deadlineBudget() {
    PlanSpec s = baseSpec();
    s.budget = Budget{BudgetUnit::Days, 30.0};
    auto r = makePlan(request(s));
    QVERIFY2(r, r.message().c_str());
    SP_COMPARE_REL(r->cost.wall_clock.days(), 30.0, 1e-9);
  }

  void warnings() {
    PlanSpec s = baseSpec();
    s.mfu = 0.7;
    s.unique_tokens = 1e11;
    auto r = makePlan(request(s));
    QVERIFY2(r, r.message().c_str());
    QVERIFY(hasWarning(*r, PlanWarningKind::MfuHigh));
    QVERIFY(hasWarning(*r, PlanWarningKind::TokensExceedUniqueData));
    QVERIFY(hasWarning(*r, PlanWarningKind::DoesNotFitOnOneGpu));  // 16 B/param x tens of B params > 80 GB
    QVERIFY(!hasWarning(*r, PlanWarningKind::MfuLow));

    PlanSpec big = baseSpec();
    big.budget = Budget{BudgetUnit::Flops, 1e27};
    auto far = makePlan(request(big));
    QVERIFY2(far, far.message().c_str());
    QVERIFY(hasWarning(*far, PlanWarningKind::Extrapolation));

    PlanSpec small = baseSpec();
    small.budget = Budget{BudgetUnit::Flops, 1e19};
    small.mfu = 0.2;
    auto near = makePlan(request(small));
    QVERIFY2(near, near.message().c_str());
    QVERIFY(!hasWarning(*near, PlanWarningKind::Extrapolation));
    QVERIFY(hasWarning(*near, PlanWarningKind::MfuLow));
    QVERIFY(!hasWarning(*near, PlanWarningKind::DoesNotFitOnOneGpu));
    QVERIFY(!hasWarning(*near, PlanWarningKind::NoPower));  // the H100's 700 W

    // An accelerator without a TDP in the catalog (TPU v5e): energy is zero, and the plan says so
    // as it does for a missing price.
    PlanSpec tpu = baseSpec();
    tpu.gpu_id = "tpu-v5e";
    auto unpowered = makePlan(request(tpu));
    QVERIFY2(unpowered, unpowered.message().c_str());
    QCOMPARE(unpowered->cost.energy_kwh, 0.0);
    QVERIFY(hasWarning(*unpowered, PlanWarningKind::NoPower));
  }

  void warningKindsRoundTripThroughTheirNames() {
    std::set<std::string> names;
    for (PlanWarningKind k : kAllPlanWarningKinds) {
      const std::string name(toString(k));
      QVERIFY2(name != "unknown", name.c_str());
      QVERIFY2(names.insert(name).second, name.c_str());  // distinct
      QCOMPARE(planWarningKindFromString(name), std::optional<PlanWarningKind>(k));
    }
    QCOMPARE(names.size(), std::size_t{11});
    QCOMPARE(planWarningKindFromString("measured-peak"),
             std::optional<PlanWarningKind>(PlanWarningKind::MeasuredPeak));
    QVERIFY(!planWarningKindFromString("mfu_high"));
  }
  void measuredPeakShiftsTheMfuBandAndSaysWhatMfuMeans() {
    // The bands against a measured peak are the spec-sheet bands / 0.8: 37.5% and 75%.
    static_assert(mfuBand(false).unusually_high == kMfuUnusuallyHigh);
    QCOMPARE(mfuBand(true).unusually_low, 0.375);
    QCOMPARE(mfuBand(true).unusually_high, 0.75);
    auto measuredRequest = [](double mfu) {
      PlanSpec s = baseSpec();
      s.mfu = mfu;
      PlanRequest r = request(s);
      r.accelerator.id = "measured-a100-80gb-sxm";
      r.accelerator.measured = true;
      r.accelerator.dense_peak[Precision::Bf16] = FlopsPerSecond::fromTera(250.0);
      return r;
    };
    auto text = [](const PlanResult& r, PlanWarningKind k) {
      for (const auto& w : r.warnings) {
        if (w.kind == k) return w.message;
      }
      return std::string();
    };
    // 70% would be unusually high against a spec peak, not against a measured one.
    auto r70 = makePlan(measuredRequest(0.7));
    QVERIFY2(r70, r70.message().c_str());
    QVERIFY(!hasWarning(*r70, PlanWarningKind::MfuHigh));
    const std::string note = text(*r70, PlanWarningKind::MeasuredPeak);
    QVERIFY2(note.find("250 TFLOP/s bf16") != std::string::npos, note.c_str());
    QVERIFY2(note.find("not the spec sheet's") != std::string::npos, note.c_str());
    // 80% is high even so, and 35% is low; both say that the MFU is of a measured peak.
    auto r80 = makePlan(measuredRequest(0.8));
    QVERIFY2(r80, r80.message().c_str());
    QVERIFY2(text(*r80, PlanWarningKind::MfuHigh).find("MFU 80% of a measured peak") != std::string::npos,
             text(*r80, PlanWarningKind::MfuHigh).c_str());
    auto r35 = makePlan(measuredRequest(0.35));
    QVERIFY2(r35, r35.message().c_str());
    QVERIFY2(text(*r35, PlanWarningKind::MfuLow).find("below 37.5%") != std::string::npos,
             text(*r35, PlanWarningKind::MfuLow).c_str());
    // Time is FLOPs / (measured peak × MFU × GPUs): the measured rate, not the catalog's 312 TFLOP/s.
    SP_COMPARE_REL(r70->cost.wall_clock.value, r70->flops.value / (250e12 * 0.7 * 1024), 1e-9);
    // A spec-sheet plan has no such note.
    auto spec = makePlan(request(baseSpec()));
    QVERIFY(spec && !hasWarning(*spec, PlanWarningKind::MeasuredPeak));
  }

  void uniqueTokenLimitChangesAllocation() {
    PlanSpec s = baseSpec();
    auto free_plan = makePlan(request(s));
    s.unique_tokens = 2e11;  // far less than the ~1e12+ tokens the unconstrained plan wants
    auto limited = makePlan(request(s));
    QVERIFY(free_plan && limited);
    // Muennighoff et al. 2023 (sec. 5): excess parameters decay faster than repeated data
    // (R_N* = 5.3 < R_D* = 15.4), so under a data limit the optimum spends compute on more epochs
    // rather than more parameters, and the same compute buys a worse loss.
    QVERIFY2(limited->params < free_plan->params, "data-constrained plan should use fewer parameters");
    QVERIFY(limited->tokens > free_plan->tokens);
    QVERIFY(*limited->predicted_loss > *free_plan->predicted_loss);
    QVERIFY(hasWarning(*limited, PlanWarningKind::TokensExceedUniqueData));
  }

  void inferenceAwareWithZeroDemandIsChinchilla() {
    PlanSpec s = baseSpec();
    s.budget.reset();
    s.target_loss = 2.0;
    s.inference_tokens = 0.0;
    auto r = makePlan(request(s));
    QVERIFY2(r, r.message().c_str());
    // Independent: the compute-optimal path N(C), D(C) reaches loss 2.0 at some C; find it by
    // bisection on log C with the closed form, then compare.
    const double e = 1.69, a = 406.4, b = 410.7, alpha = 0.34, beta = 0.28;
    const double g = std::pow(alpha * a / (beta * b), 1.0 / (alpha + beta));
    auto lossAt = [&](double c) {
      double n = g * std::pow(c / 6.0, beta / (alpha + beta));
      double d = c / (6.0 * n);
      return e + a / std::pow(n, alpha) + b / std::pow(d, beta);
    };
    double lo = std::log(1e15), hi = std::log(1e30);
    for (int i = 0; i < 200; ++i) {
      double mid = 0.5 * (lo + hi);
      (lossAt(std::exp(mid)) > 2.0 ? lo : hi) = mid;
    }
    const double c = std::exp(0.5 * (lo + hi));
    const double n = g * std::pow(c / 6.0, beta / (alpha + beta));
    SP_COMPARE_REL(r->params, n, 1e-5);
    SP_COMPARE_REL(r->flops.value, c, 1e-5);
    SP_COMPARE_REL(*r->predicted_loss, 2.0, 1e-9);

    // With a large inference demand the model shrinks and trains longer for the same loss.
    s.inference_tokens = 1e13;
    auto inf = makePlan(request(s));
    QVERIFY2(inf, inf.message().c_str());
    QVERIFY(inf->params < r->params);
    QVERIFY(inf->tokens > r->tokens);
    SP_COMPARE_REL(*inf->predicted_loss, 2.0, 1e-6);
  }

  void jsonRoundTripIsLossless() {
    PlanSpec s = baseSpec();
    s.usd_per_gpu_hour = 1.0 / 3.0;  // not exactly representable in decimal
    s.inference_tokens = 1e12;
    s.unique_tokens = 3e12;
    PlanRequest req = request(s);
    auto result = makePlan(req);
    QVERIFY2(result, result.message().c_str());
    auto path = tempDir() / "plan.json";
    QVERIFY(savePlan(path, req, *result));
    auto back = loadPlan(path);
    QVERIFY2(back, back.message().c_str());
    QVERIFY(*back == req);
    QCOMPARE(back->usd_per_gpu_hour.value(), 1.0 / 3.0);
    auto again = makePlan(*back);
    QVERIFY(again);
    QCOMPARE(again->params, result->params);
    QCOMPARE(again->cost.cost_usd, result->cost.cost_usd);
    QCOMPARE(planToJson(*back, *again), planToJson(req, *result));
  }

  // A plan whose MFU the cluster model predicted keeps what it was predicted for.
  static MfuAutoRecord autoRecord() {
    return MfuAutoRecord{"TP 8 · PP 4 · DP 32 · mb 1 · SP · recompute selective · ZeRO 1",
                         "hgx-h100",
                         "current",
                         "Llama shape rule for N = 7e+10",
                         61.25e9,
                         85899345920.0,
                         4096,
                         1024,
                         0.5438,  // the layout's MFU as step counts it (0.5125 in the plan's 6ND count)
                         1.25e5,  // tokens per second
                         "the side checks",
                         "",
                         "scaleplan-cli step --preset llama3-70b --system hgx-h100 --tp 8"};
  }

  void mfuAutoRecordRoundTrips() {
    PlanRequest req = request(baseSpec());
    req.mfu = 0.5125;
    req.mfu_range = Interval{0.4, 0.55};
    req.mfu_auto = autoRecord();
    auto result = makePlan(req);
    QVERIFY2(result, result.message().c_str());
    auto path = tempDir() / "auto.json";
    QVERIFY(savePlan(path, req, *result));
    auto back = loadPlan(path);
    QVERIFY2(back, back.message().c_str());
    QVERIFY(back->mfu_auto.has_value());
    QVERIFY(*back->mfu_auto == *req.mfu_auto);
    QVERIFY(*back == req);
    // Plans without the record (typed MFU, or saved before it existed) open with none.
    req.mfu_auto.reset();
    QVERIFY(savePlan(path, req, *result));
    auto typed = loadPlan(path);
    QVERIFY2(typed, typed.message().c_str());
    QVERIFY(!typed->mfu_auto);
    QCOMPARE(describeMfuAuto(autoRecord()),
             std::string("TP 8 · PP 4 · DP 32 · mb 1 · SP · recompute selective · ZeRO 1 on hgx-h100 (Llama shape "
                         "rule for N = 7e+10; 1,024 x 4,096 tokens per step; software current; 1.25e5 tokens/s, "
                         "the layout's MFU 54.4% as step counts it)"));
    // A record saved before the layout's rate was kept reads with none, and says nothing of it.
    req.mfu_auto = autoRecord();
    std::string text = planToJson(req, *result);
    for (const char* key : {"\"layout_mfu\": ", "\"tokens_per_second\": "}) {
      const auto at = text.find(key);
      QVERIFY(at != std::string::npos);
      text.erase(at, text.find('\n', at) - at + 1);
    }
    QVERIFY(text.find("layout_mfu") == std::string::npos);
    { std::ofstream(path) << text; }
    auto old = loadPlan(path);
    QVERIFY2(old, old.message().c_str());
    QCOMPARE(old->mfu_auto->layout_mfu, 0.0);
    QCOMPARE(old->mfu_auto->tokens_per_second, 0.0);
    QCOMPARE(describeMfuAuto(*old->mfu_auto),
             std::string("TP 8 · PP 4 · DP 32 · mb 1 · SP · recompute selective · ZeRO 1 on hgx-h100 (Llama shape "
                         "rule for N = 7e+10; 1,024 x 4,096 tokens per step; software current)"));
  }

  void malformedMfuAutoRecords_data() {
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty layout") << "\"layout\": \"TP 8" << "\"layout\": \"\", \"x\": \"TP 8"
                                  << "request.mfu_auto.layout: must not be empty";
    QTest::newRow("negative memory") << "\"memory_per_gpu_bytes\": " << "\"memory_per_gpu_bytes\": -1, \"was\": "
                                     << "request.mfu_auto.memory_per_gpu_bytes: must be a positive number, got -1";
    QTest::newRow("missing system") << "\"system\": \"hgx-h100\"," << ""
                                    << "request.mfu_auto: missing field 'system'";
    QTest::newRow("batch as text") << "\"global_batch\": 1024" << "\"global_batch\": \"1024\""
                                   << "request.mfu_auto.global_batch: expected an integer, got a string";
    QTest::newRow("layout MFU above one") << "\"layout_mfu\": " << "\"layout_mfu\": 1.5, \"was\": "
                                          << "request.mfu_auto.layout_mfu: must be in (0, 1] (or 0: not recorded), got 1.5";
    QTest::newRow("negative rate") << "\"tokens_per_second\": " << "\"tokens_per_second\": -3, \"was\": "
                                   << "request.mfu_auto.tokens_per_second: must be a positive number (or 0: not "
                                      "recorded), got -3";
  }
  void malformedMfuAutoRecords() {
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, message);
    PlanRequest req = request(baseSpec());
    req.mfu_auto = autoRecord();
    auto result = makePlan(req);
    QVERIFY(result);
    std::string text = planToJson(req, *result);
    const auto pos = text.find(from.toStdString());
    QVERIFY2(pos != std::string::npos, (from.toStdString() + " in " + text).c_str());
    text.replace(pos, from.toStdString().size(), to.toStdString());
    auto path = tempDir() / "bad-auto.json";
    { std::ofstream(path) << text; }
    auto back = loadPlan(path);
    QVERIFY(!back);
    SP_VERIFY_CONTAINS(back.message(), message.toStdString());
    SP_VERIFY_CONTAINS(back.message(), path.string());
  }

  void badRequests_data() {
    QTest::addColumn<QString>("field");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("negative budget") << "budget" << -1.0 << "budget: must be a positive finite number";
    QTest::newRow("zero budget") << "budget" << 0.0 << "budget: must be a positive finite number";
    QTest::newRow("nan budget") << "budget" << std::nan("") << "budget: must be a positive finite number";
    QTest::newRow("zero mfu") << "mfu" << 0.0 << "mfu: must be in (0, 1], got 0";
    QTest::newRow("mfu above one") << "mfu" << 1.5 << "mfu: must be in (0, 1], got 1.5";
    QTest::newRow("nan mfu") << "mfu" << std::nan("") << "mfu: must be in (0, 1]";
    QTest::newRow("zero gpus") << "gpus" << 0.0 << "gpus: must be at least 1";
  }
  void badRequests() {
    QFETCH(QString, field);
    QFETCH(double, value);
    QFETCH(QString, message);
    PlanSpec s = baseSpec();
    if (field == "budget") s.budget->amount = value;
    if (field == "mfu") s.mfu = value;
    if (field == "gpus") s.gpu_count = static_cast<int>(value);
    auto r = makePlanRequest(s, catalog());
    QVERIFY(!r);
    SP_VERIFY_CONTAINS(r.message(), message.toStdString());
  }

  void unknownGpuAndMissingPrecision() {
    PlanSpec s = baseSpec();
    s.gpu_id = "x100";
    auto r = makePlanRequest(s, catalog());
    QVERIFY(!r);
    SP_VERIFY_CONTAINS(r.message(), "unknown GPU 'x100'");
    SP_VERIFY_CONTAINS(r.message(), "h100-sxm");

    s = baseSpec();
    s.gpu_id = "v100-sxm2-32gb";
    s.precision = Precision::Fp8;  // Volta has no FP8 units
    auto req = makePlanRequest(s, catalog());
    QVERIFY2(req, req.message().c_str());
    auto plan = makePlan(*req);
    QVERIFY(!plan);
    SP_VERIFY_CONTAINS(plan.message(), "fp8");
    SP_VERIFY_CONTAINS(plan.message(), "v100-sxm2-32gb");

    s = baseSpec();
    s.law_id = "chinchilla-9000";
    auto law = makePlanRequest(s, catalog());
    QVERIFY(!law);
    SP_VERIFY_CONTAINS(law.message(), "chinchilla-9000");
  }

  void malformedPlanFiles_data() {
    QTest::addColumn<QString>("mutation");
    QTest::addColumn<QString>("message");
    QTest::newRow("newer schema") << "schema" << "schema_version 99 is newer than this ScalePlan supports";
    QTest::newRow("missing mfu") << "drop-mfu" << "request: missing field 'mfu'";
    QTest::newRow("wrong type") << "gpus-string" << "request.gpus: expected an integer, got a string";
    QTest::newRow("bad precision") << "precision" << "request.precision: unknown precision 'bf17'";
    QTest::newRow("syntax") << "truncate" << "invalid JSON";
    QTest::newRow("mfu range") << "mfu-range" << "mfu: must be in (0, 1], got 2";
  }
  void malformedPlanFiles() {
    QFETCH(QString, mutation);
    QFETCH(QString, message);
    PlanRequest req = request(baseSpec());
    auto result = makePlan(req);
    QVERIFY(result);
    std::string text = planToJson(req, *result);
    auto replace = [&](const std::string& from, const std::string& to) {
      auto pos = text.find(from);
      QVERIFY2(pos != std::string::npos, from.c_str());
      text.replace(pos, from.size(), to);
    };
    if (mutation == "schema") replace("\"schema_version\": 1,", "\"schema_version\": 99,");
    if (mutation == "drop-mfu") replace("\"mfu\": 0.4,", "");
    if (mutation == "gpus-string") replace("\"gpus\": 1024,", "\"gpus\": \"many\",");
    if (mutation == "precision") replace("\"precision\": \"bf16\",\n    \"gpus\"", "\"precision\": \"bf17\",\n    \"gpus\"");
    if (mutation == "truncate") text.resize(text.size() / 2);
    if (mutation == "mfu-range") replace("\"mfu\": 0.4,", "\"mfu\": 2,");
    auto path = tempDir() / "bad.json";
    { std::ofstream(path) << text; }
    auto back = loadPlan(path);
    QVERIFY(!back);
    SP_VERIFY_CONTAINS(back.message(), message.toStdString());
    SP_VERIFY_CONTAINS(back.message(), path.string());
  }

  void savingIntoMissingDirectoryLeavesNothing() {
    PlanRequest req = request(baseSpec());
    auto result = makePlan(req);
    auto path = tempDir() / "missing" / "plan.json";
    auto s = savePlan(path, req, *result);
    QVERIFY(!s);
    QVERIFY(!std::filesystem::exists(path));
  }

  void cleanupTestCase() { std::filesystem::remove_all(tempDir()); }
};

QTEST_APPLESS_MAIN(TestPlan)
#include "test_plan.moc"
