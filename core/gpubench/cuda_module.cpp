// Finding and loading the CUDA backend module (see cuda_module.hpp for why it is a module).
#include "gpubench/cuda_module.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace scaleplan::detail {

namespace {

constexpr std::string_view kLoadFailed = "CUDA backend module could not be loaded: ";

#if !SCALEPLAN_GPUBENCH_CUDA_LINKED
// The executable's own path, or "" when /proc is not mounted.
std::string executablePath() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.string();
}

// The module in this build tree, as the build system placed it; "" when not built.
std::string buildTreeModulePath() {
#ifdef SCALEPLAN_GPUBENCH_CUDA_MODULE_PATH
  return SCALEPLAN_GPUBENCH_CUDA_MODULE_PATH;
#else
  return "";
#endif
}

// dlerror()'s text, plus what to do when it is the CUDA toolkit's libraries that are missing.
std::string loaderError() {
  const char* e = dlerror();
  std::string text = e ? e : "unknown dynamic loader error";
  if (text.find("libcublas") != std::string::npos || text.find("libcudart") != std::string::npos) {
    text += " (the CUDA toolkit's libraries are not installed or not on the library path; install the "
            "CUDA toolkit or add its lib64 folder to LD_LIBRARY_PATH)";
  }
  return text;
}

template <class Fn>
Fn symbol(void* handle, const char* name) {
  // POSIX guarantees that a dlsym result converts to a function pointer.
  return reinterpret_cast<Fn>(dlsym(handle, name));
}
#endif

}  // namespace

std::optional<std::string> cudaModuleAbiMismatch(std::string_view module_tag) {
  const std::string expected = cudaModuleAbiTag();
  if (module_tag == expected) return std::nullopt;
  return "it was built for '" + std::string(module_tag) + "' but this program needs '" + expected +
         "' (a module from another build of ScalePlan)";
}

std::vector<std::string> cudaModuleCandidates(std::string_view env_path, std::string_view exe_path,
                                              std::string_view build_path) {
  if (!env_path.empty()) return {std::string(env_path)};
  std::vector<std::string> out;
  auto add = [&out](const std::filesystem::path& p) {
    const std::string s = p.lexically_normal().string();
    if (s.empty() || s == "." || s == "..") return;
    for (const std::string& seen : out) {
      if (seen == s) return;
    }
    out.push_back(s);
  };
  if (!exe_path.empty()) {
    const std::filesystem::path dir = std::filesystem::path(exe_path).parent_path();
    if (!dir.empty()) {
      add(dir / kCudaModuleFileName);
      add(dir / ".." / "lib" / "scaleplan" / kCudaModuleFileName);
    }
  }
  if (!build_path.empty()) add(std::filesystem::path(build_path));
  return out;
}

Result<CudaModuleApi> loadCudaModule() {
#if SCALEPLAN_GPUBENCH_CUDA_LINKED
  if (cudaModuleAbiMismatch(scaleplan_gpubench_cuda_abi()))
    return Error{std::string(kLoadFailed) + "the linked backend does not match (impossible in one build)"};
  return CudaModuleApi{&scaleplan_gpubench_cuda_probe, &scaleplan_gpubench_cuda_create,
                       "linked into the executable"};
#else
  const char* env = std::getenv(std::string(kCudaModuleEnvVar).c_str());
  const std::string env_path = env ? env : "";
  const std::vector<std::string> candidates = cudaModuleCandidates(env_path, executablePath(), buildTreeModulePath());
  std::string tried;
  for (const std::string& path : candidates) {
    std::error_code ec;
    // An explicit path is always tried, so that the loader's own message says what is wrong.
    if (env_path.empty() && !std::filesystem::exists(path, ec)) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    const std::string where = env_path.empty() ? path : path + " (from " + std::string(kCudaModuleEnvVar) + ")";
    // Never dlclose'd: backends it created may still exist, and their code lives in it.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const std::string text = loaderError();
      // The loader names the file itself when that is what failed, not when a library it needs is.
      return Error{std::string(kLoadFailed) + (text.rfind(path, 0) == 0 && env_path.empty() ? "" : where + ": ") + text};
    }
    auto abi = symbol<const char* (*)()>(handle, "scaleplan_gpubench_cuda_abi");
    CudaModuleApi api;
    api.probe = symbol<void (*)(int, CudaProbe*)>(handle, "scaleplan_gpubench_cuda_probe");
    api.create = symbol<BenchBackendImpl* (*)()>(handle, "scaleplan_gpubench_cuda_create");
    api.path = path;
    if (!abi || !api.probe || !api.create) {
      return Error{std::string(kLoadFailed) + where +
                   " is not a ScalePlan CUDA backend module (it lacks the scaleplan_gpubench_cuda_* functions)"};
    }
    if (auto why = cudaModuleAbiMismatch(abi())) return Error{std::string(kLoadFailed) + where + ": " + *why};
    return api;
  }
  if (tried.empty()) tried = "nowhere: /proc/self/exe is unreadable and the build tree's path is unknown";
  return Error{std::string(kLoadFailed) + std::string(kCudaModuleFileName) + " was not found (looked for " +
               tried + "); set " + std::string(kCudaModuleEnvVar) + " to its path"};
#endif
}

}  // namespace scaleplan::detail
