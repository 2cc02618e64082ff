// Plot series from core/plan/curves: every value is checked against the law's formula written
// out here (Hoffmann et al. 2022's printed constants), not against the implementation.
#include <cmath>

#include "counting/model_presets.hpp"
#include "plan/curves.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

// Hoffmann et al. 2022, approach 3 as printed: E 1.69, A 406.4, B 410.7, alpha 0.34, beta 0.28.
constexpr double kE = 1.69, kA = 406.4, kB = 410.7, kAlpha = 0.34, kBeta = 0.28;

ChinchillaParams hoffmann() { return ChinchillaParams{kE, kA, kB, kAlpha, kBeta}; }

ScalingLaw chinchillaLaw() { return ScalingLaw("test-hoffmann", "Hoffmann (test)", "Hoffmann et al. 2022", hoffmann()); }

double lossOf(double n, double d) { return kE + kA / std::pow(n, kAlpha) + kB / std::pow(d, kBeta); }

// Closed form, written independently: minimising E + A N^-a + B (C/6N)^-b over N gives
// a·A·N^-a = b·B·(C/6)^-b·N^b, so N^(a+b) = (a·A / (b·B))·(C/6)^b.
double optimalParams(double c) {
  return std::pow(kAlpha * kA / (kBeta * kB) * std::pow(c / 6.0, kBeta), 1.0 / (kAlpha + kBeta));
}

}  // namespace

class TestCurves : public QObject {
  Q_OBJECT
 private slots:
  void logSpaceIsGeometric() {
    auto v = logSpace(1e18, 1e27, 10);
    QCOMPARE(v.size(), size_t(10));
    QCOMPARE(v.front(), 1e18);
    QCOMPARE(v.back(), 1e27);
    for (size_t i = 1; i < v.size(); ++i) SP_COMPARE_REL(v[i] / v[i - 1], 10.0, 1e-12);
    QVERIFY(logSpace(0.0, 1.0, 5).empty());
    QVERIFY(logSpace(1.0, 10.0, 1).empty());
  }

  void budgetsAroundAreADecadeApart() {
    auto b = budgetsAround(5.88e23, 2, 1);
    QCOMPARE(b.size(), size_t(4));
    SP_COMPARE_REL(b[0], 5.88e21, 1e-12);
    SP_COMPARE_REL(b[1], 5.88e22, 1e-12);
    SP_COMPARE_REL(b[2], 5.88e23, 1e-12);
    SP_COMPARE_REL(b[3], 5.88e24, 1e-12);
  }

  void frontierFollowsTheClosedForm() {
    FrontierOptions o;
    o.flops_min = 1e19;
    o.flops_max = 1e26;
    o.points = 8;
    auto f = computeOptimalFrontier(chinchillaLaw(), o);
    QVERIFY2(f.isOk(), f.message().c_str());
    QCOMPARE(f->size(), size_t(8));
    for (const auto& p : *f) {
      const double n = optimalParams(p.flops);
      SP_COMPARE_REL(p.params, n, 1e-6);
      SP_COMPARE_REL(p.tokens, p.flops / (6.0 * n), 1e-6);
      QVERIFY(p.loss.has_value());
      SP_COMPARE_REL(*p.loss, lossOf(n, p.flops / (6.0 * n)), 1e-9);
      QVERIFY(!p.loss_interval);
    }
    // N_opt grows as C^(beta/(alpha+beta)) = C^0.4516, D_opt as C^0.5484.
    const auto& a = f->front();
    const auto& b = f->back();
    SP_COMPARE_REL(std::log(b.params / a.params) / std::log(b.flops / a.flops), kBeta / (kAlpha + kBeta), 1e-6);
    SP_COMPARE_REL(std::log(b.tokens / a.tokens) / std::log(b.flops / a.flops), kAlpha / (kAlpha + kBeta), 1e-6);
  }

  void frontierRejectsBadOptions() {
    FrontierOptions o;
    o.flops_min = 0;
    auto f = computeOptimalFrontier(chinchillaLaw(), o);
    QVERIFY(!f.isOk());
    SP_VERIFY_CONTAINS(f.message(), "flops_min: must be positive");
    o.flops_min = 1e22;
    o.flops_max = 1e21;
    f = computeOptimalFrontier(chinchillaLaw(), o);
    SP_VERIFY_CONTAINS(f.message(), "flops_max: must exceed flops_min");
    o.flops_max = 1e24;
    o.points = 1;
    f = computeOptimalFrontier(chinchillaLaw(), o);
    SP_VERIFY_CONTAINS(f.message(), "points: must be at least 2, got 1");
  }

  void frontierOfAPowerLawIsAnError() {
    PowerLawParams p;
    p.variable = PowerLawVariable::Params;
    p.e = 1.7;
    p.a = 400;
    p.alpha = 0.34;
    ScalingLaw law("pl", "power law", "", p);
    auto f = computeOptimalFrontier(law, FrontierOptions{});
    QVERIFY(!f.isOk());
    SP_VERIFY_CONTAINS(f.message(), "frontier of pl");
  }

  void isoFlopMinimumIsTheComputeOptimum() {
    const double c = 5.88e23;
    auto curve = isoFlopCurve(chinchillaLaw(), Flops{c});
    QVERIFY2(curve.isOk(), curve.message().c_str());
    QCOMPARE(curve->params.size(), size_t(121));
    // Worked example: 5.88e23 FLOPs under the printed constants gives N_opt ≈ 3.1e10 (the
    // printed approach-3 fit favours smaller models than Chinchilla's 70B).
    const double n_opt = optimalParams(c);
    QVERIFY(n_opt > 2e10 && n_opt < 5e10);
    SP_COMPARE_REL(curve->min_params, n_opt, 1e-5);
    SP_COMPARE_REL(curve->min_tokens, c / (6.0 * n_opt), 1e-5);
    SP_COMPARE_REL(curve->min_loss, lossOf(n_opt, c / (6.0 * n_opt)), 1e-9);
    // The curve spans 1.5 decades each side of N_opt and lies on C = 6ND.
    SP_COMPARE_REL(curve->params.front(), n_opt / std::pow(10.0, 1.5), 1e-9);
    SP_COMPARE_REL(curve->params.back(), n_opt * std::pow(10.0, 1.5), 1e-9);
    for (size_t i = 0; i < curve->params.size(); ++i) {
      SP_COMPARE_REL(6.0 * curve->params[i] * curve->tokens[i], c, 1e-12);
      SP_COMPARE_REL(curve->loss[i], lossOf(curve->params[i], curve->tokens[i]), 1e-12);
      QVERIFY(curve->loss[i] >= curve->min_loss - 1e-12);
    }
  }

  void isoFlopMinimumOfARatioLawIsItsLossModelsOptimum() {
    // The tokens-per-param rule allocates D = 20N, but the isoFLOP curve of its loss model has
    // its minimum at the loss model's own optimum: the plot marks the curve's true minimum.
    TokensPerParamParams p;
    p.ratio = 20.0;
    p.loss_model = hoffmann();
    ScalingLaw law("tokens-per-param", "20 tokens per parameter", "", p);
    const double c = 1e22;
    auto curve = isoFlopCurve(law, Flops{c});
    QVERIFY2(curve.isOk(), curve.message().c_str());
    SP_COMPARE_REL(curve->min_params, optimalParams(c), 1e-5);
    // The curve is centred on the rule's N = sqrt(C / (6·20)).
    const double n_rule = std::sqrt(c / 120.0);
    SP_COMPARE_REL(std::sqrt(curve->params.front() * curve->params.back()), n_rule, 1e-9);
  }

  void isoFlopRejectsBadInputs() {
    auto c = isoFlopCurve(chinchillaLaw(), Flops{-1.0});
    QVERIFY(!c.isOk());
    SP_VERIFY_CONTAINS(c.message(), "compute: must be positive");
    IsoFlopOptions o;
    o.span_decades = 0.0;
    c = isoFlopCurve(chinchillaLaw(), Flops{1e22}, o);
    SP_VERIFY_CONTAINS(c.message(), "span_decades: must be positive");
  }

  void landscapeCellsAreTheLoss() {
    LandscapeOptions o;
    o.params_min = 1e8;
    o.params_max = 1e12;
    o.tokens_min = 1e10;
    o.tokens_max = 1e14;
    o.params_cells = 5;
    o.tokens_cells = 3;
    auto l = lossLandscape(chinchillaLaw(), o);
    QVERIFY2(l.isOk(), l.message().c_str());
    QCOMPARE(l->params.size(), size_t(5));
    QCOMPARE(l->tokens.size(), size_t(3));
    QCOMPARE(l->loss.size(), size_t(15));
    SP_COMPARE_REL(l->params[1], 1e9, 1e-12);
    SP_COMPARE_REL(l->tokens[1], 1e12, 1e-12);
    for (int j = 0; j < 3; ++j) {
      for (int i = 0; i < 5; ++i) SP_COMPARE_REL(l->at(i, j), lossOf(l->params[i], l->tokens[j]), 1e-12);
    }
    // Loss falls with both N and D: the minimum is at the top-right corner, the maximum bottom-left.
    SP_COMPARE_REL(l->loss_min, lossOf(1e12, 1e14), 1e-12);
    SP_COMPARE_REL(l->loss_max, lossOf(1e8, 1e10), 1e-12);
    o.tokens_cells = 1;
    auto bad = lossLandscape(chinchillaLaw(), o);
    QVERIFY(!bad.isOk());
    SP_VERIFY_CONTAINS(bad.message(), "tokens_cells: must be at least 2, got 1");
  }

  void landscapeAroundAPlan() {
    auto o = landscapeAround(7e10, 1.4e12, 2.0);
    SP_COMPARE_REL(o.params_min, 7e8, 1e-12);
    SP_COMPARE_REL(o.params_max, 7e12, 1e-12);
    SP_COMPARE_REL(o.tokens_min, 1.4e10, 1e-12);
    SP_COMPARE_REL(o.tokens_max, 1.4e14, 1e-12);
  }

  void isoComputeLinesStayInTheBox() {
    LandscapeOptions o;
    o.params_min = 1e8;
    o.params_max = 1e12;
    o.tokens_min = 1e10;
    o.tokens_max = 1e14;
    // C = 6e21: N from 6e21/(6·1e14) = 1e7 (clipped to 1e8) to 6e21/(6·1e10) = 1e11.
    auto line = isoComputeLine(Flops{6e21}, o, 20);
    QCOMPARE(line.params.size(), size_t(20));
    SP_COMPARE_REL(line.params.front(), 1e8, 1e-12);
    SP_COMPARE_REL(line.params.back(), 1e11, 1e-12);
    SP_COMPARE_REL(line.tokens.front(), 1e13, 1e-12);
    SP_COMPARE_REL(line.tokens.back(), 1e10, 1e-12);
    for (size_t i = 0; i < line.params.size(); ++i) SP_COMPARE_REL(6.0 * line.params[i] * line.tokens[i], 6e21, 1e-12);
    // Entirely below the box (6·1e8·1e10 = 6e18 is its smallest compute): no line.
    QVERIFY(isoComputeLine(Flops{1e18}, o).params.empty());
  }

  void optimalPathIsOnTheFrontierAndInTheBox() {
    LandscapeOptions o = landscapeAround(optimalParams(1e23), 1e23 / (6.0 * optimalParams(1e23)), 2.0);
    auto path = optimalPath(chinchillaLaw(), o);
    QVERIFY2(path.isOk(), path.message().c_str());
    QVERIFY(path->size() > 10);
    for (const auto& p : *path) {
      QVERIFY(p.params >= o.params_min && p.params <= o.params_max);
      QVERIFY(p.tokens >= o.tokens_min && p.tokens <= o.tokens_max);
      SP_COMPARE_REL(p.params, optimalParams(p.flops), 1e-6);
    }
  }

  void fittedComputeRange_() {
    DataRange r;
    QVERIFY(!fittedComputeRange(r));
    r.params_min = 7e7;
    r.params_max = 1.6e10;
    r.tokens_min = 5e9;
    r.tokens_max = 5e11;
    auto c = fittedComputeRange(r);
    QVERIFY(c.has_value());
    SP_COMPARE_REL(c->low, 6.0 * 7e7 * 5e9, 1e-12);
    SP_COMPARE_REL(c->high, 6.0 * 1.6e10 * 5e11, 1e-12);
    r.flops_min = 6e18;
    r.flops_max = 3e21;
    c = fittedComputeRange(r);
    SP_COMPARE_REL(c->low, 6e18, 1e-12);
    SP_COMPARE_REL(c->high, 3e21, 1e-12);
  }

  void lossVsComputeAtTheOptimum() {
    ScalingLaw law = chinchillaLaw();
    DataRange r;
    r.flops_min = 1e18;
    r.flops_max = 1e22;
    law.setDataRange(r);
    FrontierOptions o;
    o.flops_min = 1e18;
    o.flops_max = 1e26;
    o.points = 9;
    auto curve = lossVsCompute(law, o);
    QVERIFY2(curve.isOk(), curve.message().c_str());
    QCOMPARE(curve->flops.size(), size_t(9));
    QVERIFY(curve->fitted_flops.has_value());
    QCOMPARE(curve->fitted_flops->high, 1e22);
    QVERIFY(curve->loss_low.empty());
    for (size_t i = 0; i < curve->flops.size(); ++i) {
      const double n = optimalParams(curve->flops[i]);
      SP_COMPARE_REL(curve->loss[i], lossOf(n, curve->flops[i] / (6.0 * n)), 1e-9);
      if (i > 0) QVERIFY(curve->loss[i] < curve->loss[i - 1]);
    }
  }

  void lossVsComputeOfAPowerLawInCompute() {
    PowerLawParams p;
    p.variable = PowerLawVariable::Flops;
    p.e = 1.5;
    p.a = 20.0;
    p.alpha = 0.05;
    ScalingLaw law("pl-c", "L(C)", "", p);
    FrontierOptions o;
    o.flops_min = 1e20;
    o.flops_max = 1e24;
    o.points = 5;
    auto curve = lossVsCompute(law, o);
    QVERIFY2(curve.isOk(), curve.message().c_str());
    SP_COMPARE_REL(curve->loss[0], 1.5 + 20.0 * std::pow(1e20, -0.05), 1e-12);
    SP_COMPARE_REL(curve->loss[4], 1.5 + 20.0 * std::pow(1e24, -0.05), 1e-12);
    p.variable = PowerLawVariable::Params;
    law.setParams(p);
    auto bad = lossVsCompute(law, o);
    QVERIFY(!bad.isOk());
    SP_VERIFY_CONTAINS(bad.message(), "loss against compute for pl-c");
  }

  void publishedModelsAgainstTheFrontier() {
    auto catalog = ModelCatalog::loadDefault();
    QVERIFY2(catalog.isOk(), catalog.message().c_str());
    auto points = publishedModelPoints(*catalog);
    const ModelPoint* gpt3 = nullptr;
    const ModelPoint* chinchilla = nullptr;
    const ModelPoint* llama3_8b = nullptr;
    for (const auto& p : points) {
      if (p.id == "gpt3-175b") gpt3 = &p;
      if (p.id == "chinchilla-70b") chinchilla = &p;
      if (p.id == "llama3-8b") llama3_8b = &p;
    }
    QVERIFY(gpt3 && chinchilla && llama3_8b);
    // GPT-3: 175B parameters on 300B tokens: 6·175e9·300e9 = 3.15e23 FLOPs (Brown et al. 2020).
    SP_COMPARE_REL(gpt3->flops, 3.15e23, 1e-9);
    // Chinchilla: 70B on 1.4T tokens = 5.88e23 FLOPs, 20 tokens per parameter.
    SP_COMPARE_REL(chinchilla->flops, 5.88e23, 1e-9);
    SP_COMPARE_REL(chinchilla->tokensPerParam(), 20.0, 1e-9);

    // Against the printed law: GPT-3 saw far fewer tokens than optimal (under-trained: D_opt at
    // 3.15e23 is about 2.1T, so 300B is about 0.14 of it), Llama 3 8B far more (over-trained:
    // 15T tokens against a D_opt of about 3.4T at its 7.2e23 FLOPs).
    auto g = compareWithOptimal(chinchillaLaw(), *gpt3);
    QVERIFY2(g.isOk(), g.message().c_str());
    const double n_opt = optimalParams(3.15e23);
    SP_COMPARE_REL(g->optimal_params, n_opt, 1e-6);
    SP_COMPARE_REL(g->tokens_ratio, 300e9 / (3.15e23 / (6.0 * n_opt)), 1e-6);
    SP_COMPARE_REL(g->params_ratio, 175e9 / n_opt, 1e-6);
    QVERIFY(g->tokens_ratio > 0.1 && g->tokens_ratio < 0.2);
    auto l = compareWithOptimal(chinchillaLaw(), *llama3_8b);
    QVERIFY2(l.isOk(), l.message().c_str());
    QVERIFY(l->tokens_ratio > 3.0 && l->tokens_ratio < 6.0);
  }
};

QTEST_APPLESS_MAIN(TestCurves)
#include "test_curves.moc"
