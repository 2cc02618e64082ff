// The Session façade: inputs recompute synchronously and signal, laws and accelerators added at
// run time are usable for planning, files round-trip, bad files leave the state untouched.
#include <QSignalSpy>
#include <cmath>

#include "base/format.hpp"
#include "widgets/gui_test_support.hpp"
#include "session/session.hpp"

using namespace scaleplan;
using scaleplan::test::shippedCatalog;

class TestSession : public QObject {
  Q_OBJECT

 private slots:
  void initialPlanIsValid() {
    Session s;
    QVERIFY2(s.startupErrors().isEmpty(), qPrintable(s.startupErrors()));
    QVERIFY2(s.currentResult().has_value(), qPrintable(s.planError()));
    QCOMPARE(QString::fromStdString(s.currentRequest().law.id()), QString("hoffmann2022"));
    QCOMPARE(QString::fromStdString(s.currentRequest().accelerator.id), QString("h100-sxm"));
    QVERIFY(!s.isModified());
    QVERIFY(s.filePath().isEmpty());
    // Every preset law is known.
    for (const auto& id : presetLawIds()) QVERIFY2(s.findLaw(id), id.c_str());
  }

  void setterRecomputesAndSignals() {
    Session s;
    QSignalSpy plan(&s, &Session::planChanged);
    QSignalSpy inputs(&s, &Session::inputsChanged);
    QSignalSpy modified(&s, &Session::modifiedChanged);
    s.setLaw("tokens-per-param");
    s.setBudget(Budget{BudgetUnit::Flops, 5.88e23});
    QCOMPARE(plan.count(), 2);
    QCOMPARE(inputs.count(), 2);
    QCOMPARE(modified.count(), 1);
    QVERIFY(s.isModified());
    // C = 6·N·D with D = 20·N: N = sqrt(C / 120) = sqrt(4.9e21) = 7e10.
    SP_COMPARE_REL(s.currentResult()->params, 7e10, 1e-9);
    SP_COMPARE_REL(s.currentResult()->tokens, 1.4e12, 1e-9);
    // The same value again changes nothing and emits nothing.
    s.setBudget(Budget{BudgetUnit::Flops, 5.88e23});
    QCOMPARE(plan.count(), 2);
    // Tokens-per-param ratio: D = 40·N: N = sqrt(C / 240).
    s.setTokensPerParam(40.0);
    SP_COMPARE_REL(s.currentResult()->params, std::sqrt(5.88e23 / 240.0), 1e-9);
    QCOMPARE(plan.count(), 3);
  }

  void invalidInputsGiveAnErrorNotAPlan() {
    Session s;
    QSignalSpy failed(&s, &Session::planFailed);
    s.setMfu(1.5);
    QCOMPARE(failed.count(), 1);
    QVERIFY(!s.currentResult());
    SP_VERIFY_CONTAINS(s.planError().toStdString(), "mfu");
    s.setMfu(0.4);
    QVERIFY(s.currentResult());
    QVERIFY(s.planError().isEmpty());
  }

  void unknownIdsFailAndChangeNothing() {
    Session s;
    QSignalSpy failed(&s, &Session::failed);
    const PlanRequest before = s.currentRequest();
    s.setLaw("no-such-law");
    s.setAccelerator("no-such-gpu");
    QCOMPARE(failed.count(), 2);
    SP_VERIFY_CONTAINS(failed.at(0).at(0).toString().toStdString(), "no-such-law");
    SP_VERIFY_CONTAINS(failed.at(1).at(0).toString().toStdString(), "no-such-gpu");
    QVERIFY(s.currentRequest() == before);
    QVERIFY(!s.isModified());
  }

  void acceleratorChangeKeepsASupportedPrecision() {
    Session s;
    s.setAccelerator("h100-sxm");
    s.setPrecision(Precision::Fp8);
    QVERIFY(s.currentResult());
    // V100 has no FP8 units: the session falls back to a precision the V100 supports.
    s.setAccelerator("v100-sxm2-32gb");
    const Accelerator* v100 = shippedCatalog().find("v100-sxm2-32gb");
    if (!v100) QSKIP("catalog has no v100-sxm2-32gb");
    QVERIFY(v100->peak(s.currentRequest().precision).has_value());
    QVERIFY(s.currentResult());
  }

  void budgetEquivalentsAreConsistent() {
    Session s;
    s.setAccelerator("h100-sxm");
    s.setPrecision(Precision::Bf16);
    s.setGpuCount(1024);
    s.setMfu(0.4);
    s.setUsdPerGpuHour(2.0);
    s.setBudget(Budget{BudgetUnit::Flops, 5.88e23});
    auto e = s.budgetEquivalents();
    QVERIFY(e);
    const double peak = shippedCatalog().find("h100-sxm")->peak(Precision::Bf16)->value;
    // Independent arithmetic: GPU-seconds = C / (peak·MFU); days on 1024 GPUs; $2 per GPU-hour.
    const double gpu_hours = 5.88e23 / (peak * 0.4) / 3600.0;
    SP_COMPARE_REL(e->gpu_hours, gpu_hours, 1e-9);
    SP_COMPARE_REL(e->days, gpu_hours / 1024.0 / 24.0, 1e-9);
    SP_COMPARE_REL(e->usd, 2.0 * gpu_hours, 1e-9);
    QVERIFY(e->hasPrice());
    // A dollar budget of the same size buys the same FLOPs.
    s.setBudget(Budget{BudgetUnit::Usd, 2.0 * gpu_hours});
    SP_COMPARE_REL(s.budgetEquivalents()->flops, 5.88e23, 1e-9);
    // Days on K GPUs: twice the GPUs for the same days buy twice the FLOPs.
    s.setBudget(Budget{BudgetUnit::Days, 30.0});
    const double f1 = s.budgetEquivalents()->flops;
    s.setGpuCount(2048);
    SP_COMPARE_REL(s.budgetEquivalents()->flops, 2.0 * f1, 1e-12);
  }

  void addedLawIsUsableForPlanning() {
    Session s;
    QSignalSpy laws(&s, &Session::lawsChanged);
    // A "fitted" law: Besiroglu's constants under a new id, as the fit panel would add it.
    ScalingLaw fitted("fit:my-runs", "My fit", "fitted on my runs",
                      ChinchillaParams{1.8172, 482.01, 2085.43, 0.3478, 0.3658});
    s.addLaw(fitted);
    QCOMPARE(laws.count(), 1);
    QVERIFY(!s.isPresetLaw("fit:my-runs"));
    s.setLaw("fit:my-runs");
    QVERIFY(s.currentResult());
    // Closed form: N_opt = G·(C/6)^(β/(α+β)), G = (αA/(βB))^(1/(α+β)), written out here.
    const double a = 0.3478, b = 0.3658, A = 482.01, B = 2085.43;
    const double c = s.currentResult()->flops.value;
    const double n = std::pow(a * A / (b * B), 1.0 / (a + b)) * std::pow(c / 6.0, b / (a + b));
    SP_COMPARE_REL(s.currentResult()->params, n, 1e-6);
    // Replacing the law (same id) replans with the new constants.
    QSignalSpy plan(&s, &Session::planChanged);
    fitted.setParams(ChinchillaParams{1.69, 406.4, 410.7, 0.34, 0.28});
    s.addLaw(fitted);
    QCOMPARE(plan.count(), 1);
    QCOMPARE(s.laws().size(), presetLawIds().size() + 1);
  }

  void compareLawsDropUnknownAndDuplicates() {
    Session s;
    QSignalSpy spy(&s, &Session::compareLawsChanged);
    s.setCompareLaws({"besiroglu2024", "nope", "besiroglu2024", "kaplan2020"});
    QCOMPARE(spy.count(), 1);
    QCOMPARE(s.compareLawIds().size(), size_t(2));
    auto plotted = s.plottedLaws();
    QCOMPARE(plotted.size(), size_t(3));
    QCOMPARE(QString::fromStdString(plotted[0].id()), QString("hoffmann2022"));
    QCOMPARE(QString::fromStdString(plotted[1].id()), QString("besiroglu2024"));
    // The planning law is not repeated when it is also compared.
    s.setCompareLaws({"hoffmann2022"});
    QCOMPARE(s.plottedLaws().size(), size_t(1));
  }

  void measuredAcceleratorCanBeSelected() {
    Session s;
    QSignalSpy acc(&s, &Session::acceleratorsChanged);
    Accelerator m = *shippedCatalog().find("h100-sxm");
    m.id = "measured-h100";
    m.name = "H100 (measured)";
    m.measured = true;
    m.dense_peak = {{Precision::Bf16, FlopsPerSecond{700e12}}};
    s.addMeasuredAccelerator(m);
    QCOMPARE(acc.count(), 1);
    QVERIFY(s.findAccelerator("measured-h100"));
    QCOMPARE(s.accelerators().size(), shippedCatalog().accelerators().size() + 1);
    s.setAccelerator("measured-h100");
    QVERIFY(s.currentResult());
    QCOMPARE(s.currentResult()->peak_per_gpu.value, 700e12);
  }

  void saveOpenRoundTrip() {
    QTemporaryDir dir;
    const QString path = dir.filePath("plan.json");
    Session s;
    s.setLaw("besiroglu2024");
    s.setBudget(Budget{BudgetUnit::Usd, 12.5e6});
    s.setGpuCount(4096);
    s.setMfu(0.43);
    s.setInferenceTokens(2e12);
    QVERIFY(s.isModified());
    QVERIFY2(s.savePlan(path).isOk(), "save");
    QVERIFY(!s.isModified());
    QCOMPARE(s.filePath(), QFileInfo(path).absoluteFilePath());

    Session t;
    QVERIFY2(t.openPlan(path).isOk(), "open");
    QVERIFY(t.currentRequest() == s.currentRequest());
    QVERIFY(!t.isModified());
    SP_COMPARE_REL(t.currentResult()->params, s.currentResult()->params, 1e-12);
  }

  void malformedPlanLeavesStateUntouched() {
    QTemporaryDir dir;
    const QString path = dir.filePath("bad.json");
    {
      // A valid plan with one field of the wrong type.
      Session other;
      QVERIFY(other.savePlan(path).isOk());
      QFile f(path);
      QVERIFY(f.open(QIODevice::ReadOnly));
      QString text = QString::fromUtf8(f.readAll());
      f.close();
      const QRegularExpression mfu(R"re("mfu"\s*:\s*[0-9.eE+-]+)re");
      QVERIFY(text.contains(mfu));
      text.replace(mfu, R"("mfu": "high")");
      QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
      f.write(text.toUtf8());
    }
    Session s;
    s.setMfu(0.45);
    const PlanRequest before = s.currentRequest();
    QSignalSpy plan(&s, &Session::planChanged);
    Status st = s.openPlan(path);
    QVERIFY(!st.isOk());
    SP_VERIFY_CONTAINS(st.message(), "bad.json");
    SP_VERIFY_CONTAINS(st.message(), "mfu");
    QVERIFY(s.currentRequest() == before);
    QVERIFY(s.isModified());
    QVERIFY(s.filePath().isEmpty());
    QCOMPARE(plan.count(), 0);
    // A file that does not exist names itself too.
    st = s.openPlan(dir.filePath("missing.json"));
    QVERIFY(!st.isOk());
    SP_VERIFY_CONTAINS(st.message(), "missing.json");
  }

  void newPlanResets() {
    Session s;
    s.setMfu(0.5);
    s.newPlan();
    QVERIFY(!s.isModified());
    QCOMPARE(s.currentRequest().mfu, 0.4);
  }

  void reportCitesTheLawAndListsWarnings() {
    Session s;
    s.setBudget(Budget{BudgetUnit::Flops, 1e24});
    s.setMfu(0.25);  // below 30%: a warning
    const QString md = s.reportMarkdown();
    QVERIFY(md.startsWith("# ScalePlan training plan"));
    QVERIFY(md.contains("## Inputs"));
    QVERIFY(md.contains("| MFU | 25% |"));
    QVERIFY(md.contains("| Parameters N | " + QString::fromStdString(formatCount(s.currentResult()->params)) + " |"));
    QVERIFY(md.contains("**mfu-low**"));
    QVERIFY(md.contains("Hoffmann et al. 2022"));
  }
};

QTEST_MAIN(TestSession)
#include "test_session.moc"
