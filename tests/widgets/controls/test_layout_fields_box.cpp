// LayoutFieldsBox: every box starts at "auto" and leaves its field to the search; a value fixes
// exactly that field of LayoutSearchOptions and shows as the CLI flag; EP is a box for mixtures
// of experts only; "All auto" clears every box with one change signal; the "More" fields.
#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QToolButton>
#include <QtTest/QtTest>

#include "controls/layout_fields_box.hpp"

using namespace scaleplan;

class TestLayoutFieldsBox : public QObject {
  Q_OBJECT

 private slots:
  void startsWithEveryFieldSearched() {
    LayoutFieldsBox box;
    QCOMPARE(box.tpSpin()->text(), QString("auto"));
    QCOMPARE(box.recomputeCombo()->currentText(), QString("auto"));
    LayoutSearchOptions options;
    options.micro_batches = {1, 2};
    box.applyTo(&options);
    QVERIFY(!options.tp && !options.pp && !options.virtual_stages && !options.cp && !options.ep);
    QVERIFY(!options.micro_batch && !options.zero_stage && !options.sequence_parallel && !options.recompute);
    QCOMPARE(options.micro_batches, (std::vector<std::int64_t>{1, 2}));  // untouched
    QVERIFY(!box.anyFixed());
  }

  void valuesFixTheirFields() {
    LayoutFieldsBox box;
    box.setExpertParallelAvailable(true);
    QSignalSpy changed(&box, &LayoutFieldsBox::changed);
    box.tpSpin()->setValue(8);
    box.ppSpin()->setValue(16);
    box.virtualStagesSpin()->setValue(4);
    box.cpSpin()->setValue(2);
    box.epSpin()->setValue(8);
    box.microBatchSpin()->setValue(1);
    box.zeroCombo()->setCurrentIndex(box.zeroCombo()->findText("1"));
    box.sequenceParallelCombo()->setCurrentIndex(box.sequenceParallelCombo()->findText("off"));
    box.recomputeCombo()->setCurrentIndex(box.recomputeCombo()->findText("selective"));
    QCOMPARE(changed.count(), 9);
    LayoutSearchOptions options;
    box.applyTo(&options);
    QCOMPARE(options.tp, std::optional<int>(8));
    QCOMPARE(options.pp, std::optional<int>(16));
    QCOMPARE(options.virtual_stages, std::optional<int>(4));
    QCOMPARE(options.cp, std::optional<int>(2));
    QCOMPARE(options.ep, std::optional<int>(8));
    QCOMPARE(options.micro_batch, std::optional<std::int64_t>(1));
    QCOMPARE(options.zero_stage, std::optional<int>(1));
    QCOMPARE(options.sequence_parallel, std::optional<bool>(false));
    QVERIFY(options.recompute == Recompute::Selective);
    QCOMPARE(box.describeFixed(), QString("--tp 8 --pp 16 --virtual-stages 4 --cp 2 --ep 8 --micro-batch 1 --zero 1 "
                                          "--sequence-parallel off --recompute selective"));
    // ZeRO 0 is a value, not "auto".
    box.zeroCombo()->setCurrentIndex(box.zeroCombo()->findText("0"));
    box.applyTo(&options);
    QCOMPARE(options.zero_stage, std::optional<int>(0));

    changed.clear();
    box.resetButton()->click();
    QCOMPARE(changed.count(), 1);
    QVERIFY(!box.anyFixed());
    LayoutSearchOptions cleared;
    box.applyTo(&cleared);
    QVERIFY(!cleared.tp && !cleared.zero_stage && !cleared.recompute && !cleared.ep);
    box.resetButton()->click();  // nothing to clear: no change
    QCOMPARE(changed.count(), 1);
  }

  // describeFixed's text reads back into the same boxes (the remembered state); text the boxes
  // cannot take leaves every field searched.
  void fixedTextRoundTrips() {
    LayoutFieldsBox box;
    box.setExpertParallelAvailable(true);
    QSignalSpy changed(&box, &LayoutFieldsBox::changed);
    const QString text = "--tp 8 --pp 16 --virtual-stages 4 --ep 2 --zero 0 --sequence-parallel on --recompute full";
    QVERIFY(box.setFixed(text));
    QCOMPARE(box.describeFixed(), text);
    QCOMPARE(changed.count(), 0);  // the caller starts one search
    LayoutSearchOptions options;
    box.applyTo(&options);
    QCOMPARE(options.pp, std::optional<int>(16));
    QCOMPARE(options.zero_stage, std::optional<int>(0));
    QCOMPARE(options.sequence_parallel, std::optional<bool>(true));
    QVERIFY(box.setFixed(""));
    QVERIFY(!box.anyFixed());
    for (const char* bad : {"--tp", "--tp x", "--tp 0", "--zero 4", "--recompute most", "--dp 8", "tp 8"}) {
      QVERIFY2(!box.setFixed(QString("--pp 2 ") + bad), bad);
      QVERIFY(!box.anyFixed());
    }
    box.setExpertParallelAvailable(false);
    QVERIFY(!box.setFixed("--ep 4"));  // a dense model takes no EP
  }

  // Behind "More": end-stage layers, recomputed layers ("all" = 0, every layer) and expert TP. A
  // fixed one keeps them in sight; a remembered text with one opens them.
  void moreFieldsFixTheirFields() {
    LayoutFieldsBox box;
    box.setExpertParallelAvailable(true);
    QVERIFY(!box.moreButton()->isChecked());
    QVERIFY(!box.firstStageLayersSpin()->isVisibleTo(&box));
    QCOMPARE(box.recomputeLayersSpin()->text(), QString("auto"));
    box.moreButton()->setChecked(true);
    QVERIFY(box.firstStageLayersSpin()->isVisibleTo(&box) && box.expertTpSpin()->isVisibleTo(&box));
    QSignalSpy changed(&box, &LayoutFieldsBox::changed);
    box.firstStageLayersSpin()->setValue(7);
    box.lastStageLayersSpin()->setValue(6);
    box.recomputeLayersSpin()->setValue(0);
    box.expertTpSpin()->setValue(1);
    QCOMPARE(changed.count(), 4);
    QCOMPARE(box.recomputeLayersSpin()->text(), QString("all"));
    LayoutSearchOptions options;
    box.applyTo(&options);
    QCOMPARE(options.first_stage_layers, std::optional<std::int64_t>(7));
    QCOMPARE(options.last_stage_layers, std::optional<std::int64_t>(6));
    QCOMPARE(options.recompute_layers, std::optional<std::int64_t>(0));
    QCOMPARE(options.expert_tp, std::optional<int>(1));
    QVERIFY(!options.tp && !options.pp && !options.recompute);
    QCOMPARE(box.describeFixed(),
             QString("--first-stage-layers 7 --last-stage-layers 6 --expert-tp 1 --recompute-layers 0"));
    box.moreButton()->setChecked(false);  // a fixed field stays in sight
    QVERIFY(box.firstStageLayersSpin()->isVisibleTo(&box));
    box.reset();
    QVERIFY(!box.anyFixed());
    box.moreButton()->setChecked(false);
    QVERIFY(!box.firstStageLayersSpin()->isVisibleTo(&box));
    box.setExpertParallelAvailable(false);
    QVERIFY(!box.expertTpSpin()->isEnabled());

    LayoutFieldsBox remembered;
    const QString text = "--pp 16 --first-stage-layers 7 --last-stage-layers 7 --recompute full --recompute-layers 2";
    QVERIFY(remembered.setFixed(text));
    QCOMPARE(remembered.describeFixed(), text);
    QVERIFY(remembered.moreButton()->isChecked() && remembered.recomputeLayersSpin()->isVisibleTo(&remembered));
    remembered.setExpertParallelAvailable(false);
    for (const char* bad : {"--recompute-layers -1", "--recompute-layers x", "--first-stage-layers 0", "--expert-tp 2"})
      QVERIFY2(!remembered.setFixed(bad), bad);  // expert TP: a dense model's box is off
  }

  void expertParallelOnlyForExperts() {
    LayoutFieldsBox box;
    box.setExpertParallelAvailable(true);
    box.epSpin()->setValue(4);
    QSignalSpy changed(&box, &LayoutFieldsBox::changed);
    box.setExpertParallelAvailable(false);  // a dense model: the fixed EP no longer applies
    QCOMPARE(changed.count(), 1);
    QVERIFY(!box.epSpin()->isEnabled());
    QCOMPARE(box.epSpin()->text(), QString("auto"));
    LayoutSearchOptions options;
    box.applyTo(&options);
    QVERIFY(!options.ep);
    QVERIFY(box.describeFixed().isEmpty());
  }
};

QTEST_MAIN(TestLayoutFieldsBox)
#include "test_layout_fields_box.moc"
