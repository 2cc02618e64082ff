#pragma once
// Private to the CUDA backend: one cuBLASLt matrix product per precision (the types it maps to,
// the plan with its layouts and heuristic candidates, a description of the chosen algorithm),
// and the element formats the correctness checks decode (inputs, outputs, the poison pattern).
#include <cublasLt.h>
#include <cuda_runtime_api.h>
#include <library_types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/precision.hpp"
#include "base/result.hpp"
#include "gpubench/bench_types.hpp"
#include "gpubench/cuda/kernels.hpp"

namespace scaleplan::cuda_host {

// Outputs are filled with this byte before a product, so that an element the product never
// wrote can be recognised (see isPoison).
inline constexpr unsigned char kPoisonByte = 0x7F;

struct TypeConfig {
  cudaDataType_t ab;  // A and B
  cudaDataType_t cd;  // C and D
  cublasComputeType_t compute;
  cudaDataType_t scale;  // alpha, beta
  cuda_kernels::ElementKind fill;
};

TypeConfig typeConfig(Precision p);

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
  ~MatmulPlan();

  // device_scale_one: a device float holding 1.0 (FP8's per-tensor scales).
  static Result<std::unique_ptr<MatmulPlan>> create(cublasLtHandle_t handle, Precision p, const GemmShape& s,
                                                    const float* device_scale_one, bool fast_accumulation,
                                                    std::size_t workspace_bytes);

  // The heuristic's top `count` candidates that fit the workspace, best first.
  Result<std::vector<cublasLtMatmulHeuristicResult_t>> candidates(int count) const;

  cublasStatus_t run(const cublasLtMatmulAlgo_t& algo, const void* a, const void* b, void* d, void* workspace,
                     cudaStream_t stream) const;

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

// The chosen algorithm in words ("cuBLASLt algo ID, tile ..., stages ..., split-k ..., swizzle ...,
// cluster ..., waves ..., workspace ..."), recorded with each measurement.
std::string describeAlgorithm(const cublasLtMatmulHeuristicResult_t& r);

// Decodes one output element (of the precision's output format) at byte offset 0 of `bytes`.
double decodeOutputElement(Precision p, const unsigned char* bytes);
// Decodes a run of input elements (the precision's input format) to doubles.
std::vector<double> decodeInputElements(Precision p, const std::vector<std::uint8_t>& bytes);
// True when an output element still holds the poison pattern (never a result of our inputs:
// 0x7F7F... is 3.4e38 in FP32/BF16, NaN in FP16, 1.4e306 in FP64, 2.1e9 in INT32).
bool isPoison(Precision p, const unsigned char* bytes);

}  // namespace scaleplan::cuda_host
