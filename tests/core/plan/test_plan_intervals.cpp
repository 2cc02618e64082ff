// A plan's 95% intervals against a direct computation from the law's samples (closed-form
// optima, the book-keeping of days and dollars written out here), MFU ranges against the
// arithmetic of a uniform MFU, which figures vary under which budget, the within-budget
// inference-aware plan, and plan files before and after the new fields.
#include <algorithm>
#include <cmath>
#include <random>

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

const std::vector<double> kBesiroglu = {1.8172, 482.01, 2085.43, 0.3478, 0.3658};  // E, A, B, alpha, beta

// 300 parameter vectors around Besiroglu et al.'s estimate, from a fixed generator.
std::vector<std::vector<double>> scatteredSamples() {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<std::vector<double>> samples;
  for (int i = 0; i < 300; ++i) {
    samples.push_back({kBesiroglu[0] + 0.03 * u(rng), kBesiroglu[1] * std::exp(0.2 * u(rng)), kBesiroglu[2] * std::exp(0.4 * u(rng)),
                       kBesiroglu[3] + 0.02 * u(rng), kBesiroglu[4] + 0.03 * u(rng)});
  }
  return samples;
}

ScalingLaw sampledLaw() {
  ScalingLaw law("file:test.json", "Test fit", "test",
                 ChinchillaParams{kBesiroglu[0], kBesiroglu[1], kBesiroglu[2], kBesiroglu[3], kBesiroglu[4]});
  LawUncertainty u;
  u.method = "bootstrap (300 resamples, test)";
  u.samples = scatteredSamples();
  law.setUncertainty(u);
  return law;
}

PlanRequest requestWith(const ScalingLaw& law, Budget budget) {
  PlanSpec spec;
  spec.budget = budget;
  spec.gpu_id = "h100-sxm";
  spec.gpu_count = 1024;
  spec.mfu = 0.4;
  spec.usd_per_gpu_hour = 2.5;
  auto made = makePlanRequest(spec, catalog());
  if (!made) qFatal("%s", made.message().c_str());
  PlanRequest r = *made;
  r.law = law;
  return r;
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const std::size_t i = static_cast<std::size_t>(pos);
  const double w = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] * (1.0 - w) + v[i + 1] * w : v[i];
}

// Hoffmann et al.'s closed-form optimum, N and the loss there.
void optimum(const std::vector<double>& p, double c, double* n, double* loss) {
  const double g = std::pow(p[3] * p[1] / (p[4] * p[2]), 1.0 / (p[3] + p[4]));
  *n = g * std::pow(c / 6.0, p[4] / (p[3] + p[4]));
  const double d = c / (6.0 * *n);
  *loss = p[0] + p[1] / std::pow(*n, p[3]) + p[2] / std::pow(d, p[4]);
}

void verifyInterval(const std::optional<Interval>& got, const std::vector<double>& values, const char* what) {
  QVERIFY2(got.has_value(), what);
  SP_COMPARE_REL(got->low, percentile(values, 0.025), 1e-9);
  SP_COMPARE_REL(got->high, percentile(values, 0.975), 1e-9);
}

}  // namespace

class TestPlanIntervals : public QObject {
  Q_OBJECT
 private slots:
  // A FLOP budget: N, D, D/N and the loss vary with the law; compute, days and dollars do not.
  void flopBudgetIntervalsMatchTheSamples() {
    const double c = 1e24;
    auto plan = makePlan(requestWith(sampledLaw(), Budget{BudgetUnit::Flops, c}));
    QVERIFY2(plan, plan.message().c_str());
    std::vector<double> n, d, ratio, loss;
    for (const auto& s : scatteredSamples()) {
      double opt = 0.0, l = 0.0;
      optimum(s, c, &opt, &l);
      n.push_back(opt);
      d.push_back(c / (6.0 * opt));
      ratio.push_back(c / (6.0 * opt * opt));
      loss.push_back(l);
    }
    const PlanIntervals& iv = plan->intervals;
    QCOMPARE(iv.draws, std::size_t{300});
    QCOMPARE(iv.failed_draws, std::size_t{0});
    verifyInterval(iv.params, n, "params");
    verifyInterval(iv.tokens, d, "tokens");
    verifyInterval(iv.tokens_per_param, ratio, "tokens_per_param");
    verifyInterval(iv.predicted_loss, loss, "loss");
    QVERIFY(!iv.flops && !iv.wall_clock_days && !iv.cost_usd);  // fixed by the FLOP budget
    QVERIFY(iv.params->low < plan->params && plan->params < iv.params->high);
    SP_VERIFY_CONTAINS(iv.source, "bootstrap samples (300)");
    // The JSON carries them as [low, high].
    const std::string json = planResultToJson(*plan);
    for (const char* key : {"\"params_ci95\"", "\"tokens_ci95\"", "\"loss_ci95\"", "\"tokens_per_param_ci95\""}) {
      SP_VERIFY_CONTAINS(json, key);
    }
    QVERIFY(json.find("\"cost_usd_ci95\"") == std::string::npos);
  }

  // A target-loss plan: the compute varies with the law (each draw needs its own FLOPs to reach
  // the loss), and days and dollars follow it: days = C/(K·peak·MFU·86400), dollars = K·24·days·price.
  void targetLossIntervalsFollowTheCompute() {
    PlanRequest r = requestWith(sampledLaw(), Budget{BudgetUnit::Flops, 1e24});
    r.budget.reset();
    r.target_loss = 2.0;
    auto plan = makePlan(r);
    QVERIFY2(plan, plan.message().c_str());
    const double rate = 1024.0 * r.accelerator.peak(Precision::Bf16)->value * 0.4;
    std::vector<double> flops, days, usd;
    for (const auto& s : scatteredSamples()) {
      // Along the optimum L(C) = E + K·(C/6)^(−αβ/(α+β)) (Hoffmann et al., eq. 4 substituted).
      const double g = std::pow(s[3] * s[1] / (s[4] * s[2]), 1.0 / (s[3] + s[4]));
      const double k = s[1] * std::pow(g, -s[3]) + s[2] * std::pow(g, s[4]);
      const double c = 6.0 * std::pow((2.0 - s[0]) / k, -(s[3] + s[4]) / (s[3] * s[4]));
      flops.push_back(c);
      days.push_back(c / rate / 86400.0);
      usd.push_back(1024.0 * 24.0 * days.back() * 2.5);
    }
    const PlanIntervals& iv = plan->intervals;
    verifyInterval(iv.flops, flops, "flops");
    verifyInterval(iv.wall_clock_days, days, "days");
    verifyInterval(iv.cost_usd, usd, "cost");
    QVERIFY(!iv.predicted_loss);  // every draw reaches the same loss
  }

  // MFU as a range, no law uncertainty, a FLOP budget: days = K/MFU over MFU uniform on
  // [0.35, 0.45], so the 95% interval of days is K/q(0.975) .. K/q(0.025) with q the MFU
  // quantile, up to the stratified draws' resolution: the percentile falls between draws at
  // quantiles (i + 0.5)/1000, which moves each end by under 0.5/1000 of the range, 1.4e-4 of MFU.
  void mfuRangeAloneGivesDaysAndDollars() {
    ScalingLaw point("hoffmann-like", "H", "", ChinchillaParams{1.69, 406.4, 410.7, 0.34, 0.28});
    PlanRequest r = requestWith(point, Budget{BudgetUnit::Flops, 1e24});
    r.mfu = 0.4;
    r.mfu_range = Interval{0.35, 0.45};
    auto plan = makePlan(r);
    QVERIFY2(plan, plan.message().c_str());
    const double k = plan->cost.wall_clock.days() * 0.4;
    const PlanIntervals& iv = plan->intervals;
    QVERIFY(iv.wall_clock_days && iv.cost_usd && iv.gpu_hours);
    SP_COMPARE_REL(iv.wall_clock_days->low, k / (0.45 - 0.025 * 0.1), 2e-4);
    SP_COMPARE_REL(iv.wall_clock_days->high, k / (0.35 + 0.025 * 0.1), 2e-4);
    SP_COMPARE_REL(iv.cost_usd->high / iv.cost_usd->low, iv.wall_clock_days->high / iv.wall_clock_days->low, 1e-9);
    QVERIFY(!iv.params && !iv.predicted_loss);  // the law is a point: N, D and loss do not vary

    // A dollar budget: the dollars fix the GPU-hours and days, and MFU moves the FLOPs they buy.
    r.budget = Budget{BudgetUnit::Usd, 2e6};
    plan = makePlan(r);
    QVERIFY2(plan, plan.message().c_str());
    QVERIFY(!plan->intervals.wall_clock_days && !plan->intervals.cost_usd);
    QVERIFY(plan->intervals.flops && plan->intervals.params);
    SP_COMPARE_REL(plan->intervals.flops->high / plan->intervals.flops->low, (0.45 - 0.0025) / (0.35 + 0.0025), 5e-4);

    r.mfu_range = Interval{0.45, 0.35};
    std::string why;
    QVERIFY(!r.isValid(&why));
    SP_VERIFY_CONTAINS(why, "mfu_range");
    r.mfu_range = Interval{0.2, 0.3};
    QVERIFY(!r.isValid(&why));
    SP_VERIFY_CONTAINS(why, "mfu");
  }

  // Best loss within the budget: training + inference FLOPs equal the budget, the plan says
  // which question it answered, and no "budget differs" warning.
  void withinBudgetPlanSpendsTheBudget() {
    PlanRequest r = requestWith(sampledLaw(), Budget{BudgetUnit::Flops, 1e24});
    r.inference_tokens = 1e13;
    r.inference_sizing = InferenceSizing::BestLossWithinBudget;
    auto plan = makePlan(r);
    QVERIFY2(plan, plan.message().c_str());
    QVERIFY(plan->inference && plan->inference_sizing == InferenceSizing::BestLossWithinBudget);
    SP_COMPARE_REL(plan->inference->total_flops.value, 1e24, 1e-9);
    SP_COMPARE_REL(plan->flops.value + 2.0 * plan->params * 1e13, 1e24, 1e-9);
    for (const auto& w : plan->warnings) QVERIFY(w.kind != PlanWarningKind::BudgetDiffers);
    QVERIFY(plan->intervals.params && plan->intervals.flops);  // the split varies with the law
    SP_VERIFY_CONTAINS(planResultToJson(*plan), "\"sizing\": \"best-loss-within-budget\"");
    // Sardana et al.'s question on the same inputs trains past the budget and says so.
    r.inference_sizing = InferenceSizing::SameLossLeastCompute;
    auto same_loss = makePlan(r);
    QVERIFY2(same_loss, same_loss.message().c_str());
    QVERIFY(same_loss->flops.value > 1e24);
    // Within the budget needs inference tokens.
    r.inference_sizing = InferenceSizing::BestLossWithinBudget;
    r.inference_tokens.reset();
    std::string why;
    QVERIFY(!r.isValid(&why));
    SP_VERIFY_CONTAINS(why, "inference_sizing");
    for (auto k : {InferenceSizing::SameLossLeastCompute, InferenceSizing::BestLossWithinBudget}) {
      QCOMPARE(inferenceSizingFromString(toString(k)), std::optional<InferenceSizing>(k));
    }
  }

  // A law with only a covariance still gets intervals (normal draws), and the plan warns.
  void covarianceOnlyLawWarns() {
    ScalingLaw law = sampledLaw();
    LawUncertainty u;
    u.method = "covariance";
    u.covariance.assign(5, std::vector<double>(5, 0.0));
    const double sd[] = {0.025, 120.0, 1360.0, 0.015, 0.02};
    for (int i = 0; i < 5; ++i) u.covariance[i][i] = sd[i] * sd[i];
    law.setUncertainty(u);
    auto plan = makePlan(requestWith(law, Budget{BudgetUnit::Flops, 1e24}));
    QVERIFY2(plan, plan.message().c_str());
    QVERIFY(plan->intervals.params);
    QVERIFY(plan->intervals.draws > 900);  // of 1000; draws with a negative parameter are dropped
    bool warned = false;
    for (const auto& w : plan->warnings) warned = warned || w.kind == PlanWarningKind::IntervalsFromCovariance;
    QVERIFY(warned);
  }

  // New fields round-trip; a plan written before them (no mfu_range, no inference_sizing) opens
  // with the defaults.
  void planFilesOldAndNew() {
    PlanRequest r = requestWith(sampledLaw(), Budget{BudgetUnit::Flops, 1e24});
    r.mfu_range = Interval{0.35, 0.45};
    r.inference_tokens = 1e12;
    r.inference_sizing = InferenceSizing::BestLossWithinBudget;
    auto plan = makePlan(r);
    QVERIFY2(plan, plan.message().c_str());
    const std::string text = planToJson(r, *plan);
    auto back = planRequestFromJson(text, "new.json");
    QVERIFY2(back, back.message().c_str());
    QVERIFY(*back == r);

    // The same request without the new fields, as an older ScalePlan wrote it: remove their lines.
    PlanRequest plain = r;
    plain.mfu_range.reset();
    plain.inference_sizing = InferenceSizing::SameLossLeastCompute;
    auto plain_plan = makePlan(plain);  // its own result: a ranged one names its mfu_range too
    QVERIFY2(plain_plan, plain_plan.message().c_str());
    std::string old = planToJson(plain, *plain_plan);
    for (const char* field : {"\"mfu_range\": null", "\"inference_sizing\": \"same-loss-least-compute\""}) {
      const auto at = old.find(field);
      QVERIFY2(at != std::string::npos, field);
      const auto line_start = old.rfind('\n', at) + 1;
      old.erase(line_start, old.find('\n', at) - line_start + 1);
    }
    QVERIFY(old.find("mfu_range") == std::string::npos && old.find("\"inference_sizing\"") == std::string::npos);
    auto opened = planRequestFromJson(old, "old.json");
    QVERIFY2(opened, (opened.message() + "\n" + old.substr(0, 2000)).c_str());
    QVERIFY(!opened->mfu_range);
    QVERIFY(opened->inference_sizing == InferenceSizing::SameLossLeastCompute);

    std::string bad = text;
    bad.replace(bad.find("best-loss-within-budget"), 23, "cheapest");
    auto refused = planRequestFromJson(bad, "bad.json");
    QVERIFY(!refused);
    SP_VERIFY_CONTAINS(refused.message(), "inference_sizing");
  }
};

QTEST_APPLESS_MAIN(TestPlanIntervals)
#include "test_plan_intervals.moc"
