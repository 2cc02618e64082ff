// The "GPU benchmark" panel: what it says without a CUDA device, a real CPU-backend quick run off
// the GUI thread filling the table and the chart, cancel, "use measured throughput" changing the
// plan's accelerator, and the JSON round trip.
#include <qcustomplot.h>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>

#include "plots/bench_chart.hpp"
#include "models/bench_model.hpp"
#include "panels/bench_panel.hpp"
#include "gpubench/benchmark.hpp"
#include "gpubench/gemm_mix.hpp"
#include "gpubench/measured_accelerator.hpp"
#include "gpubench/shapes.hpp"
#include "gpubench/statistics.hpp"
#include "session/session.hpp"
#include "test_support.hpp"
#include "controls/text_format.hpp"

using namespace scaleplan;

namespace {

bool cudaItemEnabled(const BenchPanel& panel) {
  auto* model = qobject_cast<QStandardItemModel*>(panel.backendCombo()->model());
  return model && model->item(0)->isEnabled();
}

}  // namespace

class TestBenchPanel : public QObject {
  Q_OBJECT

  // One CPU quick run shared by the tests that need a result (a run takes seconds in Debug).
  std::optional<BenchResult> quick_result_;

 private slots:
  void saysWhyThereIsNoGpu() {
    Session session;
    BenchPanel panel(&session);
    const CudaProbe probe = probeCudaDevice();
    QCOMPARE(std::string(toString(panel.probe().availability)), std::string(toString(probe.availability)));
    if (probe.isAvailable()) {
      QVERIFY(
          panel.deviceLabel()->text().contains(QString::fromStdString(probe.device->name).toHtmlEscaped()));
      QCOMPARE(panel.backendCombo()->currentData().toString(), QString("cuda"));
    } else {
      // This machine: no usable GPU. The reason is the core's, word for word, and CPU is offered.
      const QString text = panel.deviceLabel()->text();
      QVERIFY2(text.contains("No usable CUDA GPU"), qPrintable(text));
      QVERIFY2(text.contains(QString::fromStdString(probe.message).toHtmlEscaped()), qPrintable(text));
      QVERIFY(text.contains("CPU backend"));
      QCOMPARE(panel.backendCombo()->currentData().toString(), QString("cpu"));
      QVERIFY(!cudaItemEnabled(panel));
    }

    // Each reason reads as such.
    struct Case {
      CudaAvailability availability;
      const char* shown;
    };
    for (const Case& c : {Case{CudaAvailability::NotCompiled, "CUDA backend not built into this program"},
                          Case{CudaAvailability::NoDriver, "no NVIDIA driver"},
                          Case{CudaAvailability::NoDevice, "no CUDA device"},
                          Case{CudaAvailability::UnsupportedDevice, "unsupported GPU"}}) {
      CudaProbe p;
      p.availability = c.availability;
      p.message = "the probe's own sentence <with markup>";
      panel.setProbe(p);
      const QString text = panel.deviceLabel()->text();
      QVERIFY2(text.contains(c.shown), qPrintable(text));
      QVERIFY2(text.contains("the probe's own sentence &lt;with markup&gt;"), qPrintable(text));
      QCOMPARE(panel.backendCombo()->currentData().toString(), QString("cpu"));
      QVERIFY(!cudaItemEnabled(panel));
    }
    // A usable device enables and selects CUDA.
    CudaProbe ok;
    ok.availability = CudaAvailability::Available;
    ok.message = "CUDA device 0 is usable";
    DeviceFacts d;
    d.backend = BenchBackend::Cuda;
    d.name = "NVIDIA H100 80GB HBM3";
    d.compute_major = 9;
    d.sm_count = 132;
    d.memory_bytes = 85520809984;
    ok.device = d;
    panel.setProbe(ok);
    QVERIFY(panel.deviceLabel()->text().contains("NVIDIA H100 80GB HBM3"));
    QVERIFY(panel.deviceLabel()->text().contains("132 SMs"));
    QCOMPARE(panel.backendCombo()->currentData().toString(), QString("cuda"));
    QVERIFY(cudaItemEnabled(panel));
  }

  void cpuQuickRunFillsTheTableAndChart() {
    Session session;
    BenchPanel panel(&session);
    QAbstractItemModelTester tester(panel.summaryModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.backendCombo()->setCurrentIndex(panel.backendCombo()->findData("cpu"));
    panel.modeCombo()->setCurrentIndex(panel.modeCombo()->findData("quick"));
    panel.repeatsSpin()->setValue(3);
    QVERIFY(!panel.useMeasuredButton()->isEnabled());
    QSignalSpy finished(&panel, &BenchPanel::runFinished);
    QSignalSpy progressed(panel.progressBar(), &QProgressBar::valueChanged);
    QTest::mouseClick(panel.runButton(), Qt::LeftButton);
    QVERIFY(panel.isRunning());  // off the GUI thread
    QVERIFY(panel.cancelButton()->isEnabled());
    QVERIFY(!panel.runButton()->isEnabled());
    QVERIFY(finished.wait(600000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(panel.statusLabel()->text()));
    QVERIFY(progressed.count() >= 2);
    QVERIFY(panel.result());
    const BenchResult& r = *panel.result();
    qInfo("CPU quick benchmark: %.1f s", r.total_seconds);
    QCOMPARE(std::string(toString(r.options.backend)), std::string("cpu"));
    QCOMPARE(std::string(toString(r.options.mode)), std::string("quick"));
    QCOMPARE(r.options.repeats, 3);

    // One row per CPU precision (FP64 and FP32 by default).
    BenchSummaryModel* model = panel.summaryModel();
    QCOMPARE(model->rowCount(), static_cast<int>(defaultPrecisions(BenchBackend::Cpu).size()));
    const std::vector<GemmShape> quick = modeShapes(BenchBackend::Cpu, BenchMode::Quick);
    for (int row = 0; row < model->rowCount(); ++row) {
      const PrecisionSummary& s = r.summary[static_cast<size_t>(row)];
      auto raw = [&](int column) { return model->index(row, column).data(BenchSummaryModel::kRawRole); };
      QCOMPARE(raw(BenchSummaryModel::PrecisionColumn).toString(),
               QString::fromStdString(std::string(toString(s.precision))));
      const double achieved = raw(BenchSummaryModel::AchievedColumn).toDouble();
      QVERIFY(achieved > 1e6);  // even an unoptimised build does a megaFLOP per second
      // The best rate is the best over the measured shapes of that precision: 2·M·N·K / median time.
      double best = 0.0;
      for (const GemmMeasurement& g : r.gemm) {
        if (g.precision == s.precision && g.ok)
          best = std::max(best, g.flops_per_call / g.seconds_per_call.median);
      }
      SP_COMPARE_REL(achieved, best, 1e-9);
      const double peak = raw(BenchSummaryModel::PeakColumn).toDouble();
      QVERIFY(peak > 0.0);
      SP_COMPARE_REL(raw(BenchSummaryModel::UtilisationColumn).toDouble(), achieved / peak, 1e-9);
      const QString shape = raw(BenchSummaryModel::ShapeColumn).toString();
      QVERIFY(std::any_of(quick.begin(), quick.end(),
                          [&](const GemmShape& q) { return QString::fromStdString(q.toString()) == shape; }));
      QCOMPARE(model->index(row, BenchSummaryModel::CheckColumn).data().toString(), QString("passed"));
      // The chart draws the same figures; a CPU's (well under 1 TFLOP/s) in GFLOP/s.
      panel.chart()->refreshNow();
      QCOMPARE(panel.chart()->flopsPerAxisUnit(), 1e9);
      QVERIFY(panel.chart()->plot()->yAxis->label().contains("(GFLOP/s)"));
      SP_COMPARE_REL(*BenchChart::barTop(panel.chart()->achievedBars(), row + 1.0), achieved / 1e9, 1e-12);
      SP_COMPARE_REL(*BenchChart::barTop(panel.chart()->peakBars(), row + 1.0), peak / 1e9, 1e-12);
    }
    QCOMPARE(panel.chart()->plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(panel.resultLabel()->text().contains("cpu backend"));
    QVERIFY(panel.useMeasuredButton()->isEnabled());
    quick_result_ = r;
  }

  void useMeasuredMakesItThePlansAccelerator() {
    QVERIFY2(quick_result_, "needs the quick run of the previous test");
    Session session;
    BenchPanel panel(&session);
    const std::string before = session.currentRequest().accelerator.id;
    QString error;
    QVERIFY(!panel.useMeasured(&error));
    QCOMPARE(error, QString("Run or load a benchmark first."));
    panel.setResult(*quick_result_);
    QSignalSpy accelerators(&session, &Session::acceleratorsChanged);
    QTest::mouseClick(panel.useMeasuredButton(), Qt::LeftButton);
    const auto expected = acceleratorFromBenchmark(*quick_result_);
    QVERIFY2(expected, expected.message().c_str());
    const Accelerator& now = session.currentRequest().accelerator;
    QVERIFY(now.id != before);
    QCOMPARE(now.id, expected->id);
    QVERIFY(now.measured);
    QCOMPARE(accelerators.count(), 1);
    QCOMPARE(session.measuredAccelerators().size(), size_t{1});
    // Its FP32 peak is the best FP32 rate measured.
    const PrecisionSummary* fp32 = quick_result_->summaryFor(Precision::Fp32);
    QVERIFY(fp32 && fp32->best);
    QCOMPARE(now.peak(Precision::Fp32)->value, fp32->best->rate.value);
    QVERIFY(panel.statusLabel()->text().contains("measured accelerator"));
  }

  void resultJsonRoundTrips() {
    QVERIFY2(quick_result_, "needs the quick run of the previous test");
    Session session;
    BenchPanel panel(&session);
    panel.setResult(*quick_result_);
    QTemporaryDir dir;
    const QString path = dir.filePath("bench.json");
    QString error;
    QVERIFY2(panel.saveResultTo(path, &error), qPrintable(error));
    BenchPanel other(&session);
    QVERIFY2(other.loadResultFrom(path, &error), qPrintable(error));
    QVERIFY(*other.result() == *quick_result_);
    QCOMPARE(other.summaryModel()->rowCount(), panel.summaryModel()->rowCount());
    // A file that is not a benchmark says so and keeps the shown result.
    const QString bad = dir.filePath("bad.json");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"schema\": \"something-else\"}");
    f.close();
    QVERIFY(!other.loadResultFrom(bad, &error));
    QVERIFY2(error.contains("bad.json"), qPrintable(error));
    QVERIFY(*other.result() == *quick_result_);
  }

  void cancelStopsTheRun() {
    Session session;
    BenchPanel panel(&session);
    BenchOptions o;
    o.backend = BenchBackend::Cpu;
    o.mode = BenchMode::Thorough;  // many shapes: long enough to cancel in the middle
    QSignalSpy finished(&panel, &BenchPanel::runFinished);
    QSignalSpy progressed(panel.progressBar(), &QProgressBar::valueChanged);
    QVERIFY(panel.startRun(o));
    QVERIFY(!panel.startRun(o));  // one at a time
    QVERIFY(progressed.wait(60000));
    QElapsedTimer timer;
    timer.start();
    QTest::mouseClick(panel.cancelButton(), Qt::LeftButton);
    QVERIFY(finished.wait(120000));
    qInfo("benchmark cancelled after %lld ms", static_cast<long long>(timer.elapsed()));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY2(panel.statusLabel()->text().startsWith("Cancelled"), qPrintable(panel.statusLabel()->text()));
    QVERIFY(panel.statusLabel()->text().contains("cancelled"));
    QVERIFY(!panel.isRunning());
    QVERIFY(!panel.result());
  }

  void modelStepGemmsAreMeasuredAndCosted() {
    Session session;
    BenchPanel panel(&session);
    panel.backendCombo()->setCurrentIndex(panel.backendCombo()->findData("cpu"));
    panel.modeCombo()->setCurrentIndex(panel.modeCombo()->findData("quick"));
    panel.repeatsSpin()->setValue(3);
    QVERIFY(!panel.tokensSpin()->isEnabled());  // no model chosen
    // Llama 2 7B, 8 tokens per micro-batch, 8-way tensor parallelism: small enough for a CPU.
    const int row = panel.modelCombo()->findData("llama2-7b");
    QVERIFY(row > 0);
    panel.modelCombo()->setCurrentIndex(row);
    QVERIFY(panel.tokensSpin()->isEnabled());
    panel.tokensSpin()->setValue(8);
    panel.tensorParallelSpin()->setValue(8);
    auto step = panel.selectedModelStep();
    QVERIFY2(step && *step, step ? "none" : step.message().c_str());
    const ModelStep& s = **step;
    QCOMPARE(s.gemms.size(), std::size_t{15});  // 5 layers' products × forward and two backward
    // Matrix parameters per GPU 825,884,672 (see the CLI test); forward + backward = 6 · 8 · that.
    SP_COMPARE_REL(totalFlopsPerStep(s.gemms), 6.0 * 8.0 * 825884672.0, 1e-15);
    QVERIFY(panel.benchOptions().extra_shapes == s.shapes());

    // The run measures the step with 1 token per micro-batch and 32-way tensor parallelism: its
    // work is bounded by size (each product a 32nd of the weights, one sample, warm cache, no
    // correctness or bandwidth pass), so the test takes the same few CPU-seconds on a busy machine
    // as on an idle one. (With the controls' defaults, on a 2-core machine shared with other
    // builds, the run took 265 s and hit QtTest's watchdog.)
    panel.tokensSpin()->setValue(1);
    panel.tensorParallelSpin()->setValue(32);
    auto small_step = panel.selectedModelStep();
    QVERIFY2(small_step && *small_step, small_step ? "none" : small_step.message().c_str());
    const ModelStep& small = **small_step;
    // Per GPU at tp 32: 32 layers × (4096·384 + 128·4096 + 4096·688 + 344·4096) + 4096·1000
    // = 206,471,168 matrix parameters (a quarter of tp 8's); forward + backward = 6 · 1 · that.
    SP_COMPARE_REL(totalFlopsPerStep(small.gemms), 6.0 * 206471168.0, 1e-15);
    BenchOptions o = panel.benchOptions();
    QVERIFY(o.extra_shapes == small.shapes());
    o.use_mode_shapes = false;
    o.repeats = 1;
    o.warmup_calls = 0;
    o.global_warmup_ms = 0.0;
    o.flush_cache = false;
    o.check_correctness = false;
    o.measure_bandwidth = false;

    QSignalSpy finished(&panel, &BenchPanel::runFinished);
    QVERIFY(panel.startRun(o, small));
    QVERIFY(!panel.modelCombo()->isEnabled());  // locked while running
    QVERIFY(finished.wait(600000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(panel.statusLabel()->text()));
    const BenchResult& r = *panel.result();
    qInfo("model-step CPU benchmark: %.1f s", r.total_seconds);
    QVERIFY(r.options.extra_shapes == small.shapes());
    const QString text = panel.resultLabel()->text();
    QVERIFY2(
        text.contains(
            "Model step:</b> Llama 2 7B (llama2-7b), 1 tokens per micro-batch, tp 32, forward + backward"),
        qPrintable(text));
    // Each precision's line is the step costed with the measured medians.
    for (Precision p : {Precision::Fp64, Precision::Fp32}) {
      auto e = estimateGemmMix(r, p, small.mix());
      QVERIFY2(e, e.message().c_str());
      const QString line = QString("%1: ").arg(qs(toString(p)));
      QVERIFY2(text.contains(line) && text.contains(formatRate(e->rate.value) + " FLOP-weighted"),
               qPrintable(text));
    }
    // A loaded result does not claim a model step.
    QTemporaryDir dir;
    QString error;
    QVERIFY2(panel.saveResultTo(dir.filePath("r.json"), &error), qPrintable(error));
    QVERIFY2(panel.loadResultFrom(dir.filePath("r.json"), &error), qPrintable(error));
    QVERIFY(!panel.resultLabel()->text().contains("Model step"));
  }

  void gpuFiguresAreDrawnInTeraflops() {
    // A made-up H100 result (no GPU here): BF16 700 TFLOP/s of the catalog's 989.4 dense peak.
    BenchResult r;
    r.options.backend = BenchBackend::Cuda;
    CatalogMatch m;
    m.id = "h100-sxm";
    m.dense_peak[Precision::Bf16] = FlopsPerSecond::fromTera(989.4);
    r.catalog_match = m;
    GemmMeasurement g;
    g.precision = Precision::Bf16;
    g.shape = {8192, 8192, 8192};
    g.ok = true;
    g.flops_per_call = gemmFlops(g.shape);
    g.achieved = FlopsPerSecond::fromTera(700.0);
    g.seconds_per_call = computeStats({g.flops_per_call / g.achieved.value});
    r.gemm = {g};
    summarise(r);
    Session session;
    BenchChart chart(&session);
    chart.setResult(r);
    chart.refreshNow();
    QCOMPARE(chart.flopsPerAxisUnit(), 1e12);
    QVERIFY(chart.plot()->yAxis->label().contains("(TFLOP/s)"));
    SP_COMPARE_REL(*BenchChart::barTop(chart.achievedBars(), 1.0), 700.0, 1e-12);
    SP_COMPARE_REL(*BenchChart::barTop(chart.peakBars(), 1.0), 989.4, 1e-12);
    QVERIFY(chart.peakBars()->name().contains("h100-sxm"));
  }

  void rendersToPng() {
    QVERIFY2(quick_result_, "needs the quick run of the previous test");
    Session session;
    BenchPanel panel(&session);
    panel.resize(1300, 800);
    panel.setResult(*quick_result_);
    panel.chart()->refreshNow();
    QTemporaryDir dir;
    const QString path = dir.filePath("bench.png");
    QVERIFY(panel.grab().toImage().save(path));
    QImage image(path);
    QCOMPARE(image.size(), QSize(1300, 800));
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7) {
      for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
    }
    QVERIFY(colours.size() > 10);
  }
};

QTEST_MAIN(TestBenchPanel)
#include "test_bench_panel.moc"
