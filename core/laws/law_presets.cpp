// The shipped laws, with their published constants and the range of data each was fitted on.
#include <cmath>
#include <string>

#include "base/format.hpp"
#include "laws/scaling_law.hpp"

namespace scaleplan {

namespace {

// Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models" (arXiv:2203.15556),
// Approach 3: the parametric fit L(N, D) = E + A/N^α + B/D^β of Section 3.3 (eq. 2), with the
// estimates as printed in the paper (Section 3.3 / Appendix D.2): E = 1.69, A = 406.4, B = 410.7,
// α = 0.34, β = 0.28. Besiroglu et al. 2024 show these rounded values are biased; kept as printed.
ChinchillaParams hoffmann2022Params() { return ChinchillaParams{1.69, 406.4, 410.7, 0.34, 0.28}; }

// What Hoffmann et al. trained on (abstract and Section 3): "over 400 language models ranging from
// 70 million to over 16 billion parameters on 5 to 500 billion tokens"; the IsoFLOP profiles of
// Approach 2 span "6 × 10^18 to 3 × 10^21 FLOPs" (Section 3.2). Approach 3 fits the final losses of
// the Approach 1 and 2 runs, so these bounds describe its data (Approach 1's longest runs reach
// somewhat beyond 3e21; no run approaches the 5.8e23 FLOPs of Chinchilla itself).
DataRange chinchillaDataRange() {
  DataRange r;
  r.params_min = 70e6;
  r.params_max = 16e9;
  r.tokens_min = 5e9;
  r.tokens_max = 500e9;
  r.flops_min = 6e18;
  r.flops_max = 3e21;
  return r;
}

// Besiroglu, Erdil, Barnett & You 2024, "Chinchilla Scaling: A replication attempt"
// (arXiv:2404.10102): Approach 3 re-fitted to the data reconstructed from Hoffmann et al.'s
// Figure 4: E = 1.8172 (printed 1.82), A = 482.01, B = 2085.43, α = 0.3478, β = 0.3658. It implies
// about 20 tokens per parameter at Chinchilla's budget, consistent with Approaches 1 and 2.
ChinchillaParams besiroglu2024Params() { return ChinchillaParams{1.8172, 482.01, 2085.43, 0.3478, 0.3658}; }

// Muennighoff et al. 2023, "Scaling Data-Constrained Language Models" (arXiv:2305.16264, NeurIPS
// 2023), eq. 5 with their fitted constants. The paper prints them rounded (R_D* ≈ 15.4,
// R_N* ≈ 5.3; the refit of the Chinchilla form on their C4 runs E ≈ 1.87, A ≈ 521, B ≈ 1488,
// α = β ≈ 0.353). The unrounded values are those of the authors' repository
// (github.com/huggingface/datablations, README "Parametric Fit"), which stores the fit as
// log-parameters: a = 6.255414, b = 7.3049974, e = 0.6254804 (A = e^a, B = e^b, E = e^e),
// α = β = 0.3526596, R_D* = 15.387756, R_N* = 5.309743.
DataConstrainedParams muennighoff2023Params(double unique_tokens) {
  DataConstrainedParams p;
  p.base = ChinchillaParams{std::exp(0.6254804), std::exp(6.255414), std::exp(7.3049974), 0.3526596, 0.3526596};
  p.r_d_star = kMuennighoffRDStar;
  p.r_n_star = kMuennighoffRNStar;
  p.unique_tokens = unique_tokens;
  return p;
}

// Muennighoff et al.'s runs (abstract): "ranging up to 900 billion training tokens and 9 billion
// parameter models". Lower bounds and the FLOP range are not stated there; left unknown (0).
DataRange muennighoffDataRange() {
  DataRange r;
  r.params_max = 9e9;
  r.tokens_max = 900e9;
  return r;
}

// Kaplan et al. 2020 (arXiv:2001.08361), Section 1/2: "model size ranging from 768 to 1.5 billion
// non-embedding parameters" and "dataset size ranging from 22 million to 23 billion tokens". The
// FLOP range of the L(C_min) fit is only shown in Figure 1, so it is left unknown (0).
DataRange kaplanDataRange() {
  DataRange r;
  r.params_min = 768;
  r.params_max = 1.5e9;
  r.tokens_min = 22e6;
  r.tokens_max = 23e9;
  return r;
}

const char* const kHoffmannCitation =
    "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models (arXiv:2203.15556), "
    "Approach 3, eq. 2, constants as printed (E 1.69, A 406.4, B 410.7, alpha 0.34, beta 0.28)";
const char* const kBesirogluCitation =
    "Besiroglu, Erdil, Barnett & You 2024, Chinchilla Scaling: A replication attempt (arXiv:2404.10102), "
    "re-fit of Hoffmann et al.'s Approach 3 (E 1.8172, A 482.01, B 2085.43, alpha 0.3478, beta 0.3658)";
const char* const kKaplanCitation =
    "Kaplan et al. 2020, Scaling Laws for Neural Language Models (arXiv:2001.08361): L(N, D) eq. 1.5 with "
    "Table 2 (N_c 6.4e13, D_c 1.8e13, alpha_N 0.076, alpha_D 0.103); L(N), L(D), L(C_min) eqs. 1.1-1.3; "
    "N_opt = 1.3e9 * C_min[PF-days]^0.73 (Table 5, Fig. 14)";
const char* const kMuennighoffCitation =
    "Muennighoff et al. 2023, Scaling Data-Constrained Language Models (arXiv:2305.16264), eq. 5; "
    "R_D* 15.387756, R_N* 5.309743 and the Chinchilla-form refit (E 1.869, A 520.8, B 1487.7, "
    "alpha = beta 0.3526596) from the authors' repository (huggingface/datablations)";
const char* const kTokensPerParamCitation =
    "Rule of thumb from Hoffmann et al. 2022 (Chinchilla 70B: 1.4T tokens, 20 per parameter); "
    "losses from the hoffmann2022 form";

std::string joinedPresetIds() {
  std::string out;
  for (const auto& id : presetLawIds()) out += (out.empty() ? "" : ", ") + id;
  return out;
}

}  // namespace

bool LawLookupOptions::isValid(std::string* error) const {
  if (!(std::isfinite(tokens_per_param) && tokens_per_param > 0.0)) {
    if (error) *error = "ratio: tokens per parameter must be a positive number, got " + formatNumber(tokens_per_param);
    return false;
  }
  if (!(std::isfinite(unique_tokens) && unique_tokens >= 0.0)) {
    if (error) {
      *error = "unique_tokens: must be a non-negative number of tokens (0 = unlimited), got " + formatNumber(unique_tokens);
    }
    return false;
  }
  return true;
}

std::vector<std::string> presetLawIds() {
  return {"hoffmann2022", "besiroglu2024", "kaplan2020", "muennighoff2023", "tokens-per-param"};
}

Result<ScalingLaw> lawById(std::string_view id, const LawLookupOptions& options) {
  std::string why;
  if (!options.isValid(&why)) return Error{why};
  if (id.rfind("file:", 0) == 0) {
    std::string path(id.substr(5));
    if (path.empty()) return Error{"law 'file:': no path after 'file:'"};
    auto law = loadLaw(path);
    if (!law) return law.error();
    ScalingLaw out = *law;
    // A plan records the law by this id; it must reopen the same file.
    out.setId(std::string(id));
    return out;
  }
  if (id == "hoffmann2022") {
    ScalingLaw law("hoffmann2022", "Chinchilla (Hoffmann et al. 2022, as printed)", kHoffmannCitation,
                   hoffmann2022Params());
    law.setDataRange(chinchillaDataRange());
    return law;
  }
  if (id == "besiroglu2024") {
    ScalingLaw law("besiroglu2024", "Chinchilla replication (Besiroglu et al. 2024)", kBesirogluCitation,
                   besiroglu2024Params());
    // Fitted to data reconstructed from Hoffmann et al.'s runs: the same range.
    law.setDataRange(chinchillaDataRange());
    return law;
  }
  if (id == "kaplan2020") {
    ScalingLaw law("kaplan2020", "Kaplan et al. 2020", kKaplanCitation, KaplanParams{});
    law.setDataRange(kaplanDataRange());
    return law;
  }
  if (id == "muennighoff2023") {
    std::string name = "Data-constrained (Muennighoff et al. 2023)";
    if (options.unique_tokens > 0.0) name += ", U = " + formatCount(options.unique_tokens) + " unique tokens";
    ScalingLaw law("muennighoff2023", name, kMuennighoffCitation, muennighoff2023Params(options.unique_tokens));
    law.setDataRange(muennighoffDataRange());
    return law;
  }
  if (id == "tokens-per-param") {
    TokensPerParamParams p;
    p.ratio = options.tokens_per_param;
    p.loss_model = hoffmann2022Params();
    ScalingLaw law("tokens-per-param", "Fixed " + formatNumber(options.tokens_per_param, 4) + " tokens per parameter",
                   kTokensPerParamCitation, p);
    law.setDataRange(chinchillaDataRange());
    return law;
  }
  return Error{"unknown law '" + std::string(id) + "'; known laws: " + joinedPresetIds() +
               ", or file:PATH for a law saved as JSON"};
}

}  // namespace scaleplan
