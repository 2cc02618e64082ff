// CUDA backend: dense matrix products through cuBLASLt with explicit types, the FP32 FMA peak and
// memory bandwidth, timed with CUDA events on one stream. Built into the module
// libscaleplan_gpubench_cuda.so; its entry points (cuda_module.hpp) are at the end of this file.
//
// How a shape is timed (everything before step 5 is outside the timed regions):
//  1. a cuBLASLt plan: TN layout (cuBLASLt requires it for FP8 and INT8; used for every
//     precision), FP32 accumulation for TF32/BF16/FP16/FP8, INT32 for INT8;
//  2. enough operand sets that one pass over them is >= 3 × L2 (rotation: no call reads operands
//     the previous call left in L2), filled with random N(0, 1) data on the device, outputs
//     poisoned with 0x7F bytes;
//  3. the heuristic's top candidates (options.algorithm_candidates) are each run once untimed
//     and then timed the way the samples are (graph replays of >= min_timed_ms regions after an
//     L2 flush, so that launch overhead cannot decide between candidates of a small shape); the
//     fastest is kept;
//  4. warm-up calls; the number of calls per timed region is chosen so that a region lasts
//     >= min_timed_ms; those calls are captured into a CUDA graph (no launch gaps);
//  5. per sample: L2 flushed (a kernel that reads a buffer of 2 × L2, before the start event:
//     reading leaves clean lines, where a memset would leave dirty ones for the timed region to
//     write back), start event, graph launch, stop event; seconds per call = region / calls;
//     median and spread over the samples;
//  6. a spot check of the last output against an FP64 host product of the same rows and columns
//     (catches a wrong layout or garbage), and a check that no poisoned output remains.
#include <cublasLt.h>
#include <cuda_runtime_api.h>
#include <library_types.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "base/format.hpp"
#include "gpubench/backend.hpp"
#include "gpubench/cuda/kernels.hpp"
#include "gpubench/cuda_module.hpp"
#include "gpubench/device_match.hpp"
#include "gpubench/numerics.hpp"
#include "gpubench/shapes.hpp"

namespace scaleplan::detail {
namespace {

using cuda_kernels::ElementKind;

CudaProbe probeCudaDeviceImpl(int device_index);

// The backend runs on sm_80 and newer: that is what it is compiled for, and BF16/TF32 tensor
// cores start there.
constexpr int kMinComputeMajor = 8;
constexpr unsigned char kPoisonByte = 0x7F;

std::string cudaText(cudaError_t e) {
  return std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e);
}
std::string cublasText(cublasStatus_t s) {
  return std::string(cublasLtGetStatusName(s)) + ": " + cublasLtGetStatusString(s);
}

// "13.0" from 13000; "13.1.0" from cuBLASLt's 130100.
std::string cudaVersionText(int v) {
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}
std::string cublasVersionText(std::size_t v) {
  return std::to_string(v / 10000) + "." + std::to_string((v % 10000) / 100) + "." + std::to_string(v % 100);
}

#define SP_CUDA_TRY(expr, what)                                                         \
  do {                                                                                  \
    const cudaError_t sp_e_ = (expr);                                                   \
    if (sp_e_ != cudaSuccess) return Error{std::string(what) + ": " + cudaText(sp_e_)}; \
  } while (0)

#define SP_CUBLAS_TRY(expr, what)                                                                   \
  do {                                                                                              \
    const cublasStatus_t sp_s_ = (expr);                                                            \
    if (sp_s_ != CUBLAS_STATUS_SUCCESS) return Error{std::string(what) + ": " + cublasText(sp_s_)}; \
  } while (0)

// ---- RAII wrappers ----------------------------------------------------------------------------

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
Result<double> elapsedSeconds(const Event& start, const Event& stop) {
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

// ---- precision -> cuBLASLt types --------------------------------------------------------------

struct TypeConfig {
  cudaDataType_t ab;  // A and B
  cudaDataType_t cd;  // C and D
  cublasComputeType_t compute;
  cudaDataType_t scale;  // alpha, beta
  ElementKind fill;
};

TypeConfig typeConfig(Precision p) {
  switch (p) {
    case Precision::Fp64: return {CUDA_R_64F, CUDA_R_64F, CUBLAS_COMPUTE_64F, CUDA_R_64F, ElementKind::F64};
    case Precision::Fp32: return {CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F, CUDA_R_32F, ElementKind::F32};
    case Precision::Tf32:
      return {CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F_FAST_TF32, CUDA_R_32F, ElementKind::F32};
    case Precision::Bf16:
      return {CUDA_R_16BF, CUDA_R_16BF, CUBLAS_COMPUTE_32F, CUDA_R_32F, ElementKind::Bf16};
    case Precision::Fp16: return {CUDA_R_16F, CUDA_R_16F, CUBLAS_COMPUTE_32F, CUDA_R_32F, ElementKind::F16};
    case Precision::Fp8:
      return {CUDA_R_8F_E4M3, CUDA_R_16BF, CUBLAS_COMPUTE_32F, CUDA_R_32F, ElementKind::Fp8E4m3};
    case Precision::Int8:
    case Precision::Int4: return {CUDA_R_8I, CUDA_R_32I, CUBLAS_COMPUTE_32I, CUDA_R_32I, ElementKind::I8};
  }
  return {CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F, CUDA_R_32F, ElementKind::F32};
}

// alpha = 1, beta = 0 in the scale type (host pointer mode).
struct Scalars {
  double d1 = 1.0, d0 = 0.0;
  float f1 = 1.0f, f0 = 0.0f;
  std::int32_t i1 = 1, i0 = 0;
  const void* alpha(cudaDataType_t t) const {
    return t == CUDA_R_64F   ? static_cast<const void*>(&d1)
           : t == CUDA_R_32I ? static_cast<const void*>(&i1)
                             : static_cast<const void*>(&f1);
  }
  const void* beta(cudaDataType_t t) const {
    return t == CUDA_R_64F   ? static_cast<const void*>(&d0)
           : t == CUDA_R_32I ? static_cast<const void*>(&i0)
                             : static_cast<const void*>(&f0);
  }
};

// One cuBLASLt matrix product D = op(A)·op(B) with op(A) = Aᵀ, op(B) = B (TN): A stored K×M,
// B K×N, C = D M×N, all column-major.
class MatmulPlan {
 public:
  MatmulPlan() = default;
  MatmulPlan(const MatmulPlan&) = delete;
  MatmulPlan& operator=(const MatmulPlan&) = delete;
  ~MatmulPlan() {
    if (pref_) cublasLtMatmulPreferenceDestroy(pref_);
    if (d_layout_) cublasLtMatrixLayoutDestroy(d_layout_);
    if (b_layout_) cublasLtMatrixLayoutDestroy(b_layout_);
    if (a_layout_) cublasLtMatrixLayoutDestroy(a_layout_);
    if (desc_) cublasLtMatmulDescDestroy(desc_);
  }

  static Result<std::unique_ptr<MatmulPlan>> create(cublasLtHandle_t handle, Precision p, const GemmShape& s,
                                                    const float* device_scale_one, bool fast_accumulation,
                                                    std::size_t workspace_bytes) {
    auto plan = std::make_unique<MatmulPlan>();
    plan->handle_ = handle;
    plan->types_ = typeConfig(p);
    plan->workspace_bytes_ = workspace_bytes;
    const TypeConfig& t = plan->types_;
    SP_CUBLAS_TRY(cublasLtMatmulDescCreate(&plan->desc_, t.compute, t.scale), "cublasLtMatmulDescCreate");
    const cublasOperation_t op_t = CUBLAS_OP_T, op_n = CUBLAS_OP_N;
    SP_CUBLAS_TRY(
        cublasLtMatmulDescSetAttribute(plan->desc_, CUBLASLT_MATMUL_DESC_TRANSA, &op_t, sizeof op_t),
        "TRANSA");
    SP_CUBLAS_TRY(
        cublasLtMatmulDescSetAttribute(plan->desc_, CUBLASLT_MATMUL_DESC_TRANSB, &op_n, sizeof op_n),
        "TRANSB");
    if (p == Precision::Fp8) {
      // Per-tensor scales (1.0: the inputs are already in E4M3 range) as device pointers.
      SP_CUBLAS_TRY(cublasLtMatmulDescSetAttribute(plan->desc_, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER,
                                                   &device_scale_one, sizeof device_scale_one),
                    "A_SCALE_POINTER");
      SP_CUBLAS_TRY(cublasLtMatmulDescSetAttribute(plan->desc_, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER,
                                                   &device_scale_one, sizeof device_scale_one),
                    "B_SCALE_POINTER");
      const std::int8_t fast = fast_accumulation ? 1 : 0;
      SP_CUBLAS_TRY(
          cublasLtMatmulDescSetAttribute(plan->desc_, CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast, sizeof fast),
          "FAST_ACCUM");
    }
    const auto m = static_cast<std::uint64_t>(s.m), n = static_cast<std::uint64_t>(s.n),
               k = static_cast<std::uint64_t>(s.k);
    SP_CUBLAS_TRY(cublasLtMatrixLayoutCreate(&plan->a_layout_, t.ab, k, m, static_cast<std::int64_t>(k)),
                  "layout A");
    SP_CUBLAS_TRY(cublasLtMatrixLayoutCreate(&plan->b_layout_, t.ab, k, n, static_cast<std::int64_t>(k)),
                  "layout B");
    SP_CUBLAS_TRY(cublasLtMatrixLayoutCreate(&plan->d_layout_, t.cd, m, n, static_cast<std::int64_t>(m)),
                  "layout D");
    SP_CUBLAS_TRY(cublasLtMatmulPreferenceCreate(&plan->pref_), "cublasLtMatmulPreferenceCreate");
    const std::uint64_t ws = workspace_bytes;
    SP_CUBLAS_TRY(cublasLtMatmulPreferenceSetAttribute(plan->pref_, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                       &ws, sizeof ws),
                  "MAX_WORKSPACE_BYTES");
    return plan;
  }

  // The heuristic's top `count` candidates that fit the workspace, best first.
  Result<std::vector<cublasLtMatmulHeuristicResult_t>> candidates(int count) const {
    std::vector<cublasLtMatmulHeuristicResult_t> results(static_cast<std::size_t>(count));
    int returned = 0;
    SP_CUBLAS_TRY(cublasLtMatmulAlgoGetHeuristic(handle_, desc_, a_layout_, b_layout_, d_layout_, d_layout_,
                                                 pref_, count, results.data(), &returned),
                  "cublasLtMatmulAlgoGetHeuristic");
    results.resize(static_cast<std::size_t>(returned));
    results.erase(std::remove_if(results.begin(), results.end(),
                                 [&](const cublasLtMatmulHeuristicResult_t& r) {
                                   return r.state != CUBLAS_STATUS_SUCCESS ||
                                          r.workspaceSize > workspace_bytes_;
                                 }),
                  results.end());
    return results;
  }

  cublasStatus_t run(const cublasLtMatmulAlgo_t& algo, const void* a, const void* b, void* d, void* workspace,
                     cudaStream_t stream) const {
    return cublasLtMatmul(handle_, desc_, scalars_.alpha(types_.scale), a, a_layout_, b, b_layout_,
                          scalars_.beta(types_.scale), d, d_layout_, d, d_layout_, &algo, workspace,
                          workspace_bytes_, stream);
  }

  const TypeConfig& types() const { return types_; }

 private:
  cublasLtHandle_t handle_ = nullptr;
  TypeConfig types_{};
  Scalars scalars_;
  std::size_t workspace_bytes_ = 0;
  cublasLtMatmulDesc_t desc_ = nullptr;
  cublasLtMatrixLayout_t a_layout_ = nullptr, b_layout_ = nullptr, d_layout_ = nullptr;
  cublasLtMatmulPreference_t pref_ = nullptr;
};

std::string describeAlgorithm(const cublasLtMatmulHeuristicResult_t& r) {
  auto attr = [&](cublasLtMatmulAlgoConfigAttributes_t a, auto value) {
    std::size_t written = 0;
    if (cublasLtMatmulAlgoConfigGetAttribute(&r.algo, a, &value, sizeof value, &written) !=
        CUBLAS_STATUS_SUCCESS) {
      return std::string("?");
    }
    return std::to_string(value);
  };
  return "cuBLASLt algo " + attr(CUBLASLT_ALGO_CONFIG_ID, std::int32_t{0}) + ", tile " +
         attr(CUBLASLT_ALGO_CONFIG_TILE_ID, std::uint32_t{0}) + ", stages " +
         attr(CUBLASLT_ALGO_CONFIG_STAGES_ID, std::uint32_t{0}) + ", split-k " +
         attr(CUBLASLT_ALGO_CONFIG_SPLITK_NUM, std::int32_t{0}) + ", swizzle " +
         attr(CUBLASLT_ALGO_CONFIG_CTA_SWIZZLING, std::uint32_t{0}) + ", cluster " +
         attr(CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID, std::uint16_t{0}) + ", waves " +
         formatNumber(r.wavesCount, 3) + ", workspace " + formatBytes(static_cast<double>(r.workspaceSize));
}

// Decodes one output element (of the precision's output format) at byte offset 0 of `bytes`.
double decodeOne(Precision p, const unsigned char* bytes) {
  std::vector<std::uint8_t> v(bytes, bytes + outputElementBytes(p));
  return decodeOutput(p, v, 1)[0];
}

// True when an output element still holds the poison pattern (never a result of our inputs:
// 0x7F7F... is 3.4e38 in FP32/BF16, NaN in FP16, 1.4e306 in FP64, 2.1e9 in INT32).
bool isPoison(Precision p, const unsigned char* bytes) {
  for (int i = 0; i < outputElementBytes(p); ++i) {
    if (bytes[i] != kPoisonByte) return false;
  }
  return true;
}

struct OperandSet {
  DeviceBuffer a, b, d;
};

class CudaBackend final : public BenchBackendImpl {
 public:
  ~CudaBackend() override {
    if (handle_) cublasLtDestroy(handle_);
    if (stream_) cudaStreamDestroy(stream_);
  }

  Result<DeviceFacts> open(const BenchOptions& options) override {
    options_ = options;
    CudaProbe probe = probeCudaDeviceImpl(options.device_index);
    if (!probe.isAvailable() || !probe.device) return Error{probe.message};
    facts_ = *probe.device;
    SP_CUDA_TRY(cudaSetDevice(options.device_index), "cudaSetDevice");
    SP_CUDA_TRY(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
    SP_CUBLAS_TRY(cublasLtCreate(&handle_), "cublasLtCreate");
    auto ws =
        DeviceBuffer::allocate(static_cast<std::size_t>(options.workspace_bytes), "the cuBLASLt workspace");
    if (!ws) return ws.error();
    workspace_ = std::move(ws).value();
    // Flushing L2 = reading a buffer twice its size between samples (outside the timed region);
    // its contents are random normal floats, so the flush kernel's "never" condition holds.
    std::size_t flush_bytes = static_cast<std::size_t>(std::max<std::int64_t>(2 * facts_.l2_bytes, 8 << 20));
    flush_bytes += (4096 - flush_bytes % 4096) % 4096;
    auto flush = DeviceBuffer::allocate(flush_bytes, "the L2 flush buffer");
    if (!flush) return flush.error();
    flush_ = std::move(flush).value();
    SP_CUDA_TRY(cuda_kernels::fillNormal(flush_.get(), flush_bytes / sizeof(float), ElementKind::F32,
                                         options.seed + 99, stream_),
                "fill the L2 flush buffer");
    auto sink = DeviceBuffer::allocate(sizeof(float), "the L2 flush sink");
    if (!sink) return sink.error();
    flush_sink_ = std::move(sink).value();
    auto one = DeviceBuffer::allocate(sizeof(float), "the FP8 scale");
    if (!one) return one.error();
    scale_one_ = std::move(one).value();
    const float one_value = 1.0f;
    SP_CUDA_TRY(copy(scale_one_.get(), &one_value, sizeof one_value, cudaMemcpyHostToDevice),
                "copy the FP8 scale");
    return facts_;
  }

  std::optional<std::string> unsupportedReason(Precision p) const override {
    const int cc = facts_.compute_major * 10 + facts_.compute_minor;
    if (p == Precision::Fp8 && cc < 89) {
      return "fp8 needs compute capability 8.9 or newer (Ada, Hopper, Blackwell); this device is " +
             std::to_string(facts_.compute_major) + "." + std::to_string(facts_.compute_minor);
    }
    if (p == Precision::Int4) return "int4 products are not benchmarked";
    return std::nullopt;
  }

  Status globalWarmup() override {
    // Sustained BF16 products (the most common training format) until the time asked for has
    // passed, so that clocks and power management have settled before the first sample.
    const GemmShape shape{4096, 4096, 4096};
    auto plan = MatmulPlan::create(handle_, Precision::Bf16, shape, scale_one_.as<float>(), false,
                                   workspace_.bytes());
    if (!plan) return plan.status();
    auto cands = (*plan)->candidates(1);
    if (!cands) return cands.status();
    if (cands->empty()) return Error{"cuBLASLt offers no BF16 algorithm for the warm-up"};
    auto set = allocateSet(Precision::Bf16, shape, 1);
    if (!set) return set.status();
    Event start, stop;
    cudaEventRecord(start.get(), stream_);
    double elapsed = 0.0;
    while (elapsed * 1e3 < options_.global_warmup_ms) {
      for (int i = 0; i < 10; ++i) {
        const cublasStatus_t st = (*plan)->run((*cands)[0].algo, set->a.get(), set->b.get(), set->d.get(),
                                               workspace_.get(), stream_);
        if (st != CUBLAS_STATUS_SUCCESS) return Error{"warm-up product: " + cublasText(st)};
      }
      cudaEventRecord(stop.get(), stream_);
      SP_CUDA_TRY(cudaEventSynchronize(stop.get()), "warm-up");
      auto e = elapsedSeconds(start, stop);
      if (!e) return e.status();
      elapsed = *e;
    }
    return Status::ok();
  }

  CorrectnessCheck checkCorrectness(Precision p) override {
    CorrectnessCheck c;
    c.precision = p;
    c.shape = kCorrectnessShape;
    c.tolerance = correctnessTolerance(p);
    auto r = runCorrectness(p, c);
    if (!r) {
      c.passed = false;
      c.relative_error = std::numeric_limits<double>::infinity();
      c.detail = r.message();
    }
    return c;
  }

  GemmMeasurement measureGemm(Precision p, const GemmShape& shape) override {
    GemmMeasurement g;
    g.precision = p;
    g.shape = shape;
    g.flops_per_call = gemmFlops(shape);
    g.bytes_per_call = gemmBytes(shape, p);
    if (p == Precision::Fp8) g.fast_accumulation = options_.fp8_fast_accumulation;
    Status s = timeGemm(p, shape, g);
    if (!s) {
      g.ok = false;
      g.error = s.message();
      cudaGetLastError();  // leave no sticky launch error for the next shape
    }
    return g;
  }

  bool hasFmaPeak() const override { return true; }

  Result<FmaPeakMeasurement> measureFmaPeak() override {
    FmaPeakMeasurement f;
    f.sm_count = facts_.sm_count;
    f.fp32_lanes_per_sm = fp32LanesPerSm(facts_.compute_major, facts_.compute_minor);
    if (f.fp32_lanes_per_sm == 0)
      return Error{"unknown FP32 lanes per SM for compute capability " + ccText()};
    const int per_sm = cuda_kernels::fmaBlocksPerSm();
    if (per_sm <= 0) return Error{"cannot query the FMA kernel's occupancy"};
    // One full wave: every block is resident from start to end, so the cycles a block counts
    // span (almost) the whole kernel.
    const int blocks = per_sm * facts_.sm_count;
    auto out = DeviceBuffer::allocate(
        static_cast<std::size_t>(blocks) * cuda_kernels::kFmaThreads * sizeof(float), "FMA output");
    if (!out) return out.error();
    auto cycles =
        DeviceBuffer::allocate(static_cast<std::size_t>(blocks) * sizeof(unsigned long long), "FMA cycles");
    if (!cycles) return cycles.error();
    Event start, stop;
    auto timeKernel = [&](int iterations) -> Result<double> {
      cudaEventRecord(start.get(), stream_);
      SP_CUDA_TRY(cuda_kernels::fmaChains(out->as<float>(), cycles->as<unsigned long long>(), blocks,
                                          iterations, stream_),
                  "FMA kernel launch");
      cudaEventRecord(stop.get(), stream_);
      SP_CUDA_TRY(cudaEventSynchronize(stop.get()), "FMA kernel");
      return elapsedSeconds(start, stop);
    };
    // Calibrate: iterations for a kernel of >= 20 ms (and >= 1.25 × min_timed_ms).
    int iterations = 64;
    auto t = timeKernel(iterations);
    if (!t) return t.error();
    t = timeKernel(iterations);  // the first launch may include module loading
    if (!t) return t.error();
    const double target = std::max(0.020, 1.25e-3 * options_.min_timed_ms);
    iterations = static_cast<int>(std::clamp(std::ceil(iterations * target / *t), 64.0, 1e8));
    std::vector<double> seconds, clocks;
    std::vector<unsigned long long> host_cycles(static_cast<std::size_t>(blocks));
    for (int r = 0; r < options_.repeats; ++r) {
      auto e = timeKernel(iterations);
      if (!e) return e.error();
      SP_CUDA_TRY(copy(host_cycles.data(), cycles->get(), host_cycles.size() * sizeof(unsigned long long),
                       cudaMemcpyDeviceToHost),
                  "copy FMA cycles");
      const unsigned long long max_cycles = *std::max_element(host_cycles.begin(), host_cycles.end());
      seconds.push_back(*e);
      // Cycles counted inside the longest block over the kernel's elapsed time: the SM clock
      // during this sample (slightly low by the launch overhead, ~µs of a >= 20 ms kernel).
      clocks.push_back(static_cast<double>(max_cycles) / *e / 1e6);
    }
    f.seconds_per_kernel = computeStats(seconds);
    f.flops_per_kernel = static_cast<double>(blocks) * cuda_kernels::kFmaThreads *
                         static_cast<double>(iterations) * cuda_kernels::kFmaUnroll *
                         cuda_kernels::kFmaChains * 2.0;
    f.achieved = FlopsPerSecond{f.flops_per_kernel / f.seconds_per_kernel.median};
    f.measured_clock_mhz = computeStats(clocks).median;
    f.clock_peak = fp32ClockPeak(f.sm_count, f.fp32_lanes_per_sm, f.measured_clock_mhz);
    f.fraction_of_clock_peak = f.achieved.value / f.clock_peak.value;
    return f;
  }

  Result<BandwidthMeasurement> measureBandwidth(BandwidthKernel kernel) override {
    BandwidthMeasurement b;
    b.kernel = kernel;
    const int arrays = kernel == BandwidthKernel::DeviceCopy ? 2 : 3;
    // Arrays of 64 × L2 (between 256 MiB and 2 GiB each): the cache holds at most ~2% of them.
    std::size_t bytes =
        static_cast<std::size_t>(std::clamp<std::int64_t>(64 * facts_.l2_bytes, 256LL << 20, 2LL << 30));
    std::size_t free_bytes = 0, total_bytes = 0;
    SP_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
    while (bytes > (64u << 20) && bytes * arrays > free_bytes / 10 * 9) bytes /= 2;
    bytes -= bytes % 4096;
    b.array_bytes = static_cast<std::int64_t>(bytes);
    b.bytes_per_call = static_cast<double>(arrays) * static_cast<double>(bytes);
    std::vector<DeviceBuffer> buffers;
    for (int i = 0; i < arrays; ++i) {
      auto buf = DeviceBuffer::allocate(bytes, "a bandwidth array");
      if (!buf) return buf.error();
      SP_CUDA_TRY(cuda_kernels::fillNormal(buf->get(), bytes / sizeof(float), ElementKind::F32,
                                           options_.seed + 100 + i, stream_),
                  "fill");
      buffers.push_back(std::move(buf).value());
    }
    // As many blocks of 256 threads as fit on the SMs at once: one wave (2048 threads per SM on
    // sm_90, 1536 on sm_89).
    const int per_sm = cuda_kernels::triadBlocksPerSm();
    if (per_sm <= 0) return Error{"cannot query the triad kernel's occupancy"};
    const int blocks = facts_.sm_count * per_sm;
    auto call = [&]() -> cudaError_t {
      if (kernel == BandwidthKernel::DeviceCopy) {
        return cudaMemcpyAsync(buffers[0].get(), buffers[1].get(), bytes, cudaMemcpyDeviceToDevice, stream_);
      }
      return cuda_kernels::triad(buffers[0].as<float>(), buffers[1].as<float>(), buffers[2].as<float>(), 0.5f,
                                 bytes / sizeof(float), blocks, stream_);
    };
    Event start, stop;
    for (int w = 0; w < 2; ++w) SP_CUDA_TRY(call(), "bandwidth warm-up");
    cudaEventRecord(start.get(), stream_);
    SP_CUDA_TRY(call(), "bandwidth probe");
    cudaEventRecord(stop.get(), stream_);
    SP_CUDA_TRY(cudaEventSynchronize(stop.get()), "bandwidth probe");
    auto probe = elapsedSeconds(start, stop);
    if (!probe) return probe.error();
    b.calls_per_sample = callsPerSample(*probe, options_.min_timed_ms, 10000);
    std::vector<Event> starts(static_cast<std::size_t>(options_.repeats)),
        stops(static_cast<std::size_t>(options_.repeats));
    for (int r = 0; r < options_.repeats; ++r) {
      cudaEventRecord(starts[static_cast<std::size_t>(r)].get(), stream_);
      for (int c = 0; c < b.calls_per_sample; ++c) SP_CUDA_TRY(call(), "bandwidth call");
      cudaEventRecord(stops[static_cast<std::size_t>(r)].get(), stream_);
    }
    SP_CUDA_TRY(cudaStreamSynchronize(stream_), "bandwidth samples");
    std::vector<double> samples;
    for (int r = 0; r < options_.repeats; ++r) {
      auto e = elapsedSeconds(starts[static_cast<std::size_t>(r)], stops[static_cast<std::size_t>(r)]);
      if (!e) return e.error();
      samples.push_back(*e / b.calls_per_sample);
    }
    b.seconds_per_call = computeStats(samples);
    b.bytes_per_second = b.bytes_per_call / b.seconds_per_call.median;
    return b;
  }

 private:
  // Every transfer goes through the benchmark's own (non-blocking) stream and waits for it: the
  // legacy default stream does not order against a non-blocking stream, so a plain cudaMemcpy
  // could race with a product still running, or a pageable upload with the next product.
  cudaError_t copy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind) {
    const cudaError_t e = cudaMemcpyAsync(dst, src, bytes, kind, stream_);
    if (e != cudaSuccess) return e;
    return cudaStreamSynchronize(stream_);
  }

  std::string ccText() const {
    return std::to_string(facts_.compute_major) + "." + std::to_string(facts_.compute_minor);
  }

  Result<OperandSet> allocateSet(Precision p, const GemmShape& s, std::uint64_t seed) {
    const TypeConfig t = typeConfig(p);
    const auto a_count = static_cast<std::size_t>(s.k * s.m), b_count = static_cast<std::size_t>(s.k * s.n),
               d_count = static_cast<std::size_t>(s.m * s.n);
    OperandSet set;
    auto a = DeviceBuffer::allocate(a_count * static_cast<std::size_t>(inputElementBytes(p)), "A");
    if (!a) return a.error();
    auto b = DeviceBuffer::allocate(b_count * static_cast<std::size_t>(inputElementBytes(p)), "B");
    if (!b) return b.error();
    auto d = DeviceBuffer::allocate(d_count * static_cast<std::size_t>(outputElementBytes(p)), "D");
    if (!d) return d.error();
    set.a = std::move(a).value();
    set.b = std::move(b).value();
    set.d = std::move(d).value();
    SP_CUDA_TRY(cuda_kernels::fillNormal(set.a.get(), a_count, t.fill, seed * 2 + 1, stream_), "fill A");
    SP_CUDA_TRY(cuda_kernels::fillNormal(set.b.get(), b_count, t.fill, seed * 2 + 2, stream_), "fill B");
    SP_CUDA_TRY(cudaMemsetAsync(set.d.get(), kPoisonByte, set.d.bytes(), stream_), "poison D");
    return set;
  }

  Status runCorrectness(Precision p, CorrectnessCheck& c) {
    const GemmShape& s = c.shape;
    const EncodedMatrix a = makeRandomInput(p, static_cast<std::size_t>(s.k * s.m), options_.seed + 1);
    const EncodedMatrix b = makeRandomInput(p, static_cast<std::size_t>(s.k * s.n), options_.seed + 2);
    const std::size_t d_bytes =
        static_cast<std::size_t>(s.m * s.n) * static_cast<std::size_t>(outputElementBytes(p));
    auto da = DeviceBuffer::allocate(a.bytes.size(), "check A");
    if (!da) return da.status();
    auto db = DeviceBuffer::allocate(b.bytes.size(), "check B");
    if (!db) return db.status();
    auto dd = DeviceBuffer::allocate(d_bytes, "check D");
    if (!dd) return dd.status();
    SP_CUDA_TRY(copy(da->get(), a.bytes.data(), a.bytes.size(), cudaMemcpyHostToDevice), "copy check A");
    SP_CUDA_TRY(copy(db->get(), b.bytes.data(), b.bytes.size(), cudaMemcpyHostToDevice), "copy check B");
    SP_CUDA_TRY(cudaMemsetAsync(dd->get(), kPoisonByte, d_bytes, stream_), "poison check D");
    auto plan = MatmulPlan::create(handle_, p, s, scale_one_.as<float>(), options_.fp8_fast_accumulation,
                                   workspace_.bytes());
    if (!plan) return plan.status();
    auto cands = (*plan)->candidates(1);
    if (!cands) return cands.status();
    if (cands->empty())
      return Error{"cuBLASLt offers no " + std::string(toString(p)) + " algorithm for " + s.toString()};
    const cublasStatus_t st =
        (*plan)->run((*cands)[0].algo, da->get(), db->get(), dd->get(), workspace_.get(), stream_);
    if (st != CUBLAS_STATUS_SUCCESS) return Error{"cublasLtMatmul: " + cublasText(st)};
    SP_CUDA_TRY(cudaStreamSynchronize(stream_), "check product");
    std::vector<std::uint8_t> out(d_bytes);
    SP_CUDA_TRY(copy(out.data(), dd->get(), d_bytes, cudaMemcpyDeviceToHost), "copy check D");
    std::size_t unwritten = 0;
    for (std::size_t i = 0; i < d_bytes; i += static_cast<std::size_t>(outputElementBytes(p))) {
      if (isPoison(p, out.data() + i)) ++unwritten;
    }
    const std::vector<double> actual = decodeOutput(p, out, static_cast<std::size_t>(s.m * s.n));
    const std::vector<double> reference = referenceGemmTn(s, a.values, b.values);
    c.relative_error =
        unwritten ? std::numeric_limits<double>::infinity() : relativeFrobeniusError(actual, reference);
    c.passed = c.relative_error <= c.tolerance;
    c.detail = describeAlgorithm((*cands)[0]) + ": relative Frobenius error " +
               formatScientific(c.relative_error, 3) + (c.passed ? " <= " : " > ") + "tolerance " +
               formatScientific(c.tolerance, 2) + " vs an FP64 CPU reference";
    if (unwritten) c.detail += "; " + std::to_string(unwritten) + " output elements were never written";
    if (p == Precision::Fp8)
      c.detail += std::string("; fast accumulation ") + (options_.fp8_fast_accumulation ? "on" : "off");
    return Status::ok();
  }

  // Compares `samples` output elements of the last product with FP64 dot products of the same
  // rows of A and columns of B copied back from the device.
  Status spotCheck(Precision p, const GemmShape& s, const OperandSet& set) {
    constexpr int kSamples = 16;
    std::vector<double> actual, reference;
    std::size_t seen_nonzero = 0;
    for (int i = 0; i < kSamples; ++i) {
      // Spread over the matrix, including the last row and column.
      const std::int64_t m = (s.m - 1) * i / (kSamples - 1);
      const std::int64_t n = (s.n - 1) * ((i * 7) % kSamples) / (kSamples - 1);
      const auto k = static_cast<std::size_t>(s.k);
      const std::size_t in_bytes = static_cast<std::size_t>(inputElementBytes(p));
      std::vector<std::uint8_t> row(k * in_bytes), col(k * in_bytes);
      SP_CUDA_TRY(copy(row.data(), set.a.as<unsigned char>() + static_cast<std::size_t>(m) * k * in_bytes,
                       row.size(), cudaMemcpyDeviceToHost),
                  "spot check: copy A row");
      SP_CUDA_TRY(copy(col.data(), set.b.as<unsigned char>() + static_cast<std::size_t>(n) * k * in_bytes,
                       col.size(), cudaMemcpyDeviceToHost),
                  "spot check: copy B column");
      unsigned char out[8] = {};
      const std::size_t out_bytes = static_cast<std::size_t>(outputElementBytes(p));
      SP_CUDA_TRY(
          copy(out,
               set.d.as<unsigned char>() + (static_cast<std::size_t>(m) +
                                            static_cast<std::size_t>(n) * static_cast<std::size_t>(s.m)) *
                                               out_bytes,
               out_bytes, cudaMemcpyDeviceToHost),
          "spot check: copy D element");
      if (isPoison(p, out))
        return Error{"output element (" + std::to_string(m) + ", " + std::to_string(n) +
                     ") was never written"};
      const std::vector<double> av = decodeInputs(p, row), bv = decodeInputs(p, col);
      double sum = 0.0;
      for (std::size_t j = 0; j < k; ++j) {
        sum += av[j] * bv[j];
        if (av[j] != 0.0) ++seen_nonzero;
      }
      reference.push_back(sum);
      actual.push_back(decodeOne(p, out));
    }
    if (seen_nonzero == 0) return Error{"the inputs are all zeros: the random fill did not run"};
    const double error = relativeFrobeniusError(actual, reference);
    // 10 × the small problem's tolerance: long K accumulates more rounding, and this check is
    // there to catch wrong layouts or garbage (error ~1), not to grade rounding.
    const double tolerance = 10.0 * correctnessTolerance(p);
    if (!(error <= tolerance)) {
      return Error{"spot check of the timed product failed: relative error " + formatScientific(error, 3) +
                   " > " + formatScientific(tolerance, 2) + " over " + std::to_string(kSamples) +
                   " elements"};
    }
    return Status::ok();
  }

  static std::vector<double> decodeInputs(Precision p, const std::vector<std::uint8_t>& bytes) {
    const std::size_t n = bytes.size() / static_cast<std::size_t>(inputElementBytes(p));
    std::vector<double> out(n);
    for (std::size_t i = 0; i < n; ++i) {
      const unsigned char* e = bytes.data() + i * static_cast<std::size_t>(inputElementBytes(p));
      switch (p) {
        case Precision::Fp64: {
          double v;
          std::memcpy(&v, e, 8);
          out[i] = v;
          break;
        }
        case Precision::Fp32:
        case Precision::Tf32: {
          float v;
          std::memcpy(&v, e, 4);
          out[i] = v;
          break;
        }
        case Precision::Bf16: {
          std::uint16_t v;
          std::memcpy(&v, e, 2);
          out[i] = bf16ToFloat(v);
          break;
        }
        case Precision::Fp16: {
          std::uint16_t v;
          std::memcpy(&v, e, 2);
          out[i] = fp16ToFloat(v);
          break;
        }
        case Precision::Fp8: out[i] = fp8E4m3ToFloat(*e); break;
        case Precision::Int8:
        case Precision::Int4: out[i] = static_cast<std::int8_t>(*e); break;
      }
    }
    return out;
  }

  // Evicts L2 before a sample, outside its events (see the file comment, step 5).
  cudaError_t flushL2() {
    return cuda_kernels::flushL2ByReading(flush_.as<float>(), flush_.bytes() / sizeof(float),
                                          flush_sink_.as<float>(), facts_.sm_count * 8, stream_);
  }

  // `repeats_wanted` timed regions of `calls` products each: the calls are captured once into a
  // CUDA graph (no launch gaps between them) and the graph is replayed per sample, after an L2
  // flush (when options_.flush_cache) that lies outside the sample's events. Falls back to direct
  // launches if capture fails (and says so in `algorithm`).
  template <class RunOn>
  Result<SampleStats> sampleRegions(const cublasLtMatmulAlgo_t& algo, int calls, int repeats_wanted,
                                    RunOn& runOn, std::string& algorithm) {
    GraphExec graph;
    bool use_graph = true;
    if (cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal) == cudaSuccess) {
      for (int c = 0; c < calls; ++c) {
        if (runOn(algo) != CUBLAS_STATUS_SUCCESS) use_graph = false;
      }
      if (cudaStreamEndCapture(stream_, &graph.graph_) != cudaSuccess || !use_graph ||
          cudaGraphInstantiate(&graph.exec_, graph.graph_, 0) != cudaSuccess) {
        use_graph = false;
      }
    } else {
      use_graph = false;
    }
    cudaGetLastError();  // a failed capture leaves an error that direct launches replace
    const std::string kDirect = " (direct launches: graph capture failed)";
    if (!use_graph && algorithm.find(kDirect) == std::string::npos) algorithm += kDirect;

    const auto repeats = static_cast<std::size_t>(repeats_wanted);
    std::vector<Event> starts(repeats), stops(repeats);
    for (std::size_t r = 0; r < repeats; ++r) {
      if (options_.flush_cache) SP_CUDA_TRY(flushL2(), "L2 flush");
      cudaEventRecord(starts[r].get(), stream_);
      if (use_graph) {
        SP_CUDA_TRY(cudaGraphLaunch(graph.exec_, stream_), "cudaGraphLaunch");
      } else {
        for (int c = 0; c < calls; ++c) {
          const cublasStatus_t st = runOn(algo);
          if (st != CUBLAS_STATUS_SUCCESS) return Error{"timed call: " + cublasText(st)};
        }
      }
      cudaEventRecord(stops[r].get(), stream_);
    }
    SP_CUDA_TRY(cudaStreamSynchronize(stream_), "timed samples");
    std::vector<double> samples;
    for (std::size_t r = 0; r < repeats; ++r) {
      auto e = elapsedSeconds(starts[r], stops[r]);
      if (!e) return e.error();
      samples.push_back(*e / calls);
    }
    return computeStats(samples);
  }

  Status timeGemm(Precision p, const GemmShape& shape, GemmMeasurement& g) {
    if ((p == Precision::Fp8 || p == Precision::Int8) && (shape.m % 16 || shape.n % 16 || shape.k % 16)) {
      return Error{std::string(toString(p)) + " products in cuBLASLt need M, N and K divisible by 16 (got " +
                   shape.toString() + ")"};
    }
    auto plan_r = MatmulPlan::create(handle_, p, shape, scale_one_.as<float>(),
                                     options_.fp8_fast_accumulation, workspace_.bytes());
    if (!plan_r) return plan_r.status();
    const MatmulPlan& plan = **plan_r;
    auto cands_r = plan.candidates(options_.algorithm_candidates);
    if (!cands_r) return cands_r.status();
    const auto& cands = *cands_r;
    if (cands.empty())
      return Error{"cuBLASLt offers no " + std::string(toString(p)) + " algorithm for " + shape.toString()};

    // Operand sets: rotation so that a pass over them exceeds 3 × L2, within free memory.
    const double set_bytes = g.bytes_per_call;
    int sets = options_.flush_cache ? bufferSetsFor(set_bytes, static_cast<double>(facts_.l2_bytes), 64) : 1;
    std::size_t free_bytes = 0, total_bytes = 0;
    SP_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
    const double usable = static_cast<double>(free_bytes) * 0.9;
    if (set_bytes > usable) {
      return Error{shape.toString() + " in " + std::string(toString(p)) + " needs " + formatBytes(set_bytes) +
                   " of device memory; " + formatBytes(static_cast<double>(free_bytes)) + " is free"};
    }
    sets = std::max(1, std::min(sets, static_cast<int>(usable / set_bytes)));
    g.buffer_sets = sets;
    std::vector<OperandSet> operand_sets;
    for (int i = 0; i < sets; ++i) {
      auto set = allocateSet(p, shape,
                             options_.seed * 1000003u + static_cast<std::uint64_t>(i) * 7919u +
                                 static_cast<std::uint64_t>(shape.m + 3 * shape.n + 7 * shape.k));
      if (!set) return set.status();
      operand_sets.push_back(std::move(set).value());
    }
    std::size_t next = 0;
    auto runOn = [&](const cublasLtMatmulAlgo_t& algo) {
      const OperandSet& set = operand_sets[next++ % operand_sets.size()];
      return plan.run(algo, set.a.get(), set.b.get(), set.d.get(), workspace_.get(), stream_);
    };

    // Algorithm choice: each candidate once untimed, then timed once directly to size its
    // regions, then (unless one call already fills a region) over two regions timed like the
    // samples: graph replays after an L2 flush.
    Event start, stop;
    double best_seconds = std::numeric_limits<double>::infinity();
    int best = -1;
    std::string candidate_errors;
    for (std::size_t i = 0; i < cands.size(); ++i) {
      const cublasStatus_t st = runOn(cands[i].algo);
      if (st != CUBLAS_STATUS_SUCCESS) {
        candidate_errors += " candidate " + std::to_string(i) + ": " + cublasText(st) + ";";
        continue;
      }
      cudaEventRecord(start.get(), stream_);
      runOn(cands[i].algo);
      cudaEventRecord(stop.get(), stream_);
      SP_CUDA_TRY(cudaEventSynchronize(stop.get()), "candidate timing");
      auto one = elapsedSeconds(start, stop);
      if (!one) return one.status();
      const int calls = callsPerSample(*one, options_.min_timed_ms, 20000);
      double per_call = *one;
      if (calls > 1) {
        std::string candidate_method;
        auto regions = sampleRegions(cands[i].algo, calls, 2, runOn, candidate_method);
        if (!regions) return regions.status();
        per_call = regions->median;
      }
      if (per_call < best_seconds) {
        best_seconds = per_call;
        best = static_cast<int>(i);
      }
    }
    if (best < 0) return Error{"every cuBLASLt candidate failed:" + candidate_errors};
    const cublasLtMatmulAlgo_t& algo = cands[static_cast<std::size_t>(best)].algo;
    g.algorithm = describeAlgorithm(cands[static_cast<std::size_t>(best)]);
    g.algorithm_rank = best;
    g.algorithm_candidates = static_cast<int>(cands.size());

    for (int w = 0; w < options_.warmup_calls; ++w) {
      const cublasStatus_t st = runOn(algo);
      if (st != CUBLAS_STATUS_SUCCESS) return Error{"warm-up call: " + cublasText(st)};
    }
    g.calls_per_sample = callsPerSample(best_seconds, options_.min_timed_ms, 20000);
    // Samples; if the clock changed since the estimate and the median region came out shorter
    // than min_timed_ms, the calls per region are re-sized from the measured time and the
    // samples taken again (at most twice).
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto stats = sampleRegions(algo, g.calls_per_sample, options_.repeats, runOn, g.algorithm);
      if (!stats) return stats.status();
      g.seconds_per_call = *stats;
      if (regionLongEnough(g.seconds_per_call, g.calls_per_sample, options_.min_timed_ms)) break;
      g.calls_per_sample = callsPerSample(g.seconds_per_call.median, options_.min_timed_ms, 20000);
    }
    g.achieved = FlopsPerSecond{g.flops_per_call / g.seconds_per_call.median};

    // Every set that was used must hold a correct product; the spot check reads the last one.
    const std::size_t last = (next + operand_sets.size() - 1) % operand_sets.size();
    Status check = spotCheck(p, shape, operand_sets[last]);
    if (!check) return check;
    g.ok = true;
    return Status::ok();
  }

  BenchOptions options_;
  DeviceFacts facts_;
  cudaStream_t stream_ = nullptr;
  cublasLtHandle_t handle_ = nullptr;
  DeviceBuffer workspace_, flush_, flush_sink_, scale_one_;
};

CudaProbe probeCudaDeviceImpl(int device_index) {
  CudaProbe probe;
  int runtime = 0, driver = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    if (e == cudaErrorInsufficientDriver || e == cudaErrorStubLibrary || driver == 0) {
      probe.availability = CudaAvailability::NoDriver;
      probe.message =
          driver == 0
              ? "no NVIDIA driver was found (libcuda is not installed or not loadable), so no CUDA device "
                "can be used"
              : "the NVIDIA driver supports CUDA " + cudaVersionText(driver) + " but this build needs CUDA " +
                    cudaVersionText(runtime) + " or newer; update the driver";
    } else if (e == cudaErrorNoDevice) {
      probe.availability = CudaAvailability::NoDevice;
      probe.message =
          "an NVIDIA driver is installed but no CUDA device is visible (check CUDA_VISIBLE_DEVICES)";
    } else {
      probe.availability = CudaAvailability::Error;
      probe.message = "cudaGetDeviceCount failed: " + cudaText(e);
    }
    return probe;
  }
  if (count == 0) {
    probe.availability = CudaAvailability::NoDevice;
    probe.message =
        "an NVIDIA driver is installed but no CUDA device is visible (check CUDA_VISIBLE_DEVICES)";
    return probe;
  }
  if (device_index >= count) {
    probe.availability = CudaAvailability::NoDevice;
    probe.message = "CUDA device " + std::to_string(device_index) + " was asked for but only " +
                    std::to_string(count) + " device(s) are visible";
    return probe;
  }
  cudaDeviceProp prop{};
  const cudaError_t pe = cudaGetDeviceProperties(&prop, device_index);
  if (pe != cudaSuccess) {
    cudaGetLastError();
    probe.availability = CudaAvailability::Error;
    probe.message = "cudaGetDeviceProperties failed: " + cudaText(pe);
    return probe;
  }
  DeviceFacts f;
  f.backend = BenchBackend::Cuda;
  f.name = prop.name;
  f.compute_major = prop.major;
  f.compute_minor = prop.minor;
  f.sm_count = prop.multiProcessorCount;
  int khz = 0;
  if (cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, device_index) == cudaSuccess)
    f.sm_clock_mhz = khz / 1000.0;
  if (cudaDeviceGetAttribute(&khz, cudaDevAttrMemoryClockRate, device_index) == cudaSuccess)
    f.memory_clock_mhz = khz / 1000.0;
  cudaGetLastError();
  f.memory_bytes = static_cast<std::int64_t>(prop.totalGlobalMem);
  f.memory_bus_width_bits = prop.memoryBusWidth;
  f.l2_bytes = prop.l2CacheSize;
  f.driver_version = cudaVersionText(driver);
  f.runtime_version = cudaVersionText(runtime);
  f.blas_version = "cuBLASLt " + cublasVersionText(cublasLtGetVersion());
  probe.device = f;
  const std::string cc = std::to_string(prop.major) + "." + std::to_string(prop.minor);
  if (prop.major < kMinComputeMajor) {
    probe.availability = CudaAvailability::UnsupportedDevice;
    probe.message = "'" + f.name + "' has compute capability " + cc +
                    "; the CUDA backend needs 8.0 or newer (Ampere, Ada, Hopper, Blackwell)";
    return probe;
  }
  probe.availability = CudaAvailability::Available;
  probe.message = "'" + f.name + "' (compute capability " + cc + ", " + std::to_string(f.sm_count) +
                  " SMs, " + formatBytes(static_cast<double>(f.memory_bytes)) + ")";
  return probe;
}

}  // namespace
}  // namespace scaleplan::detail

// ---- the module's entry points (cuda_module.hpp) -----------------------------------------------

const char* scaleplan_gpubench_cuda_abi() {
  static const std::string tag = scaleplan::detail::cudaModuleAbiTag();
  return tag.c_str();
}

void scaleplan_gpubench_cuda_probe(int device_index, scaleplan::CudaProbe* out) {
  *out = scaleplan::detail::probeCudaDeviceImpl(device_index);
}

scaleplan::detail::BenchBackendImpl* scaleplan_gpubench_cuda_create() {
  return new scaleplan::detail::CudaBackend();
}
