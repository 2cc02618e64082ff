#pragma once
// Defaults for a job the user described only by its size: an architecture for N parameters along
// the Llama family, and a global batch for a GPU count.
//
// Shape rule (Llama 3, Dubey et al. 2024, Table 3, generalised): head dimension 128, 8 key/value
// heads (GQA), SwiGLU MLP with d_ff = 3.5·d_model rounded up to a multiple of 256 (Llama 3 8B and
// 70B: 14336 = 3.5 × 4096, 28672 = 3.5 × 8192), RMSNorm, rotary positions, untied embeddings,
// vocabulary 128,256. Width and depth: aspect ratio d_model / layers = 128 (Llama 3 8B: 4096/32;
// 405B: 16384/126 ≈ 130), so d_model = (N_layers · 128 / 12.5)^(1/3) from the per-layer count
// ≈ 12.5·d² (attention 2·d² + K/V 2·d·1024, MLP 10.5·d²), rounded to a multiple of 1024 (so that
// the heads divide by the 8 KV heads); then layers = the count that best matches N, rounded to a
// multiple of 4 (so pipelines of 2 and 4 stages divide it).
//
// Global batch: 4M tokens (Llama 2's 4M; Llama 3 405B started at 4M), in sequences of seq_len,
// rounded up to a multiple of gpus / gcd(gpus, 64) so that data parallelism can divide it when
// model parallelism takes a power-of-two factor of the GPU count.

#include <cstdint>

#include "base/result.hpp"
#include "counting/architecture.hpp"

namespace scaleplan {

inline constexpr std::int64_t kDefaultClusterSeqLen = 4096;  // Llama 2 / Llama 3 pre-training
inline constexpr double kDefaultGlobalBatchTokens = 4194304.0;  // 4M tokens

// Errors: params not in [1e8, 1e14].
Result<TransformerArchitecture> llamaShapeFor(double params);
std::int64_t defaultGlobalBatch(std::int64_t gpus, std::int64_t seq_len);

}  // namespace scaleplan
