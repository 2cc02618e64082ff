#pragma once
// --interconnect [nvlink:|network:]FILE (repeatable): measured nccl-tests logs replacing the spec
// bandwidth of the fabric they measured. One helper for `step`, `layouts` and `plan --mfu auto`.

#include <string>
#include <vector>

#include "cli.hpp"
#include "cluster/cluster_system.hpp"

namespace scaleplan::cli {

// Declares the option on a subcommand's parser.
void addInterconnectOption(ArgParser& parser);

// Reads every --interconnect log into `overrides` (before applyOverrides), deciding each log's
// fabric against `system` as overridden. `notes` receives one line per file and the reader's
// warnings, for the command to print. Errors name the option and the file.
Status applyInterconnectOption(const ArgParser& parser, const ClusterSystem& system, ClusterOverrides& overrides,
                               std::vector<std::string>* notes);

// Prints each note to stderr as "scaleplan-cli <command>: interconnect: <note>" (stdout stays the
// command's text or JSON).
void printInterconnectNotes(const std::string& command, const std::vector<std::string>& notes);

}  // namespace scaleplan::cli
