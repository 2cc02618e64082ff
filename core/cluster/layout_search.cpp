#include "cluster/layout_search.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>
#include <utility>

namespace scaleplan {

namespace {

std::vector<int> powersOfTwoUpTo(int limit) {
  std::vector<int> out;
  for (int v = 1; v <= limit; v *= 2) out.push_back(v);
  return out;
}

std::vector<int> divisorsOf(std::int64_t n, std::int64_t limit) {
  std::vector<int> out;
  for (std::int64_t v = 1; v <= std::min(n, limit); ++v) {
    if (n % v == 0) out.push_back(static_cast<int>(v));
  }
  return out;
}

template <class T>
std::vector<T> fixedOr(const std::optional<T>& fixed, std::vector<T> all) {
  if (fixed) return {*fixed};
  return all;
}

// Virtual stages and end-stage layer counts (0 = the even share) to try for `pp` stages.
struct StageSplit {
  int virtual_stages = 1;
  EndStageLayers ends;
};

std::vector<StageSplit> stageSplits(std::int64_t layers, int pp, const LayoutSearchOptions& o) {
  std::vector<StageSplit> out;
  const std::int64_t max_v = pp > 1 ? o.max_virtual_stages : 1;
  std::vector<int> all_v;
  for (int v = 1; v <= max_v; ++v) all_v.push_back(v);
  if (o.first_stage_layers || o.last_stage_layers) {
    // The user's end stages; ParallelLayout::isValid drops the V that do not divide the rest.
    for (int v : fixedOr(o.virtual_stages, all_v))
      out.push_back({v, {o.first_stage_layers.value_or(0), o.last_stage_layers.value_or(0)}});
    return out;
  }
  if (layers % pp == 0) {
    for (int v : fixedOr(o.virtual_stages, pp > 1 ? divisorsOf(layers / pp, max_v) : std::vector<int>{1}))
      out.push_back({v, {}});
    return out;
  }
  // A pp that does not divide the layers (fixed by the user, or searched because it divides the
  // GPUs: 126 layers on 16,384 GPUs leave only PP 1 and 2 otherwise): the balanced split.
  for (int v : fixedOr(o.virtual_stages, all_v)) {
    if (auto ends = balancedEndStages(layers, pp, v)) out.push_back({v, *ends});
  }
  return out;
}

// Pipeline stages to try: the divisors of the layer count, and the divisors of the GPUs left after
// TP and CP up to the layer count (each with the balanced split of stageSplits), in order.
std::vector<int> pipelineStageChoices(std::int64_t layers, std::int64_t gpus_per_tp_cp) {
  std::vector<int> out = divisorsOf(layers, layers);
  for (int pp : divisorsOf(gpus_per_tp_cp, layers))
    if (layers % pp != 0) out.push_back(pp);
  std::sort(out.begin(), out.end());
  return out;
}

// Recomputed layers per device to try: with recompute full, every layer (0) and, unless the user
// fixed it, a quarter, half and three quarters of a device's layers (block recomputation).
std::vector<std::int64_t> recomputeLayerChoices(const ParallelLayout& l, std::int64_t layers,
                                                const LayoutSearchOptions& o) {
  if (l.recompute != Recompute::Full) return {0};
  if (o.recompute_layers) return {*o.recompute_layers};
  std::vector<std::int64_t> out = {0};
  const std::int64_t n = l.stageLayers(layers).most();
  for (std::int64_t quarter : {1, 2, 3}) {
    const std::int64_t k = std::max<std::int64_t>(1, n * quarter / 4);
    if (k < n && std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  }
  return out;
}

std::vector<ParallelLayout> enumerate(const TrainingJob& job, const ClusterSystem& system,
                                      const LayoutSearchOptions& o, const ExecutionOptions& software) {
  const auto& a = job.arch;
  const int max_tp = o.max_tp > 0 ? o.max_tp : system.nvlink_domain_gpus;
  // What the software can run (ExecutionOptions::searches_*); a field the user fixed is kept.
  std::vector<Recompute> recompute_choices = {Recompute::None, Recompute::Full};
  if (software.searches_selective_recompute)
    recompute_choices.insert(recompute_choices.begin() + 1, Recompute::Selective);
  std::vector<int> zero_stages;
  for (int zero = 0; zero <= software.max_searched_zero_stage; ++zero) zero_stages.push_back(zero);
  std::vector<ParallelLayout> out;
  for (int tp : fixedOr(o.tp, powersOfTwoUpTo(std::min<std::int64_t>(max_tp, a.heads)))) {
    if (job.gpus % tp != 0) continue;
    const bool sp_choice = tp > 1 && software.searches_sequence_parallel;
    for (int cp : fixedOr(o.cp, powersOfTwoUpTo(software.searches_context_parallel ? o.max_cp : 1))) {
      if (job.gpus % (static_cast<std::int64_t>(tp) * cp) != 0) continue;
      const std::int64_t gpus_per_tp_cp = job.gpus / (static_cast<std::int64_t>(tp) * cp);
      for (int pp : fixedOr(o.pp, pipelineStageChoices(a.layers, gpus_per_tp_cp))) {
        const std::int64_t model_parallel = static_cast<std::int64_t>(tp) * cp * pp;
        if (job.gpus % model_parallel != 0) continue;
        const int dp = static_cast<int>(job.gpus / model_parallel);
        if (o.dp && *o.dp != dp) continue;
        for (const StageSplit& split : stageSplits(a.layers, pp, o)) {
          const int v = split.virtual_stages;
          std::vector<int> eps = a.isMoe() && software.searches_expert_parallel
                                     ? divisorsOf(a.moe.experts, a.moe.experts)
                                     : std::vector<int>{1};
          // Expert TP: the tp (0) and, for a MoE model split over TP, 1 (EP across the TP ranks).
          const std::vector<int> expert_tps = a.isMoe() && tp > 1 ? std::vector<int>{0, 1} : std::vector<int>{0};
          std::vector<std::pair<int, int>> expert_grids;  // (ep, expert TP)
          for (int ep : fixedOr(o.ep, eps)) {
            for (int etp : fixedOr(o.expert_tp, expert_tps)) expert_grids.emplace_back(ep, etp);
          }
          for (const auto& [ep, etp] : expert_grids) {
            for (std::int64_t mb : fixedOr(o.micro_batch, o.micro_batches)) {
              for (Recompute r : fixedOr(o.recompute, recompute_choices)) {
                for (bool sp : fixedOr(o.sequence_parallel, {sp_choice})) {
                  for (int zero : fixedOr(o.zero_stage, zero_stages)) {
                    ParallelLayout l;
                    l.tp = tp, l.pp = pp, l.dp = dp, l.cp = cp, l.ep = ep, l.virtual_stages = v;
                    l.expert_tp = etp == tp ? 0 : etp;
                    l.first_stage_layers = split.ends.first, l.last_stage_layers = split.ends.last;
                    l.sequence_parallel = sp, l.zero_stage = zero, l.micro_batch = mb, l.recompute = r;
                    for (std::int64_t k : recomputeLayerChoices(l, a.layers, o)) {
                      l.recompute_layers = k;
                      out.push_back(l);
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return out;
}

// Why the fixed fields leave nothing to enumerate (every candidate is skipped before isValid):
// the fixed degrees do not divide the GPUs, else the first reason ParallelLayout::isValid gives
// for the fixed fields with the others at 1 (DP derived).
std::string noCandidateReason(const TrainingJob& job, const LayoutSearchOptions& o) {
  ParallelLayout l;
  l.tp = o.tp.value_or(1), l.pp = o.pp.value_or(1), l.cp = o.cp.value_or(1), l.ep = o.ep.value_or(1);
  l.virtual_stages = o.virtual_stages.value_or(1), l.expert_tp = o.expert_tp.value_or(0);
  l.micro_batch = o.micro_batch.value_or(1), l.zero_stage = o.zero_stage.value_or(0);
  l.recompute = o.recompute.value_or(Recompute::None), l.sequence_parallel = o.sequence_parallel.value_or(false);
  l.first_stage_layers = o.first_stage_layers.value_or(0), l.last_stage_layers = o.last_stage_layers.value_or(0);
  const std::int64_t model_parallel = static_cast<std::int64_t>(l.tp) * l.pp * l.cp;
  const std::int64_t fixed = model_parallel * o.dp.value_or(1);
  if (job.gpus % fixed != 0 || (o.dp && fixed != job.gpus)) {
    std::string product = "tp × pp × cp" + std::string(o.dp ? " × dp" : "") + " = " + std::to_string(l.tp) + " × " +
                          std::to_string(l.pp) + " × " + std::to_string(l.cp) +
                          (o.dp ? " × " + std::to_string(*o.dp) : "") + " = " + std::to_string(fixed);
    return product + (o.dp ? " is not the " : " does not divide the ") + std::to_string(job.gpus) + " GPUs";
  }
  l.dp = static_cast<int>(job.gpus / model_parallel);
  std::string why;
  if (!l.isValid(job, &why)) return why;
  return "";
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 1.0 ? "%.3f s" : "%.2f s", s);
  return buf;
}

// Why `a` ranks above `b`.
std::string reasonAbove(const StepEstimate& a, const StepEstimate& b, std::size_t b_rank) {
  const double dt = b.step_seconds - a.step_seconds;
  const std::string next = "#" + std::to_string(b_rank);
  if (dt <= 1e-12 * b.step_seconds) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "same step time as %s, %.1f GB less memory per GPU", next.c_str(),
                  (b.memory.total() - a.memory.total()) / 1e9);
    return buf;
  }
  const std::pair<const char*, double> terms[] = {
      {"matrix-product time", b.time.gemm - a.time.gemm},
      {"attention time", b.time.attention - a.time.attention},
      {"memory-bound time", b.time.memory_bound - a.time.memory_bound},
      {"exposed TP communication", b.time.tp_communication - a.time.tp_communication},
      {"exposed CP communication", b.time.cp_communication - a.time.cp_communication},
      {"exposed EP communication", b.time.ep_communication - a.time.ep_communication},
      {"pipeline send/recv", b.time.pp_communication - a.time.pp_communication},
      {"pipeline bubble", b.time.bubble - a.time.bubble},
      {"exposed DP communication", b.time.dp_communication - a.time.dp_communication},
      {"optimizer time", b.time.optimizer - a.time.optimizer},
  };
  const auto* best = &terms[0];
  for (const auto& t : terms) {
    if (t.second > best->second) best = &t;
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s (%.1f%%) faster than %s: %s less %s", seconds(dt).c_str(),
                100.0 * dt / b.step_seconds, next.c_str(), seconds(best->second).c_str(), best->first);
  return buf;
}

}  // namespace

bool LayoutSearchOptions::isValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (top_k < 1) return fail("top_k: must be >= 1, got " + std::to_string(top_k));
  if (max_tp < 0) return fail("max_tp: must be >= 0, got " + std::to_string(max_tp));
  if (max_cp < 1) return fail("max_cp: must be >= 1, got " + std::to_string(max_cp));
  if (max_virtual_stages < 1) return fail("max_virtual_stages: must be >= 1");
  if (recompute_layers && *recompute_layers < 0)
    return fail("recompute_layers: must be >= 0 (0 = every layer), got " + std::to_string(*recompute_layers));
  // A fixed count with a fixed mode other than full would be dropped by the enumeration, not used.
  if (recompute_layers && *recompute_layers > 0 && recompute && *recompute != Recompute::Full)
    return fail("recompute_layers: " + std::to_string(*recompute_layers) + " needs recompute full, got recompute " +
                std::string(toString(*recompute)));
  if (first_stage_layers && *first_stage_layers < 1)
    return fail("first_stage_layers: must be >= 1, got " + std::to_string(*first_stage_layers));
  if (last_stage_layers && *last_stage_layers < 1)
    return fail("last_stage_layers: must be >= 1, got " + std::to_string(*last_stage_layers));
  if (micro_batches.empty()) return fail("micro_batches: must list at least one size");
  for (auto mb : micro_batches) {
    if (mb < 1) return fail("micro_batches: sizes must be >= 1, got " + std::to_string(mb));
  }
  if (threads < 0) return fail("threads: must be >= 0, got " + std::to_string(threads));
  return true;
}

std::string searchOmissions(const ExecutionOptions& software) {
  std::vector<std::string> left_out;
  if (!software.searches_sequence_parallel) left_out.push_back("sequence parallelism");
  if (!software.searches_selective_recompute) left_out.push_back("selective recomputation");
  if (!software.searches_context_parallel) left_out.push_back("CP");
  if (!software.searches_expert_parallel) left_out.push_back("EP");
  if (software.max_searched_zero_stage == 0) left_out.push_back("ZeRO");
  else if (software.max_searched_zero_stage < 3)
    left_out.push_back("ZeRO above stage " + std::to_string(software.max_searched_zero_stage));
  if (left_out.empty()) return "";
  std::string out = "no " + left_out.front();
  for (std::size_t i = 1; i < left_out.size(); ++i)
    out += (i + 1 == left_out.size() ? " or " : ", ") + left_out[i];
  return out;
}

Result<LayoutSearchResult> searchLayouts(const TrainingJob& job, const ClusterSystem& system, const GemmRates& rates,
                                         const LayoutSearchOptions& options, const ExecutionOptions& execution) {
  const auto start = std::chrono::steady_clock::now();
  std::string error;
  if (!job.isValid(&error)) return Error{error};
  if (!options.isValid(&error)) return Error{"layout search: " + error};
  if (!execution.isValid(&error)) return Error{"execution options: " + error};

  const std::vector<ParallelLayout> candidates = enumerate(job, system, options, execution);
  std::vector<std::optional<StepEstimate>> estimates(candidates.size());
  std::vector<std::string> first_errors;
  unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads) : std::thread::hardware_concurrency();
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(candidates.size() / 64 + 1)));
  std::vector<std::string> thread_errors(threads);
  auto work = [&](unsigned index) {
    for (std::size_t i = index; i < candidates.size(); i += threads) {
      std::string why;
      if (!candidates[i].isValid(job, &why)) {
        if (thread_errors[index].empty()) thread_errors[index] = why;
        continue;
      }
      auto e = estimateStep(job, candidates[i], system, rates, execution);
      if (e) estimates[i] = std::move(e).value();
      else if (thread_errors[index].empty()) thread_errors[index] = e.message();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(work, i);
  work(0);
  for (auto& t : pool) t.join();

  LayoutSearchResult result;
  result.candidates = static_cast<std::int64_t>(candidates.size());
  std::vector<const StepEstimate*> fitting;
  const StepEstimate* least_memory = nullptr;
  for (const auto& e : estimates) {
    if (!e) continue;
    ++result.valid;
    if (!least_memory || e->memory.total() < least_memory->memory.total()) least_memory = &*e;
    if (e->fits) fitting.push_back(&*e);
  }
  result.fitting = static_cast<std::int64_t>(fitting.size());
  if (result.valid == 0) {
    std::string why = candidates.empty() ? noCandidateReason(job, options) : "";
    for (const auto& t : thread_errors) {
      if (!t.empty()) {
        why = t;
        break;
      }
    }
    return Error{"no valid layout for " + std::to_string(job.gpus) + " GPUs" + (why.empty() ? "" : ": " + why)};
  }
  if (fitting.empty())
    return Error{"no layout fits in memory: the one needing least (" + least_memory->layout.describe() + ") " +
                 least_memory->memoryVerdict()};
  std::stable_sort(fitting.begin(), fitting.end(), [](const StepEstimate* a, const StepEstimate* b) {
    if (a->step_seconds != b->step_seconds) return a->step_seconds < b->step_seconds;
    return a->memory.total() < b->memory.total();
  });
  // Layouts the model cannot tell apart (same time and memory: e.g. selective recomputation with
  // FlashAttention, which recomputes nothing more) are listed once, the first enumerated (the
  // simpler setting) standing for the others.
  auto same = [](double a, double b) { return std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b)); };
  for (const StepEstimate* e : fitting) {
    if (result.best.size() >= static_cast<std::size_t>(options.top_k)) break;
    if (!result.best.empty()) {
      const StepEstimate& last = result.best.back().estimate;
      if (same(last.step_seconds, e->step_seconds) && same(last.memory.total(), e->memory.total())) continue;
    }
    result.best.push_back({*e, ""});
  }
  const std::size_t k = result.best.size();
  for (std::size_t i = 0; i + 1 < k; ++i)
    result.best[i].reason = reasonAbove(result.best[i].estimate, result.best[i + 1].estimate, i + 2);
  result.search_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace scaleplan
