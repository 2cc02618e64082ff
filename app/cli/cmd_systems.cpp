// scaleplan-cli systems: list the standard cluster systems (data/hardware.json "systems") that
// step, layouts and plan --mfu auto cost layouts on, with every fabric value and its source.
#include <iostream>

#include "base/file_io.hpp"
#include "base/format.hpp"
#include "cli.hpp"
#include "cluster/cluster_json.hpp"
#include "cluster/cluster_system.hpp"

namespace scaleplan::cli {
namespace {

const char* kSystems = "systems";

std::string nvlinkGbps(const ClusterSystem& s) {
  return formatNumber(s.nvlink.bytes_per_second_per_gpu / kBytesPerGb, 5);
}
std::string networkGbits(const ClusterSystem& s) {
  return formatNumber(s.network.bytes_per_second_per_gpu * kBitsPerByte / kBytesPerGb, 5);
}
std::string micros(const Fabric& f) {
  return formatNumber(f.latency_seconds * kMicrosecondsPerSecond, 4);
}

void printSystemsTable(const std::vector<ClusterSystem>& systems) {
  // "us", not "µs": the table pads by bytes.
  Table table({"id", "accelerator", "GPUs/node", "NVLink domain", "NVLink GB/s", "eff.", "us", "network Gb/s",
               "eff.", "us"});
  for (const ClusterSystem& s : systems) {
    table.addRow({s.id, s.accelerator.id, std::to_string(s.gpus_per_node),
                  std::to_string(s.nvlink_domain_gpus), nvlinkGbps(s),
                  formatNumber(s.nvlink.collective_efficiency, 3), micros(s.nvlink), networkGbits(s),
                  formatNumber(s.network.collective_efficiency, 3), micros(s.network)});
  }
  table.print(std::cout);
}

void printSystemDetails(const ClusterSystem& s) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("id", s.id);
  rows.emplace_back("name", s.name);
  rows.emplace_back("accelerator", s.accelerator.id + " (" + s.accelerator.name + ")");
  rows.emplace_back("GPUs per node", std::to_string(s.gpus_per_node));
  rows.emplace_back("NVLink domain", std::to_string(s.nvlink_domain_gpus) + " GPUs");
  rows.emplace_back("NVLink", nvlinkGbps(s) + " GB/s per GPU per direction, collective efficiency " +
                                  formatNumber(s.nvlink.collective_efficiency, 3) + ", " + micros(s.nvlink) +
                                  " µs per algorithm step");
  rows.emplace_back("NVLink source", s.nvlink.source.empty() ? "-" : s.nvlink.source);
  rows.emplace_back("network", networkGbits(s) + " Gb/s per GPU (NIC line rate), collective efficiency " +
                                   formatNumber(s.network.collective_efficiency, 3) + ", " +
                                   micros(s.network) + " µs per algorithm step");
  rows.emplace_back("network source", s.network.source.empty() ? "-" : s.network.source);
  rows.emplace_back("source", s.source.empty() ? "-" : s.source);
  printKeyValues(std::cout, rows);
}

int runSystems(const std::vector<std::string>& args) {
  ArgParser p(
      kSystems,
      "Lists the standard cluster systems that 'step', 'layouts' and 'plan --mfu auto' cost layouts on\n"
      "(--system ID): the accelerator, GPUs per node, the NVLink domain and the two fabrics, each with\n"
      "its bandwidth per GPU, collective efficiency (achieved nccl-tests bus bandwidth / line rate) and\n"
      "latency per algorithm step. Give ids to see every field, with the source of each value and\n"
      "where it is an assumption. The --nvlink-gbps, --network-gbps, ... options of those commands\n"
      "override any of them.");
  p.positionals("[ID...]", "show these systems in full")
      .flag("json", "print the systems as JSON (the keys and units of the catalog's \"systems\")");
  p.epilog("The systems are in " + (dataDirectory() / "hardware.json").string() +
           " (\"systems\").\nExample:\n  scaleplan-cli systems gb300-nvl72");
  return runWithParser(p, args, [&]() -> int {
    auto catalog = SystemCatalog::loadDefault();
    if (!catalog) return fail(kSystems, catalog.message());
    std::vector<ClusterSystem> selected;
    for (const std::string& id : p.positionalValues()) {
      auto s = catalog->get(id);
      if (!s) return fail(kSystems, s.message());
      selected.push_back(**s);
    }
    const std::vector<ClusterSystem>& shown = selected.empty() ? catalog->systems() : selected;
    if (p.has("json")) {
      std::cout << systemsToJson(shown);
      return kExitOk;
    }
    if (!selected.empty()) {
      for (std::size_t i = 0; i < selected.size(); ++i) {
        if (i > 0) std::cout << "\n";
        printSystemDetails(selected[i]);
      }
      return kExitOk;
    }
    printSystemsTable(shown);
    std::cout
        << "\nBandwidths per GPU: NVLink in GB/s per direction, the network as the NIC line rate in Gb/s;\n"
           "efficiency = achieved nccl-tests bus bandwidth / line rate at large messages; latency (us) per\n"
           "algorithm step. 'scaleplan-cli systems ID' gives the sources.\n";
    return kExitOk;
  });
}

const bool kSystemsRegistered = registerCommand(
    {kSystems, "list the cluster systems (GPUs per node, NVLink and network bandwidth, efficiency, latency)",
     runSystems});

}  // namespace
}  // namespace scaleplan::cli
