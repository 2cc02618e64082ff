// The Cluster tab's layout table: the core's ranked layouts (a real search: Llama 2 7B on 16 H100),
// shown best first with their numbers formatted as the CLI does, raw values for sorting, and a
// sort proxy that orders by the numbers; QAbstractItemModelTester watches resets.
#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>

#include "base/format.hpp"
#include "cluster/layout_search.hpp"
#include "counting/model_presets.hpp"
#include "models/layout_model.hpp"
#include "test_support.hpp"

using namespace scaleplan;

class TestClusterLayoutModel : public QObject {
  Q_OBJECT

  LayoutSearchResult search_;

 private slots:
  void initTestCase() {
    auto systems = SystemCatalog::loadDefault();
    QVERIFY2(systems.isOk(), systems.message().c_str());
    auto models = ModelCatalog::loadDefault();
    QVERIFY(models.isOk());
    const ClusterSystem* h100 = systems->find("hgx-h100");
    QVERIFY(h100);
    TrainingJob job;
    job.arch = models->find("llama2-7b")->architecture;
    job.seq_len = 4096;
    job.global_batch = 64;
    job.gpus = 16;
    auto rates = GemmRates::fromCatalog(h100->accelerator, job.precision);
    QVERIFY(rates.isOk());
    LayoutSearchOptions options;
    options.top_k = 6;
    auto r = searchLayouts(job, *h100, *rates, options);
    QVERIFY2(r.isOk(), r.message().c_str());
    QVERIFY(r->best.size() >= 3);
    search_ = *r;
  }

  void showsTheCoreValues() {
    LayoutModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLayouts(search_.best);
    QCOMPARE(model.rowCount(), static_cast<int>(search_.best.size()));
    QCOMPARE(model.columnCount(), static_cast<int>(LayoutModel::ColumnCount));
    const StepEstimate& best = search_.best[0].estimate;
    auto cell = [&](int row, int column, int role = Qt::DisplayRole) { return model.data(model.index(row, column), role); };
    QCOMPARE(cell(0, LayoutModel::RankColumn).toString(), QString("1"));
    QCOMPARE(cell(0, LayoutModel::LayoutColumn).toString(), QString::fromStdString(best.layout.describe()));
    QCOMPARE(cell(0, LayoutModel::StepTimeColumn, LayoutModel::kRawRole).toDouble(), best.step_seconds);
    QCOMPARE(cell(0, LayoutModel::StepTimeColumn).toString(),
             QString::fromStdString(formatNumber(best.step_seconds, 3)) + " s");
    QCOMPARE(cell(0, LayoutModel::MfuColumn, LayoutModel::kRawRole).toDouble(), best.mfu);
    QCOMPARE(cell(0, LayoutModel::MfuColumn).toString(), QString::number(best.mfu * 100.0, 'f', 1) + "%");
    QCOMPARE(cell(0, LayoutModel::MemoryColumn, LayoutModel::kRawRole).toDouble(), best.memory.total());
    QCOMPARE(cell(0, LayoutModel::MemoryColumn).toString(), QString::fromStdString(formatBytes(best.memory.total())));
    QCOMPARE(cell(0, LayoutModel::ReasonColumn).toString(), QString::fromStdString(search_.best[0].reason));
    QCOMPARE(model.estimateAt(1)->step_seconds, search_.best[1].estimate.step_seconds);
    QVERIFY(model.estimateAt(99) == nullptr);
    // Best first: step times do not decrease down the table.
    for (int row = 1; row < model.rowCount(); ++row)
      QVERIFY(cell(row, LayoutModel::StepTimeColumn, LayoutModel::kRawRole).toDouble() >=
              cell(row - 1, LayoutModel::StepTimeColumn, LayoutModel::kRawRole).toDouble());
    model.clear();
    QCOMPARE(model.rowCount(), 0);
  }

  void sortsByNumbers() {
    LayoutModel model;
    model.setLayouts(search_.best);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(LayoutModel::kRawRole);
    proxy.sort(LayoutModel::MemoryColumn, Qt::AscendingOrder);
    double previous = 0.0;
    for (int row = 0; row < proxy.rowCount(); ++row) {
      const double bytes = proxy.data(proxy.index(row, LayoutModel::MemoryColumn), LayoutModel::kRawRole).toDouble();
      QVERIFY(bytes >= previous);
      previous = bytes;
    }
    proxy.sort(LayoutModel::RankColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.data(proxy.index(0, LayoutModel::RankColumn)).toString(), QString::number(model.rowCount()));
  }
};

QTEST_MAIN(TestClusterLayoutModel)
#include "test_cluster_layout_model.moc"
