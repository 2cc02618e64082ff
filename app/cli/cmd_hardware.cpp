// scaleplan-cli hardware: list the accelerator catalog.
// scaleplan-cli cost: wall clock, GPU-hours, dollars and energy for a FLOP count on a cluster.
#include <climits>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "base/file_io.hpp"
#include "base/format.hpp"
#include "cli.hpp"
#include "hardware/accelerator.hpp"
#include "hardware/cost.hpp"
#include "json_out.hpp"

namespace scaleplan::cli {
namespace {

namespace bj = boost::json;

const char* kHardware = "hardware";
const char* kCost = "cost";
// The precision whose dense peak "cost" uses unless --precision says otherwise.
constexpr Precision kDefaultPeakPrecision = Precision::Bf16;

// "989" or "-" for a precision the chip lacks; TFLOP/s (TOPS for int8).
std::string teraCell(const Accelerator& a, Precision p) {
  auto r = a.peak(p);
  return r ? formatNumber(r->tera(), 6) : "-";
}

// Prices as dollars and cents: "0.80", "2.99".
std::string priceCell(double usd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", usd);
  return buf;
}

void printCatalogTable(const HardwareCatalog& catalog) {
  Table table({"id", "name", "bf16 dense TFLOP/s", "fp8 dense TFLOP/s", "fp32 TFLOP/s", "memory GiB", "TB/s",
               "TDP W", "$/GPU-h", "price as of"});
  for (const Accelerator& a : catalog.accelerators()) {
    table.addRow({a.id + (a.measured ? " (measured)" : ""), a.name, teraCell(a, Precision::Bf16),
                  teraCell(a, Precision::Fp8), teraCell(a, Precision::Fp32), formatNumber(a.memory_gb, 4),
                  formatNumber(a.bandwidth_tb_per_s, 4), a.tdp_watts > 0 ? formatNumber(a.tdp_watts, 5) : "-",
                  a.usd_per_gpu_hour ? priceCell(*a.usd_per_gpu_hour) : "-",
                  a.price_month.empty() ? "-" : a.price_month});
  }
  table.print(std::cout);
}

void printDetails(const Accelerator& a) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("id", a.id);
  rows.emplace_back("name", a.name);
  rows.emplace_back("vendor", a.vendor);
  for (const auto& [p, rate] : a.dense_peak) {
    // TFLOP/s throughout (TOPS for integers), as datasheets print them, so figures can be compared.
    const bool integer = p == Precision::Int8 || p == Precision::Int4;
    rows.emplace_back(std::string(toString(p)) + " peak", formatNumber(rate.tera(), 6) +
                                                              (integer ? " TOPS" : " TFLOP/s") +
                                                              (a.measured ? " (measured)" : " dense"));
  }
  rows.emplace_back("memory", formatNumber(a.memory_gb, 4) + " GiB (" + formatBytes(a.memoryBytes()) + ")");
  rows.emplace_back("bandwidth", formatNumber(a.bandwidth_tb_per_s, 4) + " TB/s");
  rows.emplace_back("TDP", a.tdp_watts > 0 ? formatNumber(a.tdp_watts, 5) + " W" : "not published");
  if (a.sm_count) rows.emplace_back("SMs", std::to_string(*a.sm_count));
  if (a.peak(Precision::Fp8)) {
    rows.emplace_back("fp8 layouts", a.fp8_gemm_any_layout
                                         ? "any operand layout (no transposed FP8 copies)"
                                         : "TN only (FP8 training keeps transposed copies)");
  }
  rows.emplace_back("price", a.usd_per_gpu_hour
                                 ? "$" + priceCell(*a.usd_per_gpu_hour) + "/GPU-hour (" + a.price_month + ")"
                                 : "none in the catalog");
  rows.emplace_back("source", a.source.empty() ? "-" : a.source);
  printKeyValues(std::cout, rows);
}

int runHardware(const std::vector<std::string>& args) {
  ArgParser p(
      kHardware,
      "Lists the accelerator catalog: dense peak throughput per precision (never the \"with sparsity\"\n"
      "figures), memory, bandwidth, TDP and an indicative price with the month it was taken.\n"
      "Give ids to see every field of those entries, including the source of the figures.");
  p.positionals("[ID...]", "show these entries in full")
      .flag("json", "print the entries in the catalog's own JSON format (usable as a user file)");
  std::string user_file = (userConfigDirectory() / "hardware.json").string();
  p.epilog("The shipped catalog is " + (dataDirectory() / "hardware.json").string() +
           ".\nYour own entries go in " + user_file +
           " (same format; an entry with a shipped id replaces it).\n"
           "Example:\n  scaleplan-cli hardware h100-sxm mi300x");
  return runWithParser(p, args, [&]() -> int {
    auto catalog = HardwareCatalog::loadDefault();
    if (!catalog) return fail(kHardware, catalog.message());
    std::vector<Accelerator> selected;
    for (const std::string& id : p.positionalValues()) {
      auto a = catalog->get(id);
      if (!a) return fail(kHardware, a.message());
      selected.push_back(**a);
    }
    if (p.has("json")) {
      std::cout << acceleratorsToJson(p.positionalValues().empty() ? catalog->accelerators() : selected);
      return kExitOk;
    }
    if (!selected.empty()) {
      for (std::size_t i = 0; i < selected.size(); ++i) {
        if (i > 0) std::cout << "\n";
        printDetails(selected[i]);
      }
      return kExitOk;
    }
    printCatalogTable(*catalog);
    std::cout << "\nPeaks are dense (no sparsity); int8 in TOPS. Prices are indicative on-demand rates.\n";
    std::error_code ec;
    if (std::filesystem::exists(user_file, ec))
      std::cout << "Includes your entries from " << user_file << ".\n";
    return kExitOk;
  });
}

// The options `cost` requires, as usage errors when absent.
int requireOptions(const ArgParser& p, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (!p.has(name))
      return fail(kCost, std::string("--") + name + " is required (see 'cost --help')", kExitUsage);
  }
  return kExitOk;
}

int runCost(const std::vector<std::string>& args) {
  ArgParser p(
      kCost,
      "Turns a FLOP count into wall-clock time, GPU-hours, dollars and energy on K GPUs running at a\n"
      "fraction (MFU) of a per-GPU dense peak: wall clock = FLOPs / (peak x MFU x K);\n"
      "GPU-hours = hours x K; cost = GPU-hours x price; energy = TDP x K x hours x PUE / 1000.");
  p.option("flops", "C", "training compute in FLOPs (a count), e.g. 3.14e23")
      .option("gpu", "ID", "accelerator from the catalog (see 'scaleplan-cli hardware')")
      .option("peak-flops", "F", "instead of --gpu: dense peak per GPU in FLOP/s (a rate), e.g. 989e12")
      .option("gpus", "K", "number of GPUs")
      .option("mfu", "U", "model FLOPs utilisation in (0, 1], e.g. 0.4")
      .option("usd-per-gpu-hour", "P", "price (default: the catalog's indicative price for --gpu)")
      .option("precision", "P", "precision of the peak: " + kPrecisionNames.joinedWithDefault(kDefaultPeakPrecision))
      .option("pue", "X",
              "data-centre power usage effectiveness (default " + formatNumber(kDefaultPue, 3) + ")")
      .option("tdp-watts", "W", "power per GPU for the energy figure (default: the catalog's TDP for --gpu)")
      .flag("json", "print the result as JSON");
  p.epilog(
      "Example (GPT-3 on 256 GPUs at 60 TFLOP/s, 70% utilisation, $2/GPU-hour: ~338 days, ~$4.15M):\n"
      "  scaleplan-cli cost --flops 3.14e23 --peak-flops 60e12 --gpus 256 --mfu 0.7 --usd-per-gpu-hour 2");
  return runWithParser(p, args, [&]() -> int {
    if (int rc = requireOptions(p, {"flops", "gpus", "mfu"}); rc != kExitOk) return rc;
    if (p.has("gpu") == p.has("peak-flops")) {
      return fail(kCost, "give exactly one of --gpu ID or --peak-flops F", kExitUsage);
    }
    for (const char* name : {"flops", "peak-flops", "mfu", "usd-per-gpu-hour", "pue", "tdp-watts"}) {
      auto v = p.getDouble(name);
      if (!v) return fail(kCost, v.message(), kExitUsage);
    }
    auto gpus = p.getInt("gpus");
    if (!gpus) return fail(kCost, gpus.message(), kExitUsage);
    if (**gpus < 1 || **gpus > INT_MAX) {
      return fail(kCost, "--gpus: must be a whole number between 1 and " + std::to_string(INT_MAX) +
                             ", got " + std::to_string(**gpus));
    }
    Precision precision = kDefaultPeakPrecision;
    if (auto text = p.get("precision")) {
      auto parsed = precisionFromString(*text);
      if (!parsed) {
        return fail(
            kCost,
            "--precision: unknown precision '" + *text + "' (expected one of " + allPrecisionNames() + ")",
            kExitUsage);
      }
      precision = *parsed;
    }
    const double flops = **p.getDouble("flops");
    const double mfu = **p.getDouble("mfu");
    const std::optional<double> price = *p.getDouble("usd-per-gpu-hour");
    const double pue = p.getDouble("pue")->value_or(kDefaultPue);
    const std::optional<double> tdp = *p.getDouble("tdp-watts");

    ComputeSetup setup;
    std::optional<Accelerator> accelerator;
    std::string price_note;
    if (auto id = p.get("gpu")) {
      auto catalog = HardwareCatalog::loadDefault();
      if (!catalog) return fail(kCost, catalog.message());
      auto a = catalog->get(*id);
      if (!a) return fail(kCost, a.message());
      accelerator = **a;
      auto s = setupFor(*accelerator, precision, static_cast<int>(**gpus), mfu, price, pue);
      if (!s) return fail(kCost, s.message());
      setup = *s;
      if (!price && accelerator->usd_per_gpu_hour) price_note = "catalog price, " + accelerator->price_month;
    } else {
      setup.peak_per_gpu = FlopsPerSecond{**p.getDouble("peak-flops")};
      setup.gpu_count = static_cast<int>(**gpus);
      setup.mfu = mfu;
      setup.usd_per_gpu_hour = price.value_or(0.0);
      setup.pue = pue;
    }
    if (tdp) setup.watts_per_gpu = *tdp;
    std::string error;
    if (!setup.isValid(&error)) return fail(kCost, error);
    auto cost = costOf(Flops{flops}, setup);
    if (!cost) return fail(kCost, cost.message());
    const RunCost& r = *cost;

    if (p.has("json")) {
      bj::object o;
      o["flops"] = r.flops.value;
      o["gpu"] = accelerator ? bj::value(accelerator->id) : bj::value(nullptr);
      o["precision"] = std::string(toString(precision));
      o["peak_flops_per_second_per_gpu"] = setup.peak_per_gpu.value;
      o["gpus"] = setup.gpu_count;
      o["mfu"] = setup.mfu;
      o["cluster_flops_per_second"] = r.cluster_rate.value;
      o["wall_clock_seconds"] = r.wall_clock.value;
      o["wall_clock_days"] = r.wall_clock.days();
      o["gpu_hours"] = r.gpu_hours;
      o["gpu_days"] = r.gpu_days;
      o["usd_per_gpu_hour"] = setup.usd_per_gpu_hour;
      o["cost_usd"] = r.cost_usd;
      o["watts_per_gpu"] = setup.watts_per_gpu;
      o["pue"] = setup.pue;
      o["energy_kwh"] = r.energy_kwh;
      bj::array warnings;
      for (const auto& w : r.warnings) warnings.emplace_back(bj::string(w));
      o["warnings"] = std::move(warnings);
      printJson(o);
      return kExitOk;
    }

    std::vector<std::pair<std::string, std::string>> rows;
    rows.emplace_back(
        "compute", formatFlops(r.flops.value) + " (" + formatNumber(r.flops.petaflopDays(), 4) + " PF-days)");
    if (accelerator) {
      rows.emplace_back("accelerator", accelerator->name + " [" + accelerator->id + "]");
    }
    rows.emplace_back("peak per GPU", formatFlopsRate(setup.peak_per_gpu.value) +
                                          (accelerator && accelerator->measured ? " measured " : " dense ") +
                                          std::string(toString(precision)));
    rows.emplace_back("GPUs x MFU", std::to_string(setup.gpu_count) + " x " +
                                        formatNumber(setup.mfu * 100, 3) +
                                        "% = " + formatFlopsRate(r.cluster_rate.value) + " achieved");
    rows.emplace_back("wall clock", formatDays(r.wall_clock.days()));
    rows.emplace_back("GPU-hours",
                      formatThousands(r.gpu_hours) + " (" + formatThousands(r.gpu_days) + " GPU-days)");
    rows.emplace_back("cost", setup.usd_per_gpu_hour > 0
                                  ? formatUsd(r.cost_usd) + " (" + formatThousands(r.cost_usd) + " USD at $" +
                                        priceCell(setup.usd_per_gpu_hour) + "/GPU-hour" +
                                        (price_note.empty() ? "" : ", " + price_note) + ")"
                                  : "unknown (no price; give --usd-per-gpu-hour)");
    rows.emplace_back("energy", setup.watts_per_gpu > 0
                                    ? formatThousands(r.energy_kwh) + " kWh (" +
                                          formatNumber(setup.watts_per_gpu, 5) + " W x GPUs x time x PUE " +
                                          formatNumber(setup.pue, 3) + ")"
                                    : "unknown (no TDP; give --tdp-watts)");
    printKeyValues(std::cout, rows);
    if (!r.warnings.empty()) {
      std::cout << "\nWarnings:\n";
      for (const auto& w : r.warnings) std::cout << "  - " << w << "\n";
    }
    return kExitOk;
  });
}

const bool kHardwareRegistered = registerCommand(
    {kHardware, "list the accelerator catalog (dense peaks, memory, TDP, price)", runHardware});
const bool kCostRegistered =
    registerCommand({kCost, "time, GPU-hours, dollars and energy for a FLOP count on a cluster", runCost});

}  // namespace
}  // namespace scaleplan::cli
