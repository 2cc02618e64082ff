#include "cluster/shape_rule.hpp"

#include <cmath>
#include <numeric>

#include "base/format.hpp"

namespace scaleplan {

Result<TransformerArchitecture> llamaShapeFor(double params) {
  if (!(params >= 1e8 && params <= 1e14))
    return Error{"parameters: the Llama shape rule covers N from 1e8 to 1e14 parameters, got " +
                 formatScientific(params) + ": give the model's architecture (a preset or a config) or type the MFU"};
  TransformerArchitecture a;
  a.vocab = 128256;
  a.kv_heads = 8;
  a.head_dim = 128;
  a.mlp = MlpKind::SwiGlu;
  a.norm = NormKind::RmsNorm;
  a.positions = PositionKind::Rotary;
  a.tied_embeddings = false;
  const double width = std::cbrt(params * 128.0 / 12.5);
  a.d_model = std::max<std::int64_t>(1024, static_cast<std::int64_t>(std::llround(width / 1024.0)) * 1024);
  a.heads = a.d_model / 128;
  a.d_ff = ((a.d_model * 7 / 2 + 255) / 256) * 256;
  a.layers = 4;
  // Layers that best match N (countParameters is linear in layers).
  TransformerArchitecture one = a;
  one.layers = 1;
  TransformerArchitecture two = a;
  two.layers = 2;
  const double per_layer = countParameters(two).total - countParameters(one).total;
  const double base = countParameters(one).total - per_layer;
  const double layers = (params - base) / per_layer;
  a.layers = std::max<std::int64_t>(4, std::llround(layers / 4.0) * 4);
  std::string error;
  if (!a.isValid(&error)) return Error{"shape rule: " + error};
  return a;
}

std::int64_t defaultGlobalBatch(std::int64_t gpus, std::int64_t seq_len) {
  const std::int64_t sequences = static_cast<std::int64_t>(std::ceil(kDefaultGlobalBatchTokens / double(seq_len)));
  const std::int64_t q = gpus / std::gcd(gpus, std::int64_t{64});
  return ((sequences + q - 1) / q) * q;
}

}  // namespace scaleplan
