// Inference-aware allocation (Sardana et al. 2023): the least lifetime compute (or dollars) that
// reaches a target loss. Reference optima are computed here by other means: the compute that
// reaches the loss by bisection along the closed-form optimum, and the inference-aware optimum by
// bisection on the first-order condition.
#include <cmath>
#include <limits>

#include "laws/scaling_law.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

ChinchillaParams hoffmann() { return ChinchillaParams{1.69, 406.4, 410.7, 0.34, 0.28}; }
ChinchillaParams besiroglu() { return ChinchillaParams{1.8172, 482.01, 2085.43, 0.3478, 0.3658}; }

double lossAt(const ChinchillaParams& p, double n, double d) {
  return p.e + p.a / std::pow(n, p.alpha) + p.b / std::pow(d, p.beta);
}

double optimalN(const ChinchillaParams& p, double c) {
  const double g = std::pow(p.alpha * p.a / (p.beta * p.b), 1.0 / (p.alpha + p.beta));
  return g * std::pow(c / 6.0, p.beta / (p.alpha + p.beta));
}

// The compute at which the compute-optimal model reaches `target`, by bisection on log C (the
// optimal loss falls monotonically with compute).
double computeReaching(const ChinchillaParams& p, double target) {
  double lo = std::log(1e10), hi = std::log(1e40);
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    const double c = std::exp(mid);
    const double n = optimalN(p, c);
    if (lossAt(p, n, c / (6.0 * n)) > target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return std::exp(0.5 * (lo + hi));
}

// Training tokens that bring an N-parameter model to `target`.
double tokensFor(const ChinchillaParams& p, double n, double target) {
  return std::pow(p.b / (target - p.e - p.a / std::pow(n, p.alpha)), 1.0 / p.beta);
}

// The inference-aware optimum from its first-order condition. With u = ln N and
// a = A·N^−α, D(u) = (B/(L − E − a))^(1/β) and d ln D/du = −(α/β)·a/(L − E − a); the lifetime
// compute N·(6·D + 2·D_inf) is stationary where 6·D·(1 + d ln D/du) + 2·D_inf = 0. The left side
// is negative just above the smallest model that can reach L and positive at the Chinchilla
// optimum (where d ln D/du = −1), so bisection finds the root.
double inferenceOptimalN(const ChinchillaParams& p, double target, double inference_tokens, double n_chinchilla) {
  auto condition = [&](double u) {
    const double a = p.a * std::exp(-p.alpha * u);
    const double excess = target - p.e - a;
    const double d = std::pow(p.b / excess, 1.0 / p.beta);
    return 6.0 * d * (1.0 - (p.alpha / p.beta) * a / excess) + 2.0 * inference_tokens;
  };
  const double u_min = std::log(p.a / (target - p.e)) / p.alpha;
  double lo = u_min + 1e-12, hi = std::log(n_chinchilla);
  for (int i = 0; i < 300; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (condition(mid) < 0.0) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return std::exp(0.5 * (lo + hi));
}

}  // namespace

class TestInferenceAware : public QObject {
  Q_OBJECT
 private slots:
  void zeroDemandIsTheChinchillaOptimum() {
    for (const ChinchillaParams& p : {hoffmann(), besiroglu()}) {
      for (double target : {p.e + 0.05, p.e + 0.2, 2.5, 3.2}) {
        InferenceAwareOptions o;
        o.target_loss = target;
        o.inference_tokens = 0.0;
        auto r = inferenceAwareOptimum(p, o);
        QVERIFY2(r, r.message().c_str());
        const double c = computeReaching(p, target);
        const double n = optimalN(p, c);
        SP_COMPARE_REL(r->params, n, 1e-6);
        SP_COMPARE_REL(r->train_tokens, c / (6.0 * n), 1e-6);
        SP_COMPARE_REL(r->train_flops.value, c, 1e-6);
        QCOMPARE(r->inference_flops.value, 0.0);
        SP_COMPARE_REL(r->chinchilla_params, n, 1e-9);
        SP_COMPARE_REL(r->chinchilla_tokens, c / (6.0 * n), 1e-9);
        SP_COMPARE_REL(r->chinchilla_total_flops.value, c, 1e-9);
        // The model reaches the target.
        SP_COMPARE_REL(lossAt(p, r->params, r->train_tokens), target, 1e-12);
      }
    }
  }

  void largeDemandShrinksTheModel() {
    // Loss 2.0 under Besiroglu et al.'s fit (a Chinchilla-optimal model of 46.9B parameters and
    // 2.5e23 FLOPs), served for 1e12, 1e13 and 1e15 tokens.
    const ChinchillaParams p = besiroglu();
    const double target = 2.0;
    const double c = computeReaching(p, target);
    const double n_chinchilla = optimalN(p, c);
    const double d_chinchilla = c / (6.0 * n_chinchilla);
    double previous_n = n_chinchilla;
    for (double demand : {1e12, 1e13, 1e15}) {
      InferenceAwareOptions o;
      o.target_loss = target;
      o.inference_tokens = demand;
      auto r = inferenceAwareOptimum(p, o);
      QVERIFY2(r, r.message().c_str());
      const double n = inferenceOptimalN(p, target, demand, n_chinchilla);
      SP_COMPARE_REL(r->params, n, 1e-6);
      SP_COMPARE_REL(r->train_tokens, tokensFor(p, n, target), 1e-5);
      // Smaller model, more training tokens, less lifetime compute than the Chinchilla model.
      QVERIFY(r->params < previous_n);
      QVERIFY(r->train_tokens > d_chinchilla);
      QVERIFY(r->total_flops.value < r->chinchilla_total_flops.value);
      SP_COMPARE_REL(r->chinchilla_total_flops.value, c + 2.0 * n_chinchilla * demand, 1e-9);
      SP_COMPARE_REL(r->inference_flops.value, 2.0 * r->params * demand, 1e-12);
      SP_COMPARE_REL(r->total_flops.value, 6.0 * r->params * r->train_tokens + 2.0 * r->params * demand, 1e-12);
      SP_COMPARE_REL(lossAt(p, r->params, r->train_tokens), target, 1e-12);
      previous_n = r->params;
    }
  }

  void dollarVersion() {
    const ChinchillaParams p = hoffmann();
    InferenceCostOptions o;
    o.target_loss = 2.1;
    o.inference_tokens = 2e13;
    o.train_peak = FlopsPerSecond::fromTera(989.0);
    o.inference_peak = FlopsPerSecond::fromTera(989.0);
    o.train_mfu = 0.4;
    o.inference_mfu = 0.4;
    o.train_usd_per_gpu_hour = 2.0;
    o.inference_usd_per_gpu_hour = 2.0;
    // Equal dollars per FLOP: the FLOP optimum.
    auto same = inferenceAwareCostOptimum(p, o);
    QVERIFY2(same, same.message().c_str());
    InferenceAwareOptions f;
    f.target_loss = 2.1;
    f.inference_tokens = 2e13;
    auto flops = inferenceAwareOptimum(p, f);
    QVERIFY(flops);
    SP_COMPARE_REL(same->params, flops->params, 1e-6);
    const double usd_per_flop = 2.0 / (989e12 * 0.4 * 3600.0);
    SP_COMPARE_REL(same->train_usd, 6.0 * same->params * same->train_tokens * usd_per_flop, 1e-12);
    SP_COMPARE_REL(same->inference_usd, 2.0 * same->params * 2e13 * usd_per_flop, 1e-12);
    SP_COMPARE_REL(same->total_usd, same->train_usd + same->inference_usd, 1e-15);
    // Inference at a quarter of the MFU costs 4x per FLOP: the same as 4x the demand in FLOPs.
    o.inference_mfu = 0.1;
    auto dear = inferenceAwareCostOptimum(p, o);
    QVERIFY(dear);
    const double c = computeReaching(p, 2.1);
    SP_COMPARE_REL(dear->params, inferenceOptimalN(p, 2.1, 4.0 * 2e13, optimalN(p, c)), 1e-6);
    QVERIFY(dear->params < same->params);
    SP_COMPARE_REL(dear->inference_usd, 2.0 * dear->params * 2e13 * 4.0 * usd_per_flop, 1e-12);
    // Free inference: the Chinchilla optimum.
    o.inference_usd_per_gpu_hour = 0.0;
    auto free = inferenceAwareCostOptimum(p, o);
    QVERIFY(free);
    SP_COMPARE_REL(free->params, optimalN(p, c), 1e-6);
    QCOMPARE(free->inference_usd, 0.0);
  }

  // The best loss when training + inference must fit the budget, against a brute-force search:
  // 200,001 model sizes log-spaced from 1e-6·N_max to N_max = C/(2·D_inf), each trained on the
  // tokens the rest of the budget buys, D = (C − 2·N·D_inf)/(6·N). The grid's spacing in ln N is
  // 6.9e-5, so the brute-force N is within that of the optimum, and the loss (flat there to
  // second order) agrees to about 1e-9 relative.
  void withinBudgetMatchesBruteForce() {
    struct Case {
      ChinchillaParams law;
      double budget, inference_tokens;
    };
    for (const Case& c : {Case{hoffmann(), 1e24, 1e13}, Case{besiroglu(), 1e24, 1e13}, Case{besiroglu(), 1e22, 1e11},
                          Case{besiroglu(), 5.76e23, 2e14}}) {
      InferenceBudgetOptions o;
      o.budget = Flops{c.budget};
      o.inference_tokens = c.inference_tokens;
      auto r = inferenceAwareWithinBudget(c.law, o);
      QVERIFY2(r, r.message().c_str());
      const double n_max = c.budget / (2.0 * c.inference_tokens);
      double best_loss = 1e300, best_n = 0.0;
      const int steps = 200000;
      for (int i = 0; i < steps; ++i) {  // excludes N_max itself, where D = 0
        const double n = n_max * std::pow(1e-6, 1.0 - double(i) / steps);
        const double d = (c.budget - 2.0 * n * c.inference_tokens) / (6.0 * n);
        const double l = lossAt(c.law, n, d);
        if (l < best_loss) best_loss = l, best_n = n;
      }
      SP_COMPARE_REL(lossAt(c.law, r->params, r->train_tokens), best_loss, 1e-9);
      SP_COMPARE_REL(r->params, best_n, 2e-3);  // a flat optimum: N is known less well than the loss
      // The budget is spent exactly, split between training and serving.
      SP_COMPARE_REL(r->total_flops.value, c.budget, 1e-9);
      SP_COMPARE_REL(r->inference_flops.value, 2.0 * r->params * c.inference_tokens, 1e-12);
      // Serving costs compute, so the model trains on less than the whole budget and reaches a
      // higher loss than the compute-optimal model that spends it all on training.
      QVERIFY(r->train_flops.value < c.budget);
      QVERIFY(lossAt(c.law, r->params, r->train_tokens) > lossAt(c.law, r->chinchilla_params, r->chinchilla_tokens));
    }
    InferenceBudgetOptions bad;
    bad.budget = Flops{1e24};
    bad.inference_tokens = 0.0;
    auto refused = inferenceAwareWithinBudget(besiroglu(), bad);
    QVERIFY(!refused);
    SP_VERIFY_CONTAINS(refused.message(), "inference_tokens");
  }

  void badInputs() {
    const ChinchillaParams p = hoffmann();
    InferenceAwareOptions o;
    o.target_loss = 1.69;  // = E
    auto r = inferenceAwareOptimum(p, o);
    QVERIFY(!r);
    QCOMPARE(QString::fromStdString(r.message()),
             QString("target_loss: 1.69 nats/token is not above the law's irreducible loss E = 1.69; no finite "
                     "model reaches it"));
    o.target_loss = 1.5;
    SP_VERIFY_CONTAINS(inferenceAwareOptimum(p, o).message(), "not above the law's irreducible loss E = 1.69");
    o.target_loss = kNaN;
    QCOMPARE(QString::fromStdString(inferenceAwareOptimum(p, o).message()),
             QString("target_loss: must be a finite number, got nan"));
    o.target_loss = 2.0;
    o.inference_tokens = -1.0;
    QCOMPARE(QString::fromStdString(inferenceAwareOptimum(p, o).message()),
             QString("inference_tokens: must be a non-negative number of tokens, got -1"));
    o.inference_tokens = kNaN;
    SP_VERIFY_CONTAINS(inferenceAwareOptimum(p, o).message(), "inference_tokens: must be a non-negative number");
    std::string why;
    o.inference_tokens = 0.0;
    QVERIFY(o.isValid(p, &why));
    ChinchillaParams broken = p;
    broken.beta = 0.0;
    QVERIFY(!o.isValid(broken, &why));
    QCOMPARE(QString::fromStdString(why), QString("law: A, B, alpha and beta must be positive for inference-aware sizing"));

    InferenceCostOptions c;
    c.target_loss = 2.0;
    c.inference_tokens = 1e12;
    c.train_peak = FlopsPerSecond::fromTera(989.0);
    c.inference_peak = FlopsPerSecond::fromTera(989.0);
    c.train_usd_per_gpu_hour = 2.0;
    c.inference_usd_per_gpu_hour = 2.0;
    QVERIFY(c.isValid(p, &why));
    c.train_mfu = 0.0;
    QCOMPARE(QString::fromStdString(inferenceAwareCostOptimum(p, c).message()),
             QString("train_mfu: must be in (0, 1], got 0"));
    c.train_mfu = 0.4;
    c.inference_mfu = 1.5;
    QCOMPARE(QString::fromStdString(inferenceAwareCostOptimum(p, c).message()),
             QString("inference_mfu: must be in (0, 1], got 1.5"));
    c.inference_mfu = 0.2;
    c.train_usd_per_gpu_hour = 0.0;
    QCOMPARE(QString::fromStdString(inferenceAwareCostOptimum(p, c).message()),
             QString("train_usd_per_gpu_hour: must be a positive price, got 0"));
    c.train_usd_per_gpu_hour = 2.0;
    c.inference_usd_per_gpu_hour = -1.0;
    SP_VERIFY_CONTAINS(inferenceAwareCostOptimum(p, c).message(), "inference_usd_per_gpu_hour: must be a non-negative price");
    c.inference_usd_per_gpu_hour = 2.0;
    c.train_peak = FlopsPerSecond{0.0};
    QCOMPARE(QString::fromStdString(inferenceAwareCostOptimum(p, c).message()),
             QString("train_peak: must be a positive FLOP/s rate, got 0"));
    c.train_peak = FlopsPerSecond::fromTera(989.0);
    c.target_loss = 1.0;
    SP_VERIFY_CONTAINS(inferenceAwareCostOptimum(p, c).message(), "irreducible loss E = 1.69");
  }
};

QTEST_APPLESS_MAIN(TestInferenceAware)
#include "test_inference_aware.moc"
