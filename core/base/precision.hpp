#pragma once
// Numeric formats. Every peak figure in ScalePlan is tagged with one of these: a dense BF16
// tensor-core peak and an FP32 peak differ more than tenfold on the same chip.

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "base/enum_names.hpp"

namespace scaleplan {

enum class Precision { Fp64, Fp32, Tf32, Bf16, Fp16, Fp8, Int8, Int4 };
inline constexpr auto kPrecisionNames = makeEnumNames<Precision>({
    {Precision::Fp64, "fp64"},
    {Precision::Fp32, "fp32"},
    {Precision::Tf32, "tf32"},
    {Precision::Bf16, "bf16"},
    {Precision::Fp16, "fp16"},
    {Precision::Fp8, "fp8"},
    {Precision::Int8, "int8"},
    {Precision::Int4, "int4"}});

// Every precision, in the table's order.
inline constexpr std::array<Precision, 8> kAllPrecisions = kPrecisionNames.values();

// Lower-case identifiers used by JSON, the CLI and the GUI: "fp64", "fp32", "tf32", "bf16",
// "fp16", "fp8", "int8", "int4".
std::string_view toString(Precision p);
std::optional<Precision> precisionFromString(std::string_view s);
// "fp64, fp32, ..." for error messages and --help.
std::string allPrecisionNames();

// Bytes one value occupies in memory (TF32 is stored as 4-byte FP32; INT4 is half a byte).
double bytesPerValue(Precision p);

}  // namespace scaleplan
