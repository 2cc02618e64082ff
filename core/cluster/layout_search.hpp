#pragma once
// The layout search: for a job on a cluster, enumerate the valid layouts (TP, PP, V, DP, CP, EP,
// sequence parallelism, ZeRO stage, micro-batch, recomputation), drop those that do not fit in
// memory, rank the rest by step time (then memory per GPU) and keep the best K, each with the
// reason it beats the next. Candidates are costed on several threads (std::thread). Layouts with
// the same time and memory under the model are listed once (the first enumerated).
//
// Ranges: TP in powers of two up to the NVLink domain (and the head count), CP in powers of two up
// to max_cp, PP any divisor of the layer count or of the GPUs left after TP and CP (at most one
// stage per layer), DP the rest, V any divisor of layers/PP up to max_virtual_stages (any V up
// to it for a PP with the balanced split below), EP any divisor of the expert count, sequence
// parallelism on whenever TP > 1, ZeRO 0-3, micro-batch from micro_batches,
// recomputation none / selective / full, full also of a quarter, half or three quarters of a
// device's layers (block recomputation). Uneven pipeline stages: end-stage layer counts the user
// gives are kept; a PP that does not divide the layers gets the balanced split (every other device
// ceil(layers / PP) rounded up to a multiple of V, the first and last device lighter: Llama 3
// 405B's 126 layers on 16 stages as 7 + 14 × 8 + 7). The software narrows the ranges to what it
// can run (ExecutionOptions::searches_*: the 2021 profile searches no sequence parallelism,
// selective recomputation, CP, EP or ZeRO; the 2022 profile adds the first two); a field the user
// fixes is taken as given.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/step_model.hpp"

namespace scaleplan {

struct LayoutSearchOptions {
  int top_k = 10;  // layouts returned, >= 1
  // Fields fixed by the user (any left empty is searched).
  std::optional<int> tp, pp, dp, cp, ep, virtual_stages, zero_stage;
  // Expert TP (MoE parallel folding; 0 = tp). Searched when empty: the tp, and 1 (EP may then
  // span the TP ranks).
  std::optional<int> expert_tp;
  std::optional<std::int64_t> micro_batch;
  std::optional<Recompute> recompute;
  std::optional<bool> sequence_parallel;
  std::optional<std::int64_t> first_stage_layers, last_stage_layers;  // see ParallelLayout
  // With recompute full: recomputed layers per device (0 = all); searched when empty.
  std::optional<std::int64_t> recompute_layers;
  // Search ranges. TP stays within the NVLink domain unless max_tp says more (0 = the domain).
  int max_tp = 0;
  int max_cp = 16;
  int max_virtual_stages = 8;
  std::vector<std::int64_t> micro_batches = {1, 2, 4, 8};
  int threads = 0;  // 0 = std::thread::hardware_concurrency()
  bool isValid(std::string* error) const;
};

struct RankedLayout {
  StepEstimate estimate;
  // Why it ranks above the next: "0.41 s (3.2%) faster than #2: 0.30 s less bubble"; "" for the last.
  std::string reason;
};

struct LayoutSearchResult {
  std::vector<RankedLayout> best;  // fastest first
  std::int64_t candidates = 0;     // layouts enumerated
  std::int64_t valid = 0;          // that passed ParallelLayout::isValid
  std::int64_t fitting = 0;        // that fit in memory
  double search_seconds = 0.0;
};

// What the search leaves out under `software` (ExecutionOptions::searches_*), for help texts:
// "no sequence parallelism, selective recomputation, CP, EP or ZeRO"; "" where it searches all.
std::string searchOmissions(const ExecutionOptions& software);

// Errors: an invalid job or options; no valid layout ("no layout divides: ..." with the first
// reason); no layout fits (the one needing least memory, with its verdict).
Result<LayoutSearchResult> searchLayouts(const TrainingJob& job, const ClusterSystem& system, const GemmRates& rates,
                                         const LayoutSearchOptions& options = {},
                                         const ExecutionOptions& execution = {});

}  // namespace scaleplan
