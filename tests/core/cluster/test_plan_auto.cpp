// 'plan --mfu auto' in the core: the plan's MFU is the best layout's, the plan's time follows
// from it, and budgets whose N depends on the MFU settle.
#include <cmath>

#include "base/file_io.hpp"
#include "cluster/cluster_setup.hpp"
#include "cluster/shape_rule.hpp"
#include "counting/model_presets.hpp"
#include "cluster/plan_auto.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

const std::string kData = std::string(SCALEPLAN_SHIPPED_DATA_DIR);

struct Fixture {
  HardwareCatalog accelerators;
  SystemCatalog systems;
};

Fixture load() {
  auto hw = HardwareCatalog::loadFile(kData + "/hardware.json");
  if (!hw) qFatal("%s", hw.message().c_str());
  auto text = readTextFile(kData + "/hardware.json");
  auto s = SystemCatalog::parse(*text, "hardware.json", *hw);
  if (!s) qFatal("%s", s.message().c_str());
  return {*hw, *s};
}

AutoMfuSpec specFor(const Fixture& f, const std::string& gpu) {
  ClusterSetupSpec cs;
  cs.gpu_id = gpu;
  auto setup = makeClusterSetup(cs, f.accelerators, f.systems);
  if (!setup) qFatal("%s", setup.message().c_str());
  return AutoMfuSpec{setup->system, setup->rates, std::nullopt, "", kDefaultClusterSeqLen, std::nullopt, {}, {}};
}

PlanRequest request(const Fixture& f, Budget budget, const std::string& gpu, int gpus) {
  PlanSpec spec;
  spec.budget = budget;
  spec.gpu_id = gpu;
  spec.gpu_count = gpus;
  auto r = makePlanRequest(spec, f.accelerators);
  if (!r) qFatal("%s", r.message().c_str());
  return *r;
}

}  // namespace

class TestPlanAuto : public QObject {
  Q_OBJECT
 private slots:
  // A FLOP budget with a fixed architecture: N does not depend on the MFU, two rounds.
  void flopBudgetWithPreset() {
    const Fixture f = load();
    AutoMfuSpec spec = specFor(f, "h100-sxm");
    auto models = ModelCatalog::loadFile(kData + "/models.json");
    QVERIFY(models);
    spec.architecture = models->find("llama3-70b")->architecture;
    spec.architecture_source = "preset llama3-70b";
    auto planned = makePlanWithAutoMfu(request(f, {BudgetUnit::Flops, 1e24}, "h100-sxm", 1024), spec);
    QVERIFY2(planned, planned.message().c_str());
    QVERIFY(planned->rounds <= 2);
    SP_COMPARE_REL(planned->request.mfu, planned->best.mfu, 1e-3);
    QVERIFY(planned->best.fits);
    QCOMPARE(planned->best.job.gpus, std::int64_t{1024});
    // Wall clock = FLOPs / (GPUs · MFU · peak).
    const double seconds = 1e24 / (1024 * planned->request.mfu * 989.4e12);
    SP_COMPARE_REL(planned->result.cost.wall_clock.value, seconds, 1e-9);
    QCOMPARE(planned->architecture_source, std::string("preset llama3-70b"));
  }

  // A dollar budget: N depends on the MFU; the rounds settle and the shape rule sizes the model
  // the plan chose.
  void dollarBudgetSettlesWithShapeRule() {
    const Fixture f = load();
    auto planned = makePlanWithAutoMfu(request(f, {BudgetUnit::Usd, 1e7}, "h100-sxm", 2048), specFor(f, "h100-sxm"));
    QVERIFY2(planned, planned.message().c_str());
    SP_COMPARE_REL(planned->request.mfu, planned->best.mfu, 1e-3);
    const double n = countParameters(planned->architecture).total;
    SP_COMPARE_REL(n, planned->result.params, 0.10);  // layers rounded to a multiple of 4
    SP_VERIFY_CONTAINS(planned->architecture_source, "Llama shape rule");
  }

  // The shape rule reproduces Llama 3 70B's width class and the default batch divides.
  void shapeRuleAndDefaultBatch() {
    auto a = llamaShapeFor(70e9);
    QVERIFY2(a, a.message().c_str());
    QCOMPARE(a->head_dim, std::int64_t{128});
    QCOMPARE(a->kv_heads, std::int64_t{8});
    QCOMPARE(a->d_ff, ((a->d_model * 7 / 2 + 255) / 256) * 256);
    SP_COMPARE_REL(countParameters(*a).total, 70e9, 0.05);
    QVERIFY(!llamaShapeFor(1e3));
    QCOMPARE(defaultGlobalBatch(1024, 4096), std::int64_t{1024});  // 4M tokens
    QCOMPARE(defaultGlobalBatch(1000, 4096), std::int64_t{1125});  // multiple of 1000 / 8 = 125
  }
};

QTEST_APPLESS_MAIN(TestPlanAuto)
#include "test_plan_auto.moc"
