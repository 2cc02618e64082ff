#include "interconnect_args.hpp"

#include <iostream>

#include "cluster/nccl_tests.hpp"

namespace scaleplan::cli {

void addInterconnectOption(ArgParser& parser) {
  parser.option("interconnect", "FILE",
                "an nccl-tests log (all_reduce_perf, all_gather_perf, reduce_scatter_perf, alltoall_perf, "
                "sendrecv_perf); its bus bandwidth over message size replaces the spec for that collective on "
                "the fabric it measured (all ranks on one host: NVLink; several hosts: the network). "
                "nvlink:FILE or network:FILE states the fabric. Repeatable",
                /*repeatable=*/true);
}

Status applyInterconnectOption(const ArgParser& parser, const ClusterSystem& system, ClusterOverrides& overrides,
                               std::vector<std::string>* notes) {
  std::vector<InterconnectSpec> specs;
  for (const std::string& text : parser.getAll("interconnect")) {
    auto spec = parseInterconnectSpec(text);
    if (!spec) return Error{"--interconnect '" + text + "': " + spec.message()};
    specs.push_back(*spec);
  }
  if (specs.empty()) return Status::ok();
  if (Status st = addInterconnectLogs(overrides, specs, system, notes); !st)
    return Error{"--interconnect: " + st.message()};
  return Status::ok();
}

void printInterconnectNotes(const std::string& command, const std::vector<std::string>& notes) {
  for (const std::string& note : notes) std::cerr << "scaleplan-cli " << command << ": interconnect: " << note << '\n';
}

}  // namespace scaleplan::cli
