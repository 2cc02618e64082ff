#pragma once
// Private to core/gpubench: the boundary between scaleplan_gpubench and the CUDA backend, which is
// a separate shared module (libscaleplan_gpubench_cuda.so) loaded with dlopen only when the CUDA
// backend is probed or used. Programs that never touch CUDA (the planner, the GUI at start-up,
// the tests) then neither load nor need libcudart/libcublasLt: a build with CUDA starts as fast
// as one without, and on a machine without the CUDA libraries.
//
// The module exports three C functions (everything else in it is hidden). C++ objects still cross
// the boundary (CudaProbe, BenchBackendImpl and what its methods take and return), so the module
// must come from the same sources and compiler as the program: the ABI tag below, computed on
// both sides, is compared before anything else is called, and a module with another tag is
// refused.
//
// A standalone build may link the backend into the executable instead
// (SCALEPLAN_GPUBENCH_CUDA_LINKED=1, see bench/gpubench/standalone): the same functions are then
// called directly.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "gpubench/backend.hpp"
#include "gpubench/benchmark.hpp"

#define SCALEPLAN_CUDA_MODULE_EXPORT __attribute__((visibility("default")))

extern "C" {
// The module's ABI tag (scaleplan::detail::cudaModuleAbiTag() as compiled into the module).
SCALEPLAN_CUDA_MODULE_EXPORT const char* scaleplan_gpubench_cuda_abi();
// probeCudaDevice for the device `device_index`, written to *out (never null).
SCALEPLAN_CUDA_MODULE_EXPORT void scaleplan_gpubench_cuda_probe(int device_index, scaleplan::CudaProbe* out);
// A new CUDA backend, owned by the caller (deleted through its virtual destructor, whose code is
// in the module: the module is therefore never unloaded).
SCALEPLAN_CUDA_MODULE_EXPORT scaleplan::detail::BenchBackendImpl* scaleplan_gpubench_cuda_create();
}

namespace scaleplan::detail {

inline constexpr std::string_view kCudaModuleFileName = "libscaleplan_gpubench_cuda.so";
// Names the module's path explicitly; when set, no other place is searched.
inline constexpr std::string_view kCudaModuleEnvVar = "SCALEPLAN_CUDA_MODULE";
// Raised whenever the interface above or BenchBackendImpl changes.
inline constexpr int kCudaModuleAbiVersion = 1;

// "scaleplan-gpubench-cuda abi 1; GCC 12.2.0; sizes 392/352/384": the interface version, the
// compiler (the C++ ABI and the standard library's layouts follow it) and the sizes of the
// structures that cross the boundary, so that a module built from other sources is caught even
// when someone forgot to raise the version.
inline std::string cudaModuleAbiTag() {
#if defined(__clang__)
  const std::string compiler = "Clang " __clang_version__;
#elif defined(__GNUC__)
  const std::string compiler = "GCC " __VERSION__;
#else
  const std::string compiler = "unknown compiler";
#endif
  return "scaleplan-gpubench-cuda abi " + std::to_string(kCudaModuleAbiVersion) + "; " + compiler +
         "; sizes " + std::to_string(sizeof(BenchOptions)) + "/" + std::to_string(sizeof(DeviceFacts)) + "/" +
         std::to_string(sizeof(CudaProbe)) + "/" + std::to_string(sizeof(GemmMeasurement));
}

// Empty when a module reporting `module_tag` may be used; otherwise why not.
std::optional<std::string> cudaModuleAbiMismatch(std::string_view module_tag);

// Where the module is looked for, in order: `env_path` alone when it is non-empty (the user said
// where it is); else the folder of the executable `exe_path`, `<that folder>/../lib/scaleplan/`
// (the installed layout) and `build_path` (the module in the build tree, baked in at compile
// time; skipped when empty). Paths that are empty or repeat an earlier one are left out.
std::vector<std::string> cudaModuleCandidates(std::string_view env_path, std::string_view exe_path,
                                              std::string_view build_path);

// The module's functions, resolved.
struct CudaModuleApi {
  void (*probe)(int device_index, CudaProbe* out) = nullptr;
  BenchBackendImpl* (*create)() = nullptr;
  std::string path;  // where it was loaded from ("linked into the executable" when linked)
};

// Loads the module (dlopen RTLD_NOW | RTLD_LOCAL; loading it again is cheap, the loader keeps one
// copy) from the first candidate that exists, checks its ABI tag and resolves its functions.
// Errors start with "CUDA backend module could not be loaded: " and name the path and the cause
// (the dynamic loader's text, e.g. a missing libcublasLt.so.13; a missing symbol; an ABI
// mismatch), or list where it was looked for. Must be called only when cudaBackendCompiled().
Result<CudaModuleApi> loadCudaModule();

}  // namespace scaleplan::detail
