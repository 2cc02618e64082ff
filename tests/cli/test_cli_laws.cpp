// scaleplan-cli laws and loss as a user runs them: listings, JSON keys and values, exit codes and
// stderr messages. Expected losses are the formulas written out here or published figures.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <cmath>

#include "test_support.hpp"

#include "cli_runner.hpp"

using Run = scaleplan::test::CliRun;
using scaleplan::test::cli;
using scaleplan::test::jsonOf;

namespace {

const QString kLawsDir = QString(SCALEPLAN_TEST_DATA_DIR) + "/laws/";

}  // namespace

class TestCliLaws : public QObject {
  Q_OBJECT
 private slots:
  void lawsTableListsEveryPreset() {
    Run r = cli({"laws"});
    QCOMPARE(r.exit_code, 0);
    for (const char* needle : {"hoffmann2022", "besiroglu2024", "kaplan2020", "muennighoff2023", "tokens-per-param",
                               "E 1.69, A 406.4, B 410.7, alpha 0.34, beta 0.28", "alpha 0.3478", "Hoffmann et al. 2022",
                               "Besiroglu", "Muennighoff", "file:PATH"}) {
      QVERIFY2(r.out.contains(needle), needle);
    }
  }

  void lawsJson() {
    Run r = cli({"laws", "--json"});
    QCOMPARE(r.exit_code, 0);
    QJsonArray laws = jsonOf(r)["laws"].toArray();
    QCOMPARE(laws.size(), 5);
    QJsonObject h = laws[0].toObject();
    QCOMPARE(h["id"].toString(), QString("hoffmann2022"));
    QCOMPARE(h["kind"].toString(), QString("chinchilla"));
    QCOMPARE(h["parameters"].toObject()["A"].toDouble(), 406.4);
    QCOMPARE(h["parameters"].toObject()["beta"].toDouble(), 0.28);
    QCOMPARE(h["data_range"].toObject()["params_max"].toDouble(), 16e9);
    QCOMPARE(h["data_range"].toObject()["flops_max"].toDouble(), 3e21);
    QVERIFY(h["citation"].toString().contains("arXiv:2203.15556"));
    QJsonObject k = laws[2].toObject();
    QCOMPARE(k["parameters"].toObject()["N_opt_coefficient"].toDouble(), 1.3e9);
    QCOMPARE(k["parameters"].toObject()["N_opt_exponent"].toDouble(), 0.73);
  }

  void lawDetailsFromAFile() {
    Run r = cli({"laws", "file:" + kLawsDir + "fitted_chinchilla.json"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.contains("Chinchilla form fitted to my runs"), r.out.constData());
    QVERIFY(r.out.contains("bootstrap (5 resamples, seed 1)"));
    QVERIFY2(r.out.contains("3.00e17 - 4.80e20"), r.out.constData());
  }

  void lossMatchesTheFormula() {
    Run r = cli({"loss", "--law", "hoffmann2022", "--params", "70e9", "--tokens", "1.4e12", "--json"});
    QCOMPARE(r.exit_code, 0);
    QJsonObject o = jsonOf(r);
    const double expected = 1.69 + 406.4 / std::pow(70e9, 0.34) + 410.7 / std::pow(1.4e12, 0.28);
    SP_COMPARE_REL(o["loss"].toDouble(), expected, 1e-14);
    QCOMPARE(o["law"].toString(), QString("hoffmann2022"));
    QVERIFY(!o.contains("loss_interval"));  // no uncertainty in the preset
    // The default law is hoffmann2022; tokens-per-param takes its losses from it.
    Run plain = cli({"loss", "--params", "70e9", "--tokens", "1.4e12", "--json"});
    SP_COMPARE_REL(jsonOf(plain)["loss"].toDouble(), expected, 1e-14);
    Run ratio = cli({"loss", "--law", "tokens-per-param", "--ratio", "10", "--params", "70e9", "--tokens", "1.4e12",
                     "--json"});
    QCOMPARE(ratio.exit_code, 0);
    SP_COMPARE_REL(jsonOf(ratio)["loss"].toDouble(), expected, 1e-14);
    // Human output.
    Run text = cli({"loss", "--law", "besiroglu2024", "--params", "70e9", "--tokens", "1.4e12"});
    QCOMPARE(text.exit_code, 0);
    QVERIFY2(text.out.contains("1.97388 nats/token"), text.out.constData());
    QVERIFY(text.out.contains("20 per parameter"));
  }

  void lossWithRepeatedData() {
    // Muennighoff et al.'s worked example (authors' repository README): 6.34B parameters on 242B
    // tokens with 25B unique tokens.
    Run r = cli({"loss", "--law", "muennighoff2023", "--params", "6.34e9", "--tokens", "242e9", "--unique-tokens",
                 "25e9", "--json"});
    QCOMPARE(r.exit_code, 0);
    QJsonObject o = jsonOf(r);
    SP_COMPARE_REL(o["loss"].toDouble(), 2.2256440889984477, 1e-12);
    QCOMPARE(o["unique_tokens"].toDouble(), 25e9);
    const double d_eff = 25e9 * (1.0 + 15.387756 * (1.0 - std::exp(-(242.0 / 25.0 - 1.0) / 15.387756)));
    SP_COMPARE_REL(o["effective_tokens"].toDouble(), d_eff, 1e-13);
    // A Chinchilla-form law in the data-constrained form: fewer effective tokens, higher loss.
    Run h = cli({"loss", "--law", "hoffmann2022", "--params", "1e9", "--tokens", "4e11", "--unique-tokens", "1e11",
                 "--json"});
    QCOMPARE(h.exit_code, 0);
    const double h_eff = 1e11 * (1.0 + 15.387756 * (1.0 - std::exp(-3.0 / 15.387756)));
    SP_COMPARE_REL(jsonOf(h)["loss"].toDouble(), 1.69 + 406.4 / std::pow(1e9, 0.34) + 410.7 / std::pow(h_eff, 0.28),
                   1e-13);
  }

  void lossIntervalFromAFittedLaw() {
    Run r = cli({"loss", "--law", "file:" + kLawsDir + "fitted_chinchilla.json", "--params", "1e9", "--tokens", "2e10",
                 "--json"});
    QCOMPARE(r.exit_code, 0);
    QJsonObject o = jsonOf(r);
    const double expected = 1.8 + 450.0 / std::pow(1e9, 0.35) + 1900.0 / std::pow(2e10, 0.36);
    SP_COMPARE_REL(o["loss"].toDouble(), expected, 1e-14);
    QVERIFY(o.contains("loss_interval"));
    QJsonObject interval = o["loss_interval"].toObject();
    QVERIFY(interval["low"].toDouble() < expected && expected < interval["high"].toDouble());
    QCOMPARE(interval["level"].toDouble(), 0.95);
  }

  void errors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exit_code");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown law") << QStringList{"loss", "--law", "chinchilla", "--params", "1e9", "--tokens", "2e10"}
                                 << 1 << "scaleplan-cli loss: unknown law 'chinchilla'; known laws: hoffmann2022, ";
    QTest::newRow("missing params") << QStringList{"loss", "--tokens", "2e10"} << 2
                                    << "scaleplan-cli loss: --params is required";
    QTest::newRow("not a number") << QStringList{"loss", "--params", "big", "--tokens", "2e10"} << 2
                                  << "--params: 'big' is not a number";
    QTest::newRow("negative params") << QStringList{"loss", "--params", "-5", "--tokens", "2e10"} << 1
                                     << "--params: must be at least 1 parameter, got -5";
    QTest::newRow("zero tokens") << QStringList{"loss", "--params", "1e9", "--tokens", "0"} << 1
                                 << "--tokens: must be at least 1 token, got 0";
    QTest::newRow("nan") << QStringList{"loss", "--params", "nan", "--tokens", "1e9"} << 2 << "not a finite number";
    QTest::newRow("fraction of a parameter") << QStringList{"loss", "--params", "1e-300", "--tokens", "1"} << 1
                                             << "--params: must be at least 1 parameter, got 1e-300";
    QTest::newRow("kaplan repeated") << QStringList{"loss", "--law", "kaplan2020", "--params", "1e9", "--tokens",
                                                    "2e10", "--unique-tokens", "1e9"}
                                     << 1 << "--unique-tokens: law 'kaplan2020' (kaplan) has no data-constrained form";
    QTest::newRow("ratio elsewhere") << QStringList{"loss", "--law", "hoffmann2022", "--ratio", "10", "--params", "1e9",
                                                    "--tokens", "2e10"}
                                     << 2 << "--ratio applies only to --law tokens-per-param";
    QTest::newRow("bad ratio") << QStringList{"loss", "--law", "tokens-per-param", "--ratio", "-1", "--params", "1e9",
                                              "--tokens", "2e10"}
                               << 1 << "ratio: tokens per parameter must be a positive number, got -1";
    QTest::newRow("malformed law file")
        << QStringList{"loss", "--law", "file:" + kLawsDir + "missing_alpha.json", "--params", "1e9", "--tokens", "2e10"}
        << 1 << "missing_alpha.json: params: missing field 'alpha'";
    QTest::newRow("newer law file") << QStringList{"laws", "file:" + kLawsDir + "newer_schema.json"} << 1
                                    << "schema_version 2 is newer than this version of ScalePlan supports (1)";
    QTest::newRow("unknown option") << QStringList{"laws", "--verbose"} << 2 << "unknown option '--verbose'";
  }

  void errors() {
    QFETCH(QStringList, args);
    QFETCH(int, exit_code);
    QFETCH(QString, message);
    Run r = cli(args);
    QCOMPARE(r.exit_code, exit_code);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    QVERIFY(r.out.isEmpty());
  }

  void help() {
    for (const char* command : {"laws", "loss"}) {
      Run r = cli({command, "--help"});
      QCOMPARE(r.exit_code, 0);
      QVERIFY(r.out.contains("Usage: scaleplan-cli"));
    }
  }
};

QTEST_APPLESS_MAIN(TestCliLaws)
#include "test_cli_laws.moc"
