// The cluster model's enum name tables (cluster/cluster_system.hpp, nccl_tests.hpp): round
// trips, spelling and coverage, plus the names hardware.json, the CLI and messages use literally.
#include "cluster/cluster_system.hpp"
#include "cluster/nccl_tests.hpp"
#include "cluster/step_model.hpp"
#include "test_support.hpp"

using namespace scaleplan;
using scaleplan::test::EnumNameStyle;

class TestClusterEnumNames : public QObject {
  Q_OBJECT
 private slots:
  void tablesAreConsistent() {
    SP_CHECK_ENUM_NAMES(kCollectiveNames);
    SP_CHECK_ENUM_NAMES(kNcclTestsPlacementNames);
    SP_CHECK_ENUM_NAMES(kInterconnectScopeNames);
    SP_CHECK_ENUM_NAMES(kTrainingSoftwareNames);
    // Evidence names are phrases that complete "identified from the ...".
    SP_CHECK_ENUM_NAMES(kNcclTestEvidenceNames, EnumNameStyle::Phrase);
  }

  void literalNames() {
    QCOMPARE(allCollectiveNames(), std::string("all-reduce, all-gather, reduce-scatter, all-to-all, send-recv"));
    QVERIFY(collectiveFromString("send-recv") == Collective::SendRecv);
    QCOMPARE(std::string(toString(NcclTestsPlacement::OutOfPlace)), std::string("out-of-place"));
    QVERIFY(ncclTestsPlacementFromString("in-place") == NcclTestsPlacement::InPlace);
    QCOMPARE(std::string(toString(InterconnectScope::NvlinkDomain)), std::string("nvlink"));
    QVERIFY(interconnectScopeFromString("network") == InterconnectScope::Network);
    QCOMPARE(std::string(toString(NcclTestEvidence::SourceName)), std::string("file name"));
    QVERIFY(ncclTestEvidenceFromString("log text") == NcclTestEvidence::LogText);
    QCOMPARE(kTrainingSoftwareNames.joined(), std::string("current, megatron-2022, megatron-2021"));
  }

  // Each software name selects its profile: the 2021 one overlaps nothing, the 2022 one only the
  // tensor-parallel backward, the current one everything.
  void softwareProfiles() {
    const auto old = ExecutionOptions::forSoftware(TrainingSoftware::Megatron2021);
    const auto y2022 = ExecutionOptions::forSoftware(TrainingSoftware::Megatron2022);
    const auto current = ExecutionOptions::forSoftware(TrainingSoftware::Current);
    QVERIFY(!old.overlap_tp_backward && !old.overlap_grad_reduce && !old.flash_attention);
    QVERIFY(y2022.overlap_tp_backward && !y2022.overlap_grad_reduce && !y2022.flash_attention);
    QCOMPARE(y2022.optimizer_bytes_per_parameter, old.optimizer_bytes_per_parameter);
    QVERIFY(current.overlap_tp_backward && current.overlap_grad_reduce && current.flash_attention);
    // Each profile says what it stands for (CLI help and GUI tooltips read it).
    for (TrainingSoftware s : kTrainingSoftwareNames.values()) QVERIFY(describe(s) != "unknown");
    SP_VERIFY_CONTAINS(std::string(describe(TrainingSoftware::Megatron2022)), "Korthikanti et al. 2022");
  }

  // "nvlink:FILE" / "network:FILE" prefixes come from the scope table.
  void interconnectSpecPrefixes() {
    auto nvlink = parseInterconnectSpec("nvlink:a.log");
    QVERIFY(nvlink);
    QVERIFY(nvlink->scope == InterconnectScope::NvlinkDomain);
    QCOMPARE(nvlink->file.string(), std::string("a.log"));
    auto network = parseInterconnectSpec("network:b.log");
    QVERIFY(network);
    QVERIFY(network->scope == InterconnectScope::Network);
    auto plain = parseInterconnectSpec("c.log");
    QVERIFY(plain);
    QVERIFY(!plain->scope);
    QVERIFY(!parseInterconnectSpec("nvlink:"));
  }
};

QTEST_APPLESS_MAIN(TestClusterEnumNames)
#include "test_cluster_enum_names.moc"
