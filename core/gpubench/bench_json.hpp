#pragma once
// The benchmark's JSON document: {"schema": "scaleplan-benchmark", "schema_version": 1, ...}.
// Every option, the device facts, the catalog entry compared with, every measurement with its
// statistics, and the summaries. Rates are FLOP/s ("..._flops_per_s"), times seconds, sizes
// bytes. Writing then reading gives back an identical BenchResult (doubles round-trip exactly).

#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "gpubench/bench_types.hpp"

namespace scaleplan {

std::string benchResultToJson(const BenchResult& result);
// Errors name the source and the field: "bench.json: gemm[3].precision: unknown precision 'bf17'".
// A schema_version newer than kBenchSchemaVersion is refused with a message saying so.
Result<BenchResult> benchResultFromJson(std::string_view text, const std::string& source);

Status writeBenchResult(const BenchResult& result, const std::filesystem::path& path);
Result<BenchResult> loadBenchResult(const std::filesystem::path& path);

}  // namespace scaleplan
