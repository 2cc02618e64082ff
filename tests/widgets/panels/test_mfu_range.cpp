// The budget explorer's "MFU range": ticking the box and typing 30-50% gives the plan request that
// range (planned at its midpoint, as 'plan --mfu 0.30:0.50'), and the Plan panel shows the 95%
// intervals of the core's makePlan for that request, on exactly the figures the range moves: time,
// GPU-hours, cost and energy for a FLOP budget; compute, N, D and loss for a dollar budget.
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QSlider>
#include <QVBoxLayout>
#include <map>

#include "controls/text_format.hpp"
#include "panels/budget_explorer.hpp"
#include "panels/result_panel.hpp"
#include "session/session.hpp"
#include "widgets/gui_test_support.hpp"

using namespace scaleplan;
using namespace scaleplan::test;

Q_DECLARE_METATYPE(scaleplan::BudgetUnit)

namespace {

constexpr double kGpus = 1024;
constexpr double kUsdPerGpuHour = 2.0;

// The Plan panel's energy format (result_panel.cpp): kWh, MWh or GWh with 3 significant digits.
QString energyText(double kwh) {
  if (kwh >= 1e6) return text::number(kwh / 1e6, 3) + " GWh";
  if (kwh >= 1e3) return text::number(kwh / 1e3, 3) + " MWh";
  return text::number(kwh, 3) + " kWh";
}

// "  (95%: LOW–HIGH)" as the panel appends it to a figure.
template <class Format>
QString ci95(const Interval& interval, Format format) {
  return QString("  (95%: %1–%2)").arg(format(interval.low), format(interval.high));
}

}  // namespace

class TestMfuRange : public QObject {
  Q_OBJECT

 private slots:
  void rangeReachesThePlanPanel_data() {
    QTest::addColumn<BudgetUnit>("unit");
    QTest::addColumn<double>("amount");
    QTest::addColumn<QString>("low");   // percent, typed
    QTest::addColumn<QString>("high");  // percent, typed
    QTest::addColumn<QStringList>("varying");  // panel fields the range gives an interval
    const QStringList time_and_money = {"wall_clock", "gpu_hours", "cost", "energy"};
    // A FLOP budget: the model is fixed, the time and what follows from it vary with MFU.
    QTest::newRow("1e24 FLOPs, 30-50%") << BudgetUnit::Flops << 1e24 << QString("30") << QString("50")
                                        << time_and_money;
    QTest::newRow("1e23 FLOPs, 35-45%") << BudgetUnit::Flops << 1e23 << QString("35") << QString("45")
                                        << time_and_money;
    // A dollar budget: the GPU-hours are fixed, the FLOPs they buy (and so N, D, loss) vary.
    QTest::newRow("$10M, 30-50%") << BudgetUnit::Usd << 1e7 << QString("30") << QString("50")
                                  << QStringList{"flops", "params", "tokens", "loss"};
  }

  void rangeReachesThePlanPanel() {
    QFETCH(BudgetUnit, unit);
    QFETCH(double, amount);
    QFETCH(QString, low);
    QFETCH(QString, high);
    QFETCH(QStringList, varying);

    Session session;
    session.setAccelerator("h100-sxm");
    session.setGpuCount(static_cast<int>(kGpus));
    session.setUsdPerGpuHour(kUsdPerGpuHour);
    session.setBudget(Budget{unit, amount});
    QWidget window;
    auto* layout = new QVBoxLayout(&window);
    auto* explorer = new BudgetExplorer(&session, &window);
    auto* panel = new ResultPanel(&session, &window);
    layout->addWidget(explorer);
    layout->addWidget(panel);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    // Off by default: the spin boxes wait with the core's default range, greyed.
    QVERIFY(!explorer->mfuRange()->isChecked());
    QVERIFY(!explorer->mfuRangeLow()->isEnabled());
    QCOMPARE(explorer->mfuRangeLow()->value(), 100.0 * kDefaultMfuRange.low);
    QCOMPARE(explorer->mfuRangeHigh()->value(), 100.0 * kDefaultMfuRange.high);
    QVERIFY(!panel->value("wall_clock").contains("95%"));

    QTest::mouseClick(explorer->mfuRange(), Qt::LeftButton);
    QVERIFY(explorer->mfuRange()->isChecked());
    QVERIFY(!explorer->mfuSpin()->isEnabled());  // the point is the range's midpoint
    typeInto(explorer->mfuRangeLow(), low);
    typeInto(explorer->mfuRangeHigh(), high);
    const Interval range{low.toDouble() / 100.0, high.toDouble() / 100.0};
    const PlanRequest& request = session.currentRequest();
    QVERIFY(request.mfu_range.has_value());
    QCOMPARE(request.mfu_range->low, range.low);
    QCOMPARE(request.mfu_range->high, range.high);
    QCOMPARE(request.mfu, 0.5 * (range.low + range.high));

    // The core's plan for the same inputs, built apart from the session.
    PlanSpec spec;
    spec.budget = Budget{unit, amount};
    spec.gpu_id = "h100-sxm";
    spec.gpu_count = static_cast<int>(kGpus);
    spec.mfu = 0.5 * (range.low + range.high);
    spec.mfu_range = range;
    spec.usd_per_gpu_hour = kUsdPerGpuHour;
    auto independent = makePlanRequest(spec, shippedCatalog());
    QVERIFY2(independent, independent.message().c_str());
    QVERIFY(*independent == request);
    auto plan = makePlan(*independent);
    QVERIFY2(plan, plan.message().c_str());
    const PlanIntervals& iv = plan->intervals;

    // The figures that vary, and only those, show the core's interval.
    auto count = [](double v) { return text::count(v); };
    auto days_text = [](double v) { return text::days(v); };
    auto loss_text = [](double v) { return text::number(v, 4); };
    const std::map<QString, std::pair<std::optional<Interval>, QString>> shown = {
        {"wall_clock", {iv.wall_clock_days, iv.wall_clock_days ? ci95(*iv.wall_clock_days, days_text) : ""}},
        {"gpu_hours", {iv.gpu_hours, iv.gpu_hours ? ci95(*iv.gpu_hours, count) : ""}},
        {"cost", {iv.cost_usd, iv.cost_usd ? ci95(*iv.cost_usd, [](double v) { return text::usd(v); }) : ""}},
        {"energy", {iv.energy_kwh, iv.energy_kwh ? ci95(*iv.energy_kwh, energyText) : ""}},
        {"flops", {iv.flops, iv.flops ? ci95(*iv.flops, [](double v) { return text::flops(v); }) : ""}},
        {"params", {iv.params, iv.params ? ci95(*iv.params, count) : ""}},
        {"tokens", {iv.tokens, iv.tokens ? ci95(*iv.tokens, count) : ""}},
        {"loss", {iv.predicted_loss, iv.predicted_loss ? ci95(*iv.predicted_loss, loss_text) : ""}},
    };
    for (const auto& [key, expected] : shown) {
      const QString value = panel->value(key);
      QVERIFY2(expected.first.has_value() == varying.contains(key), qPrintable(key));
      if (expected.first) {
        QVERIFY2(value.endsWith(expected.second), qPrintable(key + ": " + value + " vs " + expected.second));
      } else {
        QVERIFY2(!value.contains("95%"), qPrintable(key + ": " + value));
      }
    }
    const QString mfu = panel->value("mfu");
    QVERIFY2(mfu.contains(text::number(100.0 * range.low, 3) + "%–" + text::number(100.0 * range.high, 3) + "%"),
             qPrintable(mfu));

    // The interval ends against the budget: a FLOP budget takes C / (GPUs · peak · MFU) seconds.
    // The intervals are the 2.5th-97.5th percentiles of MFU spread evenly over the range (the
    // shortest time at the 97.5% quantile of MFU); with 1000 stratified draws the percentile lies
    // within one stratum (0.1% of the range) of the exact quantile: relative to the MFU at most
    // 0.001 x width / low.
    if (unit == BudgetUnit::Flops) {
      const double peak = shippedCatalog().find("h100-sxm")->peak(Precision::Bf16)->value;
      auto days = [&](double quantile) {
        const double mfu_at = range.low + quantile * (range.high - range.low);
        return amount / (kGpus * peak * mfu_at) / 86400.0;
      };
      const double tolerance = 1e-3 * (range.high - range.low) / range.low;
      QVERIFY(iv.wall_clock_days);
      SP_COMPARE_REL(iv.wall_clock_days->low, days(0.975), tolerance);
      SP_COMPARE_REL(iv.wall_clock_days->high, days(0.025), tolerance);
      SP_COMPARE_REL(iv.cost_usd->low, days(0.975) * 24.0 * kGpus * kUsdPerGpuHour, tolerance);
      SP_COMPARE_REL(iv.cost_usd->high, days(0.025) * 24.0 * kGpus * kUsdPerGpuHour, tolerance);
    }

    // Unticked: a point MFU again (the midpoint stays), no intervals.
    QTest::mouseClick(explorer->mfuRange(), Qt::LeftButton);
    QVERIFY(!session.currentRequest().mfu_range.has_value());
    QCOMPARE(session.currentRequest().mfu, 0.5 * (range.low + range.high));
    QVERIFY(explorer->mfuSpin()->isEnabled());
    QVERIFY(!explorer->mfuRangeLow()->isEnabled());
    QVERIFY(!panel->value(varying.front()).contains("95%"));
  }

  // The ends stay ordered: a low end typed above the high end moves the high end along.
  void endsStayOrdered() {
    Session session;
    BudgetExplorer explorer(&session);
    explorer.show();
    QVERIFY(QTest::qWaitForWindowExposed(&explorer));
    QTest::mouseClick(explorer.mfuRange(), Qt::LeftButton);
    typeInto(explorer.mfuRangeLow(), "48");
    QCOMPARE(explorer.mfuRangeHigh()->value(), 48.0);
    QCOMPARE(session.currentRequest().mfu_range->low, 0.48);
    QCOMPARE(session.currentRequest().mfu_range->high, 0.48);
    QVERIFY(session.currentResult().has_value());
  }
};

QTEST_MAIN(TestMfuRange)
#include "test_mfu_range.moc"
