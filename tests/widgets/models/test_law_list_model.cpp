// The checkable law list (QAbstractItemModelTester), and the quantity parser behind every number
// field.
#include <QAbstractItemModelTester>
#include <QFont>
#include <QSignalSpy>

#include "widgets/gui_test_support.hpp"
#include "models/law_list_model.hpp"
#include "controls/quantity_edit.hpp"
#include "session/session.hpp"

using namespace scaleplan;

class TestLawListModel : public QObject {
  Q_OBJECT

 private slots:
  void modelPassesTheTester() {
    Session session;
    LawListModel model(&session);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), static_cast<int>(session.laws().size()));
    // Changes while the tester watches: compare, plan with another law, add and replace laws.
    QVERIFY(model.setData(model.index(1), Qt::Checked, Qt::CheckStateRole));
    session.setLaw("kaplan2020");
    session.addLaw(ScalingLaw("fit:a", "Fit A", "", ChinchillaParams{1.8, 400, 400, 0.3, 0.3}));
    session.addLaw(ScalingLaw("fit:a", "Fit A (refit)", "", ChinchillaParams{1.8, 410, 400, 0.3, 0.3}));
    QCOMPARE(model.rowCount(), static_cast<int>(session.laws().size()));
  }

  void checkStateIsTheComparedSet() {
    Session session;
    LawListModel model(&session);
    int planning = -1, besiroglu = -1;
    for (int i = 0; i < model.rowCount(); ++i) {
      const QModelIndex idx = model.index(i);
      if (idx.data(LawListModel::IsPlanningLawRole).toBool()) planning = i;
      if (idx.data(LawListModel::LawIdRole).toString() == "besiroglu2024") besiroglu = i;
      QVERIFY(idx.data(LawListModel::IsPresetRole).toBool());
      QVERIFY(!idx.data(Qt::ToolTipRole).toString().isEmpty());
    }
    QVERIFY(planning >= 0 && besiroglu >= 0);
    QCOMPARE(model.index(planning).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
    // Marked in bold and in its tooltip, not by a suffix that would widen the list.
    QVERIFY(model.index(planning).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(!model.index(besiroglu).data(Qt::FontRole).isValid());
    QCOMPARE(model.index(planning).data().toString(),
             QString::fromStdString(session.currentRequest().law.displayName()));
    SP_VERIFY_CONTAINS(model.index(planning).data(Qt::ToolTipRole).toString().toStdString(), "planning law");
    // The planning law cannot be unchecked.
    QVERIFY(!model.setData(model.index(planning), Qt::Unchecked, Qt::CheckStateRole));

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(model.setData(model.index(besiroglu), Qt::Checked, Qt::CheckStateRole));
    QVERIFY(changed.count() >= 1);
    QCOMPARE(session.compareLawIds(), std::vector<std::string>{"besiroglu2024"});
    QCOMPARE(model.index(besiroglu).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
    QVERIFY(model.setData(model.index(besiroglu), Qt::Unchecked, Qt::CheckStateRole));
    QVERIFY(session.compareLawIds().empty());

    // A fitted law appears, marked as such.
    session.addLaw(ScalingLaw("fit:b", "Fit B", "my runs", ChinchillaParams{1.8, 400, 400, 0.3, 0.3}));
    const QModelIndex last = model.index(model.rowCount() - 1);
    QCOMPARE(last.data(LawListModel::LawIdRole).toString(), QString("fit:b"));
    QCOMPARE(last.data().toString(), QString("Fit B (fitted)"));
    QVERIFY(!last.data(LawListModel::IsPresetRole).toBool());
  }

  void parsesQuantitiesAsTyped() {
    struct Case {
      const char* text;
      double value;
    };
    const Case cases[] = {
        {"5.88e23", 5.88e23}, {"1.4T", 1.4e12},        {"70B", 70e9},          {"70b", 70e9},
        {"10M", 10e6},        {"$10M", 10e6},          {"2,000,000", 2e6},     {" 3.5×10^22 ", 3.5e22},
        {"3.5x10^22", 3.5e22}, {"2.5k", 2500.0},       {"1G", 1e9},            {"0.25", 0.25},
        {"1e15", 1e15},       {"1Q", 1e15},
    };
    for (const Case& c : cases) {
      auto v = parseQuantity(QString::fromUtf8(c.text));
      QVERIFY2(v.has_value(), c.text);
      SP_COMPARE_REL(*v, c.value, 1e-12);
    }
    for (const char* bad : {"", "abc", "1e400", "T", "$", "1.2.3", "nan", "inf", "5 apples"}) {
      QVERIFY2(!parseQuantity(QString::fromUtf8(bad)).has_value(), bad);
    }
  }

  void quantityTextReadsBack() {
    for (double v : {5.88e23, 1024.0, 0.25, 1.4e12, 123456.0, 3e-5}) {
      const QString t = quantityText(v);
      QVERIFY2(!t.contains('+'), qPrintable(t));
      SP_COMPARE_REL(*parseQuantity(t), v, 1e-6);
    }
    QCOMPARE(quantityText(5.88e23), QString("5.88e23"));
    QCOMPARE(quantityText(1024), QString("1024"));
  }
};

QTEST_MAIN(TestLawListModel)
#include "test_law_list_model.moc"
