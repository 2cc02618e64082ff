#pragma once
// A harness for a reader of text in one line:
//
//   // tests/fuzz/fuzz_nccl_log.cpp
//   #include "fuzz_reader.hpp"
//   #include "importers/nccl_tests.hpp"
//   SCALEPLAN_FUZZ_READER(scaleplan::parseNcclTestsLog(text, "fuzz.log"))
//
// defines libFuzzer's entry point, handing each input to the expression as `std::string_view text`
// (the result is discarded: the sanitizers and libFuzzer catch crashes, undefined behaviour, leaks
// and hangs). Seeds go in tests/fuzz/corpus/<name>/ (here nccl_log). A reader that is an import
// format needs no harness at all: fuzz_import feeds every format of kAllImportFormats.
#include <cstddef>
#include <cstdint>
#include <string_view>

#define SCALEPLAN_FUZZ_READER(call)                                                   \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    const std::string_view text(reinterpret_cast<const char*>(data), size);           \
    (void)(call);                                                                     \
    return 0;                                                                         \
  }
