// The Cluster tab: the system's values fill the inputs; a search runs off the GUI thread and
// shows exactly the core's ranked layouts for the request the controls describe; the plots stack
// the selected layout's terms (summing to its step time and memory per GPU); a measured
// nccl-tests log is filed on the fabric it measured and changes the search; bad input is said.
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QGuiApplication>
#include <QPushButton>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>

#include "cluster/layout_search.hpp"
#include "cluster/plan_auto.hpp"
#include "controls/layout_fields_box.hpp"
#include "models/layout_model.hpp"
#include "cluster/shape_rule.hpp"
#include "panels/cluster_panel.hpp"
#include "plots/step_bars.hpp"
#include "session/session.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

QString dataFile(const char* name) {
  return QString(SCALEPLAN_TEST_DATA_DIR) + "/cluster/nccl-tests/" + name;
}

// A small job so that each search takes milliseconds: Llama 2 7B on 64 GPUs.
void smallJob(ClusterPanel& panel) {
  panel.modelCombo()->setCurrentIndex(panel.modelCombo()->findData(QStringLiteral("llama2-7b")));
  panel.gpusSpin()->setValue(64);
  panel.globalBatchSpin()->setValue(256);
  panel.seqLenSpin()->setValue(4096);
}

bool searchAndWait(ClusterPanel& panel) {
  QSignalSpy spy(&panel, &ClusterPanel::searchFinished);
  panel.startSearch();
  if (spy.isEmpty() && !spy.wait(60000)) return false;
  return spy.takeFirst().at(0).toBool();
}

}  // namespace

class TestClusterPanel : public QObject {
  Q_OBJECT

 private slots:
  // The first model is the plan's own: the Llama shape rule for the plan's N (as "MFU: auto" and
  // 'plan --mfu auto' cost it), following the plan; its step command spells the architecture.
  void plannedModelFollowsThePlan() {
    Session session;
    session.setBudget(Budget{BudgetUnit::Flops, 1e23});
    ClusterPanel panel(&session);
    QCOMPARE(panel.modelCombo()->itemData(0).toString(), QString(ClusterPanel::kPlannedModel));
    panel.modelCombo()->setCurrentIndex(0);
    auto expected = llamaShapeFor(session.currentResult()->params);
    QVERIFY(expected);
    auto arch = panel.selectedArchitecture();
    QVERIFY2(arch, arch.message().c_str());
    QCOMPARE(arch->layers, expected->layers);
    QCOMPARE(arch->d_model, expected->d_model);
    SP_VERIFY_CONTAINS(panel.modelCombo()->currentText().toStdString(), "Llama shape rule");
    const QString before = panel.modelCombo()->currentText();
    session.setBudget(Budget{BudgetUnit::Flops, 1e25});
    QVERIFY(panel.modelCombo()->currentText() != before);
    auto bigger = panel.selectedArchitecture();
    QVERIFY(bigger && bigger->d_model > arch->d_model);
    panel.gpusSpin()->setValue(1024);
    QVERIFY(searchAndWait(panel));
    const QString command = panel.stepCommandLine();
    QVERIFY2(command.contains("--layers " + QString::number(bigger->layers)) && !command.contains("--preset"),
             qPrintable(command));
    // No plan, no model: said, not searched.
    session.setMfu(0.4);
    session.setBudget(Budget{BudgetUnit::Flops, -1.0});
    QVERIFY(!session.currentResult());
    auto none = panel.selectedArchitecture();
    QVERIFY(!none);
    SP_VERIFY_CONTAINS(none.message(), "the plan's model needs a plan");
  }

  // The "More" layout fields reach the search: Llama 2 7B's 32 layers on 3 pipeline stages as
  // 10 + 12 + 10, every layer recomputed.
  void moreLayoutFieldsReachTheSearch() {
    Session session;
    ClusterPanel panel(&session);
    smallJob(panel);
    LayoutFieldsBox* fields = panel.layoutFields();
    QVERIFY(fields->setFixed("--pp 4 --first-stage-layers 5 --last-stage-layers 9 --recompute full --recompute-layers 0"));
    QVERIFY(searchAndWait(panel));
    QVERIFY(panel.lastResult() && !panel.lastResult()->best.empty());
    for (const auto& ranked : panel.lastResult()->best) {
      const ParallelLayout& l = ranked.estimate.layout;
      QCOMPARE(l.pp, 4);
      QCOMPARE(l.first_stage_layers, std::int64_t{5});
      QCOMPARE(l.last_stage_layers, std::int64_t{9});
      QVERIFY(l.recompute == Recompute::Full);
      QCOMPARE(l.recompute_layers, std::int64_t{0});
    }
    SP_VERIFY_CONTAINS(panel.statusLabel()->text().toStdString(), "--first-stage-layers 5 --last-stage-layers 9");
  }

  void systemFillsTheInputs() {
    Session session;
    ClusterPanel panel(&session);
    panel.systemCombo()->setCurrentIndex(panel.systemCombo()->findData(QStringLiteral("dgx-a100")));
    QCOMPARE(panel.acceleratorCombo()->currentData().toString(), QString("a100-80gb-sxm"));
    QCOMPARE(panel.gpusPerNodeSpin()->value(), 8);
    QCOMPARE(panel.nvlinkSpin()->value(), 300.0);   // GB/s per GPU per direction (hardware.json)
    QCOMPARE(panel.networkSpin()->value(), 200.0);  // Gb/s per GPU
    panel.systemCombo()->setCurrentIndex(panel.systemCombo()->findData(QStringLiteral("hgx-h100")));
    QCOMPARE(panel.acceleratorCombo()->currentData().toString(), QString("h100-sxm"));
    QCOMPARE(panel.nvlinkSpin()->value(), 450.0);
    QCOMPARE(panel.networkSpin()->value(), 400.0);
  }

  // The efficiencies are inputs: the system's fabric values fill their boxes, and what the user
  // sets reaches the request (fabrics, matrix-product and memory rates) exactly.
  void efficienciesReachTheRequest() {
    Session session;
    ClusterPanel panel(&session);
    panel.systemCombo()->setCurrentIndex(panel.systemCombo()->findData(QStringLiteral("dgx-a100")));
    QCOMPARE(panel.nvlinkEfficiencySpin()->value(), 0.8);  // hardware.json, dgx-a100
    QCOMPARE(panel.networkEfficiencySpin()->value(), 0.9);
    QCOMPARE(panel.gemmEfficiencySpin()->value(), GemmEfficiencyModel{}.peak_fraction);
    QCOMPARE(panel.memoryEfficiencySpin()->value(), GemmEfficiencyModel{}.bandwidth_fraction);
    smallJob(panel);
    panel.nvlinkEfficiencySpin()->setValue(0.5);
    panel.networkEfficiencySpin()->setValue(0.6);
    panel.gemmEfficiencySpin()->setValue(0.5);
    panel.memoryEfficiencySpin()->setValue(0.7);
    QCOMPARE(panel.overlapSlowdownSpin()->value(), ExecutionOptions{}.overlap_compute_slowdown);
    panel.overlapSlowdownSpin()->setValue(0.0);  // free overlap is a valid choice
    auto request = panel.searchRequest();
    QVERIFY2(request.isOk(), request.message().c_str());
    QCOMPARE(request->system.nvlink.collective_efficiency, 0.5);
    QCOMPARE(request->system.network.collective_efficiency, 0.6);
    QCOMPARE(request->execution.gemm.peak_fraction, 0.5);
    QCOMPARE(request->execution.overlap_compute_slowdown, 0.0);
    GemmEfficiencyModel model;
    model.peak_fraction = 0.5;
    model.bandwidth_fraction = 0.7;
    auto expected = GemmRates::fromCatalog(request->system.accelerator, Precision::Bf16, model);
    QVERIFY(expected.isOk());
    QCOMPARE(request->rates.seconds(8192, 8192, 8192), expected->seconds(8192, 8192, 8192));
    SP_COMPARE_REL(request->rates.memorySeconds(1e9), 1e9 / (2.039e12 * 0.7), 1e-3);  // A100 80GB: 2.039 TB/s
  }

  // The precision box offers the accelerator's 16- and 8-bit peaks; FP8 reaches the request with
  // the GEMM box reset to FP8's own default share (and a value typed there applying to FP8's peak
  // only); an accelerator without FP8 (the A100) falls back to BF16.
  // The collectives' latencies and the NVLink domain are inputs too: the system's values fill
  // them, edits reach the request; a domain of one node follows the node size, NVL72's spans
  // whole nodes and stays while it still holds whole nodes.
  void latenciesAndDomainReachTheRequest() {
    Session session;
    ClusterPanel panel(&session);
    smallJob(panel);
    panel.systemCombo()->setCurrentIndex(panel.systemCombo()->findData(QStringLiteral("dgx-a100")));
    QCOMPARE(panel.nvlinkLatencySpin()->value(), 5.0);    // hardware.json, dgx-a100, µs
    QCOMPARE(panel.networkLatencySpin()->value(), 10.0);
    QCOMPARE(panel.nvlinkDomainSpin()->value(), 8);
    panel.nvlinkLatencySpin()->setValue(2.5);
    panel.networkLatencySpin()->setValue(20.0);
    auto request = panel.searchRequest();
    QVERIFY2(request.isOk(), request.message().c_str());
    SP_COMPARE_REL(request->system.nvlink.latency_seconds, 2.5e-6, 1e-12);
    SP_COMPARE_REL(request->system.network.latency_seconds, 20e-6, 1e-12);
    panel.gpusPerNodeSpin()->setValue(4);  // a domain of one node follows
    QCOMPARE(panel.nvlinkDomainSpin()->value(), 4);
    QCOMPARE(panel.searchRequest()->system.nvlink_domain_gpus, 4);

    panel.systemCombo()->setCurrentIndex(panel.systemCombo()->findData(QStringLiteral("gb200-nvl72")));
    QCOMPARE(panel.gpusPerNodeSpin()->value(), 4);
    QCOMPARE(panel.nvlinkDomainSpin()->value(), 72);
    panel.gpusPerNodeSpin()->setValue(8);  // 72 still holds whole nodes of 8
    QCOMPARE(panel.nvlinkDomainSpin()->value(), 72);
    panel.gpusPerNodeSpin()->setValue(5);  // it does not hold nodes of 5
    QCOMPARE(panel.nvlinkDomainSpin()->value(), 5);
    panel.gpusPerNodeSpin()->setValue(4);
    panel.nvlinkDomainSpin()->setValue(36);
    QCOMPARE(panel.searchRequest()->system.nvlink_domain_gpus, 36);
    panel.nvlinkDomainSpin()->setValue(6);  // not a multiple of the node: the core's error, named
    auto bad = panel.searchRequest();
    QVERIFY(!bad.isOk());
    QVERIFY2(bad.message().find("nvlink") != std::string::npos, bad.message().c_str());
  }

  void precisionReachesTheRequest() {
    Session session;
    ClusterPanel panel(&session);
    panel.systemCombo()->setCurrentIndex(panel.systemCombo()->findData(QStringLiteral("hgx-h100")));
    smallJob(panel);
    QCOMPARE(panel.precisionCombo()->currentText(), QString("bf16"));
    QVERIFY(panel.precisionCombo()->findText("fp8") >= 0);
    panel.precisionCombo()->setCurrentIndex(panel.precisionCombo()->findText("fp8"));
    QCOMPARE(panel.gemmEfficiencySpin()->value(), GemmEfficiencyModel{}.fp8_peak_fraction);
    panel.gemmEfficiencySpin()->setValue(0.6);
    auto request = panel.searchRequest();
    QVERIFY2(request.isOk(), request.message().c_str());
    QVERIFY(request->job.precision == Precision::Fp8);
    QCOMPARE(request->execution.gemm.fp8_peak_fraction, 0.6);
    QCOMPARE(request->execution.gemm.peak_fraction, GemmEfficiencyModel{}.peak_fraction);
    // One 8192³ product at 0.6 of the H100's 1978.9 TFLOP/s FP8 peak, plus the 3 µs call overhead.
    SP_COMPARE_REL(request->rates.seconds(8192, 8192, 8192), 2.0 * 8192.0 * 8192.0 * 8192.0 / (0.6 * 1978.9e12) + 3e-6,
                   1e-9);
    panel.systemCombo()->setCurrentIndex(panel.systemCombo()->findData(QStringLiteral("dgx-a100")));
    QCOMPARE(panel.precisionCombo()->findText("fp8"), -1);
    QCOMPARE(panel.precisionCombo()->currentText(), QString("bf16"));
    QCOMPARE(panel.gemmEfficiencySpin()->value(), GemmEfficiencyModel{}.peak_fraction);
    auto a100 = panel.searchRequest();
    QVERIFY2(a100.isOk(), a100.message().c_str());
    QVERIFY(a100->job.precision == Precision::Bf16);
  }

  // The software box chooses the execution profile; the FlashAttention box sets its efficiency.
  void softwareReachesTheRequest() {
    Session session;
    ClusterPanel panel(&session);
    smallJob(panel);
    QCOMPARE(panel.softwareCombo()->count(), static_cast<int>(kTrainingSoftwareNames.entries().size()));
    QCOMPARE(panel.softwareCombo()->currentText(), QString("current"));
    QCOMPARE(panel.flashAttentionEfficiencySpin()->value(), ExecutionOptions{}.flash_attention_efficiency);
    auto current = panel.searchRequest();
    QVERIFY2(current.isOk(), current.message().c_str());
    QVERIFY(current->execution.flash_attention && current->execution.overlap_grad_reduce);
    panel.flashAttentionEfficiencySpin()->setValue(0.35);
    panel.softwareCombo()->setCurrentIndex(panel.softwareCombo()->findText("megatron-2021"));
    auto old = panel.searchRequest();
    QVERIFY2(old.isOk(), old.message().c_str());
    const ExecutionOptions expected = ExecutionOptions::megatron2021();
    QCOMPARE(old->execution.flash_attention, expected.flash_attention);
    QCOMPARE(old->execution.overlap_tp_backward, expected.overlap_tp_backward);
    QCOMPARE(old->execution.optimizer_bytes_per_parameter, expected.optimizer_bytes_per_parameter);
    QCOMPARE(old->execution.flash_attention_efficiency, 0.35);
    QCOMPARE(old->execution.overlap_compute_slowdown, ExecutionOptions{}.overlap_compute_slowdown);  // the box's
  }

  // The gradient box starts at the software's gradient precision (FP32 under Megatron-Core, 16-bit
  // in the 2021 FP16 runs), follows the software box, and what the user types reaches the request.
  void gradientBytesFollowTheSoftware() {
    Session session;
    ClusterPanel panel(&session);
    smallJob(panel);
    QCOMPARE(panel.gradientBytesSpin()->value(), 4.0);
    auto current = panel.searchRequest();
    QVERIFY2(current.isOk(), current.message().c_str());
    QCOMPARE(current->execution.gradient_bytes, 4.0);
    panel.softwareCombo()->setCurrentIndex(panel.softwareCombo()->findText("megatron-2021"));
    QCOMPARE(panel.gradientBytesSpin()->value(), 2.0);
    auto old = panel.searchRequest();
    QVERIFY2(old.isOk(), old.message().c_str());
    QCOMPARE(old->execution.gradient_bytes, 2.0);
    panel.softwareCombo()->setCurrentIndex(panel.softwareCombo()->findText("current"));
    panel.gradientBytesSpin()->setValue(2.0);  // --grad-reduce-in-bf16
    auto bf16 = panel.searchRequest();
    QVERIFY2(bf16.isOk(), bf16.message().c_str());
    QCOMPARE(bf16->execution.gradient_bytes, 2.0);
    QVERIFY(bf16->execution.flash_attention);  // still the current software
  }

  void searchShowsTheCoreResult() {
    Session session;
    ClusterPanel panel(&session);
    panel.resize(1400, 900);
    panel.systemCombo()->setCurrentIndex(panel.systemCombo()->findData(QStringLiteral("hgx-h100")));
    smallJob(panel);
    QVERIFY(searchAndWait(panel));
    QVERIFY(panel.model()->rowCount() > 0);
    // The same search directly through the core.
    auto request = panel.searchRequest();
    QVERIFY2(request.isOk(), request.message().c_str());
    QCOMPARE(request->job.gpus, std::int64_t(64));
    QCOMPARE(request->system.network.bytes_per_second_per_gpu, 50e9);  // 400 Gb/s
    auto direct = searchLayouts(request->job, request->system, request->rates, request->options, request->execution);
    QVERIFY(direct.isOk());
    QCOMPARE(panel.model()->rowCount(), static_cast<int>(direct->best.size()));
    const StepEstimate& best = direct->best.front().estimate;
    QCOMPARE(panel.model()->estimateAt(0)->layout.describe(), best.layout.describe());
    QCOMPARE(panel.model()->estimateAt(0)->step_seconds, best.step_seconds);
    // The best row is selected and drawn: the stacks sum to the step time and the memory per GPU.
    const StepEstimate* shown = panel.selectedEstimate();
    QVERIFY(shown);
    QCOMPARE(shown->layout.describe(), best.layout.describe());
    panel.timePlot()->refreshNow();
    panel.memoryPlot()->refreshNow();
    SP_COMPARE_REL(panel.timePlot()->total(), best.step_seconds, 1e-9);
    SP_COMPARE_REL(panel.memoryPlot()->total() * 1e9, best.memory.total(), 1e-9);
    QVERIFY(panel.statusLabel()->text().contains(QString::fromStdString(best.layout.describe())));
    // The best MFU with the model's accuracy range on an H100, as step and plan --mfu auto give it:
    // [MFU / 1.516, MFU x 1.129], its basis in the tooltip.
    const ClusterMfuAssessment accuracy = assessClusterMfu(best);
    SP_COMPARE_REL(accuracy.range.low, best.mfu / 1.516, 1e-12);
    SP_COMPARE_REL(accuracy.range.high, best.mfu * 1.129, 1e-12);
    const QString range = QStringLiteral("MFU %1% (range %2-%3%")
                              .arg(best.mfu * 100.0, 0, 'f', 1)
                              .arg(accuracy.range.low * 100.0, 0, 'f', 1)
                              .arg(accuracy.range.high * 100.0, 0, 'f', 1);
    QVERIFY2(panel.statusLabel()->text().contains(range), qPrintable(panel.statusLabel()->text()));
    QVERIFY(panel.statusLabel()->toolTip().contains(QString::fromStdString(accuracy.basis)));
    QVERIFY(panel.statusLabel()->toolTip().contains("side checks on H100"));
    QVERIFY(panel.statusLabel()->toolTip().startsWith(
        "MFU: a fraction of 989.4 TFLOP/s, the spec sheet's dense bf16 peak."));
    // Sorting by memory through the header keeps the selection usable.
    panel.table()->sortByColumn(LayoutModel::MemoryColumn, Qt::AscendingOrder);
    panel.table()->setCurrentIndex(panel.proxy()->index(0, 0));
    const StepEstimate* least = panel.selectedEstimate();
    QVERIFY(least);
    for (const RankedLayout& r : direct->best) QVERIFY(least->memory.total() <= r.estimate.memory.total());
  }

  void measuredLogGoesToItsFabric() {
    Session session;
    ClusterPanel panel(&session);
    panel.systemCombo()->setCurrentIndex(panel.systemCombo()->findData(QStringLiteral("hgx-h100")));
    smallJob(panel);
    QString error;
    QVERIFY2(panel.addInterconnectFile(dataFile("h100-2nodes-all_reduce.log"), &error), qPrintable(error));
    QVERIFY2(panel.interconnectLabel()->text().contains("16 ranks on 2 hosts: the inter-node network"),
             qPrintable(panel.interconnectLabel()->text()));
    auto request = panel.searchRequest();
    QVERIFY2(request.isOk(), request.message().c_str());
    QCOMPARE(request->system.network.measured.size(), std::size_t(1));
    QVERIFY(request->system.nvlink.measured.empty());
    // The curve replaces the spec: at 1 GiB the network all-reduce busbw is the log's 298.82 GB/s
    // (in-place, the faster), not 400 Gb/s x efficiency.
    SP_COMPARE_REL(request->system.network.busBytesPerSecond(Collective::AllReduce, 1073741824.0), 298.82e9, 0.0005);
    QVERIFY(searchAndWait(panel));

    // A log without a device list cannot say which fabric it measured: refused, and said.
    QVERIFY(!panel.addInterconnectFile(dataFile("a100-1node-sendrecv.log"), &error));
    QVERIFY2(error.contains("lists no devices"), qPrintable(error));
    // The same collective and fabric twice: refused.
    QVERIFY(!panel.addInterconnectFile(dataFile("gh200-2nodes-all_reduce.log"), &error));
    QVERIFY2(error.contains("two all-reduce measurements for the network fabric"), qPrintable(error));
    QCOMPARE(panel.interconnectFiles().size(), 1);
    panel.clearInterconnectFiles();
    auto spec = panel.searchRequest();
    QVERIFY(spec.isOk());
    QVERIFY(spec->system.network.measured.empty());
  }

  void measuredAcceleratorIsNotDiscountedTwice() {
    Session session;
    Accelerator measured = *session.findAccelerator("h100-sxm");
    measured.id = "measured-h100-sxm";
    measured.name = "H100 (measured)";
    measured.measured = true;
    measured.dense_peak[Precision::Bf16].value = 700e12;  // the best achieved BF16 rate
    session.addMeasuredAccelerator(measured);
    ClusterPanel panel(&session);
    smallJob(panel);
    panel.acceleratorCombo()->setCurrentIndex(panel.acceleratorCombo()->findData(QStringLiteral("measured-h100-sxm")));
    auto request = panel.searchRequest();
    QVERIFY2(request.isOk(), request.message().c_str());
    QCOMPARE(request->system.accelerator.id, std::string("measured-h100-sxm"));
    // 8192^3 at the measured 700 TFLOP/s itself, plus the model's 3 us per call.
    const double flops = 2.0 * 8192.0 * 8192.0 * 8192.0;
    SP_COMPARE_REL(request->rates.seconds(8192, 8192, 8192), flops / 700e12 + 3.0e-6, 1e-9);
    // A catalog accelerator: 71% of its dense peak (core/cluster/gemm_rates.hpp).
    panel.acceleratorCombo()->setCurrentIndex(panel.acceleratorCombo()->findData(QStringLiteral("h100-sxm")));
    auto catalog = panel.searchRequest();
    QVERIFY(catalog.isOk());
    SP_COMPARE_REL(catalog->rates.seconds(8192, 8192, 8192), flops / (0.71 * 989e12) + 3.0e-6, 1e-3);
  }

  // Fixed layout fields constrain the search exactly as the core's LayoutSearchOptions do (the
  // CLI's `layouts --tp 4 --pp 2 --recompute full`); the status says what was fixed; "All auto"
  // searches every field again.
  void fixedFieldsConstrainTheSearch() {
    Session session;
    ClusterPanel panel(&session);
    panel.systemCombo()->setCurrentIndex(panel.systemCombo()->findData(QStringLiteral("hgx-h100")));
    smallJob(panel);
    QVERIFY(searchAndWait(panel));
    const StepEstimate free_best = *panel.model()->estimateAt(0);
    LayoutFieldsBox* fields = panel.layoutFields();
    QVERIFY(!fields->epSpin()->isEnabled());  // Llama 2 7B has no experts
    fields->tpSpin()->setValue(4);
    fields->ppSpin()->setValue(2);
    fields->recomputeCombo()->setCurrentIndex(fields->recomputeCombo()->findText("full"));
    QVERIFY(searchAndWait(panel));
    QVERIFY(panel.model()->rowCount() > 0);
    for (int row = 0; row < panel.model()->rowCount(); ++row) {
      const ParallelLayout& l = panel.model()->estimateAt(row)->layout;
      QCOMPARE(l.tp, 4);
      QCOMPARE(l.pp, 2);
      QCOMPARE(l.dp * l.cp, 8);  // 64 GPUs / (TP 4 · PP 2)
      QVERIFY(l.recompute == Recompute::Full);
    }
    // The same search through the core, with the fields set by hand.
    auto request = panel.searchRequest();
    QVERIFY2(request.isOk(), request.message().c_str());
    QCOMPARE(request->options.tp, std::optional<int>(4));
    QCOMPARE(request->options.pp, std::optional<int>(2));
    QVERIFY(!request->options.cp && !request->options.micro_batch && !request->options.zero_stage);
    LayoutSearchOptions by_hand;
    by_hand.top_k = request->options.top_k;
    by_hand.tp = 4, by_hand.pp = 2, by_hand.recompute = Recompute::Full;
    auto direct = searchLayouts(request->job, request->system, request->rates, by_hand, request->execution);
    QVERIFY(direct.isOk());
    QCOMPARE(panel.model()->rowCount(), static_cast<int>(direct->best.size()));
    QCOMPARE(panel.model()->estimateAt(0)->step_seconds, direct->best.front().estimate.step_seconds);
    // Fixing fields can only slow the best layout down.
    QVERIFY(panel.model()->estimateAt(0)->step_seconds >= free_best.step_seconds);
    QVERIFY2(panel.statusLabel()->text().startsWith("Fixed --tp 4 --pp 2 --recompute full, the rest searched: "),
             qPrintable(panel.statusLabel()->text()));

    // A TP that does not divide the GPUs: no layout, said with the fixed field.
    fields->tpSpin()->setValue(3);
    QVERIFY(!searchAndWait(panel));
    QCOMPARE(panel.model()->rowCount(), 0);
    QVERIFY2(panel.statusLabel()->text().startsWith("No layout with --tp 3 --pp 2 --recompute full: "),
             qPrintable(panel.statusLabel()->text()));

    // All auto: the free search's best again.
    fields->resetButton()->click();
    QVERIFY(fields->describeFixed().isEmpty());
    QVERIFY(searchAndWait(panel));
    QCOMPARE(panel.model()->estimateAt(0)->layout.describe(), free_best.layout.describe());
    QVERIFY(!panel.searchRequest()->options.tp);

    // A mixture of experts enables EP.
    panel.modelCombo()->setCurrentIndex(panel.modelCombo()->findData(QStringLiteral("qwen3-30b-a3b")));
    QVERIFY(fields->epSpin()->isEnabled());
  }

  // The status line describes the search that ended, not the boxes as they are now: a field
  // changed while a search runs (which restarts the search when the tab is shown) does not
  // relabel the finished search's layouts.
  void statusDescribesTheFinishedSearch() {
    Session session;
    ClusterPanel panel(&session);
    smallJob(panel);
    panel.layoutFields()->tpSpin()->setValue(4);
    QSignalSpy spy(&panel, &ClusterPanel::searchFinished);
    panel.startSearch();
    panel.layoutFields()->tpSpin()->setValue(2);  // the hidden tab only marks its search stale
    QVERIFY(spy.wait(60000));
    QVERIFY2(panel.statusLabel()->text().startsWith("Fixed --tp 4, the rest searched: "),
             qPrintable(panel.statusLabel()->text()));
    QCOMPARE(panel.model()->estimateAt(0)->layout.tp, 4);
  }

  // Every input comes back in a new session exactly as the user left it (the request the
  // controls describe is the same); a log that is no longer readable is dropped and said.
  void inputsSurviveARestart() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString ini = dir.filePath("settings.ini");
    const QString log = dir.filePath("network.log");
    QVERIFY(QFile::copy(dataFile("h100-2nodes-all_reduce.log"), log));
    Result<ClusterSearchRequest> before = Error{"not set"};
    {
      Session session;
      ClusterPanel panel(&session);
      panel.systemCombo()->setCurrentIndex(panel.systemCombo()->findData(QStringLiteral("dgx-a100")));
      smallJob(panel);
      panel.precisionCombo()->setCurrentIndex(panel.precisionCombo()->findData(int(Precision::Fp16)));
      panel.networkSpin()->setValue(100.0);
      panel.networkEfficiencySpin()->setValue(0.7);
      panel.gemmEfficiencySpin()->setValue(0.6);
      panel.overlapSlowdownSpin()->setValue(0.05);
      panel.softwareCombo()->setCurrentIndex(panel.softwareCombo()->findText("megatron-2022"));
      panel.gradientBytesSpin()->setValue(4.0);
      panel.layoutFields()->tpSpin()->setValue(4);
      panel.layoutFields()->zeroCombo()->setCurrentIndex(panel.layoutFields()->zeroCombo()->findText("1"));
      QString error;
      QVERIFY2(panel.addInterconnectFile(log, &error), qPrintable(error));
      before = panel.searchRequest();
      QVERIFY2(before.isOk(), before.message().c_str());
      QSettings settings(ini, QSettings::IniFormat);
      panel.saveInputs(settings);
    }
    Session session;
    ClusterPanel panel(&session);
    panel.restoreInputs(QSettings(ini, QSettings::IniFormat));
    auto after = panel.searchRequest();
    QVERIFY2(after.isOk(), after.message().c_str());
    QCOMPARE(after->job.arch.layers, before->job.arch.layers);
    QCOMPARE(after->job.gpus, before->job.gpus);
    QCOMPARE(after->job.global_batch, before->job.global_batch);
    QCOMPARE(after->job.seq_len, before->job.seq_len);
    QVERIFY(after->job.precision == Precision::Fp16);
    QCOMPARE(after->system.accelerator.id, std::string("a100-80gb-sxm"));
    QCOMPARE(after->system.network.bytes_per_second_per_gpu, before->system.network.bytes_per_second_per_gpu);
    QCOMPARE(after->system.network.collective_efficiency, 0.7);
    QCOMPARE(after->system.network.measured.size(), std::size_t(1));
    QVERIFY(after->execution == before->execution);
    QCOMPARE(after->execution.gradient_bytes, 4.0);
    QCOMPARE(after->execution.gemm.peak_fraction, 0.6);  // the FP16 job's share
    QCOMPARE(after->options.tp, std::optional<int>(4));
    QCOMPARE(after->options.zero_stage, std::optional<int>(1));
    QVERIFY(!after->options.pp);
    QCOMPARE(panel.interconnectFiles(), QStringList{log});

    // The log gone: the rest comes back, the log is dropped and said.
    QVERIFY(QFile::remove(log));
    Session later;
    ClusterPanel again(&later);
    again.restoreInputs(QSettings(ini, QSettings::IniFormat));
    QVERIFY(again.interconnectFiles().isEmpty());
    QVERIFY2(again.interconnectLabel()->text().startsWith("A remembered nccl-tests log was dropped: "),
             qPrintable(again.interconnectLabel()->text()));
    QVERIFY2(again.interconnectLabel()->text().contains("network.log"), qPrintable(again.interconnectLabel()->text()));
    QCOMPARE(again.layoutFields()->describeFixed(), QString("--tp 4 --zero 1"));
  }

  // A settings file with a precision but no GEMM efficiency (written before the box existed, or
  // by hand) gives the box that precision's default, as choosing the precision does: FP8 on a
  // GB300 costs its products at 65% of the FP8 peak, not the 16-bit 71%. So for the software and
  // its gradient bytes (the 2022 profile's 2, not the current one's 4).
  void restoredChoicesWithoutSavedDefaults() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString ini = dir.filePath("settings.ini");
    {
      QSettings settings(ini, QSettings::IniFormat);
      settings.setValue("cluster/clusterSystem", "gb300-nvl72");
      settings.setValue("cluster/clusterAccelerator", "gb300");
      settings.setValue("cluster/clusterPrecision", int(Precision::Fp8));
      settings.setValue("cluster/clusterSoftware", int(TrainingSoftware::Megatron2022));
    }
    Session session;
    ClusterPanel panel(&session);
    panel.restoreInputs(QSettings(ini, QSettings::IniFormat));
    auto request = panel.searchRequest();
    QVERIFY2(request.isOk(), request.message().c_str());
    QVERIFY(request->job.precision == Precision::Fp8);
    QCOMPARE(request->system.accelerator.id, std::string("gb300"));
    QCOMPARE(panel.gemmEfficiencySpin()->value(), GemmEfficiencyModel{}.fp8_peak_fraction);
    QCOMPARE(request->execution.gemm.fp8_peak_fraction, GemmEfficiencyModel{}.fp8_peak_fraction);
    QCOMPARE(panel.gradientBytesSpin()->value(), 2.0);
    QCOMPARE(request->execution.gradient_bytes, 2.0);
  }

  // "Copy step command": the CLI command for the selected layout, with what the user changed
  // (test_cli_step_command checks that the CLI costs the same step from such arguments).
  void copiesTheStepCommand() {
    Session session;
    ClusterPanel panel(&session);
    panel.systemCombo()->setCurrentIndex(panel.systemCombo()->findData(QStringLiteral("hgx-h100")));
    smallJob(panel);
    QVERIFY(!panel.copyCommandButton()->isEnabled());  // nothing selected yet
    panel.networkEfficiencySpin()->setValue(0.6);
    QVERIFY(searchAndWait(panel));
    const QString command = panel.stepCommandLine();
    QVERIFY2(command.startsWith("scaleplan-cli step --preset llama2-7b --system hgx-h100 --precision bf16 --gpus 64 "
                                "--global-batch 256 --seq 4096 --network-efficiency 0.6 "),
             qPrintable(command));
    const ParallelLayout& l = panel.selectedEstimate()->layout;
    QVERIFY2(command.contains(QString("--tp %1 --pp %2 --dp %3 --cp %4 ").arg(l.tp).arg(l.pp).arg(l.dp).arg(l.cp)),
             qPrintable(command));
    QVERIFY(!command.contains("--nvlink-gbps") && !command.contains("--software"));  // defaults left out
    QVERIFY(panel.copyCommandButton()->isEnabled());
    QVERIFY(panel.copyCommandButton()->toolTip().contains(command));
    panel.copyCommandButton()->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), command);
  }

  void badInputIsSaid() {
    Session session;
    ClusterPanel panel(&session);
    smallJob(panel);
    // 37 GPUs (a prime above Llama 2 7B's 32 layers): TP 1, PP 1, DP 37, and 3 sequences do not divide.
    panel.gpusSpin()->setValue(37);
    panel.globalBatchSpin()->setValue(3);
    QVERIFY(!searchAndWait(panel));
    QCOMPARE(panel.model()->rowCount(), 0);
    QVERIFY(panel.selectedEstimate() == nullptr);
    QVERIFY2(panel.statusLabel()->text().startsWith("No layout: "), qPrintable(panel.statusLabel()->text()));
  }
};

QTEST_MAIN(TestClusterPanel)
#include "test_cluster_panel.moc"
