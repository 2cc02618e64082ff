// A law's uncertainty beyond its own parameters: what a law file says it propagates (samples or
// covariance, and old files without the field), draws from a covariance, allocation bands
// against a direct computation from the samples, and the chi-square comparison with a
// published law against closed-form chi-square tails.
#include <algorithm>
#include <cmath>
#include <random>

#include "laws/law_comparison.hpp"
#include "laws/law_uncertainty.hpp"
#include "laws/scaling_law.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

const std::string kDataDir = std::string(SCALEPLAN_TEST_DATA_DIR) + "/laws/";

ChinchillaParams besiroglu() { return ChinchillaParams{1.8172, 482.01, 2085.43, 0.3478, 0.3658}; }

ScalingLaw chinchillaLaw(const ChinchillaParams& p) { return ScalingLaw("test-law", "Test law", "test", p); }

// 200 parameter vectors scattered around Besiroglu et al.'s estimate (E, A, B, alpha, beta), by a
// fixed generator so the test is the same everywhere.
std::vector<std::vector<double>> scatteredSamples() {
  std::mt19937_64 rng(2024);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const ChinchillaParams c = besiroglu();
  std::vector<std::vector<double>> samples;
  for (int i = 0; i < 200; ++i) {
    samples.push_back({c.e + 0.03 * u(rng), c.a * std::exp(0.2 * u(rng)), c.b * std::exp(0.4 * u(rng)),
                       c.alpha + 0.02 * u(rng), c.beta + 0.03 * u(rng)});
  }
  return samples;
}

// The interpolated percentile written out here (position q·(n − 1) between order statistics).
double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const std::size_t i = static_cast<std::size_t>(pos);
  const double w = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] * (1.0 - w) + v[i + 1] * w : v[i];
}

// Chinchilla's compute-optimal N (Hoffmann et al. 2022, eq. 4), written out independently.
double optimalParams(const std::vector<double>& p, double c) {
  const double e = p[0], a = p[1], b = p[2], alpha = p[3], beta = p[4];
  (void)e;
  const double g = std::pow(alpha * a / (beta * b), 1.0 / (alpha + beta));
  return g * std::pow(c / 6.0, beta / (alpha + beta));
}

}  // namespace

class TestLawUncertainty : public QObject {
  Q_OBJECT
 private slots:
  void propagationNamesRoundTrip() {
    for (auto p : {UncertaintyPropagation::None, UncertaintyPropagation::Samples, UncertaintyPropagation::Covariance}) {
      QCOMPARE(uncertaintyPropagationFromString(toString(p)), std::optional<UncertaintyPropagation>(p));
    }
    QVERIFY(!uncertaintyPropagationFromString("bootstrap"));
  }

  // A covariance-only law says so in its file and reads back bit for bit; a file whose
  // "propagation" contradicts what it carries is refused with the field named; a file written
  // before the field existed (the fixture) still loads and propagates its samples.
  void lawFilesSayWhatTheyPropagate() {
    ScalingLaw law = chinchillaLaw(besiroglu());
    LawUncertainty u;
    u.method = "covariance";
    u.names = law.parameterNames();
    u.covariance = {{6.25e-4, 0, 0, 0, 1e-5}, {0, 1.44e4, 0, 0, 0}, {0, 0, 1.85e6, 0, 0}, {0, 0, 0, 2.25e-4, 0}, {1e-5, 0, 0, 0, 4.4e-4}};
    law.setUncertainty(u);
    const std::string text = lawToJson(law);
    SP_VERIFY_CONTAINS(text, "\"propagation\": \"covariance\"");
    auto back = lawFromJson(text, "cov.json");
    QVERIFY2(back, back.message().c_str());
    QVERIFY(back->uncertainty()->covariance == u.covariance);
    QVERIFY(back->uncertainty()->propagation() == UncertaintyPropagation::Covariance);

    std::string lying = text;
    lying.replace(lying.find("\"propagation\": \"covariance\""), 27, "\"propagation\": \"samples\"");
    auto refused = lawFromJson(lying, "lying.json");
    QVERIFY(!refused);
    SP_VERIFY_CONTAINS(refused.message(), "lying.json");
    SP_VERIFY_CONTAINS(refused.message(), "uncertainty.propagation");

    std::string ragged = text;
    ragged.replace(ragged.find("1.85e6") != std::string::npos ? ragged.find("1.85e6") : ragged.find("1850000"), 0, "1, ");
    auto bad_shape = lawFromJson(ragged, "ragged.json");
    QVERIFY(!bad_shape);
    SP_VERIFY_CONTAINS(bad_shape.message(), "uncertainty.covariance[2]");

    auto old = loadLaw(kDataDir + "fitted_chinchilla.json");
    QVERIFY2(old, old.message().c_str());
    QVERIFY(old->uncertainty()->propagation() == UncertaintyPropagation::Samples);
    QCOMPARE(propagationDraws(*old).size(), old->uncertainty()->samples.size());
  }

  // Draws from a covariance have the law's values as mean and the matrix as covariance, within
  // sampling error (4,000 draws: the standard error of a mean is σ/63, of a variance about
  // σ²·√(2/4000) = 2.2%).
  void covarianceDrawsFollowTheMatrix() {
    ScalingLaw law = chinchillaLaw(besiroglu());
    LawUncertainty u;
    u.method = "covariance";
    const double s[] = {0.02, 40.0, 300.0, 0.01, 0.012};
    const double rho = 0.6;  // correlation of alpha and beta
    u.covariance.assign(5, std::vector<double>(5, 0.0));
    for (int i = 0; i < 5; ++i) u.covariance[i][i] = s[i] * s[i];
    u.covariance[3][4] = u.covariance[4][3] = rho * s[3] * s[4];
    law.setUncertainty(u);
    PropagationOptions o;
    o.covariance_draws = 4000;
    const auto draws = propagationDraws(law, o);
    QCOMPARE(draws.size(), std::size_t{4000});  // 5 sigma from every bound: none rejected
    const auto mean_values = law.parameterValues();
    for (int i = 0; i < 5; ++i) {
      double mean = 0.0;
      for (const auto& d : draws) mean += d[i];
      mean /= 4000.0;
      QVERIFY2(std::fabs(mean - mean_values[i]) < 4.0 * s[i] / std::sqrt(4000.0), std::to_string(i).c_str());
      double var = 0.0;
      for (const auto& d : draws) var += (d[i] - mean) * (d[i] - mean);
      SP_COMPARE_REL(var / 3999.0, s[i] * s[i], 0.1);
    }
    double cov = 0.0;
    for (const auto& d : draws) cov += (d[3] - mean_values[3]) * (d[4] - mean_values[4]);
    SP_COMPARE_REL(cov / 4000.0 / (s[3] * s[4]), rho, 0.1);
    // The same seed gives the same draws.
    QVERIFY(propagationDraws(law, o) == draws);
    SP_VERIFY_CONTAINS(describePropagation(law, o), "usually too narrow");
  }

  // The band's intervals are the percentiles of each sample's own optimum, computed here from
  // the closed form; its point is the law's own optimum.
  void allocationBandAgreesWithTheSamples() {
    ScalingLaw law = chinchillaLaw(besiroglu());
    LawUncertainty u;
    u.method = "bootstrap (200 resamples, test)";
    u.samples = scatteredSamples();
    law.setUncertainty(u);
    AllocationBandOptions o;
    o.points = 6;  // 1e18, 1e20, ..., 1e28
    auto band = allocationBand(law, o);
    QVERIFY2(band, band.message().c_str());
    QCOMPARE(band->size(), std::size_t{6});
    for (std::size_t k = 0; k < band->size(); ++k) {
      const auto& point = (*band)[k];
      const double c = std::pow(10.0, 18.0 + 2.0 * static_cast<double>(k));
      SP_COMPARE_REL(point.flops, c, 1e-12);
      SP_COMPARE_REL(point.optimum.params, optimalParams(law.parameterValues(), c), 1e-9);
      std::vector<double> n, ratio;
      for (const auto& s : u.samples) {
        const double opt = optimalParams(s, c);
        n.push_back(opt);
        ratio.push_back(c / (6.0 * opt) / opt);
      }
      QVERIFY(point.params && point.tokens_per_param);
      SP_COMPARE_REL(point.params->low, percentile(n, 0.025), 1e-9);
      SP_COMPARE_REL(point.params->high, percentile(n, 0.975), 1e-9);
      SP_COMPARE_REL(point.tokens_per_param->low, percentile(ratio, 0.025), 1e-9);
      SP_COMPARE_REL(point.tokens_per_param->high, percentile(ratio, 0.975), 1e-9);
    }
    // Without uncertainty: the point, no interval.
    auto bare = allocationBand(chinchillaLaw(besiroglu()), o);
    QVERIFY(bare && !bare->front().params);
    o.points = 1;
    auto refused = allocationBand(law, o);
    QVERIFY(!refused);
    SP_VERIFY_CONTAINS(refused.message(), "points");
  }

  // X² against a hand computation and the p-value against closed-form chi-square tails:
  // P(χ²_2 ≥ x) = e^(−x/2) and P(χ²_4 ≥ x) = e^(−x/2)·(1 + x/2).
  void comparisonMatchesClosedForms() {
    const ChinchillaParams fitted_params = besiroglu();
    ScalingLaw fitted = chinchillaLaw(fitted_params);
    LawUncertainty u;
    u.method = "covariance";
    // Variances of E, A, B, alpha, beta; alpha and beta correlated (rho 0.5).
    const double sd[] = {0.025, 120.0, 1360.0, 0.015, 0.02};
    u.covariance.assign(5, std::vector<double>(5, 0.0));
    for (int i = 0; i < 5; ++i) u.covariance[i][i] = sd[i] * sd[i];
    u.covariance[3][4] = u.covariance[4][3] = 0.5 * sd[3] * sd[4];
    fitted.setUncertainty(u);
    const ChinchillaParams reference_params{1.80, 450.0, 1900.0, 0.33, 0.34};
    const ScalingLaw reference("reference", "Reference", "", reference_params);

    LawComparisonOptions o;
    o.parameters = {"alpha", "beta"};
    auto c = compareLaws(fitted, reference, o);
    QVERIFY2(c, c.message().c_str());
    // 2x2 inverse by hand: [[d, -b], [-b, a]] / (a·d − b²).
    const double va = sd[3] * sd[3], vb = sd[4] * sd[4], cab = 0.5 * sd[3] * sd[4];
    const double da = fitted_params.alpha - 0.33, db = fitted_params.beta - 0.34;
    const double x2 = (vb * da * da - 2.0 * cab * da * db + va * db * db) / (va * vb - cab * cab);
    SP_COMPARE_REL(c->chi_square, x2, 1e-10);
    QCOMPARE(c->degrees_of_freedom, 2);
    SP_COMPARE_REL(c->p_value, std::exp(-x2 / 2.0), 1e-10);

    o.parameters = {"E", "A", "B", "alpha"};  // diagonal block: X² is a sum of squared z
    c = compareLaws(fitted, reference, o);
    QVERIFY2(c, c.message().c_str());
    const double z[] = {(fitted_params.e - 1.80) / sd[0], (fitted_params.a - 450.0) / sd[1], (fitted_params.b - 1900.0) / sd[2],
                        (fitted_params.alpha - 0.33) / sd[3]};
    const double x4 = z[0] * z[0] + z[1] * z[1] + z[2] * z[2] + z[3] * z[3];
    SP_COMPARE_REL(c->chi_square, x4, 1e-10);
    SP_COMPARE_REL(c->p_value, std::exp(-x4 / 2.0) * (1.0 + x4 / 2.0), 1e-10);
    QCOMPARE(c->rejected, c->p_value < 0.05);

    // Far away (Hoffmann et al.'s published law): rejected, and the sentence says so.
    c = compareLaws(fitted, ScalingLaw("hoffmann", "H", "", ChinchillaParams{1.69, 406.4, 410.7, 0.34, 0.28}));
    QVERIFY2(c, c.message().c_str());
    QVERIFY(c->rejected && c->p_value < 1e-6);
    SP_VERIFY_CONTAINS(c->meaning, "rejects hoffmann");
  }

  // With samples the covariance is their sample covariance: checked on one parameter, where
  // X² = Δ²/s² with s² the unbiased sample variance, and P(χ²_1 ≥ x) = erfc(√(x/2)).
  void comparisonFromSamples() {
    ScalingLaw fitted = chinchillaLaw(besiroglu());
    LawUncertainty u;
    u.samples = scatteredSamples();
    fitted.setUncertainty(u);
    double mean = 0.0, ss = 0.0;
    for (const auto& s : u.samples) mean += s[4];
    mean /= 200.0;
    for (const auto& s : u.samples) ss += (s[4] - mean) * (s[4] - mean);
    const double variance = ss / 199.0;
    LawComparisonOptions o;
    o.parameters = {"beta"};
    auto c = compareLaws(fitted, chinchillaLaw(ChinchillaParams{1.8, 480, 2000, 0.35, 0.35}), o);
    QVERIFY2(c, c.message().c_str());
    const double x = std::pow(besiroglu().beta - 0.35, 2) / variance;
    SP_COMPARE_REL(c->chi_square, x, 1e-10);
    SP_COMPARE_REL(c->p_value, std::erfc(std::sqrt(x / 2.0)), 1e-10);
    SP_VERIFY_CONTAINS(c->covariance_source, "bootstrap samples (200)");
  }

  void comparisonErrors() {
    ScalingLaw fitted = chinchillaLaw(besiroglu());
    auto none = compareLaws(fitted, chinchillaLaw(besiroglu()));
    QVERIFY(!none);
    SP_VERIFY_CONTAINS(none.message(), "no uncertainty");
    LawUncertainty u;
    u.samples = scatteredSamples();
    fitted.setUncertainty(u);
    auto kaplan = lawById("kaplan2020");
    QVERIFY(kaplan);
    auto kinds = compareLaws(fitted, *kaplan);
    QVERIFY(!kinds);
    SP_VERIFY_CONTAINS(kinds.message(), "kaplan");
    LawComparisonOptions o;
    o.parameters = {"gamma"};
    auto unknown = compareLaws(fitted, chinchillaLaw(besiroglu()), o);
    QVERIFY(!unknown);
    SP_VERIFY_CONTAINS(unknown.message(), "'gamma'");
  }
};

QTEST_APPLESS_MAIN(TestLawUncertainty)
#include "test_law_uncertainty.moc"
