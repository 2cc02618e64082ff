// The `scaleplan-cli step` command the Cluster tab copies for its selected layout
// (stepCommandArguments) costs the same step when the CLI runs it: a job with fabric, efficiency
// and software overrides and a measured nccl-tests log, estimated in-process the way the tab
// builds it, against the CLI's --json on the generated arguments. Defaults are left out; odd
// characters are quoted for the shell.
#include <QJsonDocument>
#include <QJsonObject>
#include <optional>

#include "cli_runner.hpp"
#include "cluster/gemm_rates.hpp"
#include "cluster/nccl_tests.hpp"
#include "cluster/shape_rule.hpp"
#include "cluster/step_command.hpp"
#include "core/cluster/shipped_catalogs.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

const std::string kLog = std::string(SCALEPLAN_TEST_DATA_DIR) + "/cluster/nccl-tests/h100-2nodes-all_reduce.log";

// Llama 3 70B on 64 HGX H100s at 200 Gb/s with efficiency 0.7, the 2022 software with 4-byte
// gradients, GEMM 0.6, the log's all-reduce curve; TP 4 · PP 4 · V 5 · DP 4, full recomputation
// of 2 layers per device.
StepCommand exampleCommand() {
  StepCommand c;
  c.preset_id = "llama3-70b";
  c.system_id = "hgx-h100";
  c.base_system = test::shippedSystem("hgx-h100");
  c.accelerator_id = c.system_accelerator_id = c.base_system.accelerator.id;
  c.job.arch = test::shippedPreset("llama3-70b").architecture;
  c.job.gpus = 64, c.job.global_batch = 128, c.job.seq_len = 4096, c.job.precision = Precision::Bf16;
  ClusterOverrides o;
  o.network_gbps = 200.0, o.network_efficiency = 0.7;
  if (Status st = addInterconnectLogs(o, {{kLog, std::nullopt}}, c.base_system); !st) qFatal("%s", st.message().c_str());
  auto system = applyOverrides(c.base_system, o);
  if (!system) qFatal("%s", system.message().c_str());
  c.system = *system;
  c.execution = ExecutionOptions::forSoftware(TrainingSoftware::Megatron2022);
  c.execution.setGradientBytes(4.0);
  c.execution.gemm.peak_fraction = 0.6;
  c.interconnect_files = {kLog};
  ParallelLayout& l = c.layout;
  l.tp = 4, l.pp = 4, l.virtual_stages = 5, l.dp = 4, l.micro_batch = 1, l.sequence_parallel = true;
  l.recompute = Recompute::Full, l.recompute_layers = 2;
  return c;
}

// The estimate the Cluster tab shows for the command's inputs, costed in-process.
std::optional<StepEstimate> inProcess(const StepCommand& c) {
  auto rates = GemmRates::fromCatalog(c.system.accelerator, c.job.precision, c.execution.gemm);
  if (!rates) qFatal("%s", rates.message().c_str());
  auto e = estimateStep(c.job, c.layout, c.system, *rates, c.execution);
  if (!e) qFatal("%s", e.message().c_str());
  return *e;
}

QStringList argumentsOf(const StepCommand& c) {
  QStringList out;
  for (const std::string& a : stepCommandArguments(c)) out << QString::fromStdString(a);
  return out;
}

}  // namespace

class TestCliStepCommand : public QObject {
  Q_OBJECT
 private slots:
  void theCliCostsTheSameStep() {
    const StepCommand c = exampleCommand();
    const std::optional<StepEstimate> expected = inProcess(c);
    const QStringList qargs = argumentsOf(c);
    // Only what differs from the system and the software's defaults is said.
    for (const char* flag : {"--network-gbps", "--network-efficiency", "--software", "--gradient-bytes",
                             "--gemm-efficiency", "--interconnect", "--recompute-layers"})
      QVERIFY2(qargs.contains(flag), flag);
    for (const char* flag : {"--nvlink-gbps", "--gpus-per-node", "--memory-efficiency", "--gpu", "--expert-tp"})
      QVERIFY2(!qargs.contains(flag), flag);
    QCOMPARE(qargs.at(qargs.indexOf("--network-gbps") + 1), QString("200"));
    QCOMPARE(qargs.at(qargs.indexOf("--gemm-efficiency") + 1), QString("0.6"));

    test::CliRun r = test::cli(qargs + QStringList{"--json"});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    const QJsonObject o = test::jsonOf(r);
    SP_COMPARE_REL(o.value("step_seconds").toDouble(), expected->step_seconds, 1e-9);
    SP_COMPARE_REL(o.value("memory_per_gpu_bytes").toDouble(), expected->memory.total(), 1e-9);
    SP_COMPARE_REL(o.value("mfu").toDouble(), expected->mfu, 1e-9);
  }

  // An accelerator other than the system's: --gpu beside --system, and the CLI builds the same
  // generic system around it (the system's fabrics).
  void anotherAcceleratorInTheSystem() {
    StepCommand c = exampleCommand();
    c.system_id = "dgx-a100";
    const ClusterSystem a100 = test::shippedSystem("dgx-a100");
    c.system_accelerator_id = a100.accelerator.id;
    c.accelerator_id = "h100-sxm";
    c.base_system = genericSystemFor(test::shippedSystem("hgx-h100").accelerator, &a100);
    c.system = c.base_system;
    c.execution = ExecutionOptions{};
    c.interconnect_files.clear();
    const std::optional<StepEstimate> expected = inProcess(c);
    const QStringList qargs = argumentsOf(c);
    QCOMPARE(qargs.at(qargs.indexOf("--gpu") + 1), QString("h100-sxm"));
    QVERIFY(!qargs.contains("--network-gbps") && !qargs.contains("--software"));
    test::CliRun r = test::cli(qargs + QStringList{"--json"});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    SP_COMPARE_REL(test::jsonOf(r).value("step_seconds").toDouble(), expected->step_seconds, 1e-9);
  }

  // A model that is no preset (the Cluster tab's "plan's model", the shape rule for a plan's N;
  // here also a GPT-style one with learned positions, biases and tied embeddings, and a mixture
  // of experts): its architecture as flags, and the CLI costs the same step.
  void architectureWithoutAPreset_data() {
    QTest::addColumn<QString>("kind");
    QTest::newRow("shape rule") << "shape";
    QTest::newRow("gpt style") << "gpt";
    QTest::newRow("mixture of experts") << "moe";
  }
  void architectureWithoutAPreset() {
    QFETCH(QString, kind);
    StepCommand c = exampleCommand();
    c.preset_id.clear();
    c.execution = ExecutionOptions{};
    c.interconnect_files.clear();
    c.system = c.base_system;
    ParallelLayout& l = c.layout;
    if (kind == "shape") {
      auto shaped = llamaShapeFor(4.13e10);
      QVERIFY2(shaped, shaped.message().c_str());
      c.job.arch = *shaped;
      l = ParallelLayout{};
      l.tp = 2, l.dp = 32, l.micro_batch = 1, l.sequence_parallel = true, l.zero_stage = 3;
    } else if (kind == "gpt") {
      TransformerArchitecture& a = c.job.arch;
      a = TransformerArchitecture{};
      a.layers = 24, a.d_model = 2048, a.heads = 16, a.d_ff = 8192, a.mlp = MlpKind::Gelu, a.vocab = 50257;
      a.tied_embeddings = true, a.positions = PositionKind::Learned, a.max_seq_len = 4096, a.biases = true;
      a.norm = NormKind::LayerNorm;
      l = ParallelLayout{};
      l.tp = 1, l.dp = 64, l.micro_batch = 2, l.zero_stage = 1;
    } else {
      c.job.arch = test::shippedPreset("mixtral-8x7b").architecture;
      c.job.arch.moe.shared_experts = 1, c.job.arch.moe.first_dense_layers = 1, c.job.arch.moe.expert_d_ff = 7168;
      l = ParallelLayout{};
      l.tp = 2, l.pp = 4, l.dp = 8, l.ep = 4, l.micro_batch = 1, l.sequence_parallel = true, l.zero_stage = 1;
    }
    const std::optional<StepEstimate> expected = inProcess(c);
    const QStringList qargs = argumentsOf(c);
    QVERIFY(!qargs.contains("--preset"));
    QCOMPARE(qargs.at(qargs.indexOf("--layers") + 1), QString::number(c.job.arch.layers));
    QCOMPARE(qargs.contains("--tied"), c.job.arch.tied_embeddings);
    test::CliRun r = test::cli(qargs + QStringList{"--json"});
    QVERIFY2(r.exit_code == 0, (r.err + qargs.join(' ').toUtf8()).constData());
    const QJsonObject o = test::jsonOf(r);
    SP_COMPARE_REL(o.value("step_seconds").toDouble(), expected->step_seconds, 1e-9);
    SP_COMPARE_REL(o.value("memory_per_gpu_bytes").toDouble(), expected->memory.total(), 1e-9);
    SP_COMPARE_REL(o.value("mfu").toDouble(), expected->mfu, 1e-9);
  }

  void shellLineQuotesOddCharacters() {
    StepCommand c = exampleCommand();
    c.interconnect_files = {"/tmp/my logs/it's.log"};
    const std::string line = stepCommandLine(c);
    QVERIFY2(line.rfind("scaleplan-cli step --preset llama3-70b --system hgx-h100 --precision bf16 ", 0) == 0,
             line.c_str());
    SP_VERIFY_CONTAINS(line, "--interconnect '/tmp/my logs/it'\\''s.log'");
    SP_VERIFY_CONTAINS(line, "--tp 4 --pp 4 --dp 4 --cp 1 --ep 1 --virtual-stages 5 --micro-batch 1 "
                             "--sequence-parallel on --recompute full --recompute-layers 2 --zero 0");
  }
};

QTEST_GUILESS_MAIN(TestCliStepCommand)
#include "test_cli_step_command.moc"
