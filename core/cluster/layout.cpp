#include "cluster/layout.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace scaleplan {

namespace {

bool setError(std::string* error, const std::string& message) {
  if (error) *error = message;
  return false;
}

std::string str(std::int64_t v) { return std::to_string(v); }

}  // namespace

bool TrainingJob::isValid(std::string* error) const {
  std::string arch_error;
  if (!arch.isValid(&arch_error)) return setError(error, "architecture: " + arch_error);
  if (seq_len <= 0) return setError(error, "seq_len: must be positive, got " + str(seq_len));
  // A learned position table has max_seq_len rows: a longer sequence has no position to look up.
  if (arch.positions == PositionKind::Learned && seq_len > arch.max_seq_len) {
    return setError(error, "seq_len: " + str(seq_len) + " tokens are more than the learned position table's " +
                               str(arch.max_seq_len) + " rows (max_seq_len)");
  }
  if (global_batch <= 0) return setError(error, "global_batch: must be positive, got " + str(global_batch));
  if (gpus <= 0) return setError(error, "gpus: must be positive, got " + str(gpus));
  if (std::find(std::begin(kTrainingPrecisions), std::end(kTrainingPrecisions), precision) ==
      std::end(kTrainingPrecisions)) {
    return setError(error, "precision: the cluster model costs mixed-precision training in bf16, fp16 or fp8, got " +
                               std::string(toString(precision)));
  }
  if (gpus > kMaxJobGpus) return setError(error, "gpus: at most " + str(kMaxJobGpus) + ", got " + str(gpus));
  return true;
}

std::int64_t ParallelLayout::microBatches(const TrainingJob& job) const {
  const std::int64_t per_step = micro_batch * dp;
  return per_step > 0 ? job.global_batch / per_step : 0;
}

std::optional<EndStageLayers> balancedEndStages(std::int64_t layers, int pp, int virtual_stages) {
  if (pp < 2 || virtual_stages < 1 || layers % (static_cast<std::int64_t>(pp) * virtual_stages) == 0) return std::nullopt;
  const std::int64_t share = (layers + pp - 1) / pp;
  const std::int64_t middle = (share + virtual_stages - 1) / virtual_stages * virtual_stages;
  const std::int64_t surplus = middle * pp - layers;
  EndStageLayers ends{middle - (surplus + 1) / 2, middle - surplus / 2};
  if (ends.first < std::max<std::int64_t>(1, virtual_stages) || ends.last < virtual_stages) return std::nullopt;
  if (ends.last == middle) ends.last = 0;  // the even share
  return ends;
}

StageLayers ParallelLayout::stageLayers(std::int64_t layers) const {
  StageLayers s;
  if (pp <= 1) {
    s.first = s.middle = s.last = layers;
    return s;
  }
  const std::int64_t given = (first_stage_layers > 0 ? 1 : 0) + (last_stage_layers > 0 ? 1 : 0);
  const std::int64_t others = pp - given;
  const std::int64_t rest = layers - first_stage_layers - last_stage_layers;
  const std::int64_t share = others > 0 ? rest / others : 0;
  s.first = first_stage_layers > 0 ? first_stage_layers : share;
  s.last = last_stage_layers > 0 ? last_stage_layers : share;
  s.middle = pp >= 3 ? share : s.last;
  return s;
}

std::string ParallelLayout::describe() const {
  std::string s = "TP " + str(tp) + " · PP " + str(pp);
  std::string detail;
  if (virtual_stages > 1) detail = "V " + str(virtual_stages);
  if (unevenStages() && pp > 1) {
    std::string ends;
    if (first_stage_layers > 0) ends = "first " + str(first_stage_layers);
    if (last_stage_layers > 0) ends += (ends.empty() ? "" : ", ") + std::string("last ") + str(last_stage_layers);
    detail += (detail.empty() ? "" : ", ") + ends + " layers";
  }
  if (!detail.empty()) s += " (" + detail + ")";
  s += " · DP " + str(dp);
  if (cp > 1) s += " · CP " + str(cp);
  if (ep > 1) s += " · EP " + str(ep);
  if (expertTp() != tp) s += " (expert TP " + str(expertTp()) + ")";
  s += " · mb " + str(micro_batch);
  if (sequence_parallel) s += " · SP";
  s += " · recompute " + std::string(toString(recompute));
  if (recompute == Recompute::Full && recompute_layers > 0) s += " (" + str(recompute_layers) + " layers per device)";
  if (zero_stage > 0) s += " · ZeRO " + str(zero_stage);
  return s;
}

bool ParallelLayout::isValid(const TrainingJob& job, std::string* error) const {
  const auto& a = job.arch;
  auto positive = [&](const char* field, std::int64_t v) {
    return v >= 1 ? true : setError(error, std::string(field) + ": must be >= 1, got " + str(v));
  };
  if (!positive("tp", tp) || !positive("pp", pp) || !positive("dp", dp) || !positive("cp", cp) ||
      !positive("ep", ep) || !positive("virtual_stages", virtual_stages) || !positive("micro_batch", micro_batch))
    return false;
  if (zero_stage < 0 || zero_stage > 3)
    return setError(error, "zero_stage: must be 0, 1, 2 or 3, got " + str(zero_stage));
  if (gpus() != job.gpus)
    return setError(error, "gpus: " + str(job.gpus) + " is not tp × pp × dp × cp = " + str(tp) + " × " + str(pp) +
                               " × " + str(dp) + " × " + str(cp) + " = " + str(gpus()));
  if (a.heads % tp != 0)
    return setError(error, "tp: heads " + str(a.heads) + " are not divisible by tp " + str(tp));
  const std::int64_t kv = a.effectiveKvHeads();
  // Megatron-Core splits the key/value heads over TP (num_query_groups_per_partition =
  // divide(num_query_groups, tp), which asserts): TP cannot exceed them or replicate them.
  if (kv % tp != 0)
    return setError(error, "tp: kv_heads " + str(kv) + " are not divisible by tp " + str(tp) +
                               " (Megatron-Core splits the key/value heads over TP)");
  if (sequence_parallel && tp == 1) return setError(error, "sequence_parallel: needs tp > 1, got tp 1");
  if (first_stage_layers < 0 || last_stage_layers < 0)
    return setError(error, std::string(first_stage_layers < 0 ? "first_stage_layers" : "last_stage_layers") +
                               ": must be >= 0 (0 = the even share), got " +
                               str(first_stage_layers < 0 ? first_stage_layers : last_stage_layers));
  if (!unevenStages() && a.layers % (static_cast<std::int64_t>(pp) * virtual_stages) != 0)
    return setError(error, "pp: layers " + str(a.layers) + " are not divisible by pp × virtual_stages = " + str(pp) +
                               " × " + str(virtual_stages) +
                               " (first_stage_layers / last_stage_layers split them unevenly)");
  if (unevenStages()) {
    if (pp < 2)
      return setError(error, std::string(first_stage_layers > 0 ? "first_stage_layers" : "last_stage_layers") +
                                 ": needs pp > 1, got pp " + str(pp));
    const std::int64_t given = (first_stage_layers > 0 ? 1 : 0) + (last_stage_layers > 0 ? 1 : 0);
    const std::int64_t others = pp - given;
    const std::int64_t rest = a.layers - first_stage_layers - last_stage_layers;
    const std::string ends = "layers " + str(a.layers) + " - first_stage_layers " + str(first_stage_layers) +
                             " - last_stage_layers " + str(last_stage_layers) + " = " + str(rest);
    if (others == 0 && rest != 0)
      return setError(error, "pp: " + ends + " are left with no other stage (pp 2)");
    if (others > 0 && (rest < others * virtual_stages || rest % (others * virtual_stages) != 0))
      return setError(error, "pp: " + ends + " are not divisible by the other " + str(others) +
                                 " stages × virtual_stages " + str(virtual_stages));
    for (auto [field, value] : {std::pair<const char*, std::int64_t>{"first_stage_layers", first_stage_layers},
                                {"last_stage_layers", last_stage_layers}}) {
      if (value > 0 && value < virtual_stages)
        return setError(error, std::string(field) + ": " + str(value) + " layers cannot fill virtual_stages " +
                                   str(virtual_stages) + " chunks");
    }
  }
  if (recompute_layers < 0)
    return setError(error, "recompute_layers: must be >= 0 (0 = every layer), got " + str(recompute_layers));
  if (recompute_layers > 0 && recompute != Recompute::Full)
    return setError(error, "recompute_layers: " + str(recompute_layers) + " needs recompute full, got recompute " +
                               std::string(toString(recompute)));
  if (recompute_layers > 0 && recompute_layers >= stageLayers(a.layers).most())
    return setError(error, "recompute_layers: " + str(recompute_layers) + " is not fewer than the " +
                               str(stageLayers(a.layers).most()) + " layers of a device (0 = every layer)");
  if (virtual_stages > 1 && pp == 1)
    return setError(error, "virtual_stages: " + str(virtual_stages) + " needs pp > 1 (interleaving splits a pipeline)");
  if (job.seq_len % (2 * cp) != 0 && cp > 1)
    return setError(error, "cp: seq_len " + str(job.seq_len) + " is not divisible by 2 × cp = " + str(2 * cp) +
                               " (causal load balancing splits each sequence into 2·cp chunks)");
  if (expert_tp < 0) return setError(error, "expert_tp: must be >= 1 (0 = tp), got " + str(expert_tp));
  if (expert_tp > 0 && !a.isMoe())
    return setError(error, "expert_tp: " + str(expert_tp) + " needs a mixture-of-experts model (experts 0)");
  if (ep > 1) {
    if (!a.isMoe()) return setError(error, "ep: " + str(ep) + " needs a mixture-of-experts model (experts 0)");
    if (a.moe.experts % ep != 0)
      return setError(error, "ep: experts " + str(a.moe.experts) + " are not divisible by ep " + str(ep));
  }
  if (a.isMoe()) {
    const std::int64_t stage = static_cast<std::int64_t>(tp) * cp * dp;
    const std::int64_t expert_grid = static_cast<std::int64_t>(expertTp()) * ep;
    if (expertTp() == tp && (static_cast<std::int64_t>(dp) * cp) % ep != 0)
      return setError(error, "ep: dp × cp = " + str(dp) + " × " + str(cp) + " is not divisible by ep " + str(ep) +
                                 " (expert_tp lets EP span the TP ranks too)");
    if (stage % expert_grid != 0)
      return setError(error, "ep: tp × cp × dp = " + str(tp) + " × " + str(cp) + " × " + str(dp) + " = " + str(stage) +
                                 " is not divisible by expert_tp × ep = " + str(expertTp()) + " × " + str(ep));
  }
  if (job.global_batch % (micro_batch * dp) != 0)
    return setError(error, "global_batch: " + str(job.global_batch) + " sequences are not divisible by micro_batch × dp = " +
                               str(micro_batch) + " × " + str(dp));
  if (virtual_stages > 1 && microBatches(job) % pp != 0)
    return setError(error, "virtual_stages: the interleaved schedule needs micro-batches per step (" +
                               str(microBatches(job)) + ") divisible by pp " + str(pp));
  return true;
}

}  // namespace scaleplan
