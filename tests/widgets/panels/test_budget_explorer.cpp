// The budget explorer and the result panel driven through their real controls: typing, clicking
// and keys, with the shown results checked against independent arithmetic.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QListView>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStyleOptionViewItem>
#include <cmath>

#include "base/format.hpp"
#include "panels/budget_explorer.hpp"
#include "widgets/gui_test_support.hpp"
#include "models/law_list_model.hpp"
#include "panels/main_window.hpp"
#include "controls/quantity_edit.hpp"
#include "panels/result_panel.hpp"
#include "session/session.hpp"

using namespace scaleplan;
using namespace scaleplan::test;

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

class TestBudgetExplorer : public QObject {
  Q_OBJECT

  Session* session_ = nullptr;
  MainWindow* window_ = nullptr;
  BudgetExplorer* explorer() { return window_->budgetExplorer(); }
  ResultPanel* results() { return window_->resultPanel(); }

 private slots:
  void init() {
    session_ = new Session;
    window_ = new MainWindow(session_);
    window_->resize(1500, 950);
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_));
    // A known starting point: H100 SXM, bf16, 1024 GPUs, 40% MFU, $2 per GPU-hour.
    explorer()->accelerator()->setCurrentIndex(explorer()->accelerator()->findData("h100-sxm"));
    typeInto(explorer()->price(), "2.00");
  }

  void cleanup() {
    session_->setModified(false);  // no save prompt on close
    delete window_;
    delete session_;
  }

  void typedBudgetWithRatioLawShowsN() {
    // Tokens-per-param 20 at 5.88e23 FLOPs: C = 6·N·20N, N = sqrt(5.88e23 / 120) = 70.0B, D = 1.40T.
    QComboBox* law = explorer()->law();
    law->setCurrentIndex(law->findData("tokens-per-param"));
    QVERIFY(explorer()->tokensPerParam()->isEnabled());
    typeInto(explorer()->tokensPerParam(), "20");
    explorer()->budgetUnit()->setCurrentIndex(0);  // FLOPs
    typeInto(explorer()->budgetAmount(), "5.88e23");
    QCOMPARE(results()->value("params"), QString("70.0B"));
    QCOMPARE(results()->value("tokens"), QString("1.40T"));
    QCOMPARE(results()->value("tokens_per_param"), QString("20"));
    QCOMPARE(results()->value("flops"), QString("5.88e23 FLOPs"));
    SP_COMPARE_REL(session_->currentResult()->params, 7e10, 1e-9);
    // The equivalents show the other units live, with the typed one in bold.
    const QString eq = explorer()->budgetEquivalents()->text();
    QVERIFY2(eq.contains("<b>= 5.88e23 FLOPs</b>"), qPrintable(eq));
    QVERIFY(eq.contains("GPU-hours"));
    QVERIFY(eq.contains("on 1,024 GPUs"));
  }

  void suffixesAndBadTextInTheBudget() {
    typeInto(explorer()->budgetAmount(), "1.4T");  // 1.4e12 FLOPs is tiny but valid
    SP_COMPARE_REL(session_->currentRequest().budget->amount, 1.4e12, 1e-12);
    typeInto(explorer()->budgetAmount(), "2e24");
    SP_COMPARE_REL(session_->currentRequest().budget->amount, 2e24, 1e-12);
    // Text that is not a number marks the field and leaves the budget as it was.
    typeInto(explorer()->budgetAmount(), "lots");
    QVERIFY(!explorer()->budgetAmount()->isAcceptable());
    SP_COMPARE_REL(session_->currentRequest().budget->amount, 2e24, 1e-12);
  }

  void doublingGpusHalvesTheWallClock() {
    typeInto(explorer()->budgetAmount(), "1e24");
    typeInto(explorer()->gpuCount(), "1024");
    QCOMPARE(session_->currentRequest().gpu_count, 1024);
    const double days_1024 = session_->currentResult()->cost.wall_clock.days();
    // Independent: C / (peak · MFU · GPUs) in days.
    const double peak = shippedCatalog().find("h100-sxm")->peak(Precision::Bf16)->value;
    SP_COMPARE_REL(days_1024, 1e24 / (peak * 0.4 * 1024) / 86400.0, 1e-9);
    QCOMPARE(results()->value("wall_clock"), q(formatDays(days_1024)));

    typeInto(explorer()->gpuCount(), "2048");
    QCOMPARE(session_->currentRequest().gpu_count, 2048);
    const double days_2048 = session_->currentResult()->cost.wall_clock.days();
    SP_COMPARE_REL(days_2048, days_1024 / 2.0, 1e-12);
    QCOMPARE(results()->value("wall_clock"), q(formatDays(days_1024 / 2.0)));
    // GPU-hours and cost do not change with the GPU count.
    SP_COMPARE_REL(session_->currentResult()->cost.gpu_hours, 1e24 / (peak * 0.4) / 3600.0, 1e-9);
    QCOMPARE(results()->value("cost"), q(formatUsd(2.0 * 1e24 / (peak * 0.4) / 3600.0)) + " at $2.00/GPU-hour");
  }

  void mfuSliderAndSpinStayInStepWithGuidance() {
    QSlider* slider = explorer()->mfuSlider();
    QDoubleSpinBox* spin = explorer()->mfuSpin();
    slider->setFocus();
    QTest::keyClick(slider, Qt::Key_Right);  // 40 -> 41
    QCOMPARE(slider->value(), 41);
    QCOMPARE(spin->value(), 41.0);
    SP_COMPARE_REL(session_->currentRequest().mfu, 0.41, 1e-12);
    QVERIFY(explorer()->mfuGuidanceLabel()->text().contains("35–50%"));

    typeInto(spin, "25");
    SP_COMPARE_REL(session_->currentRequest().mfu, 0.25, 1e-12);
    QCOMPARE(slider->value(), 25);
    QVERIFY(explorer()->mfuGuidanceLabel()->text().startsWith("Below 30%"));
    // The planner warns too, and the warning is shown.
    QVERIFY(!results()->warnings().isEmpty());
    QVERIFY(results()->warnings().join('\n').contains("MFU 25%"));

    typeInto(spin, "60");
    QVERIFY(explorer()->mfuGuidanceLabel()->text().startsWith("Above 55%"));
    // Halving MFU doubles the wall-clock.
    typeInto(spin, "40");
    const double d40 = session_->currentResult()->cost.wall_clock.days();
    typeInto(spin, "20");
    SP_COMPARE_REL(session_->currentResult()->cost.wall_clock.days(), 2.0 * d40, 1e-9);
  }

  void mfuGuidanceAgainstAMeasuredPeak() {
    // A benchmark's H100: 700 TFLOP/s measured in BF16. 60% of it is ~48% of the spec peak: typical.
    Accelerator measured = *shippedCatalog().find("h100-sxm");
    measured.id = "measured-h100-sxm";
    measured.name = "NVIDIA H100 80GB HBM3 (measured)";
    measured.measured = true;
    measured.dense_peak = {{Precision::Bf16, FlopsPerSecond::fromTera(700.0)}};
    session_->addMeasuredAccelerator(measured);
    QComboBox* accelerator = explorer()->accelerator();
    accelerator->setCurrentIndex(accelerator->findData("measured-h100-sxm"));
    QCOMPARE(session_->currentRequest().accelerator.id, std::string("measured-h100-sxm"));
    typeInto(explorer()->mfuSpin(), "60");
    const QString text = explorer()->mfuGuidanceLabel()->text();
    QVERIFY2(text.startsWith("Of a measured peak: about 48% of the spec sheet's"), qPrintable(text));
    QVERIFY2(text.contains("35–50% is typical"), qPrintable(text));
    // The planner says what MFU means here, and does not call 60% unusually high.
    const QString warnings = results()->warnings().join('\n');
    QVERIFY2(warnings.contains("measured best matrix-product rate (700 TFLOP/s bf16)"), qPrintable(warnings));
    QVERIFY2(!warnings.contains("unusually high"), qPrintable(warnings));
    // The same 60% against the spec sheet's peak is a caution.
    accelerator->setCurrentIndex(accelerator->findData("h100-sxm"));
    QVERIFY(explorer()->mfuGuidanceLabel()->text().startsWith("Above 55%"));
  }

  void precisionListsOnlySupportedOnesWithDensePeak() {
    QComboBox* precision = explorer()->precision();
    const Accelerator& h100 = *shippedCatalog().find("h100-sxm");
    QCOMPARE(precision->count(), static_cast<int>(h100.dense_peak.size()));
    const int bf16 = precision->findData("bf16");
    QVERIFY(bf16 >= 0);
    QCOMPARE(precision->itemText(bf16),
             QString("bf16 — %1 dense").arg(q(formatFlopsRate(h100.peak(Precision::Bf16)->value))));
    // FP8 doubles the peak on an H100: the wall-clock halves.
    precision->setCurrentIndex(bf16);
    const double days_bf16 = session_->currentResult()->cost.wall_clock.days();
    precision->setCurrentIndex(precision->findData("fp8"));
    QVERIFY(session_->currentRequest().precision == Precision::Fp8);
    SP_COMPARE_REL(session_->currentResult()->cost.wall_clock.days(),
                   days_bf16 * h100.peak(Precision::Bf16)->value / h100.peak(Precision::Fp8)->value, 1e-9);
    // Another accelerator: the list follows it.
    explorer()->accelerator()->setCurrentIndex(explorer()->accelerator()->findData("a100-80gb-sxm"));
    const Accelerator& a100 = *shippedCatalog().find("a100-80gb-sxm");
    QCOMPARE(precision->count(), static_cast<int>(a100.dense_peak.size()));
    QCOMPARE(precision->findData("fp8"), -1);
  }

  void budgetUnitSwitchKeepsTheBudget() {
    typeInto(explorer()->budgetAmount(), "5.88e23");
    const double flops = session_->budgetEquivalents()->flops;
    explorer()->budgetUnit()->setCurrentIndex(1);  // dollars
    QVERIFY(session_->currentRequest().budget->unit == BudgetUnit::Usd);
    SP_COMPARE_REL(session_->budgetEquivalents()->flops, flops, 1e-9);
    // The field shows the dollar amount; typing a new one changes the FLOPs in proportion.
    const double usd = *explorer()->budgetAmount()->value();
    SP_COMPARE_REL(usd, session_->budgetEquivalents()->usd, 1e-5);
    typeInto(explorer()->budgetAmount(), quantityText(2.0 * usd));
    SP_COMPARE_REL(session_->budgetEquivalents()->flops, 2.0 * flops, 1e-5);
    explorer()->budgetUnit()->setCurrentIndex(3);  // days on the GPUs
    QVERIFY(session_->currentRequest().budget->unit == BudgetUnit::Days);
    SP_COMPARE_REL(session_->budgetEquivalents()->flops, 2.0 * flops, 1e-5);
  }

  void clickingACompareLawDrawsIt() {
    QListView* view = explorer()->compareLaws();
    LawListModel* model = explorer()->lawModel();
    int row = -1;
    for (int i = 0; i < model->rowCount(); ++i) {
      if (model->index(i).data(LawListModel::LawIdRole).toString() == "besiroglu2024") row = i;
    }
    QVERIFY(row >= 0);
    const QModelIndex index = model->index(row);
    QCOMPARE(index.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
    // Click the check indicator as a user would.
    view->scrollTo(index);
    QStyleOptionViewItem option;
    option.initFrom(view);
    option.rect = view->visualRect(index);
    option.features |= QStyleOptionViewItem::HasCheckIndicator;
    const QRect check = view->style()->subElementRect(QStyle::SE_ItemViewItemCheckIndicator, &option, view);
    QSignalSpy spy(session_, &Session::compareLawsChanged);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, check.center());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(index.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
    QCOMPARE(session_->plottedLaws().size(), size_t(2));
    // The planning law's row cannot be unchecked.
    for (int i = 0; i < model->rowCount(); ++i) {
      if (model->index(i).data(LawListModel::IsPlanningLawRole).toBool()) {
        QVERIFY(!(model->flags(model->index(i)) & Qt::ItemIsUserCheckable));
      }
    }
  }

  void optionalInputsReachThePlan() {
    auto* inference = explorer()->inferenceTokens();
    QTest::mouseClick(inference->checkBox(), Qt::LeftButton);
    QVERIFY(inference->edit()->isEnabled());
    typeInto(inference->edit(), "20T");
    QVERIFY(session_->currentRequest().inference_tokens.has_value());
    SP_COMPARE_REL(*session_->currentRequest().inference_tokens, 20e12, 1e-12);
    QVERIFY(session_->currentResult()->inference.has_value());
    // With a large inference demand the model is smaller than Chinchilla-optimal for the same loss.
    QVERIFY(session_->currentResult()->params < session_->currentResult()->inference->chinchilla_params);
    QVERIFY(results()->value("inference").contains("Chinchilla-optimal"));
    QTest::mouseClick(inference->checkBox(), Qt::LeftButton);
    QVERIFY(!session_->currentRequest().inference_tokens.has_value());

    auto* unique = explorer()->uniqueTokens();
    QTest::mouseClick(unique->checkBox(), Qt::LeftButton);
    typeInto(unique->edit(), "100B");
    SP_COMPARE_REL(*session_->currentRequest().unique_tokens, 1e11, 1e-12);
    QVERIFY(results()->warnings().join('\n').contains("unique"));
  }

  // An inference-aware plan trains for more than the budget buys (Sardana et al.'s sizing): the
  // budget box shows the plan's own dollars and days, the same text the Plan panel shows.
  void budgetBoxShowsThePlanMade() {
    session_->setLaw("hoffmann2022");
    session_->setBudget(Budget{BudgetUnit::Flops, 1e24});
    const QString before = explorer()->budgetEquivalents()->text();
    QVERIFY(!before.contains("The plan made"));
    session_->setInferenceTokens(1e13);
    const auto& plan = session_->currentResult();
    QVERIFY(plan && plan->flops.value > 1.01e24);
    const QString box = explorer()->budgetEquivalents()->text();
    QVERIFY2(box.contains("The plan made trains for " + QString::fromStdString(formatFlops(plan->flops.value))), qPrintable(box));
    const QString usd = QString::fromStdString(formatUsd(plan->cost.cost_usd));
    const QString days = QString::fromStdString(formatDays(plan->cost.wall_clock.days()));
    QVERIFY2(box.contains(usd) && box.contains(days), qPrintable(box));
    QVERIFY(results()->value("cost").contains(usd));
    QVERIFY(results()->value("wall_clock").contains(days));
  }

  // A law with bootstrap samples: the Plan panel shows the plan's 95% intervals, as the core
  // computed them.
  void planPanelShowsIntervals() {
    auto law = loadLaw(std::string(SCALEPLAN_TEST_DATA_DIR) + "/laws/fitted_chinchilla.json");
    QVERIFY2(law, law.message().c_str());
    session_->addLaw(*law);
    session_->setLaw(law->id());
    session_->setBudget(Budget{BudgetUnit::Flops, 1e22});
    const auto& plan = session_->currentResult();
    QVERIFY(plan && plan->intervals.params && plan->intervals.predicted_loss);
    const QString params = results()->value("params");
    QVERIFY2(params.contains("95%") && params.contains(QString::fromStdString(formatCount(plan->intervals.params->low))),
             qPrintable(params));
    QVERIFY(results()->value("loss").contains("95%"));
  }

  void invalidInputsShowTheError() {
    typeInto(explorer()->price(), "0");  // back to the catalog price: still a plan
    QVERIFY(session_->currentResult());
    typeInto(explorer()->budgetAmount(), "0");
    QVERIFY(!session_->currentResult());
    QVERIFY(results()->error().contains("budget"));
    QCOMPARE(results()->value("params"), QString("—"));
    typeInto(explorer()->budgetAmount(), "1e24");
    QVERIFY(results()->error().isEmpty());
  }
};

QTEST_MAIN(TestBudgetExplorer)
#include "test_budget_explorer.moc"
