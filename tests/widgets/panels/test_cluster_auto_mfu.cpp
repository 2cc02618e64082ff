// The budget explorer's "MFU: auto": checking it sets the plan's MFU to the core's
// makePlanWithAutoMfu for the session's inputs (as 'plan --mfu auto'), says "auto: 43% with
// TP 8 · PP 16 · DP 64" for the layout it comes from, and follows changes of GPU count, accelerator
// and budget (the planned model) and the Cluster tab's software and efficiency boxes; unchecking
// gives the slider back. The model's accuracy is the
// plan's MFU range while "auto" is on (shown read-only); a range the user typed comes back after.
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>

#include <QComboBox>

#include "panels/budget_explorer.hpp"
#include "panels/cluster_panel.hpp"
#include "base/format.hpp"
#include "session/auto_mfu.hpp"
#include "session/session.hpp"
#include "widgets/gui_test_support.hpp"

using namespace scaleplan;
using namespace scaleplan::test;

namespace {

// The core's answer for the session's current inputs.
AutoMfuPlan coreAnswer(const Session& session) {
  auto systems = SystemCatalog::loadDefault();
  if (!systems) qFatal("%s", systems.message().c_str());
  auto spec = AutoMfuController::specFor(session.currentRequest(), *systems, session.clusterExecution(),
                                         session.clusterSystem(), session.clusterSeqLen());
  if (!spec) qFatal("%s", spec.message().c_str());
  auto planned = makePlanWithAutoMfu(session.currentRequest(), *spec);
  if (!planned) qFatal("%s", planned.message().c_str());
  return *planned;
}

QString degrees(const ParallelLayout& l) {
  QString s = QString("TP %1 · PP %2 · DP %3").arg(l.tp).arg(l.pp).arg(l.dp);
  if (l.cp > 1) s += QString(" · CP %1").arg(l.cp);
  if (l.ep > 1) s += QString(" · EP %1").arg(l.ep);
  return s;
}

// 1e23 FLOPs on 256 GPUs with "MFU: auto" on, beside a Cluster tab, after the first search.
struct AutoWithClusterTab {
  Session session;
  BudgetExplorer explorer{&session};
  ClusterPanel panel{&session};
  AutoWithClusterTab() {
    session.setBudget(Budget{BudgetUnit::Flops, 1e23});
    session.setGpuCount(256);
    explorer.mfuAuto()->setChecked(true);
    explorer.autoMfu()->waitForIdle();
  }
};

}  // namespace

class TestClusterAutoMfu : public QObject {
  Q_OBJECT

 private slots:
  void autoFollowsTheInputs() {
    Session session;
    session.setBudget(Budget{BudgetUnit::Flops, 1e23});
    session.setGpuCount(256);
    BudgetExplorer explorer(&session);
    AutoMfuController* controller = explorer.autoMfu();
    QVERIFY(!explorer.mfuAutoLabel()->isVisibleTo(&explorer));

    explorer.mfuAuto()->setChecked(true);
    QVERIFY(!explorer.mfuSpin()->isEnabled());
    QVERIFY(!explorer.mfuSlider()->isEnabled());
    controller->waitForIdle();
    QVERIFY2(controller->plan().has_value(), qPrintable(controller->error()));
    AutoMfuPlan expected = coreAnswer(session);
    QCOMPARE(session.currentRequest().mfu, expected.request.mfu);
    const QString text = explorer.mfuAutoLabel()->text();
    QCOMPARE(text, QString("auto: %1% with %2 (the Cluster tab's count: %3%)")
                       .arg(expected.request.mfu * 100.0, 0, 'f', 1)
                       .arg(degrees(expected.best.layout))
                       .arg(expected.best.mfu * 100.0, 0, 'f', 1));
    QVERIFY(explorer.mfuAutoLabel()->toolTip().contains(QString::fromStdString(expected.best.layout.describe())));
    // The plan's MFU is the layout's rate in the plan's 6ND count; the tooltip gives both figures.
    QCOMPARE(expected.request.mfu, std::min(1.0, planMfuOf(expected.best)));
    QVERIFY(expected.request.mfu != expected.best.mfu);
    const QString both = QString("MFU %1% as the Cluster tab counts it (attention included, input lookups not), %2% "
                                 "of the plan's 6ND FLOPs")
                             .arg(QString::fromStdString(formatNumber(100.0 * expected.best.mfu, 3)),
                                  QString::fromStdString(formatNumber(100.0 * expected.request.mfu, 3)));
    QVERIFY2(explorer.mfuAutoLabel()->toolTip().contains(both), qPrintable(explorer.mfuAutoLabel()->toolTip()));
    // The caution core gives for this layout and accelerator, word for word (H100: outside the A100 validation).
    QVERIFY(!expected.mfu_caveat.empty());
    QVERIFY2(explorer.mfuAutoLabel()->toolTip().contains("Caution: " + QString::fromStdString(expected.mfu_caveat)),
             qPrintable(explorer.mfuAutoLabel()->toolTip()));
    const QLabel* guidance = explorer.findChild<QLabel*>("mfuGuidance");
    QVERIFY(guidance);
    QVERIFY2(guidance->text().startsWith("Outside the cluster model's validation"), qPrintable(guidance->text()));
    QVERIFY(expected.request.mfu > 0.05 && expected.request.mfu < 0.8);
    // The model's accuracy as the plan's MFU range, shown read-only in the range spin boxes.
    QVERIFY(expected.request.mfu_range.has_value());
    QCOMPARE(session.currentRequest().mfu_range->low, expected.request.mfu_range->low);
    QCOMPARE(session.currentRequest().mfu_range->high, expected.request.mfu_range->high);
    QVERIFY(explorer.mfuRange()->isChecked());
    QVERIFY(!explorer.mfuRange()->isEnabled());
    QVERIFY(explorer.mfuRangeLow()->isReadOnly() && explorer.mfuRangeHigh()->isReadOnly());
    QCOMPARE(explorer.mfuRangeLow()->value(), std::round(expected.request.mfu_range->low * 1000.0) / 10.0);
    QCOMPARE(explorer.mfuRangeHigh()->value(), std::round(expected.request.mfu_range->high * 1000.0) / 10.0);
    QVERIFY(session.currentResult()->intervals.cost_usd.has_value());

    // More GPUs: searched again, the MFU follows.
    const double mfu_256 = session.currentRequest().mfu;
    session.setGpuCount(2048);
    controller->waitForIdle();
    expected = coreAnswer(session);
    QCOMPARE(session.currentRequest().mfu, expected.request.mfu);
    QCOMPARE(session.currentRequest().mfu_range->low, expected.request.mfu_range->low);
    QCOMPARE(controller->plan()->best.job.gpus, std::int64_t(2048));
    QVERIFY(session.currentRequest().mfu != mfu_256);

    // Another accelerator and a bigger budget (a bigger planned model): followed too.
    session.setAccelerator("a100-80gb-sxm");
    session.setBudget(Budget{BudgetUnit::Flops, 1e24});
    controller->waitForIdle();
    expected = coreAnswer(session);
    QCOMPARE(session.currentRequest().mfu, expected.request.mfu);
    QCOMPARE(QString::fromStdString(controller->plan()->best.system_id), QString("dgx-a100"));

    // Off: the value stays, the controls come back, no more searches.
    explorer.mfuAuto()->setChecked(false);
    QVERIFY(explorer.mfuSpin()->isEnabled());
    QVERIFY(!explorer.mfuAutoLabel()->isVisibleTo(&explorer));
    const double kept = session.currentRequest().mfu;
    session.setGpuCount(512);
    QVERIFY(!controller->isSearching());
    QCOMPARE(session.currentRequest().mfu, kept);
    // The model's range went with it (the user had none); the range box is the user's again.
    QVERIFY(!session.currentRequest().mfu_range.has_value());
    QVERIFY(explorer.mfuRange()->isEnabled() && !explorer.mfuRange()->isChecked());
  }

  // The Cluster tab's software and efficiency boxes cost the auto search's layouts too: halving
  // the GEMM efficiency there searches again and lowers the MFU to the core's answer with those
  // options; the tooltip names the software.
  void autoFollowsTheClusterTabsExecution() {
    AutoWithClusterTab t;
    auto& [session, explorer, panel] = t;
    AutoMfuController* controller = explorer.autoMfu();
    QVERIFY2(controller->plan().has_value(), qPrintable(controller->error()));
    QVERIFY(session.clusterExecution() == ExecutionOptions{});
    const double default_mfu = session.currentRequest().mfu;
    SP_COMPARE_REL(default_mfu, coreAnswer(session).request.mfu, 1e-12);

    panel.gemmEfficiencySpin()->setValue(0.35);
    QCOMPARE(session.clusterExecution().gemm.peak_fraction, 0.35);
    controller->waitForIdle();
    const AutoMfuPlan slower = coreAnswer(session);
    QCOMPARE(session.currentRequest().mfu, slower.request.mfu);
    QVERIFY2(session.currentRequest().mfu < 0.8 * default_mfu,
             qPrintable(QString::number(session.currentRequest().mfu) + " vs " + QString::number(default_mfu)));

    panel.softwareCombo()->setCurrentIndex(panel.softwareCombo()->findText("megatron-2021"));
    QVERIFY(session.clusterExecution().software == TrainingSoftware::Megatron2021);
    controller->waitForIdle();
    QCOMPARE(session.currentRequest().mfu, coreAnswer(session).request.mfu);
    SP_VERIFY_CONTAINS(explorer.mfuAutoLabel()->toolTip().toStdString(), "Software megatron-2021");
  }

  // The Cluster tab's system is the auto search's when its accelerator is the plan's: a slower
  // network there lowers the MFU to the core's answer on that system (as plan --mfu auto
  // --network-gbps); another accelerator in the tab leaves the plan on its standard system.
  void autoFollowsTheClusterTabsSystem() {
    AutoWithClusterTab t;
    auto& [session, explorer, panel] = t;
    AutoMfuController* controller = explorer.autoMfu();
    QVERIFY2(controller->plan().has_value(), qPrintable(controller->error()));
    QVERIFY(session.clusterSystem().has_value());
    QCOMPARE(session.clusterSystem()->accelerator.id, session.currentRequest().accelerator.id);
    const double standard_mfu = session.currentRequest().mfu;
    {
      auto systems = SystemCatalog::loadDefault();
      QVERIFY(systems);
      auto standard = AutoMfuController::specFor(session.currentRequest(), *systems, session.clusterExecution());
      QVERIFY(standard);
      auto planned = makePlanWithAutoMfu(session.currentRequest(), *standard);
      QVERIFY(planned);
      SP_COMPARE_REL(standard_mfu, planned->request.mfu, 1e-9);  // the tab's defaults are the standard system
    }
    SP_VERIFY_CONTAINS(explorer.mfuAutoLabel()->toolTip().toStdString(), "as the Cluster tab sets it");

    panel.networkSpin()->setValue(10.0);  // 10 Gb/s per GPU: data parallelism pays
    QCOMPARE(session.clusterSystem()->network.bytes_per_second_per_gpu, 10e9 / 8.0);
    controller->waitForIdle();
    const double slow_network = session.currentRequest().mfu;
    SP_COMPARE_REL(slow_network, coreAnswer(session).request.mfu, 1e-12);
    QVERIFY2(slow_network < standard_mfu,
             qPrintable(QString::number(slow_network) + " vs " + QString::number(standard_mfu)));

    // Another accelerator in the tab: the plan's own standard system again.
    panel.systemCombo()->setCurrentIndex(panel.systemCombo()->findData(QStringLiteral("dgx-a100")));
    QCOMPARE(session.clusterSystem()->accelerator.id, std::string("a100-80gb-sxm"));
    controller->waitForIdle();
    SP_COMPARE_REL(session.currentRequest().mfu, standard_mfu, 1e-12);
    SP_VERIFY_CONTAINS(explorer.mfuAutoLabel()->toolTip().toStdString(), "(standard)");
  }

  // The Cluster tab's sequence length is the one "auto" plans with (as plan --mfu auto --seq),
  // whatever its accelerator; 4,096 tokens by default.
  void autoFollowsTheClusterTabsSequenceLength() {
    AutoWithClusterTab t;
    QCOMPARE(t.session.clusterSeqLen(), std::int64_t{4096});
    QCOMPARE(t.explorer.autoMfu()->plan()->best.job.seq_len, std::int64_t{4096});
    const double short_mfu = t.session.currentRequest().mfu;
    t.panel.seqLenSpin()->setValue(16384);
    QCOMPARE(t.session.clusterSeqLen(), std::int64_t{16384});
    t.explorer.autoMfu()->waitForIdle();
    const AutoMfuPlan expected = coreAnswer(t.session);
    QCOMPARE(expected.best.job.seq_len, std::int64_t{16384});
    QCOMPARE(t.explorer.autoMfu()->plan()->best.job.seq_len, std::int64_t{16384});
    QCOMPARE(t.session.currentRequest().mfu, expected.request.mfu);
    QCOMPARE(t.session.currentRequest().mfu_auto->seq_len, std::int64_t{16384});
    QVERIFY(t.session.currentRequest().mfu != short_mfu);  // attention grows with the sequence
    SP_VERIFY_CONTAINS(t.explorer.mfuAutoLabel()->toolTip().toStdString(), "x 16,384 tokens per step");
  }

  // "Show this layout in the Cluster tab": the tab takes the plan's model (the shape rule for its
  // N), accelerator (with its standard system, the one "auto" searched, as the tab had another),
  // GPUs and batch, and its best layout is the plan's, at the same MFU.
  void theClusterTabShowsTheAutoLayout() {
    AutoWithClusterTab t;
    t.panel.systemCombo()->setCurrentIndex(t.panel.systemCombo()->findData(QStringLiteral("dgx-a100")));
    t.explorer.autoMfu()->waitForIdle();
    QVERIFY(t.explorer.mfuAutoShow()->isVisibleTo(&t.explorer));
    const AutoMfuPlan plan = *t.explorer.autoMfu()->plan();
    QCOMPARE(plan.best.system_id, std::string("hgx-h100"));  // the plan's H100s: the standard system
    // The CLI command of the same step, in the tooltip (test_cli_cluster runs such a command).
    const std::string command = plan.request.mfu_auto->step_command;
    SP_VERIFY_CONTAINS(command, "scaleplan-cli step --layers " + std::to_string(plan.architecture.layers));
    SP_VERIFY_CONTAINS(command, "--system hgx-h100");
    SP_VERIFY_CONTAINS(t.explorer.mfuAutoLabel()->toolTip().toStdString(), command);
    QSignalSpy shown(&t.explorer, &BudgetExplorer::showAutoLayoutRequested);
    emit t.explorer.mfuAutoShow()->linkActivated(QStringLiteral("cluster"));
    QCOMPARE(shown.count(), 1);

    QSignalSpy finished(&t.panel, &ClusterPanel::searchFinished);
    t.panel.showAutoPlan(plan);
    QCOMPARE(t.panel.modelCombo()->currentData().toString(), QString(ClusterPanel::kPlannedModel));
    QCOMPARE(t.panel.systemCombo()->currentData().toString(), QString("hgx-h100"));
    QCOMPARE(t.panel.acceleratorCombo()->currentData().toString(), QString("h100-sxm"));
    QCOMPARE(t.panel.gpusSpin()->value(), 256);
    t.panel.startSearch();
    QVERIFY(finished.wait(60000) || !finished.isEmpty());
    QVERIFY(finished.last().at(0).toBool());
    const StepEstimate& best = t.panel.lastResult()->best.front().estimate;
    QCOMPARE(best.layout.describe(), plan.best.layout.describe());
    QCOMPARE(best.mfu, plan.best.mfu);
    QCOMPARE(best.job.arch.layers, plan.architecture.layers);
    QCOMPARE(best.job.global_batch, plan.best.job.global_batch);
    // The tab now has the plan's accelerator: "auto" plans on it, which changes nothing.
    t.explorer.autoMfu()->waitForIdle();
    QCOMPARE(t.session.currentRequest().mfu, plan.request.mfu);
  }

  // A range the user typed gives way to the model's while "auto" is on and comes back after.
  void typedRangeComesBackAfterAuto() {
    Session session;
    session.setBudget(Budget{BudgetUnit::Flops, 1e23});
    session.setGpuCount(256);
    BudgetExplorer explorer(&session);
    explorer.show();
    QVERIFY(QTest::qWaitForWindowExposed(&explorer));
    QTest::mouseClick(explorer.mfuRange(), Qt::LeftButton);
    typeInto(explorer.mfuRangeLow(), "30");
    typeInto(explorer.mfuRangeHigh(), "50");
    QCOMPARE(session.currentRequest().mfu_range->low, 0.30);

    explorer.mfuAuto()->setChecked(true);
    explorer.autoMfu()->waitForIdle();
    const AutoMfuPlan expected = coreAnswer(session);
    QCOMPARE(session.currentRequest().mfu_range->low, expected.request.mfu_range->low);
    QCOMPARE(session.currentRequest().mfu_range->high, expected.request.mfu_range->high);

    explorer.mfuAuto()->setChecked(false);
    QCOMPARE(session.currentRequest().mfu_range->low, 0.30);
    QCOMPARE(session.currentRequest().mfu_range->high, 0.50);
    QCOMPARE(session.currentRequest().mfu, 0.40);
    QCOMPARE(explorer.mfuRangeLow()->value(), 30.0);
    QVERIFY(!explorer.mfuRangeLow()->isReadOnly());
  }

  // A plan saved with "auto" opens with "auto" on and the layout its MFU came from (the plan file's
  // mfu_auto), unmodified; a plan saved with a typed MFU opens with it even where "auto" was on
  // (before, the search replaced the opened MFU).
  void openedPlansKeepHowTheirMfuWasChosen() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString automatic = dir.filePath("auto.json"), typed = dir.filePath("typed.json");
    AutoMfuPlan expected;
    {
      AutoWithClusterTab saved;
      expected = coreAnswer(saved.session);
      QVERIFY(saved.session.currentRequest().mfu_auto.has_value());
      MfuAutoRecord record = *saved.session.currentRequest().mfu_auto;
      QVERIFY(!record.step_command.empty());  // the GUI adds the CLI command (core's answer has none)
      record.step_command.clear();
      QVERIFY(record == *expected.request.mfu_auto);
      QVERIFY(saved.session.savePlan(automatic).isOk());
      SP_VERIFY_CONTAINS(saved.session.reportMarkdown().toStdString(), expected.best.layout.describe());
      saved.explorer.mfuAuto()->setChecked(false);  // a typed MFU is no longer the model's
      QVERIFY(!saved.session.currentRequest().mfu_auto);
      saved.session.setMfu(0.33);
      QVERIFY(saved.session.savePlan(typed).isOk());
    }
    Session session;
    BudgetExplorer explorer(&session);
    QVERIFY(!explorer.mfuAuto()->isChecked());
    QVERIFY(session.openPlan(automatic).isOk());
    QVERIFY(explorer.mfuAuto()->isChecked());
    QVERIFY(!explorer.mfuSpin()->isEnabled());
    explorer.autoMfu()->waitForIdle();
    QCOMPARE(session.currentRequest().mfu, expected.request.mfu);
    QVERIFY(session.currentRequest().mfu_auto.has_value());
    QCOMPARE(session.currentRequest().mfu_auto->layout, expected.best.layout.describe());
    QVERIFY(!session.isModified());
    SP_VERIFY_CONTAINS(explorer.mfuAutoLabel()->text().toStdString(), "auto: ");

    QVERIFY(session.openPlan(typed).isOk());
    QVERIFY(!explorer.mfuAuto()->isChecked());
    explorer.autoMfu()->waitForIdle();
    QCOMPARE(session.currentRequest().mfu, 0.33);
    QVERIFY(!session.currentRequest().mfu_range);
    QVERIFY(!session.currentRequest().mfu_auto);
    QVERIFY(explorer.mfuSpin()->isEnabled());
    QCOMPARE(explorer.mfuSpin()->value(), 33.0);
    QVERIFY(!session.isModified());
  }
};

QTEST_MAIN(TestClusterAutoMfu)
#include "test_cluster_auto_mfu.moc"
