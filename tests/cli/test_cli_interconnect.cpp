// scaleplan-cli --interconnect FILE (step, layouts, plan --mfu auto): a real nccl-tests log
// (tests/data/cluster/nccl-tests, see SOURCE.md) replaces the network's spec bandwidth for the
// collective it measured, and the tensor-parallel communication time changes exactly as a hand
// calculation from the log's row and the system's stated latency and efficiency says.
#include <QFile>
#include <algorithm>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "cli_runner.hpp"
#include "test_support.hpp"

using scaleplan::test::cli;
using scaleplan::test::CliRun;
using scaleplan::test::jsonOf;

namespace {

const QString kH100Log = QString(SCALEPLAN_TEST_DATA_DIR) + "/cluster/nccl-tests/h100-2nodes-all_reduce.log";
const QString kSendRecvLog = QString(SCALEPLAN_TEST_DATA_DIR) + "/cluster/nccl-tests/a100-1node-sendrecv.log";

// Llama 2 7B (32 layers, d_model 4096) on two HGX H100 nodes with TP 16: TP spans the nodes, so
// its all-reduces run on the network. One micro-batch of 4096 tokens: each all-reduce moves
// 4096 x 4096 x 2 bytes = 33554432 B, a size the log measured.
QStringList tpAcrossNodes(const QStringList& extra, const QString& software = "megatron-2021") {
  return QStringList{"step", "--preset", "llama2-7b", "--system", "hgx-h100", "--gpus", "16", "--tp", "16", "--pp",
                     "1", "--dp", "1", "--cp", "1", "--virtual-stages", "1", "--micro-batch", "1",
                     "--sequence-parallel", "off", "--recompute", "none", "--zero", "0", "--seq", "4096",
                     "--global-batch", "16", "--json",
                     // The 2021 software leaves every TP collective exposed, so the term is their
                     // own time (the current software's backward overlap is tested below).
                     "--software", software} +
         extra;
}

QJsonObject hgxH100(const char* fabric) {
  QFile f(QString(SCALEPLAN_SHIPPED_DATA_DIR) + "/hardware.json");
  if (!f.open(QIODevice::ReadOnly)) return {};
  for (const auto& s : QJsonDocument::fromJson(f.readAll()).object()["systems"].toArray())
    if (s.toObject()["id"].toString() == "hgx-h100") return s.toObject()[fabric].toObject();
  return {};
}

}  // namespace

class TestCliInterconnect : public QObject {
  Q_OBJECT
 private slots:
  void measuredAllReduceSetsTheTensorParallelTime() {
    const QJsonObject network = hgxH100("network");
    const double nvlink_rate = hgxH100("nvlink")["gb_per_s_per_gpu"].toDouble() * 1e9;  // bytes/s
    QVERIFY(network.contains("latency_us") && network.contains("collective_efficiency"));
    const double latency = network["latency_us"].toDouble() * 1e-6;
    const double efficiency = network["collective_efficiency"].toDouble();
    const double line_rate = network["gbit_per_s_per_gpu"].toDouble() * 1e9 / 8.0;  // bytes/s
    // Per micro-batch and layer: 4 all-reduces (2 forward, 2 backward; no recomputation).
    // 16 micro-batches (global batch 16 / micro-batch 1 / DP 1) x 32 layers x 4 = 2048 calls, each
    // latency x 2 ceil(log2 16) + bytes x 2(n-1)/n / busbw.
    const double calls = 16.0 * 32.0 * 4.0;
    const double bytes = 33554432.0, factor = 2.0 * 15.0 / 16.0, steps = 8.0;

    CliRun spec = cli(tpAcrossNodes({}));
    QVERIFY2(spec.exit_code == 0, spec.err.constData());
    const double spec_tp = jsonOf(spec)["time"].toObject()["tp_communication"].toDouble();
    // The spec: a TP group of 16 with 8 members per node drives the node's 8 NICs (the model's
    // per-NIC rule, ClusterSystem::groupFabric), capped by NVLink: min(8 x 50, 450) GB/s x efficiency
    // (hardware.json's figures).
    const double group_rate = std::min(8.0 * line_rate, nvlink_rate);
    SP_COMPARE_REL(spec_tp, calls * (latency * steps + bytes * factor / (group_rate * efficiency)), 1e-9);

    // The current software overlaps the two backward collectives of the column-parallel layers
    // with their weight gradients: less exposed time, but never less than the forward's half.
    CliRun current = cli(tpAcrossNodes({}, "current"));
    QVERIFY2(current.exit_code == 0, current.err.constData());
    const double current_tp = jsonOf(current)["time"].toObject()["tp_communication"].toDouble();
    QVERIFY(current_tp < spec_tp && current_tp >= 0.5 * spec_tp);

    CliRun measured = cli(tpAcrossNodes({"--interconnect", kH100Log}));
    QVERIFY2(measured.exit_code == 0, measured.err.constData());
    // The log's 32 MiB row: in-place (the faster) 1054.0 us, so bytes x factor / busbw is that
    // time itself (busbw = bytes / time x factor); the measured time already includes the
    // latency, so none is added.
    const double measured_tp = jsonOf(measured)["time"].toObject()["tp_communication"].toDouble();
    SP_COMPARE_REL(measured_tp, calls * 1054.0e-6, 1e-9);
    QVERIFY(measured.err.contains("16 ranks on 2 hosts: the inter-node network"));
    // Everything else is the same: the log only replaces the network all-reduce.
    const QJsonObject a = jsonOf(spec)["time"].toObject(), b = jsonOf(measured)["time"].toObject();
    for (const char* term : {"gemm", "attention", "memory_bound", "optimizer"}) QCOMPARE(a[term].toDouble(), b[term].toDouble());
  }

  void layoutsAndAutoMfuTakeIt() {
    CliRun layouts = cli({"layouts", "--preset", "llama2-7b", "--system", "hgx-h100", "--gpus", "16", "--seq", "4096",
                          "--global-batch", "64", "--interconnect", kH100Log, "--json"});
    QVERIFY2(layouts.exit_code == 0, layouts.err.constData());
    QVERIFY(layouts.err.contains("interconnect: "));
    QVERIFY(!QJsonDocument::fromJson(layouts.out).array().isEmpty());

    CliRun plan = cli({"plan", "--flops", "1e22", "--gpu", "h100-sxm", "--gpus", "64", "--mfu", "auto",
                       "--arch-preset", "llama2-7b", "--interconnect", kH100Log, "--json"});
    QVERIFY2(plan.exit_code == 0, plan.err.constData());
    QVERIFY(plan.err.contains("the inter-node network"));
    QVERIFY(jsonOf(plan).contains("mfu_auto"));
    // Without --mfu auto the log would be ignored: refused.
    CliRun ignored = cli({"plan", "--flops", "1e22", "--gpu", "h100-sxm", "--interconnect", kH100Log});
    QCOMPARE(ignored.exit_code, 2);
    QVERIFY2(ignored.err.contains("--interconnect: only used with --mfu auto"), ignored.err.constData());
  }

  void badLogsAreSaid() {
    CliRun missing = cli(tpAcrossNodes({"--interconnect", "no-such.log"}));
    QCOMPARE(missing.exit_code, 1);
    QVERIFY2(missing.err.contains("--interconnect: ") && missing.err.contains("no-such.log"), missing.err.constData());
    // A log without a device list must say its fabric...
    CliRun unknown = cli(tpAcrossNodes({"--interconnect", kSendRecvLog}));
    QCOMPARE(unknown.exit_code, 1);
    QVERIFY2(unknown.err.contains("lists no devices"), unknown.err.constData());
    // ... and then it is used.
    CliRun stated = cli(tpAcrossNodes({"--interconnect", "nvlink:" + kSendRecvLog}));
    QVERIFY2(stated.exit_code == 0, stated.err.constData());
    QVERIFY(stated.err.contains("send-recv (log text), stated: the NVLink domain"));
  }
};

QTEST_APPLESS_MAIN(TestCliInterconnect)
#include "test_cli_interconnect.moc"
