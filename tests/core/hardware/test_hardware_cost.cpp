// Time, GPU-hours, dollars and energy from FLOPs, and budgets back to FLOPs.
#include <cmath>
#include <limits>
#include <string>

#include "hardware/accelerator.hpp"
#include "hardware/cost.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

const std::string kShipped = std::string(SCALEPLAN_SHIPPED_DATA_DIR) + "/hardware.json";

HardwareCatalog shipped() {
  auto c = HardwareCatalog::loadFile(kShipped);
  if (!c) qFatal("shipped catalog does not load: %s", c.message().c_str());
  return std::move(c).value();
}

// The book's cluster: 256 GPUs at 60 TFLOP/s each.
ComputeSetup bookSetup(double mfu, double usd_per_gpu_hour = 0.0) {
  ComputeSetup s;
  s.peak_per_gpu = FlopsPerSecond::fromTera(60.0);
  s.gpu_count = 256;
  s.mfu = mfu;
  s.usd_per_gpu_hour = usd_per_gpu_hour;
  return s;
}

std::string invalidReason(const ComputeSetup& s) {
  std::string error;
  if (s.isValid(&error)) return "(valid)";
  return error;
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

}  // namespace

class TestHardwareCost : public QObject {
  Q_OBJECT
 private slots:
  void gpt3AtFullUtilisationTakes236Days() {
    // GPT-3 175B: 3.14e23 FLOPs on 256 GPUs at 60 TFLOP/s, 100% utilisation.
    auto r = costOf(Flops{3.14e23}, bookSetup(1.0));
    QVERIFY2(r, r.message().c_str());
    SP_COMPARE_REL(r->wall_clock.days(), 236.6, 1e-3);
    // Independently: 3.14e23 / (256 · 60e12 FLOP/s) / 86,400 s per day.
    SP_COMPARE_REL(r->wall_clock.days(), 3.14e23 / (256 * 60e12) / 86400, 1e-12);
    SP_COMPARE_REL(r->cluster_rate.value, 256 * 60e12, 1e-15);
    SP_COMPARE_REL(r->gpu_days, r->wall_clock.days() * 256, 1e-12);
  }

  void gpt3At70PercentAnd2DollarsCosts4Point15Million() {
    auto r = costOf(Flops{3.14e23}, bookSetup(0.7, 2.0));
    QVERIFY2(r, r.message().c_str());
    SP_COMPARE_REL(r->cost_usd, 4.153e6, 1e-3);
    // GPU-seconds = 3.14e23 / (60e12 · 0.7); dollars = GPU-hours · $2.
    const double gpu_hours = 3.14e23 / (60e12 * 0.7) / 3600;
    SP_COMPARE_REL(r->gpu_hours, gpu_hours, 1e-12);
    SP_COMPARE_REL(r->cost_usd, gpu_hours * 2.0, 1e-12);
    SP_COMPARE_REL(r->wall_clock.days(), 236.6049 / 0.7, 1e-5);
    QVERIFY(r->warnings.size() == 1);  // no TDP given: energy is 0, price is known
    SP_VERIFY_CONTAINS(r->warnings.front(), "no TDP");
    QCOMPARE(r->energy_kwh, 0.0);
  }

  void booksRoundedArithmeticGives4142811() {
    // The book rounds a GPU-day to 5.2e18 FLOPs (60e12 · 86,400 = 5.184e18), hence 236 days on 256 GPUs
    // at 100%, then divides by 0.7 and bills 24 h × $2 per GPU-day.
    const double days_at_full = std::round(3.14e23 / (5.2e18 * 256));
    QCOMPARE(days_at_full, 236.0);
    const double book_dollars = days_at_full / 0.7 * 256 * 24 * 2.0;
    QCOMPARE(std::floor(book_dollars), 4142811.0);
    // The implementation reproduces it to the dollar when fed the book's rounded compute
    // (236 days of 256 GPUs at 60 TFLOP/s).
    auto r = costOf(Flops{236.0 * 86400 * 256 * 60e12}, bookSetup(0.7, 2.0));
    QVERIFY2(r, r.message().c_str());
    QCOMPARE(std::floor(r->cost_usd), 4142811.0);
    // The exact figure is about 0.25% higher than the book's.
    auto exact = costOf(Flops{3.14e23}, bookSetup(0.7, 2.0));
    SP_COMPARE_REL(exact->cost_usd / r->cost_usd, 3.14e23 / (236.0 * 86400 * 256 * 60e12), 1e-12);
  }

  void sixNDExamples() {
    // GPT-3: 6 · 175e9 parameters · 300e9 tokens ≈ 3.15e23, the 3.14e23 quoted above within 0.5%.
    const double gpt3 = 6 * 175e9 * 300e9;
    SP_COMPARE_REL(gpt3, 3.15e23, 1e-12);
    SP_COMPARE_REL(gpt3, 3.14e23, 5e-3);
    // Chinchilla: 6 · 70e9 · 1.4e12 = 5.88e23.
    const double chinchilla = 6 * 70e9 * 1.4e12;
    SP_COMPARE_REL(chinchilla, 5.88e23, 1e-12);
    // Chinchilla on the book's cluster at 100%: 5.88e23 / (256 · 60e12) s.
    auto r = costOf(Flops{chinchilla}, bookSetup(1.0));
    SP_COMPARE_REL(r->wall_clock.value, 5.88e23 / (256 * 60e12), 1e-12);
  }

  void energyFromTdpHoursAndPue() {
    HardwareCatalog c = shipped();
    auto setup = setupFor(*c.find("h100-sxm"), Precision::Bf16, 1024, 0.4);
    QVERIFY2(setup, setup.message().c_str());
    QCOMPARE(setup->pue, kDefaultPue);
    QCOMPARE(setup->watts_per_gpu, 700.0);
    QCOMPARE(setup->usd_per_gpu_hour, 2.99);
    auto r = costOf(Flops{5.88e23}, *setup);
    QVERIFY2(r, r.message().c_str());
    // Independently: hours = 5.88e23 / (989.4e12 · 0.4 · 1024) / 3600; kWh = 700 W · 1024 · h · 1.2 / 1000.
    const double hours = 5.88e23 / (989.4e12 * 0.4 * 1024) / 3600;
    SP_COMPARE_REL(r->wall_clock.hours(), hours, 1e-12);
    SP_COMPARE_REL(r->gpu_hours, hours * 1024, 1e-12);
    SP_COMPARE_REL(r->energy_kwh, 700.0 * 1024 * hours * 1.2 / 1000, 1e-12);
    SP_COMPARE_REL(r->cost_usd, hours * 1024 * 2.99, 1e-12);
    QVERIFY(r->warnings.empty());
    // About 347 MWh: 1024 GPUs of 700 W for ~403 hours (16.8 days), times 1.2.
    SP_COMPARE_REL(r->energy_kwh, 3.467e5, 1e-3);

    // A PUE of 1.5 scales energy, nothing else.
    auto hot = setupFor(*c.find("h100-sxm"), Precision::Bf16, 1024, 0.4, std::nullopt, 1.5);
    auto r15 = costOf(Flops{5.88e23}, *hot);
    SP_COMPARE_REL(r15->energy_kwh / r->energy_kwh, 1.5 / 1.2, 1e-12);
    QCOMPARE(r15->cost_usd, r->cost_usd);
  }

  void setupUsesCatalogPriceOverrideAndPrecision() {
    HardwareCatalog c = shipped();
    const Accelerator& h100 = *c.find("h100-sxm");
    auto fp8 = setupFor(h100, Precision::Fp8, 8, 0.3, 1.5);
    QVERIFY2(fp8, fp8.message().c_str());
    QCOMPARE(fp8->peak_per_gpu.value, 1978.9e12);
    QCOMPARE(fp8->usd_per_gpu_hour, 1.5);
    QCOMPARE(fp8->gpu_count, 8);
    SP_COMPARE_REL(fp8->clusterRate().value, 1978.9e12 * 0.3 * 8, 1e-15);

    // GB200 has no catalog price: cost is 0 with a warning, not an error.
    auto gb = setupFor(*c.find("gb200"), Precision::Bf16, 72, 0.4);
    QVERIFY2(gb, gb.message().c_str());
    QCOMPARE(gb->usd_per_gpu_hour, 0.0);
    auto r = costOf(Flops{1e24}, *gb);
    QVERIFY(r);
    QCOMPARE(r->cost_usd, 0.0);
    QCOMPARE(r->warnings.size(), std::size_t(1));
    QCOMPARE(r->warnings.front(), std::string("no price per GPU-hour: cost_usd is 0"));
  }

  void precisionTheGpuLacksIsAnError() {
    HardwareCatalog c = shipped();
    auto v100 = setupFor(*c.find("v100-sxm2-32gb"), Precision::Bf16, 8, 0.4);
    QVERIFY(!v100);
    QCOMPARE(v100.message(), std::string("v100-sxm2-32gb has no bf16 peak; it supports fp64, fp32, fp16"));
    auto int4 = setupFor(*c.find("h100-sxm"), Precision::Int4, 8, 0.4);
    QVERIFY(!int4);
    QCOMPARE(int4.message(),
             std::string("h100-sxm has no int4 peak; it supports fp64, fp32, tf32, bf16, fp16, fp8, int8"));
    auto tpu = setupFor(*c.find("tpu-v4"), Precision::Fp8, 8, 0.4);
    QCOMPARE(tpu.message(), std::string("tpu-v4 has no fp8 peak; it supports bf16, int8"));
  }

  void invalidSetupsNameTheField() {
    ComputeSetup s = bookSetup(0.5);
    QCOMPARE(invalidReason(s), std::string("(valid)"));
    s.mfu = 1.5;
    QCOMPARE(invalidReason(s), std::string("mfu: must be in (0, 1], got 1.5"));
    s.mfu = 0.0;
    QCOMPARE(invalidReason(s), std::string("mfu: must be in (0, 1], got 0"));
    s.mfu = -0.2;
    QCOMPARE(invalidReason(s), std::string("mfu: must be in (0, 1], got -0.2"));
    s.mfu = kNaN;
    QCOMPARE(invalidReason(s), std::string("mfu: must be in (0, 1], got nan"));
    s.mfu = 1.0;  // exactly 1 is allowed
    QCOMPARE(invalidReason(s), std::string("(valid)"));

    s = bookSetup(0.5);
    s.gpu_count = 0;
    QCOMPARE(invalidReason(s), std::string("gpu_count: must be at least 1, got 0"));
    s = bookSetup(0.5);
    s.peak_per_gpu = FlopsPerSecond{0.0};
    QCOMPARE(invalidReason(s), std::string("peak_per_gpu: must be a positive, finite rate in FLOP/s, got 0"));
    s.peak_per_gpu = FlopsPerSecond{kInf};
    QCOMPARE(invalidReason(s),
             std::string("peak_per_gpu: must be a positive, finite rate in FLOP/s, got inf"));
    s = bookSetup(0.5);
    s.usd_per_gpu_hour = -2.0;
    QCOMPARE(invalidReason(s), std::string("usd_per_gpu_hour: must be a finite number >= 0, got -2"));
    s = bookSetup(0.5);
    s.watts_per_gpu = kNaN;
    QCOMPARE(invalidReason(s), std::string("watts_per_gpu: must be a finite number >= 0, got nan"));
    s = bookSetup(0.5);
    s.pue = 0.9;
    QCOMPARE(invalidReason(s),
             std::string("pue: must be a finite number >= 1 (facility energy / IT energy), got 0.9"));

    // The same messages come back through every entry point.
    HardwareCatalog c = shipped();
    auto bad_mfu = setupFor(*c.find("h100-sxm"), Precision::Bf16, 8, 1.5);
    QCOMPARE(bad_mfu.message(), std::string("mfu: must be in (0, 1], got 1.5"));
    auto bad_gpus = setupFor(*c.find("h100-sxm"), Precision::Bf16, -3, 0.4);
    QCOMPARE(bad_gpus.message(), std::string("gpu_count: must be at least 1, got -3"));
    auto bad_price = setupFor(*c.find("h100-sxm"), Precision::Bf16, 8, 0.4, -1.0);
    QCOMPARE(bad_price.message(), std::string("usd_per_gpu_hour: must be a finite number >= 0, got -1"));
    ComputeSetup nan_mfu = bookSetup(kNaN);
    QCOMPARE(costOf(Flops{1e20}, nan_mfu).message(), std::string("mfu: must be in (0, 1], got nan"));
    QCOMPARE(flopsForBudget(Budget{BudgetUnit::Flops, 1e20}, nan_mfu).message(),
             std::string("mfu: must be in (0, 1], got nan"));
  }

  void badFlopCounts() {
    QCOMPARE(costOf(Flops{0.0}, bookSetup(0.5)).message(), std::string("flops: must be positive, got 0"));
    QCOMPARE(costOf(Flops{-1e20}, bookSetup(0.5)).message(),
             std::string("flops: must be positive, got -1e+20"));
    QCOMPARE(costOf(Flops{kNaN}, bookSetup(0.5)).message(),
             std::string("flops: must be a finite number, got nan"));
    QCOMPARE(costOf(Flops{kInf}, bookSetup(0.5)).message(),
             std::string("flops: must be a finite number, got inf"));
  }

  void budgetsRoundTrip() {
    const ComputeSetup setup = bookSetup(0.7, 2.0);
    const Flops flops{3.14e23};
    auto r = costOf(flops, setup);
    QVERIFY(r);
    auto from_usd = flopsForBudget(Budget{BudgetUnit::Usd, r->cost_usd}, setup);
    auto from_hours = flopsForBudget(Budget{BudgetUnit::GpuHours, r->gpu_hours}, setup);
    auto from_days = flopsForBudget(Budget{BudgetUnit::Days, r->wall_clock.days()}, setup);
    auto from_flops = flopsForBudget(Budget{BudgetUnit::Flops, 3.14e23}, setup);
    QVERIFY(from_usd && from_hours && from_days && from_flops);
    SP_COMPARE_REL(from_usd->value, 3.14e23, 1e-12);
    SP_COMPARE_REL(from_hours->value, 3.14e23, 1e-12);
    SP_COMPARE_REL(from_days->value, 3.14e23, 1e-12);
    QCOMPARE(from_flops->value, 3.14e23);
  }

  void budgetsComputedIndependently() {
    // $1M at $2/GPU-hour = 500,000 GPU-hours of 60 TFLOP/s at 70%: 5e5 · 3600 · 42e12 FLOPs.
    auto usd = flopsForBudget(Budget{BudgetUnit::Usd, 1e6}, bookSetup(0.7, 2.0));
    SP_COMPARE_REL(usd->value, 5e5 * 3600 * 42e12, 1e-12);
    // A deadline of 236.6 days on the 256 GPUs at 100% buys GPT-3's 3.14e23 FLOPs.
    auto days = flopsForBudget(Budget{BudgetUnit::Days, 236.6}, bookSetup(1.0));
    SP_COMPARE_REL(days->value, 3.14e23, 1e-4);
    SP_COMPARE_REL(days->value, 236.6 * 86400 * 256 * 60e12, 1e-12);
    // GPU-hours do not depend on how many GPUs share them.
    ComputeSetup one = bookSetup(0.5);
    one.gpu_count = 1;
    auto a = flopsForBudget(Budget{BudgetUnit::GpuHours, 1000}, one);
    auto b = flopsForBudget(Budget{BudgetUnit::GpuHours, 1000}, bookSetup(0.5));
    QCOMPARE(a->value, b->value);
    SP_COMPARE_REL(a->value, 1000 * 3600 * 30e12, 1e-12);
  }

  void badBudgets() {
    const ComputeSetup priced = bookSetup(0.5, 2.0);
    QCOMPARE(flopsForBudget(Budget{BudgetUnit::Usd, -5}, priced).message(),
             std::string("budget: must be positive, got -5 (usd)"));
    QCOMPARE(flopsForBudget(Budget{BudgetUnit::Flops, 0}, priced).message(),
             std::string("budget: must be positive, got 0 (flops)"));
    QCOMPARE(flopsForBudget(Budget{BudgetUnit::Days, kNaN}, priced).message(),
             std::string("budget: must be a finite number, got nan (days)"));
    QCOMPARE(flopsForBudget(Budget{BudgetUnit::GpuHours, kInf}, priced).message(),
             std::string("budget: must be a finite number, got inf (gpu-hours)"));
    auto no_price = flopsForBudget(Budget{BudgetUnit::Usd, 1e6}, bookSetup(0.5));
    QVERIFY(!no_price);
    SP_VERIFY_CONTAINS(no_price.message(), "budget: a dollar budget needs a price per GPU-hour");
    // Other units need no price.
    QVERIFY(flopsForBudget(Budget{BudgetUnit::GpuHours, 1e6}, bookSetup(0.5)));
  }

  void budgetUnitNames() {
    for (BudgetUnit u : {BudgetUnit::Flops, BudgetUnit::Usd, BudgetUnit::GpuHours, BudgetUnit::Days}) {
      auto back = budgetUnitFromString(toString(u));
      QVERIFY(back.has_value());
      QVERIFY(*back == u);
    }
    QCOMPARE(toString(BudgetUnit::GpuHours), std::string_view("gpu-hours"));
    QCOMPARE(toString(BudgetUnit::Usd), std::string_view("usd"));
    QVERIFY(!budgetUnitFromString("dollars").has_value());
    QVERIFY(!budgetUnitFromString("").has_value());
  }
};

QTEST_APPLESS_MAIN(TestHardwareCost)
#include "test_hardware_cost.moc"
