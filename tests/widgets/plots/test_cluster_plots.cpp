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
};

QTEST_MAIN(TestClusterPlots)
#include "test_cluster_plots.moc"
