// budgetEquivalents: one budget in FLOPs, dollars, GPU-hours and days on one setup, worked by hand
// (the GUI's budget explorer shows these and converts between them).
#include "plan/plan.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

// A made-up accelerator with round figures: 1e15 dense BF16 FLOP/s, $2 per GPU-hour.
Accelerator roundAccelerator() {
  Accelerator a;
  a.id = "round";
  a.name = "Round";
  a.dense_peak[Precision::Bf16] = FlopsPerSecond{1e15};
  a.memory_gb = 80.0;
  a.usd_per_gpu_hour = 2.0;
  return a;
}

}  // namespace

class TestBudgetEquivalents : public QObject {
  Q_OBJECT
 private slots:
  // 1e24 FLOPs on 1000 GPUs at MFU 0.5: 5e17 FLOP/s, so 2e6 s = 23.148 days, 555,556 GPU-hours,
  // $1,111,111 at $2 per GPU-hour.
  void workedExample() {
    ComputeSetup setup;
    setup.peak_per_gpu = FlopsPerSecond{1e15};
    setup.gpu_count = 1000;
    setup.mfu = 0.5;
    setup.usd_per_gpu_hour = 2.0;
    auto e = budgetEquivalents(Budget{BudgetUnit::Flops, 1e24}, setup);
    QVERIFY2(e, e.message().c_str());
    QCOMPARE(e->flops, 1e24);
    SP_COMPARE_REL(e->days, 2e6 / 86400.0, 1e-12);
    SP_COMPARE_REL(e->gpu_hours, 2e6 / 3600.0 * 1000.0, 1e-12);
    SP_COMPARE_REL(e->usd, 2e6 / 3600.0 * 1000.0 * 2.0, 1e-12);
    QCOMPARE(e->gpu_count, 1000);
    QCOMPARE(e->usd_per_gpu_hour, 2.0);
    // Each equivalent, given as the budget, buys the same FLOPs.
    for (const Budget& b : {Budget{BudgetUnit::Usd, e->usd}, Budget{BudgetUnit::GpuHours, e->gpu_hours}, Budget{BudgetUnit::Days, e->days}}) {
      auto back = budgetEquivalents(b, setup);
      QVERIFY2(back, back.message().c_str());
      SP_COMPARE_REL(back->flops, 1e24, 1e-12);
    }
    setup.usd_per_gpu_hour = 0.0;
    auto unpriced = budgetEquivalents(Budget{BudgetUnit::Flops, 1e24}, setup);
    QVERIFY(unpriced && !unpriced->hasPrice() && unpriced->usd == 0.0);
  }

  // From a plan request: the price is the request's override, else the accelerator's.
  void fromARequest() {
    PlanRequest r;
    r.accelerator = roundAccelerator();
    r.precision = Precision::Bf16;
    r.gpu_count = 1000;
    r.mfu = 0.5;
    r.budget = Budget{BudgetUnit::GpuHours, 1000.0};
    auto e = budgetEquivalents(r);
    QVERIFY2(e, e.message().c_str());
    SP_COMPARE_REL(e->flops, 1000.0 * 3600.0 * 1e15 * 0.5, 1e-12);
    QCOMPARE(e->usd_per_gpu_hour, 2.0);
    SP_COMPARE_REL(e->usd, 2000.0, 1e-12);
    r.usd_per_gpu_hour = 3.0;
    QCOMPARE(budgetEquivalents(r)->usd_per_gpu_hour, 3.0);
    r.budget.reset();
    QVERIFY(!budgetEquivalents(r));
  }
};

QTEST_APPLESS_MAIN(TestBudgetEquivalents)
#include "test_budget_equivalents.moc"
