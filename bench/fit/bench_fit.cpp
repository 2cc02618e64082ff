// Speed of the fitter on the Chinchilla data (245 points from Hoffmann et al.'s Figure 4, as
// recovered by Besiroglu et al. 2024; the 5 highest-loss points dropped as they did, 240 left):
//   - the full 4,500-start fit of the Chinchilla form (Huber, δ = 1e-3),
//   - a 1,000-resample bootstrap (each resample refitted from the optimum + 4 random grid starts),
// each with all threads and with one thread, repeated; prints best and median wall times.
// With --stability: the 95% bounds of every parameter at 100 to 2,000 resamples, each with seeds
// 1, 2 and 3, and how far apart the seeds' bounds are (relative to the interval's width): the
// evidence behind kDefaultBootstrapResamples.
//
//   bench_fit [CSV] [--repeats R] [--resamples B] [--stability]
// Build it in Release; it is a benchmark, not a test (nothing is asserted).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "fit/fit.hpp"
#include "importers/importer.hpp"

using namespace scaleplan;

namespace {

struct Timing {
  std::vector<double> seconds;
  std::vector<double> cpu_seconds;  // process CPU time (all threads): wall × cores on an idle machine
  double best() const { return *std::min_element(seconds.begin(), seconds.end()); }
  double median() const {
    std::vector<double> s = seconds;
    std::sort(s.begin(), s.end());
    return s.size() % 2 ? s[s.size() / 2] : 0.5 * (s[s.size() / 2 - 1] + s[s.size() / 2]);
  }
};

Timing timeFit(const std::vector<FitPoint>& points, FitOptions options, int repeats, FitSummary* last) {
  Timing t;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    *last = fitLaw(points, options);
    t.cpu_seconds.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    t.seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return t;
}

// For each count, each seed's bounds, then the largest spread of a bound across the seeds as a
// fraction of the interval's width (0.05: the seeds' bounds agree to 5% of the width).
void printStability(const std::vector<FitPoint>& points) {
  FitOptions o;
  o.holdout_largest_sizes = 0;
  o.covariance = false;
  std::printf("\nbootstrap stability (95%% bounds; spread = max - min over seeds / interval width):\n");
  for (int count : {100, 200, 400, 1000, 2000}) {
    o.bootstrap_resamples = count;
    std::vector<FitSummary> runs;
    for (std::uint64_t seed : {1, 2, 3}) {
      o.seed = seed;
      runs.push_back(fitLaw(points, o));
      const FitUncertainty& u = *runs.back().uncertainty;
      std::printf("  %4d resamples, seed %d:", count, static_cast<int>(seed));
      for (const auto& iv : u.parameters) std::printf("  %s %.4g..%.4g", iv.name.c_str(), iv.ci95_low, iv.ci95_high);
      std::printf("\n");
    }
    std::printf("  %4d resamples, spread:      ", count);
    for (std::size_t k = 0; k < runs.front().uncertainty->parameters.size(); ++k) {
      double low_min = 1e300, low_max = -1e300, high_min = 1e300, high_max = -1e300;
      for (const auto& r : runs) {
        const auto& iv = r.uncertainty->parameters[k];
        low_min = std::min(low_min, iv.ci95_low), low_max = std::max(low_max, iv.ci95_low);
        high_min = std::min(high_min, iv.ci95_high), high_max = std::max(high_max, iv.ci95_high);
      }
      const double width = high_min - low_max;
      std::printf("  %s low %.3f high %.3f", runs.front().uncertainty->parameters[k].name.c_str(), (low_max - low_min) / width,
                  (high_max - high_min) / width);
    }
    std::printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Default: the test copy of the data, found from this file's path (CMake compiles it by its
  // absolute path), so the benchmark runs from any directory.
  std::string csv =
      (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "tests/data/chinchilla/svg_extracted_data.csv")
          .string();
  int repeats = 5, resamples = 1000;
  bool stability = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--stability") stability = true;
    else if (a == "--repeats" && i + 1 < argc) repeats = std::atoi(argv[++i]);
    else if (a == "--resamples" && i + 1 < argc) resamples = std::atoi(argv[++i]);
    else csv = a;
  }
  ImportOptions import;
  import.columns.params = "Model Size";
  import.columns.flops = "Training FLOP";
  import.columns.loss = "loss";
  const ImportResult imported = importFiles({csv}, import);
  if (!imported.ok()) {
    std::fprintf(stderr, "bench_fit: %s\n", imported.status().message().c_str());
    return 1;
  }
  const std::vector<FitPoint> points = dropHighestLoss(toFitPoints(imported.runs, import.reduction), 5);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  // Other processes on the same cores stretch wall times; the load average says how busy they were.
  if (std::ifstream load("/proc/loadavg"); load) {
    std::string one, five, fifteen;
    load >> one >> five >> fifteen;
    std::printf("load average (1, 5, 15 min): %s %s %s\n", one.c_str(), five.c_str(), fifteen.c_str());
  }
  std::printf("data: %zu points (%s, 5 highest losses dropped); %u hardware threads; %d repeats\n", points.size(),
              csv.c_str(), cores, repeats);

  if (stability) {
    printStability(points);
    return 0;
  }
  FitOptions fit;
  fit.holdout_largest_sizes = 0;  // time the fit alone
  fit.covariance = false;
  fit.bootstrap_resamples = 0;
  FitSummary s;
  for (int threads : {0, 1}) {
    fit.threads = threads;
    const Timing t = timeFit(points, fit, repeats, &s);
    std::printf("full-grid fit, %zu starts, %s: best %.3f s, median %.3f s (CPU best %.3f s)  [%s, objective %.10g, "
                "E %.4f A %.2f B %.2f alpha %.4f beta %.4f]\n",
                s.starts, threads == 0 ? "all threads" : "1 thread", t.best(), t.median(),
                *std::min_element(t.cpu_seconds.begin(), t.cpu_seconds.end()),
                std::string(toString(s.termination)).c_str(), s.objective_value, *s.param("E"), *s.param("A"),
                *s.param("B"), *s.param("alpha"), *s.param("beta"));
  }

  // The bootstrap alone: the timed part is fitLaw with resamples minus the same fit without them.
  FitOptions boot = fit;
  boot.bootstrap_resamples = resamples;
  for (int threads : {0, 1}) {
    boot.threads = fit.threads = threads;
    Timing base = timeFit(points, fit, 1, &s);
    const Timing t = timeFit(points, boot, threads == 1 ? std::min(repeats, 3) : repeats, &s);
    Timing only;
    for (double x : t.seconds) only.seconds.push_back(x - base.best());
    std::printf("bootstrap, %d resamples, %s: best %.3f s, median %.3f s (fit + bootstrap best %.3f s)  [failed %d; "
                "alpha 95%% %.4f..%.4f, beta 95%% %.4f..%.4f]\n",
                resamples, threads == 0 ? "all threads" : "1 thread", only.best(), only.median(), t.best(),
                s.uncertainty ? s.uncertainty->failed_resamples : -1, s.uncertainty->parameters[3].ci95_low,
                s.uncertainty->parameters[3].ci95_high, s.uncertainty->parameters[4].ci95_low,
                s.uncertainty->parameters[4].ci95_high);
  }
  return 0;
}
