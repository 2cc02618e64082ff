// The Cluster tab's stacked bar: one QCPBars per term stacked in order, zero terms out of the
// legend, the total on top, the limit line named in the legend, the read-out's shares.
#include <qcustomplot.h>

#include "plots/step_bars.hpp"
#include "session/session.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

int legendItemsNamed(QCustomPlot* plot, const QString& name) {
  int n = 0;
  for (int i = 0; i < plot->legend->itemCount(); ++i) {
    auto* item = qobject_cast<QCPPlottableLegendItem*>(plot->legend->item(i));
    if (item && item->plottable()->name() == name) ++n;
  }
  return n;
}

}  // namespace

class TestClusterPlots : public QObject {
  Q_OBJECT

 private slots:
  void stacksTheTermsAndDrawsTheLimit() {
    Session session;
    StepBarsPlot plot(&session, "Memory per GPU", "cluster-memory", "memory per GPU (GB = 1e9 bytes)");
    plot.resize(600, 400);
    plot.setTerms("TP 8 · PP 2", {{"weights", 10.0}, {"gradients", 0.0}, {"activations", 30.5}}, "40.5 GB", 80.0,
                  "one GPU: 80 GB");
    plot.refreshNow();
    QCOMPARE(plot.bars().size(), std::size_t(3));
    QCOMPARE(plot.total(), 40.5);
    // Stacked: the activations bar sits on the gradients bar, which sits on the weights bar.
    QCOMPARE(plot.bars()[2]->barBelow(), plot.bars()[1]);
    QCOMPARE(plot.bars()[1]->barBelow(), plot.bars()[0]);
    QCOMPARE(plot.bars()[2]->data()->at(0)->value, 30.5);
    QCustomPlot* p = plot.plot();
    QCOMPARE(legendItemsNamed(p, "weights"), 1);
    QCOMPARE(legendItemsNamed(p, "gradients"), 0);  // zero: left out of the legend
    QCOMPARE(legendItemsNamed(p, "one GPU: 80 GB"), 1);
    // The axis reaches above the limit (80 GB > the 40.5 GB stack).
    QVERIFY(p->yAxis->range().upper >= 80.0);
    const QString readout = plot.readoutText(1.0, 5.0);
    QVERIFY2(readout.contains("activations: 30.5 (75.3%)"), qPrintable(readout));
    QVERIFY(plot.stem() == "cluster-memory");

    plot.clearTerms("No layout selected");
    plot.refreshNow();
    QVERIFY(plot.bars().empty());
    QVERIFY(plot.readoutText(1.0, 1.0).isEmpty());
  }

  // Twenty terms and a limit line: in a short plot (the plot's minimum, 240 pixels) the legend
  // takes a second column rather than losing its last entries below the plot's edge; in a tall one
  // it stays one column.
  void legendKeepsEveryEntryInsideThePlot() {
    Session session;
    StepBarsPlot plot(&session, "Step time", "cluster-time", "time per step (s)");
    std::vector<StackedTerm> terms;
    for (int i = 0; i < 20; ++i) terms.push_back({QStringLiteral("term %1").arg(i), 1.0 + i});
    plot.setTerms("TP 8 · PP 2", terms, "55 s", 80.0, "limit");
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    QCustomPlot* p = plot.plot();
    for (const int height : {240, 700}) {
      plot.resize(700, height);
      plot.refreshNow();
      p->replot();
      int entries = 0;
      for (int i = 0; i < p->legend->itemCount(); ++i) {  // itemCount(): the grid's cells, some empty
        if (!p->legend->item(i)) continue;
        ++entries;
        const QRect r = p->legend->item(i)->outerRect();
        QVERIFY2(r.bottom() <= p->height() && r.top() >= 0,
                 qPrintable(QStringLiteral("height %1: legend entry %2 at %3-%4 of %5")
                                .arg(height).arg(i).arg(r.top()).arg(r.bottom()).arg(p->height())));
      }
      QCOMPARE(entries, 21);
      // The legend's column does not cap the bar's height (it did once: the plot shrank to the legend).
      QVERIFY2(p->axisRect()->outerRect().height() >= p->height() * 8 / 10,
               qPrintable(QStringLiteral("axis rect %1 of %2")
                              .arg(p->axisRect()->outerRect().height())
                              .arg(p->height())));
      QCOMPARE(p->legend->columnCount() > 1, height < 300);
    }
  }

  // The layout under the bar wraps at its separators to the axis rect's width: fewer lines in a
  // wide plot, every line within the axis.
  void axisLabelWrapsToTheAxisWidth() {
    Session session;
    StepBarsPlot plot(&session, "Step time", "cluster-time", "time per step (s)");
    const QString layout = "TP 2 · PP 4 (V 5) · DP 32 · CP 4 · mb 1 · SP · recompute none · ZeRO 1";
    plot.setTerms(layout, {{"matrix products", 2.5}, {"attention", 0.3}}, "2.8 s");
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    QCustomPlot* p = plot.plot();
    int lines_at[2] = {0, 0};
    for (int i = 0; i < 2; ++i) {
      plot.resize(i == 0 ? 420 : 1100, 400);
      plot.refreshNow();
      p->replot();
      const QStringList lines = p->xAxis->label().split('\n');
      QCOMPARE(lines.join(" · "), layout);
      const QFontMetrics metrics(p->xAxis->labelFont());
      for (const QString& line : lines)
        QVERIFY2(metrics.horizontalAdvance(line) <= p->axisRect()->width(), qPrintable(line));
      // Laid out for the lines it has, in the same replot: the bottom margin holds them all.
      QVERIFY2(p->axisRect()->margins().bottom() >= int(lines.size()) * metrics.height(),
               qPrintable(QStringLiteral("margin %1 for %2 lines")
                              .arg(p->axisRect()->margins().bottom())
                              .arg(lines.size())));
      lines_at[i] = int(lines.size());
    }
    QVERIFY2(lines_at[0] > lines_at[1],
             qPrintable(QStringLiteral("%1 then %2 lines").arg(lines_at[0]).arg(lines_at[1])));
  }
};

QTEST_MAIN(TestClusterPlots)
#include "test_cluster_plots.moc"
