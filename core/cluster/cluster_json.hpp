#pragma once
// JSON of the cluster model's results, shared by 'scaleplan-cli step / layouts', 'plan --mfu auto'
// and the GUI. Units: seconds, bytes, FLOP/s; fractions in [0, 1].

#include <string>
#include <vector>

#include "cluster/cluster_system.hpp"
#include "cluster/layout_search.hpp"

namespace scaleplan {

// The FLOP convention the figures use, one sentence (also written into the JSON).
extern const char* const kClusterFlopConvention;

// {"tp": 8, "pp": 16, "dp": 8, "cp": 1, "ep": 1, "virtual_stages": 1, "sequence_parallel": true,
//  "zero_stage": 1, "micro_batch": 1, "recompute": "selective", "description": "TP 8 · ..."}
std::string layoutToJson(const ParallelLayout& layout);
// {"layout": {...}, "gradient_accumulation": m, "step_seconds": ..., "tokens_per_second": ...,
//  "model_flops_per_second_per_gpu", "mfu", "mfu_range": [low, high], "mfu_range_basis",
//  "mfu_caveat" (when the layout lies outside what the range rests on; assessClusterMfu),
//  "hardware_flops_per_second_per_gpu", "hfu",
//  "memory_per_gpu_bytes", "memory_capacity_bytes", "fits", "memory_verdict",
//  "memory": {weights, gradients, optimizer, activations, logits, buffers, fragmentation, ...},
//  "time": {gemm, attention, memory_bound, tp/cp/ep/pp/dp_communication, bubble, optimizer, ...},
//  "system": id, "rate_source": ..., "flop_convention": ...}; with `reason` when not empty.
std::string stepEstimateToJson(const StepEstimate& estimate, const std::string& reason = "");
// [step objects], best first, each with its "layout" and the "reason" it beats the next. The search
// statistics (candidates, valid, fitting, time) are not part of it: `layouts` prints them as a note.
std::string layoutSearchToJson(const LayoutSearchResult& result);
// {"systems": [{"id", "name", "accelerator", "gpus_per_node", "nvlink_domain_gpus",
//   "nvlink": {"gb_per_s_per_gpu", "collective_efficiency", "latency_us", "source"},
//   "network": {"gbit_per_s_per_gpu", "collective_efficiency", "latency_us", "source"}, "source"}]}:
// the keys and units of data/hardware.json's "systems" (GB/s = 1e9 bytes/s one direction, Gb/s
// the NIC line rate, µs per algorithm step); an "assumption" is part of its fabric's source here.
std::string systemsToJson(const std::vector<ClusterSystem>& systems);

}  // namespace scaleplan
