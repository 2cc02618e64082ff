// Every import format through the importers' one entry point (importStream). The first byte picks
// the format from kAllImportFormats, so a format added to that list is fuzzed with no change here;
// with Auto, the second byte picks the file name detection starts from. The rest is the file.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <sstream>
#include <string>

#include "importers/importer.hpp"

using namespace scaleplan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const ImportFormat format = kAllImportFormats[data[0] % std::size(kAllImportFormats)];
  static const char* const kNames[] = {"runs.csv", "runs.tsv", "runs.jsonl", "trainer_state.json", "export.txt", "run.log",
                                       "events.out.tfevents.1700000000.host"};
  ImportOptions options;
  options.format = format;
  if (data[1] & 0x80) options.tokens_per_step = 4096.0 * 2048.0;  // logs that count steps
  if (data[1] & 0x40) options.params = 1e8;                      // logs without a params column
  options.max_listed_warnings = 8;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data + 2), size - 2));
  ImportResult r = importStream(in, kNames[(data[1] & 0x3F) % std::size(kNames)], options);
  if (r.ok()) (void)toFitPoints(r.runs, options.reduction);
  (void)r.status();
  return 0;
}
