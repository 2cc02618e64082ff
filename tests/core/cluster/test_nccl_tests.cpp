// nccl-tests log reader: three real published logs (tests/data/cluster/nccl-tests/SOURCE.md), whose
// values below were read off the files by eye, and the format variants and bad input the reader
// must handle (small logs written here, each changing one thing).
#include <fstream>
#include <string>

#include <QTemporaryDir>

#include "cluster/nccl_tests.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

std::string dataFile(const char* name) {
  return std::string(SCALEPLAN_TEST_DATA_DIR) + "/cluster/nccl-tests/" + name;
}

// A minimal modern log; `rows` replaces the table body.
std::string smallLog(const std::string& rows, const std::string& header_extra = "") {
  return header_extra +
         "# nThread 1 nGpus 4 minBytes 1048576 maxBytes 4194304 step: 2(factor) warmup iters: 5 iters: 20\n"
         "#\n"
         "# Using devices\n"
         "#  Rank  0 Group  0 Pid   11 on nodeA device  0 [0x07] NVIDIA A100-SXM4-80GB\n"
         "#  Rank  1 Group  0 Pid   11 on nodeA device  1 [0x0a] NVIDIA A100-SXM4-80GB\n"
         "#  Rank  2 Group  0 Pid   11 on nodeA device  2 [0x45] NVIDIA A100-SXM4-80GB\n"
         "#  Rank  3 Group  0 Pid   11 on nodeA device  3 [0x4b] NVIDIA A100-SXM4-80GB\n"
         "#\n"
         "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong\n"
         "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)\n" +
         rows +
         "# Out of bounds values : 0 OK\n"
         "# Avg bus bandwidth    : 100.5\n";
}

// all-gather over 4 ranks: busbw = algbw * 3/4.
const char* kAllGatherRows =
    "     1048576        65536     float    none      -1    20.00   52.43   39.32      0    19.00   55.19   41.39      0\n"
    "     4194304       262144     float    none      -1    40.00  104.86   78.64      0    39.00  107.55   80.66      0\n";

}  // namespace

class TestNcclTests : public QObject {
  Q_OBJECT

 private slots:
  void twoNodeH100AllReduce() {
    auto r = loadNcclTestsLog(dataFile("h100-2nodes-all_reduce.log"));
    QVERIFY2(r.isOk(), r.message().c_str());
    const NcclTestsLog& log = r->log;
    QVERIFY(log.collective == Collective::AllReduce);
    QVERIFY(log.test_evidence == NcclTestEvidence::LogText);
    SP_VERIFY_CONTAINS(log.test_evidence_detail, "line 7");  // the mpirun command line
    QCOMPARE(log.rankCount(), 16);
    QCOMPARE(log.hostCount(), 2);
    QCOMPARE(log.ranks[8].host, std::string("ztan-mig-gq73"));
    QCOMPARE(log.ranks[8].device, 0);
    QCOMPARE(log.ranks[8].bus_id, std::string("0000:04:00"));
    QCOMPARE(log.ranks[8].device_name, std::string("NVIDIA H100 80GB HBM3"));
    QCOMPARE(*log.threads, 1);
    QCOMPARE(*log.gpus_per_thread, 1);
    QCOMPARE(log.rows.size(), std::size_t(31));  // 8 B .. 8 GiB in powers of two
    QCOMPARE(log.rows.front().size_bytes, 8.0);
    QCOMPARE(log.rows.back().size_bytes, 8589934592.0);
    // The 1 GiB row, line 59: 1073741824 268435456 float sum -1 6759.0 158.86 297.86 0 6737.4 159.37 298.82 0
    const NcclTestsRow& gib = log.rows[27];
    QCOMPARE(gib.line, std::int64_t(59));
    QCOMPARE(gib.size_bytes, 1073741824.0);
    QCOMPARE(gib.count, 268435456.0);
    QCOMPARE(gib.type, std::string("float"));
    QCOMPARE(gib.redop, std::string("sum"));
    QCOMPARE(*gib.root, -1);
    QCOMPARE(gib.out_of_place.time_us, 6759.0);
    QCOMPARE(gib.out_of_place.algbw_gb_per_s, 158.86);
    QCOMPARE(gib.out_of_place.busbw_gb_per_s, 297.86);
    QCOMPARE(*gib.out_of_place.wrong, std::int64_t(0));
    QCOMPARE(gib.in_place.time_us, 6737.4);
    QCOMPARE(gib.in_place.busbw_gb_per_s, 298.82);
    QCOMPARE(gib.bestBusBandwidth(), 298.82);
    QCOMPARE(log.peakBusBandwidth(), 338.82);  // out-of-place at 8 GiB
    QCOMPARE(*log.average_bus_bandwidth_gb_per_s, 70.742);
    QCOMPARE(*log.out_of_bounds_values, std::int64_t(0));
    // Independent check of nccl-tests' own arithmetic on that row: algbw = size / time, and
    // busbw = algbw * 2(n-1)/n with n = 16 ranks (to the printed two decimals).
    SP_COMPARE_REL(gib.size_bytes / (gib.out_of_place.time_us * 1e-6) / 1e9, 158.86, 0.0005);
    SP_COMPARE_REL(158.86 * 2 * 15 / 16, 297.86, 0.0005);
    QVERIFY2(r->warnings.empty(), r->warnings.empty() ? "" : r->warnings.front().toString(log.source).c_str());
  }

  void twoNodeGh200AllReduceWithLibraryNoise() {
    auto r = loadNcclTestsLog(dataFile("gh200-2nodes-all_reduce.log"));
    QVERIFY2(r.isOk(), r.message().c_str());
    const NcclTestsLog& log = r->log;
    QVERIFY(log.collective == Collective::AllReduce);
    QVERIFY(log.test_evidence == NcclTestEvidence::LogText);
    SP_VERIFY_CONTAINS(log.test_evidence_detail, "line 10");  // "# Collective test starting"
    QCOMPARE(log.rankCount(), 8);
    QCOMPARE(log.hostCount(), 2);
    QCOMPARE(log.rows.size(), std::size_t(25));  // 8 B .. 128 MiB
    // 16 MiB row: 16777216 4194304 float sum -1 461.7 36.34 63.59 0 454.0 36.95 64.67 0
    const NcclTestsRow& row = log.rows[21];
    QCOMPARE(row.size_bytes, 16777216.0);
    QCOMPARE(row.out_of_place.time_us, 461.7);
    QCOMPARE(row.in_place.algbw_gb_per_s, 36.95);
    QCOMPARE(row.in_place.busbw_gb_per_s, 64.67);
    QCOMPARE(log.peakBusBandwidth(), 123.11);  // in-place at 128 MiB
    QCOMPARE(*log.average_bus_bandwidth_gb_per_s, 19.7866);
    QVERIFY(r->warnings.empty());  // the libnl messages precede the table: not warnings
  }

  void oneNodeA100SendRecvWithoutDeviceList() {
    auto r = loadNcclTestsLog(dataFile("a100-1node-sendrecv.log"));
    QVERIFY2(r.isOk(), r.message().c_str());
    const NcclTestsLog& log = r->log;
    QVERIFY(log.collective == Collective::SendRecv);
    QCOMPARE(log.rankCount(), 0);  // that run printed no device list
    QCOMPARE(log.hostCount(), 0);
    QCOMPARE(log.rows.size(), std::size_t(4));
    QCOMPARE(log.rows[3].size_bytes, 1073741824.0);
    QCOMPARE(log.rows[3].out_of_place.busbw_gb_per_s, 195.10);
    QVERIFY(!log.rows[3].in_place.wrong.has_value());  // "N/A": not checked
    QCOMPARE(*log.rows[3].out_of_place.wrong, std::int64_t(0));
    QCOMPARE(log.peakBusBandwidth(), 195.56);
    QVERIFY(!log.average_bus_bandwidth_gb_per_s.has_value());
  }

  void collectiveFromColumnsAndFileName() {
    // No binary name anywhere: all-gather and alltoall have the same columns, so it must ask.
    auto ambiguous = readNcclTestsLog(smallLog(kAllGatherRows), "run.log");
    QVERIFY(!ambiguous.isOk());
    SP_VERIFY_CONTAINS(ambiguous.message(), "cannot tell all_gather from alltoall");
    SP_VERIFY_CONTAINS(ambiguous.message(), "run.log:");
    // The file name settles it.
    auto named = readNcclTestsLog(smallLog(kAllGatherRows), "logs/all_gather_perf-node3.txt");
    QVERIFY2(named.isOk(), named.message().c_str());
    QVERIFY(named->log.collective == Collective::AllGather);
    QVERIFY(named->log.test_evidence == NcclTestEvidence::SourceName);
    // So does a stated choice.
    NcclTestsReadOptions stated;
    stated.collective = Collective::AllToAll;
    auto chosen = readNcclTestsLog(smallLog(kAllGatherRows), "run.log", stated);
    QVERIFY(chosen.isOk());
    QVERIFY(chosen->log.collective == Collective::AllToAll);
    QVERIFY(chosen->log.test_evidence == NcclTestEvidence::Stated);
    // redop sum with busbw = algbw * 2(n-1)/n = 1.5 algbw over 4 ranks: all-reduce.
    const std::string allreduce_rows =
        "     4194304      1048576     float     sum      -1    50.00   83.89  125.83      0    50.00   83.89  125.83      0\n";
    auto ar = readNcclTestsLog(smallLog(allreduce_rows), "x.log");
    QVERIFY2(ar.isOk(), ar.message().c_str());
    QVERIFY(ar->log.collective == Collective::AllReduce);
    QVERIFY(ar->log.test_evidence == NcclTestEvidence::Columns);
    SP_VERIFY_CONTAINS(ar->log.test_evidence_detail, "busbw/algbw 1.499");
    QCOMPARE(ar->log.hostCount(), 1);  // all ranks on nodeA: the NVLink domain
    // redop sum with busbw = algbw * 3/4: reduce-scatter.
    const std::string rs_rows =
        "     4194304       262144     float     sum      -1    40.00  104.86   78.64      0    39.00  107.55   80.66      0\n";
    auto rs = readNcclTestsLog(smallLog(rs_rows), "x.log");
    QVERIFY(rs.isOk());
    QVERIFY(rs->log.collective == Collective::ReduceScatter);
  }

  void busFactorThatContradictsTheCollectiveIsWarned() {
    // Named all_reduce, but busbw/algbw is 0.75 (an all-gather's factor over 4 ranks).
    auto r = readNcclTestsLog(smallLog(kAllGatherRows, "# Collective test starting: all_reduce_perf\n"), "x.log");
    QVERIFY(r.isOk());
    QVERIFY(r->log.collective == Collective::AllReduce);
    QCOMPARE(r->warnings.size(), std::size_t(1));
    SP_VERIFY_CONTAINS(r->warnings[0].message, "does not match all_reduce_perf over 4 ranks");
  }

  void olderColumnSetsAndOutputNoise() {
    // A header with one time/algbw/busbw group only: said so, with its line.
    const std::string one_group =
        "#       size         count      type   redop    root     time   algbw   busbw #wrong\n"
        "     1048576        262144     float     sum      -1    20.00   52.43   52.43      0\n";
    auto bad_header = readNcclTestsLog(one_group, "one.log");
    QVERIFY(!bad_header.isOk());
    SP_VERIFY_CONTAINS(bad_header.message(), "one.log:1: column header not understood");

    // nccl-tests 2.0 style: no root column, the check column is "error" (a maximum error, float);
    // mpirun --tag-output prefixes, and an MPI message inside the table with exactly as many
    // words as a row has fields (it starts with a number, too).
    const std::string v20 =
        "[1,0]<stdout>:# Using devices\n"
        "[1,0]<stdout>:#   Rank  0 Pid  54740 on     thanos device  0 [0x07] Tesla V100-SXM2-16GB\n"
        "[1,0]<stdout>:#   Rank  1 Pid  54740 on     thanos device  1 [0x0a] Tesla V100-SXM2-16GB\n"
        "[1,0]<stdout>:#       size         count    type   redop     time   algbw   busbw  error     time   algbw   busbw  error\n"
        "[1,0]<stdout>:     1048576        262144   float     sum    20.00   52.43   52.43  0e+00    20.00   52.43   52.43  0e+00\n"
        "8 more processes have sent help message help-mtl-ofi.txt / OFI call fail\n"
        "[1,0]<stdout>:     2097152        524288   float     sum    30.00   69.91   69.91  1e-03    30.00   69.91   69.91  0e+00\n";
    auto r = readNcclTestsLog(v20, "all_reduce_perf_mpi.out");
    QVERIFY2(r.isOk(), r.message().c_str());
    QCOMPARE(r->log.rows.size(), std::size_t(2));
    QCOMPARE(r->log.rankCount(), 2);
    QVERIFY(!r->log.rows[0].root.has_value());
    QCOMPARE(r->log.rows[1].out_of_place.busbw_gb_per_s, 69.91);
    QCOMPARE(*r->log.rows[1].out_of_place.wrong, std::int64_t(1));  // a non-zero maximum error
    QVERIFY(r->log.collective == Collective::AllReduce);  // from the file name
    // The MPI message inside the table and the wrong result are warned, with their lines.
    QCOMPARE(r->warnings.size(), std::size_t(2));
    QCOMPARE(r->warnings[0].line, std::int64_t(6));
    SP_VERIFY_CONTAINS(r->warnings[0].message, "not a table row (expected 12 fields: size count type redop time");
    QCOMPARE(r->warnings[1].line, std::int64_t(7));
    SP_VERIFY_CONTAINS(r->warnings[1].toString("f.log"), "f.log:7: out-of-place results are wrong");
  }

  void badInputIsLocated() {
    auto empty = readNcclTestsLog("", "empty.log");
    QVERIFY(!empty.isOk());
    SP_VERIFY_CONTAINS(empty.message(), "empty.log:1: end of log without an nccl-tests table");

    auto no_rows = readNcclTestsLog(smallLog(""), "norows.log");
    QVERIFY(!no_rows.isOk());
    SP_VERIFY_CONTAINS(no_rows.message(), "norows.log:9: the table under this header has no rows");

    std::string bad = kAllGatherRows;
    bad.replace(bad.find("78.64"), 5, "78.6x");
    auto bad_field = readNcclTestsLog(smallLog(bad), "alltoall_perf.log");
    QVERIFY(!bad_field.isOk());
    SP_VERIFY_CONTAINS(bad_field.message(), "alltoall_perf.log:12: column 8 'busbw' (out-of-place): expected a number >= 0, got '78.6x'");

    // Size and count swapped on a row: size must be a whole multiple of count x the type's bytes
    // (they were read silently, and the curve shifted).
    std::string swapped = kAllGatherRows;
    const std::string row = "1048576        65536", flipped = "  65536      1048576";
    swapped.replace(swapped.find(row), row.size(), flipped);
    auto swap = readNcclTestsLog(smallLog(swapped), "swap.log");
    QVERIFY(!swap.isOk());
    SP_VERIFY_CONTAINS(swap.message(), "swap.log:11: column 1 'size': expected a whole multiple of count x 4 bytes of "
                                       "float (4194304; size and count swapped?), got '65536'");
    // A data type nccl-tests does not print: read, with one warning that sizes go unchecked.
    std::string odd = kAllGatherRows;
    for (auto at = odd.find("float"); at != std::string::npos; at = odd.find("float")) odd.replace(at, 5, "quad8");
    auto typed = readNcclTestsLog(smallLog(odd), "all_gather_perf.log");
    QVERIFY2(typed.isOk(), typed.message().c_str());
    QCOMPARE(typed->warnings.size(), std::size_t{1});
    SP_VERIFY_CONTAINS(typed->warnings.front().message, "data type 'quad8' is not one nccl-tests prints");

    auto broadcast = readNcclTestsLog(smallLog(kAllGatherRows, "# Collective test starting: broadcast_perf\n"), "b.log");
    QVERIFY(!broadcast.isOk());
    SP_VERIFY_CONTAINS(broadcast.message(), "b.log:1: the log is from 'broadcast_perf'");

    auto binary = readNcclTestsLog(std::string("# nThread 1\n\0\x01", 15), "bin.log");
    QVERIFY(!binary.isOk());
    SP_VERIFY_CONTAINS(binary.message(), "bin.log:2: binary data");

    NcclTestsReadOptions small;
    small.max_bytes = 100;
    auto too_big = readNcclTestsLog(smallLog(kAllGatherRows), "big.log", small);
    QVERIFY(!too_big.isOk());
    SP_VERIFY_CONTAINS(too_big.message(), "(max_bytes)");
    small.max_bytes = 0;
    std::string why;
    QVERIFY(!small.isValid(&why));
    SP_VERIFY_CONTAINS(why, "'max_bytes'");

    auto missing = loadNcclTestsLog(dataFile("no-such-file.log"));
    QVERIFY(!missing.isOk());
    SP_VERIFY_CONTAINS(missing.message(), "no-such-file.log");
  }

  void warningsAreCapped() {
    std::string rows;
    for (int i = 0; i < 70; ++i) rows += "NCCL INFO noise line " + std::to_string(i) + "\n";
    NcclTestsReadOptions options;
    options.max_warnings = 5;
    auto r = readNcclTestsLog(smallLog(std::string(kAllGatherRows) + rows), "all_gather_perf.log", options);
    QVERIFY(r.isOk());
    QCOMPARE(r->warnings.size(), std::size_t(6));
    QCOMPARE(r->warnings.back().message, std::string("65 more warnings not listed"));
  }


  void curveFromTheTwoNodeLog() {
    auto r = loadNcclTestsLog(dataFile("h100-2nodes-all_reduce.log"));
    QVERIFY(r.isOk());
    auto m = measuredInterconnect(r->log);
    QVERIFY2(m.isOk(), m.message().c_str());
    QVERIFY(m->scope == InterconnectScope::Network);
    SP_VERIFY_CONTAINS(m->scope_reason, "16 ranks on 2 hosts");
    QVERIFY(m->curve.collective == Collective::AllReduce);
    QCOMPARE(m->curve.ranks, 16);
    QCOMPARE(m->curve.ranks_per_host, 8);  // 16 ranks on 2 hosts
    QCOMPARE(m->curve.points.size(), std::size_t(31));
    SP_VERIFY_CONTAINS(m->curve.source, "all_reduce_perf, 16 ranks on 2 hosts, best)");
    // 1 GiB: the faster is in-place, 6737.4 us -> 1073741824 B / 6737.4 us x 2*15/16 =
    // 298.82e9 B/s, the busbw the log prints for it.
    const BusBandwidthPoint& gib = m->curve.points[27];
    QCOMPARE(gib.message_bytes, 1073741824.0);
    SP_COMPARE_REL(gib.bus_bytes_per_second, 1073741824.0 / 6737.4e-6 * 1.875, 1e-12);
    SP_COMPARE_REL(gib.bus_bytes_per_second, 298.82e9, 0.0005);
    // 8 B: the busbw column prints 0.00; the faster time gives 8 B / 123.5 us x 1.875 = 0.1215 MB/s.
    SP_COMPARE_REL(m->curve.points[0].bus_bytes_per_second, 8.0 / 123.5e-6 * 1.875, 1e-12);
    // Out-of-place only: 6759.0 us at 1 GiB (297.86 GB/s printed).
    MeasuredInterconnectOptions oop;
    oop.placement = NcclTestsPlacement::OutOfPlace;
    auto o = measuredInterconnect(r->log, oop);
    QVERIFY(o.isOk());
    SP_COMPARE_REL(o->curve.points[27].bus_bytes_per_second, 297.86e9, 0.0005);

    // Filed into the overrides by scope; a second all-reduce for the network is refused.
    ClusterOverrides overrides;
    QVERIFY(addMeasuredInterconnect(overrides, *m).isOk());
    QCOMPARE(overrides.network_measured.size(), std::size_t(1));
    QVERIFY(overrides.nvlink_measured.empty());
    const Status twice = addMeasuredInterconnect(overrides, *o);
    QVERIFY(!twice.isOk());
    SP_VERIFY_CONTAINS(twice.message(), "two all-reduce measurements for the network fabric");
  }

  void scopeFromTheDeviceList() {
    auto gh = loadNcclTestsLog(dataFile("gh200-2nodes-all_reduce.log"));
    QVERIFY(gh.isOk());
    MeasuredInterconnectOptions alps;  // 4 GH200 per node, NVLink within the node only
    alps.gpus_per_node = 4;
    alps.nvlink_domain_gpus = 4;
    auto net = measuredInterconnect(gh->log, alps);
    QVERIFY(net.isOk());
    QVERIFY(net->scope == InterconnectScope::Network);
    // 128 MiB in-place 1907.8 us over 8 ranks: x 2*7/8 -> 123.11 GB/s printed.
    SP_COMPARE_REL(net->curve.points.back().bus_bytes_per_second, 123.11e9, 0.0005);
    MeasuredInterconnectOptions nvl;  // had the hosts been in one 72-GPU NVLink domain
    nvl.gpus_per_node = 4;
    nvl.nvlink_domain_gpus = 72;
    auto in_domain = measuredInterconnect(gh->log, nvl);
    QVERIFY(in_domain.isOk());
    QVERIFY(in_domain->scope == InterconnectScope::NvlinkDomain);

    // One host: the NVLink domain.
    auto one = readNcclTestsLog(smallLog(kAllGatherRows), "all_gather_perf.log");
    QVERIFY(one.isOk());
    auto local = measuredInterconnect(one->log);
    QVERIFY(local.isOk());
    QVERIFY(local->scope == InterconnectScope::NvlinkDomain);
    SP_VERIFY_CONTAINS(local->scope_reason, "4 ranks on one host (nodeA)");

    // No device list: the fabric must be stated; send/recv needs no rank count.
    auto sr = loadNcclTestsLog(dataFile("a100-1node-sendrecv.log"));
    QVERIFY(sr.isOk());
    auto unknown = measuredInterconnect(sr->log);
    QVERIFY(!unknown.isOk());
    SP_VERIFY_CONTAINS(unknown.message(), "a100-1node-sendrecv.log: sendrecv_perf log lists no devices");
    MeasuredInterconnectOptions stated;
    stated.scope = InterconnectScope::NvlinkDomain;
    auto ok = measuredInterconnect(sr->log, stated);
    QVERIFY2(ok.isOk(), ok.message().c_str());
    QCOMPARE(ok->curve.ranks, 2);
    SP_COMPARE_REL(ok->curve.points.back().bus_bytes_per_second, 1073741824.0 / 5490.5e-6, 1e-12);
    MeasuredInterconnectOptions bad;
    bad.ranks = 1;
    std::string why;
    QVERIFY(!bad.isValid(&why));
    SP_VERIFY_CONTAINS(why, "'ranks'");
  }


  void interconnectArguments() {
    auto plain = parseInterconnectSpec("logs/a.log");
    QVERIFY(plain.isOk());
    QVERIFY(!plain->scope.has_value());
    auto stated = parseInterconnectSpec("nvlink:" + dataFile("a100-1node-sendrecv.log"));
    QVERIFY(stated.isOk());
    QVERIFY(stated->scope == InterconnectScope::NvlinkDomain);
    QVERIFY(!parseInterconnectSpec("network:").isOk());

    auto h100 = parseInterconnectSpec(dataFile("h100-2nodes-all_reduce.log"));
    ClusterSystem system;  // 8 GPUs per node and NVLink domain (the defaults)
    ClusterOverrides overrides;
    std::vector<std::string> notes;
    const Status st = addInterconnectLogs(overrides, {*h100, *stated}, system, &notes);
    QVERIFY2(st.isOk(), st.message().c_str());
    QCOMPARE(overrides.network_measured.size(), std::size_t(1));
    QCOMPARE(overrides.nvlink_measured.size(), std::size_t(1));
    QVERIFY(overrides.nvlink_measured[0].collective == Collective::SendRecv);
    QCOMPARE(notes.size(), std::size_t(2));
    SP_VERIFY_CONTAINS(notes[0], "all-reduce (log text), 16 ranks on 2 hosts: the inter-node network, 31 sizes, peak busbw 338.8 GB/s");

    // The same log cut after its 64 KiB row (a truncated copy, or a run with a small -e): it still
    // reads, but the notes warn that larger collectives get that size's bus bandwidth. The full
    // log reaches 8 GiB: no such warning.
    for (const std::string& n : notes) QVERIFY2(n.find("warning:") == std::string::npos, n.c_str());
    QTemporaryDir dir;
    const std::string cut = dir.filePath("cut.log").toStdString();
    {
      std::ifstream in(dataFile("h100-2nodes-all_reduce.log"));
      std::ofstream out(cut);
      std::string line;
      for (int i = 0; i < 45 && std::getline(in, line); ++i) out << line << '\n';
    }
    ClusterOverrides short_log;
    std::vector<std::string> short_notes;
    QVERIFY(addInterconnectLogs(short_log, {*parseInterconnectSpec(cut)}, system, &short_notes).isOk());
    QVERIFY(short_notes.size() >= 2);
    SP_VERIFY_CONTAINS(short_notes[1], "cut.log: warning: its largest message is 65.5 kB");
    SP_VERIFY_CONTAINS(short_notes[1], "measure up to 1 GiB or more");

    // The sendrecv log without a stated fabric: the error names the file.
    ClusterOverrides again;
    const Status bad = addInterconnectLogs(again, {*parseInterconnectSpec(dataFile("a100-1node-sendrecv.log"))}, system);
    QVERIFY(!bad.isOk());
    SP_VERIFY_CONTAINS(bad.message(), "a100-1node-sendrecv.log: sendrecv_perf log lists no devices");
  }

  void enumStrings() {
    for (auto t : {Collective::AllReduce, Collective::AllGather, Collective::ReduceScatter, Collective::AllToAll,
                   Collective::SendRecv})
      QVERIFY(collectiveFromNcclTestsBinary(ncclTestsBinaryName(t)) == t);
    QVERIFY(collectiveFromNcclTestsBinary("all_gather_perf_mpi") == Collective::AllGather);
    QVERIFY(collectiveFromNcclTestsBinary("alltoall") == Collective::AllToAll);
    QVERIFY(!collectiveFromNcclTestsBinary("broadcast_perf"));
    for (auto p : {NcclTestsPlacement::Best, NcclTestsPlacement::OutOfPlace, NcclTestsPlacement::InPlace})
      QVERIFY(ncclTestsPlacementFromString(toString(p)) == p);
    for (auto sc : {InterconnectScope::NvlinkDomain, InterconnectScope::Network})
      QVERIFY(interconnectScopeFromString(toString(sc)) == sc);
    for (auto e : {NcclTestEvidence::LogText, NcclTestEvidence::SourceName, NcclTestEvidence::Columns,
                   NcclTestEvidence::Stated})
      QVERIFY(ncclTestEvidenceFromString(toString(e)) == e);
  }
};

QTEST_APPLESS_MAIN(TestNcclTests)
#include "test_nccl_tests.moc"
