// Cluster systems: the shipped "systems" of data/hardware.json, collective times against
// hand-computed values, measured curves, overrides and bad input.
#include <cmath>
#include <string>

#include "base/file_io.hpp"
#include "cluster/cluster_system.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

const std::string kShipped = std::string(SCALEPLAN_SHIPPED_DATA_DIR) + "/hardware.json";

SystemCatalog shippedSystems() {
  auto hw = HardwareCatalog::loadFile(kShipped);
  if (!hw) qFatal("%s", hw.message().c_str());
  auto text = readTextFile(kShipped);
  if (!text) qFatal("%s", text.message().c_str());
  auto s = SystemCatalog::parse(*text, "hardware.json", *hw);
  if (!s) qFatal("%s", s.message().c_str());
  return std::move(s).value();
}

}  // namespace

class TestClusterSystem : public QObject {
  Q_OBJECT
 private slots:
  void collectiveNamesRoundTrip() {
    for (auto c : {Collective::AllReduce, Collective::AllGather, Collective::ReduceScatter, Collective::AllToAll,
                   Collective::SendRecv}) {
      QCOMPARE(collectiveFromString(toString(c)), std::optional<Collective>(c));
    }
    QVERIFY(!collectiveFromString("allreduce"));
    QCOMPARE(allCollectiveNames(), std::string("all-reduce, all-gather, reduce-scatter, all-to-all, send-recv"));
  }

  void shippedSystemsHaveSpecValues() {
    const auto cat = shippedSystems();
    QCOMPARE(cat.systems().size(), std::size_t{8});
    const ClusterSystem* a100 = cat.find("dgx-a100");
    QVERIFY(a100);
    QCOMPARE(a100->accelerator.id, std::string("a100-80gb-sxm"));
    SP_COMPARE_REL(a100->nvlink.bytes_per_second_per_gpu, 300e9, 1e-12);
    SP_COMPARE_REL(a100->network.bytes_per_second_per_gpu, 25e9, 1e-12);  // 200 Gb/s
    const ClusterSystem* nvl72 = cat.find("gb200-nvl72");
    QVERIFY(nvl72);
    QCOMPARE(nvl72->nvlink_domain_gpus, 72);
    QCOMPARE(&nvl72->fabricFor(72), &nvl72->nvlink);
    QCOMPARE(&nvl72->fabricFor(144), &nvl72->network);
    QCOMPARE(cat.findByAccelerator("h200")->id, std::string("hgx-h200"));
    // Blackwell Ultra: one 800 Gb/s ConnectX-8 per GPU (100 GB/s); GB300 NVL72's domain as GB200's.
    const ClusterSystem* gb300 = cat.find("gb300-nvl72");
    QVERIFY(gb300);
    QCOMPARE(gb300->accelerator.id, std::string("gb300"));
    QCOMPARE(gb300->nvlink_domain_gpus, 72);
    QCOMPARE(gb300->gpus_per_node, 4);
    SP_COMPARE_REL(gb300->network.bytes_per_second_per_gpu, 100e9, 1e-12);
    QCOMPARE(cat.findByAccelerator("b300")->id, std::string("dgx-b300"));
    SP_COMPARE_REL(cat.find("dgx-b300")->network.bytes_per_second_per_gpu, 100e9, 1e-12);
    SP_VERIFY_CONTAINS(cat.get("dgx-z").message(), "known: dgx-a100, hgx-h100");
  }

  // Ring all-reduce of 1 GiB over 8 ranks at 300 GB/s x 0.8: 2·7/8 · 2^30 / 240e9 s plus
  // 2·ceil(log2 8) = 6 latency steps of 5 µs.
  void allReduceTimeHandComputed() {
    Fabric f{300e9, 0.8, 5e-6, {}, "test"};
    const double bytes = 1073741824.0;
    const double expected = 6 * 5e-6 + 1.75 * bytes / 240e9;
    SP_COMPARE_REL(collectiveSeconds(f, Collective::AllReduce, bytes, 8), expected, 1e-12);
    // all-gather: (n-1)/n of the bytes, and a ring's n - 1 = 7 latency steps
    SP_COMPARE_REL(collectiveSeconds(f, Collective::AllGather, bytes, 8), 7 * 5e-6 + 0.875 * bytes / 240e9, 1e-12);
    QCOMPARE(collectiveSeconds(f, Collective::AllReduce, bytes, 1), 0.0);
  }

  // A ring over nodes (NCCL's cost model): of its n - 1 steps, nodes - 1 cross the network and the
  // rest stay on NVLink. A DP group of 1,024 ranks, 8 per node, on HGX H100 (NVLink step 5 µs,
  // network step 10 µs, 8 NICs of 400 Gb/s × 0.9 for the group's 8 members per node): a 100 MB
  // reduce-scatter takes 896 × 5 µs + 127 × 10 µs + 1023/1024 × 100 MB / 360 GB/s.
  void ringLatencyAcrossNodes() {
    const auto cat = shippedSystems();
    const ClusterSystem* h100 = cat.find("hgx-h100");
    QVERIFY(h100);
    const Fabric f = h100->groupFabric(1024, 1);
    QCOMPARE(f.ranks_per_node, 8);
    const double expected = 896 * 5e-6 + 127 * 10e-6 + 1023.0 / 1024.0 * 100e6 / 360e9;
    SP_COMPARE_REL(collectiveSeconds(f, Collective::ReduceScatter, 100e6, 1024), expected, 1e-12);
    // One rank per node (a DP group of TP 8 ranks): every step crosses the network, on one NIC.
    const Fabric strided = h100->groupFabric(128, 8);
    QCOMPARE(strided.ranks_per_node, 1);
    SP_COMPARE_REL(collectiveSeconds(strided, Collective::AllGather, 100e6, 128),
                   127 * 10e-6 + 127.0 / 128.0 * 100e6 / 45e9, 1e-12);
    // All-reduce keeps the tree's 2 · ceil(log2 n) steps: 2 · 10 = 20 network steps.
    SP_COMPARE_REL(collectiveSeconds(f, Collective::AllReduce, 100e6, 1024),
                   20 * 10e-6 + 2.0 * 1023.0 / 1024.0 * 100e6 / 360e9, 1e-12);
  }

  // A measured curve replaces the spec: at 1 MB and 100 MB the points themselves, at 10 MB the
  // interpolation over log size (halfway between, in log), clamped beyond the ends.
  void measuredCurveInterpolatesOverLogSize() {
    Fabric f{300e9, 0.8, 0.0, {}, "test"};
    f.measured.push_back({Collective::AllReduce, 8, {{1e6, 50e9}, {100e6, 230e9}}, "log"});
    SP_COMPARE_REL(f.busBytesPerSecond(Collective::AllReduce, 1e6), 50e9, 1e-12);
    SP_COMPARE_REL(f.busBytesPerSecond(Collective::AllReduce, 10e6), 140e9, 1e-12);
    SP_COMPARE_REL(f.busBytesPerSecond(Collective::AllReduce, 1e9), 230e9, 1e-12);
    SP_COMPARE_REL(f.busBytesPerSecond(Collective::AllReduce, 1e3), 50e9, 1e-12);
    SP_COMPARE_REL(f.busBytesPerSecond(Collective::AllGather, 1e6), 240e9, 1e-12);  // not measured: spec
  }

  // A network curve measured with 8 GPUs per host (16 ranks on 2 hosts) moved 8 NICs' worth: a
  // group with 8 members per node uses it as measured, one with 1 member per node (DP of TP 8)
  // an eighth of it (the log's 339 GB/s peak on an HGX H100 is 6.8 x one GPU's 50 GB/s NIC), one
  // with 2 members a quarter; never above the NVLink bandwidth that feeds the NICs.
  void measuredNetworkCurveFollowsTheMembersPerNode() {
    const auto catalog = shippedSystems();  // the system below points into it
    auto h100 = catalog.get("hgx-h100");
    QVERIFY(h100);
    ClusterSystem s = **h100;
    MeasuredCollective m{Collective::AllReduce, 16, {{1e6, 40e9}, {1e9, 320e9}}, "log"};
    m.ranks_per_host = 8;
    s.network.measured.push_back(m);
    const Fabric full = s.groupFabric(16, 1);
    SP_COMPARE_REL(full.busBytesPerSecond(Collective::AllReduce, 1e9), 320e9, 1e-12);
    const Fabric one = s.groupFabric(2, 8);
    QCOMPARE(one.ranks_per_node, 1);
    SP_COMPARE_REL(one.busBytesPerSecond(Collective::AllReduce, 1e9), 40e9, 1e-12);
    SP_COMPARE_REL(one.busBytesPerSecond(Collective::AllReduce, 1e6), 5e9, 1e-12);
    SP_VERIFY_CONTAINS(one.measured.front().source, "x 1/8 GPUs per node");
    SP_COMPARE_REL(s.groupFabric(8, 4).busBytesPerSecond(Collective::AllReduce, 1e9), 80e9, 1e-12);
    // Measured with 1 GPU per host, used by 8 per node: 8 x, capped at NVLink's 450 GB/s.
    s.network.measured.front().ranks_per_host = 1;
    SP_COMPARE_REL(s.groupFabric(16, 1).busBytesPerSecond(Collective::AllReduce, 1e9), 450e9, 1e-12);
    // Unknown split (0): as measured.
    s.network.measured.front().ranks_per_host = 0;
    SP_COMPARE_REL(s.groupFabric(2, 8).busBytesPerSecond(Collective::AllReduce, 1e9), 320e9, 1e-12);
  }

  // A measured curve's times already include the latency (nccl-tests times whole collectives), so
  // the stated latency is added only to the spec path: 8 ranks, 100 MB all-reduce at the measured
  // 230 GB/s is 100e6 x 2 x 7/8 / 230e9 s, while the spec all-gather pays 7 ring steps of 20 us.
  void measuredTimesAddNoLatency() {
    Fabric f{300e9, 0.8, 20e-6, {}, "test"};
    f.measured.push_back({Collective::AllReduce, 8, {{1e6, 50e9}, {100e6, 230e9}}, "log"});
    SP_COMPARE_REL(collectiveSeconds(f, Collective::AllReduce, 100e6, 8), 100e6 * 2.0 * 7.0 / 8.0 / 230e9, 1e-12);
    SP_COMPARE_REL(collectiveSeconds(f, Collective::AllGather, 100e6, 8),
                   7 * 20e-6 + 100e6 * 7.0 / 8.0 / 240e9, 1e-12);
  }

  // An accelerator in another system's fabrics is named for both (it was "generic-mi300x" when the
  // user had named hgx-h100); with no system, the assumed fabrics' "generic-".
  void acceleratorInAnotherSystemIsNamedForBoth() {
    const auto cat = shippedSystems();
    const Accelerator& mi300x = cat.find("mi300x-platform")->accelerator;
    const ClusterSystem mixed = genericSystemFor(mi300x, cat.find("hgx-h100"));
    QCOMPARE(mixed.id, std::string("hgx-h100-with-mi300x"));
    SP_VERIFY_CONTAINS(mixed.source, "mi300x in the fabrics of hgx-h100");
    SP_COMPARE_REL(mixed.nvlink.bytes_per_second_per_gpu, 450e9, 1e-12);
    QCOMPARE(genericSystemFor(mi300x, nullptr).id, std::string("generic-mi300x"));
  }

  void overridesApplyAndAreChecked() {
    const auto cat = shippedSystems();
    ClusterOverrides o;
    o.network_gbps = 800.0;
    o.gpus_per_node = 4;
    auto s = applyOverrides(*cat.find("hgx-h100"), o);
    QVERIFY2(s, s.message().c_str());
    SP_COMPARE_REL(s->network.bytes_per_second_per_gpu, 100e9, 1e-12);
    QCOMPARE(s->gpus_per_node, 4);
    o.network_gbps = -1.0;
    auto bad = applyOverrides(*cat.find("hgx-h100"), o);
    QVERIFY(!bad);
    SP_VERIFY_CONTAINS(bad.message(), "--network-gbps: must be positive, got -1");
    // A bandwidth whose bytes per second overflow names the flag (it named the catalog field, "got
    // inf"); a fraction just above 1 shows the digits that break the bound.
    o.network_gbps = 1e308;
    auto huge = applyOverrides(*cat.find("hgx-h100"), o);
    QVERIFY(!huge);
    SP_VERIFY_CONTAINS(huge.message(), "--network-gbps: at most 8e+06 Gb/s per GPU, got 1e+308");
    o.network_gbps.reset();
    o.nvlink_efficiency = 1.0000001;
    auto above = applyOverrides(*cat.find("hgx-h100"), o);
    QVERIFY(!above);
    SP_VERIFY_CONTAINS(above.message(), "--nvlink-efficiency: must be in (0, 1], got 1.0000001");
    o.nvlink_efficiency.reset();
    ClusterOverrides o2;
    o2.nvlink_domain_gpus = 6;
    auto bad2 = applyOverrides(*cat.find("hgx-h100"), o2);
    QVERIFY(!bad2);
    SP_VERIFY_CONTAINS(bad2.message(), "nvlink_domain_gpus: 6 is neither a multiple nor a divisor of gpus_per_node 8");
  }

  void badSystemEntriesNameTheField() {
    auto hw = HardwareCatalog::loadFile(kShipped);
    QVERIFY(hw);
    const std::string doc =
        R"({"schema_version": 1, "accelerators": [], "systems": [{"id": "x", "name": "X", "accelerator": "h100-sxm",
        "gpus_per_node": 8, "nvlink_domain_gpus": 8, "nvlink": {"gb_per_s_per_gpu": 450, "collective_efficiency": 1.5,
        "latency_us": 5, "source": "s"}, "network": {"gbit_per_s_per_gpu": 400, "collective_efficiency": 0.9,
        "latency_us": 10, "source": "s"}, "source": "s"}]})";
    auto s = SystemCatalog::parse(doc, "t.json", *hw);
    QVERIFY(!s);
    SP_VERIFY_CONTAINS(s.message(), "t.json: systems[0] (x).nvlink.collective_efficiency: must be in (0, 1], got 1.5");
    auto none = SystemCatalog::parse(R"({"schema_version": 1, "accelerators": []})", "t.json", *hw);
    QVERIFY(none);
    QVERIFY(none->systems().empty());
  }
};

QTEST_APPLESS_MAIN(TestClusterSystem)
#include "test_cluster_system.moc"
