#pragma once
// The planner: a budget (in FLOPs, dollars, GPU-hours or days on K GPUs), a scaling law and an
// accelerator in; the compute-optimal model, its predicted loss, and what the run costs out.
//
// PlanRequest holds *resolved* values (the law and the accelerator themselves, not only their
// names), so a saved plan reopens identically even when a fitted law file or a measured GPU is
// gone. PlanSpec is the by-name form used by the CLI and the GUI; makePlanRequest resolves it.

#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "base/enum_names.hpp"
#include "base/option_spec.hpp"
#include "base/precision.hpp"
#include "base/result.hpp"
#include "base/units.hpp"
#include "hardware/accelerator.hpp"
#include "hardware/cost.hpp"
#include "laws/scaling_law.hpp"

namespace scaleplan {

// MFU thresholds behind the planner's warnings (and the GUI's guidance).
inline constexpr double kMfuUnusuallyHigh = 0.6;  // above: usually a sparse peak or a missing FLOP term
inline constexpr double kMfuUnusuallyLow = 0.3;   // below: usually a configuration problem
// A measured accelerator's peak is the benchmark's best matrix-product rate, not the spec sheet's
// dense peak: an H100's products reach about 80% of its dense BF16 peak, so the same run has an
// MFU about 1/0.8 times higher against a measured peak. The bands above are divided by this
// factor when the peak is measured (mfuBand), and the plan says so (PlanWarningKind::MeasuredPeak).
inline constexpr double kTypicalMeasuredFractionOfSpecPeak = 0.8;
// The MFU band's low and high ends for a spec-sheet or a measured peak.
struct MfuBand {
  double unusually_low;
  double unusually_high;
};
constexpr MfuBand mfuBand(bool measured_peak) {
  return measured_peak ? MfuBand{kMfuUnusuallyLow / kTypicalMeasuredFractionOfSpecPeak,
                                 kMfuUnusuallyHigh / kTypicalMeasuredFractionOfSpecPeak}
                       : MfuBand{kMfuUnusuallyLow, kMfuUnusuallyHigh};
}
// A plan whose compute is more than this factor beyond the law's fitted range warns of extrapolation.
inline constexpr double kExtrapolationFactor = 10.0;
// The most training compute the planner accepts (FLOPs, a count). The largest runs to date are
// estimated at about 5e25 FLOPs (Epoch AI, 2024); 1e35 is two billion times more, far past where
// any scaling law says anything, and keeps every derived figure (days, GPU-hours, GPUs holding the
// training state) finite and representable. Beyond it makePlan refuses and says why.
inline constexpr double kMaxPlanFlops = 1e35;
// The fewest unique training tokens a data-constrained plan accepts. Muennighoff et al. (2023)
// fitted their form on 100M to 9B unique tokens; a million tokens is a few books, no training set.
inline constexpr double kMinUniqueTokens = 1e6;

// The plan's option defaults and ranges, one source for PlanRequest, PlanSpec, their isValid, the
// CLI's help and flag checks and the GUI's initial plan and spin boxes.
inline constexpr std::string_view kDefaultLawId = "hoffmann2022";
inline constexpr std::string_view kDefaultGpuId = "h100-sxm";
inline constexpr Precision kDefaultPlanPrecision = Precision::Bf16;
inline constexpr NumericOptionSpec kGpuCountSpec{"gpus", 1024, 1, 1e8, false, "GPUs"};
inline constexpr NumericOptionSpec kMfuSpec{"mfu", 0.4, 0.0, 1.0, true, ""};
// The MFU range offered when the user asks for one without typing it (the GUI's "MFU range" box):
// 35-45%, around kMfuSpec's default and within what large runs report against spec-sheet peaks
// (PaLM 46%, Llama 3 38-43%). Fractions of the dense peak.
inline constexpr Interval kDefaultMfuRange{0.35, 0.45};
// The point MFU a typed range plans with (the plan's own days and dollars): its midpoint.
constexpr double mfuPointOf(const Interval& range) { return 0.5 * (range.low + range.high); }
inline constexpr NumericOptionSpec kPueSpec{"pue", kDefaultPue, 1.0, std::numeric_limits<double>::infinity(), false, ""};

// What an inference-aware plan optimises (when inference tokens are given):
//   SameLossLeastCompute  Sardana et al. 2023: reach the loss the budget would buy (or the target
//                         loss) with the least training + inference compute; training may then
//                         spend more than the budget.
//   BestLossWithinBudget  the lowest loss whose training plus inference compute fits the budget.
enum class InferenceSizing { SameLossLeastCompute, BestLossWithinBudget };
inline constexpr auto kInferenceSizingNames = makeEnumNames<InferenceSizing>({
    {InferenceSizing::SameLossLeastCompute, "same-loss-least-compute"},
    {InferenceSizing::BestLossWithinBudget, "best-loss-within-budget"}});
std::string_view toString(InferenceSizing s);  // "same-loss-least-compute", "best-loss-within-budget"
std::optional<InferenceSizing> inferenceSizingFromString(std::string_view s);

// Where a plan's MFU came from when the cluster model predicted it ('plan --mfu auto', the GUI's
// "MFU: auto"): the layout and cluster it was predicted for, so that a saved plan still names
// them. The planner uses only the request's `mfu` and `mfu_range`; this record travels with them
// (plan files' "mfu_auto") and is dropped when the MFU is typed or the inputs it was predicted
// for change.
struct MfuAutoRecord {
  std::string layout;               // ParallelLayout::describe(): "TP 8 · PP 16 (V 4) · DP 64 · mb 1 · ..."
  std::string system;               // cluster system id: "hgx-h100"
  std::string software;             // training software profile: "current"
  std::string architecture_source;  // "Llama shape rule for N = 7e+10", "preset llama3-70b"
  double memory_per_gpu_bytes = 0.0;   // the layout's memory per GPU (worst pipeline stage)
  double memory_capacity_bytes = 0.0;  // the device's
  std::int64_t seq_len = 0;            // tokens per sequence
  std::int64_t global_batch = 0;       // sequences per optimizer step
  // The layout's own figures: its MFU as the cluster model counts it (mfuModelFlopsPerToken:
  // attention included, input lookups not; `step` and the Cluster tab show this one) and its
  // tokens per second. The request's mfu is the same rate in the plan's count (C = 6·N·D, see
  // planMfuOf in cluster/plan_auto.hpp). 0 in plans saved before 2026-12-07's fifth session.
  double layout_mfu = 0.0;
  double tokens_per_second = 0.0;
  std::string range_basis;  // where the request's mfu_range comes from (clusterMfuRangeBasis)
  std::string caveat;       // clusterMfuCaveat: "" inside the validated regime
  // The 'scaleplan-cli step' command that costs the layout again (autoPlanStepCommand); "" when
  // the CLI could not rebuild the cluster (a measured accelerator or measured curves).
  std::string step_command;

  // Names the first empty or non-positive field.
  bool isValid(std::string* error) const;
  bool operator==(const MfuAutoRecord&) const = default;
};
// "TP 8 · PP 16 · DP 64 · mb 1 · SP · recompute none · ZeRO 1 on hgx-h100 (Llama shape rule for
// N = 7e+10; 1,024 x 4,096 tokens per step; software current; 2.1e+05 tokens/s, the layout's MFU
// 57.2% as step counts it)": what the MFU was predicted for (the rate when the record has it).
std::string describeMfuAuto(const MfuAutoRecord& record);

struct PlanRequest {
  // The budget. Optional only when target_loss is set (then the plan is sized by the loss).
  std::optional<Budget> budget;
  ScalingLaw law;
  Accelerator accelerator;
  Precision precision = kDefaultPlanPrecision;
  int gpu_count = static_cast<int>(kGpuCountSpec.default_value);
  double mfu = kMfuSpec.default_value;             // (0, 1]
  // MFU as a range [low, high] within (0, 1] (e.g. 0.35-0.45), containing `mfu` (the point the
  // plan itself uses). The intervals on days, GPU-hours and dollars then draw MFU uniformly from
  // it, paired with the law's parameter draws (see plan_intervals.hpp).
  std::optional<Interval> mfu_range;
  std::optional<double> usd_per_gpu_hour;          // overrides the catalog's price
  double pue = kPueSpec.default_value;
  // Inference-aware sizing (Sardana et al. 2023): lifetime tokens to be served, and/or a loss
  // to reach. With inference tokens but no target loss, the target is the loss the budget buys
  // at the compute-optimal allocation.
  std::optional<double> inference_tokens;
  std::optional<double> target_loss;
  // Which inference-aware question to answer. BestLossWithinBudget needs a budget and inference
  // tokens, and no target loss.
  InferenceSizing inference_sizing = InferenceSizing::SameLossLeastCompute;
  // Unique training tokens available. With a Chinchilla-form law the plan uses the
  // data-constrained form (Muennighoff et al. 2023) built on that law, and warns when the
  // tokens exceed the unique data.
  std::optional<double> unique_tokens;
  // Training memory: bytes of optimizer state per parameter (mixed-precision AdamW: 16).
  double training_bytes_per_param = 16.0;
  // Set when `mfu` is the cluster model's prediction (see MfuAutoRecord).
  std::optional<MfuAutoRecord> mfu_auto;

  bool isValid(std::string* error) const;
};

enum class PlanWarningKind {
  MfuHigh,
  MfuLow,
  TokensExceedUniqueData,
  DoesNotFitOnOneGpu,
  Extrapolation,
  NoPrice,
  NoPower,  // no TDP for the accelerator: energy is zero
  BudgetDiffers,
  MeasuredPeak,  // the peak is a benchmark's measured rate: what MFU then means
  IntervalsFromCovariance,  // the law has only a covariance: its intervals are usually too narrow
  ArchitectureSizeDiffers,  // MFU auto costed a given architecture far from the planned N
};
inline constexpr auto kPlanWarningKindNames = makeEnumNames<PlanWarningKind>({
    {PlanWarningKind::MfuHigh, "mfu-high"},
    {PlanWarningKind::MfuLow, "mfu-low"},
    {PlanWarningKind::TokensExceedUniqueData, "tokens-exceed-unique-data"},
    {PlanWarningKind::DoesNotFitOnOneGpu, "does-not-fit-on-one-gpu"},
    {PlanWarningKind::Extrapolation, "extrapolation"},
    {PlanWarningKind::NoPrice, "no-price"},
    {PlanWarningKind::NoPower, "no-power"},
    {PlanWarningKind::BudgetDiffers, "budget-differs"},
    {PlanWarningKind::MeasuredPeak, "measured-peak"},
    {PlanWarningKind::IntervalsFromCovariance, "intervals-from-covariance"},
    {PlanWarningKind::ArchitectureSizeDiffers, "architecture-size-differs"}});
std::string_view toString(PlanWarningKind k);  // "mfu-high", "mfu-low", ...
inline constexpr PlanWarningKind kAllPlanWarningKinds[] = {PlanWarningKind::MfuHigh,
                                                           PlanWarningKind::MfuLow,
                                                           PlanWarningKind::TokensExceedUniqueData,
                                                           PlanWarningKind::DoesNotFitOnOneGpu,
                                                           PlanWarningKind::Extrapolation,
                                                           PlanWarningKind::NoPrice,
                                                           PlanWarningKind::NoPower,
                                                           PlanWarningKind::BudgetDiffers,
                                                           PlanWarningKind::MeasuredPeak,
                                                           PlanWarningKind::IntervalsFromCovariance,
                                                           PlanWarningKind::ArchitectureSizeDiffers};
std::optional<PlanWarningKind> planWarningKindFromString(std::string_view s);

struct PlanWarning {
  PlanWarningKind kind;
  std::string message;
};

// 95% intervals of a plan's figures over the law's parameter draws (and the MFU range): each
// draw is planned as the point plan is, and the interval is the 2.5th-97.5th percentile of the
// draws' figures (laws/law_uncertainty.hpp's convention). A figure that does not vary across the
// draws (the FLOPs of a FLOP budget, the loss of a target-loss plan) has no interval.
struct PlanIntervals {
  std::optional<Interval> params, tokens, tokens_per_param, predicted_loss, flops;
  std::optional<Interval> wall_clock_days, gpu_hours, cost_usd, energy_kwh;
  std::string source;              // "bootstrap samples (400)", "covariance ...", plus the MFU range
  std::optional<Interval> mfu_range;  // the MFU range the draws spread over (fractions), if any
  std::size_t draws = 0;           // draws planned
  std::size_t failed_draws = 0;    // draws the planner could not size (e.g. a target below E)
  bool any() const { return draws > 0; }
};

struct PlanResult {
  std::string law_id;
  Flops flops;                      // training compute of the planned run, 6·N·D
  double params = 0.0;              // N
  double tokens = 0.0;              // D
  double tokens_per_param = 0.0;
  std::optional<double> predicted_loss;
  PlanIntervals intervals;          // 95% intervals, when the law carries uncertainty or MFU is a range
  FlopsPerSecond peak_per_gpu;      // dense peak at `precision`
  Precision precision = Precision::Bf16;
  RunCost cost;                     // wall clock, GPU-hours, dollars, energy
  double usd_per_gpu_hour = 0.0;    // the price used
  double training_memory_bytes = 0.0;  // weights + gradients + optimizer state (no activations)
  int gpus_to_hold_training_state = 0;
  // Inference-aware sizing, when requested, and which question it answered.
  std::optional<InferenceAwareResult> inference;
  std::optional<InferenceSizing> inference_sizing;
  std::vector<PlanWarning> warnings;
};

// Plans a run. Errors: invalid request (names the field), the law cannot allocate, no positive
// compute. Warnings are part of the result.
Result<PlanResult> makePlan(const PlanRequest& request);

// By-name inputs, as typed on the command line or picked in the GUI.
struct PlanSpec {
  std::optional<Budget> budget;
  std::string law_id{kDefaultLawId};  // preset id or "file:PATH"
  LawLookupOptions law_options;
  std::string gpu_id{kDefaultGpuId};  // catalog id or "measured:PATH" (a benchmark result)
  Precision precision = kDefaultPlanPrecision;
  int gpu_count = static_cast<int>(kGpuCountSpec.default_value);
  double mfu = kMfuSpec.default_value;
  std::optional<Interval> mfu_range;
  std::optional<double> usd_per_gpu_hour;
  double pue = kPueSpec.default_value;
  std::optional<double> inference_tokens;
  std::optional<double> target_loss;
  InferenceSizing inference_sizing = InferenceSizing::SameLossLeastCompute;
  std::optional<double> unique_tokens;
};
// The request's budget in every unit on the request's setup (accelerator, precision, GPUs, MFU,
// price, PUE). Errors: no budget, or those of setupFor and budgetEquivalents.
Result<BudgetEquivalents> budgetEquivalents(const PlanRequest& request);

// Finds the accelerator a PlanSpec::gpu_id names. The planner does not read benchmark results
// itself (it does not link the GPU benchmark): the apps pass resolveAccelerator of
// gpubench/measured_accelerator.hpp, which also takes "measured:PATH".
using AcceleratorLookup = std::function<Result<Accelerator>(const std::string& gpu_id)>;
Result<PlanRequest> makePlanRequest(const PlanSpec& spec, const AcceleratorLookup& lookup);
// With the catalog's accelerators only (no "measured:PATH").
Result<PlanRequest> makePlanRequest(const PlanSpec& spec, const HardwareCatalog& catalog);

// JSON (schema_version 1). The request embeds the law and the accelerator; the result is written
// for other tools and recomputed on load. Errors name the file and the field.
inline constexpr int kPlanSchemaVersion = 1;
std::string planToJson(const PlanRequest& request, const PlanResult& result);
// The result JSON alone (the CLI's --json output).
std::string planResultToJson(const PlanResult& result);
Result<PlanRequest> planRequestFromJson(std::string_view text, const std::string& source);
Status savePlan(const std::filesystem::path& path, const PlanRequest& request, const PlanResult& result);
Result<PlanRequest> loadPlan(const std::filesystem::path& path);

bool operator==(const PlanRequest& a, const PlanRequest& b);

}  // namespace scaleplan
