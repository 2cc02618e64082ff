// One cuBLASLt matrix product (cuda_matmul.hpp): the plan's descriptors and layouts, its heuristic
// candidates, and the element formats the correctness checks decode.
#include "gpubench/cuda/cuda_matmul.hpp"

#include <algorithm>
#include <cstring>

#include "base/format.hpp"
#include "gpubench/cuda/cuda_resources.hpp"
#include "gpubench/numerics.hpp"

namespace scaleplan::cuda_host {

using cuda_kernels::ElementKind;

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

MatmulPlan::~MatmulPlan() {
  if (pref_) cublasLtMatmulPreferenceDestroy(pref_);
  if (d_layout_) cublasLtMatrixLayoutDestroy(d_layout_);
  if (b_layout_) cublasLtMatrixLayoutDestroy(b_layout_);
  if (a_layout_) cublasLtMatrixLayoutDestroy(a_layout_);
  if (desc_) cublasLtMatmulDescDestroy(desc_);
}

Result<std::unique_ptr<MatmulPlan>> MatmulPlan::create(cublasLtHandle_t handle, Precision p, const GemmShape& s,
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

Result<std::vector<cublasLtMatmulHeuristicResult_t>> MatmulPlan::candidates(int count) const {
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

cublasStatus_t MatmulPlan::run(const cublasLtMatmulAlgo_t& algo, const void* a, const void* b, void* d,
                               void* workspace, cudaStream_t stream) const {
  return cublasLtMatmul(handle_, desc_, scalars_.alpha(types_.scale), a, a_layout_, b, b_layout_,
                        scalars_.beta(types_.scale), d, d_layout_, d, d_layout_, &algo, workspace,
                        workspace_bytes_, stream);
}

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

double decodeOutputElement(Precision p, const unsigned char* bytes) {
  std::vector<std::uint8_t> v(bytes, bytes + outputElementBytes(p));
  return decodeOutput(p, v, 1)[0];
}

std::vector<double> decodeInputElements(Precision p, const std::vector<std::uint8_t>& bytes) {
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

bool isPoison(Precision p, const unsigned char* bytes) {
  for (int i = 0; i < outputElementBytes(p); ++i) {
    if (bytes[i] != kPoisonByte) return false;
  }
  return true;
}

}  // namespace scaleplan::cuda_host
