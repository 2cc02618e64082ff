// The shared base of the flat table models (models/flat_table.hpp): counts, resets and the row of
// an index, on a small model of its own, watched by QAbstractItemModelTester.
#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include "models/flat_table.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

struct Pair {
  QString name;
  double value = 0.0;
};

// Two columns: the name and the value; data() goes through rowAt() like the real models.
class PairModel : public FlatTableModel<Pair> {
 public:
  PairModel() : FlatTableModel(2, nullptr) {}
  void set(std::vector<Pair> rows) { resetRows(std::move(rows)); }
  const Pair* at(const QModelIndex& index) const { return rowAt(index); }
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override {
    const Pair* row = rowAt(index);
    if (!row || role != Qt::DisplayRole) return {};
    return index.column() == 0 ? QVariant(row->name) : QVariant(row->value);
  }
};

}  // namespace

class TestFlatTable : public QObject {
  Q_OBJECT
 private slots:
  void countsResetsAndRows() {
    PairModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), 2);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.set({{"a", 1.5}, {"b", 2.5}, {"c", -1.0}});
    QCOMPARE(resets.count(), 1);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.rows().size(), std::size_t{3});
    QCOMPARE(model.data(model.index(1, 0)).toString(), QString("b"));
    QCOMPARE(model.data(model.index(2, 1)).toDouble(), -1.0);
    // A table: no children, so a valid parent has no rows or columns.
    QCOMPARE(model.rowCount(model.index(0, 0)), 0);
    QCOMPARE(model.columnCount(model.index(0, 0)), 0);
    // The row of an index: none for an invalid index or one outside the table.
    QVERIFY(model.at(model.index(0, 1)) == &model.rows()[0]);
    QVERIFY(!model.at(QModelIndex()));
    QVERIFY(!model.at(model.index(3, 0)));  // index() of a missing row is invalid
    QVERIFY(!model.data(model.index(0, 2)).isValid());
    model.set({});
    QCOMPARE(resets.count(), 2);
    QCOMPARE(model.rowCount(), 0);
  }
};

QTEST_MAIN(TestFlatTable)
#include "test_flat_table.moc"
