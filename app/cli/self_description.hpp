#pragma once
// scaleplan-cli describes its own commands and options, from the same ArgParser declarations that
// --help prints, so that the shell completion and the man page cannot go stale:
//   scaleplan-cli --completion-data   read by resources/completion/scaleplan-cli (bash)
//   scaleplan-cli --man-commands      the COMMANDS section of scaleplan-cli(1), built by CMake
// Both flags are for those tools, not for users, and are left out of --help.
#include <iosfwd>

namespace scaleplan::cli {

// One line per command ("plan"), then one per option: "plan --gpus K" (takes a value),
// "plan --json" (a flag), or "fit FILE..." (the command's positional arguments).
void printCompletionData(std::ostream& out);

// roff (man(7)) for every command: a .SS heading with its usage, the description and a .TP
// paragraph per option.
void printManCommands(std::ostream& out);

}  // namespace scaleplan::cli
