#pragma once
// Private to the CUDA backend: CUDA and cuBLASLt error texts, the macros that turn a failed call
// into an Error, and RAII owners of device memory, events and graphs, so that every early return
// of the measuring code releases what it allocated.
#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include "base/format.hpp"
#include "base/result.hpp"

namespace scaleplan::cuda_host {

inline std::string cudaText(cudaError_t e) {
  return std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e);
}
inline std::string cublasText(cublasStatus_t s) {
  return std::string(cublasLtGetStatusName(s)) + ": " + cublasLtGetStatusString(s);
}

// Returns Error{"WHAT: cudaErrorName: text"} from the enclosing function when `expr` fails.
#define SP_CUDA_TRY(expr, what)                                                         \
  do {                                                                                  \
    const cudaError_t sp_e_ = (expr);                                                   \
    if (sp_e_ != cudaSuccess) return Error{std::string(what) + ": " + cudaText(sp_e_)}; \
  } while (0)

// Returns Error{"WHAT: CUBLAS_STATUS_...: text"} from the enclosing function when `expr` fails.
#define SP_CUBLAS_TRY(expr, what)                                                                   \
  do {                                                                                              \
    const cublasStatus_t sp_s_ = (expr);                                                            \
    if (sp_s_ != CUBLAS_STATUS_SUCCESS) return Error{std::string(what) + ": " + cublasText(sp_s_)}; \
  } while (0)

// ---- RAII owners ------------------------------------------------------------------------------

class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(o.ptr_), bytes_(o.bytes_) {
    o.ptr_ = nullptr;
    o.bytes_ = 0;
  }
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    std::swap(ptr_, o.ptr_);
    std::swap(bytes_, o.bytes_);
    return *this;
  }
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }
  static Result<DeviceBuffer> allocate(std::size_t bytes, const std::string& what) {
    DeviceBuffer b;
    const cudaError_t e = cudaMalloc(&b.ptr_, std::max<std::size_t>(bytes, 256));
    if (e != cudaSuccess) {
      cudaGetLastError();  // clear the sticky-free allocation error
      return Error{"cudaMalloc of " + formatBytes(static_cast<double>(bytes)) + " for " + what + ": " +
                   cudaText(e)};
    }
    b.bytes_ = bytes;
    return b;
  }
  void* get() const { return ptr_; }
  template <class T>
  T* as() const {
    return static_cast<T*>(ptr_);
  }
  std::size_t bytes() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  std::size_t bytes_ = 0;
};

class Event {
 public:
  Event() { cudaEventCreate(&event_); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  ~Event() {
    if (event_) cudaEventDestroy(event_);
  }
  cudaEvent_t get() const { return event_; }

 private:
  cudaEvent_t event_ = nullptr;
};

// Elapsed seconds between two recorded events (after they completed).
inline Result<double> elapsedSeconds(const Event& start, const Event& stop) {
  float ms = 0.0f;
  SP_CUDA_TRY(cudaEventElapsedTime(&ms, start.get(), stop.get()), "cudaEventElapsedTime");
  return static_cast<double>(ms) * 1e-3;
}

class GraphExec {
 public:
  GraphExec() = default;
  GraphExec(const GraphExec&) = delete;
  GraphExec& operator=(const GraphExec&) = delete;
  ~GraphExec() {
    if (exec_) cudaGraphExecDestroy(exec_);
    if (graph_) cudaGraphDestroy(graph_);
  }
  cudaGraph_t graph_ = nullptr;
  cudaGraphExec_t exec_ = nullptr;
};

// Every transfer goes through the benchmark's own (non-blocking) stream and waits for it: the
// legacy default stream does not order against a non-blocking stream, so a plain cudaMemcpy
// could race with a product still running, or a pageable upload with the next product.
inline cudaError_t copyOnStream(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind,
                                cudaStream_t stream) {
  const cudaError_t e = cudaMemcpyAsync(dst, src, bytes, kind, stream);
  if (e != cudaSuccess) return e;
  return cudaStreamSynchronize(stream);
}

}  // namespace scaleplan::cuda_host
