// Times the layout search (issue 10's speed target: a 405B model on 16,384 GPUs searched in at
// most 2 s on 2 cores). Llama 3 405B on HGX H100 systems, global batch 2,048 sequences of 8,192
// tokens (Llama 3's 16M-token batch), every layout field free. Prints the candidates, the median
// of 5 runs and the best layout; run it on the machine whose speed you want to know.
#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

#include "cluster/cluster_setup.hpp"
#include "cluster/layout_search.hpp"
#include "counting/model_presets.hpp"

using namespace scaleplan;

int main() {
  auto models = ModelCatalog::loadDefault();
  auto accelerators = HardwareCatalog::loadDefault();
  auto systems = SystemCatalog::loadDefault();
  if (!models || !accelerators || !systems) {
    std::fprintf(stderr, "cannot load data: %s%s%s\n", models.message().c_str(), accelerators.message().c_str(),
                 systems.message().c_str());
    return 1;
  }
  ClusterSetupSpec spec;
  spec.system_id = "hgx-h100";
  auto setup = makeClusterSetup(spec, *accelerators, *systems);
  if (!setup) {
    std::fprintf(stderr, "%s\n", setup.message().c_str());
    return 1;
  }
  TrainingJob job;
  job.arch = models->find("llama3-405b")->architecture;
  job.seq_len = 8192;
  job.global_batch = 2048;
  job.gpus = 16384;
  std::vector<double> times;
  Result<LayoutSearchResult> last = Error{"not run"};
  for (int i = 0; i < 5; ++i) {
    last = searchLayouts(job, setup->system, setup->rates);
    if (!last) {
      std::fprintf(stderr, "%s\n", last.message().c_str());
      return 1;
    }
    times.push_back(last->search_seconds);
  }
  std::sort(times.begin(), times.end());
  const auto& best = last->best.front().estimate;
  std::printf("layout search: Llama 3 405B, 16384 x %s, global batch 2048 x 8192 tokens, %u hardware threads\n",
              setup->system.accelerator.id.c_str(), std::thread::hardware_concurrency());
  std::printf("  %lld candidates, %lld valid, %lld fit\n", (long long)last->candidates, (long long)last->valid,
              (long long)last->fitting);
  std::printf("  search time: median %.4f s, min %.4f s, max %.4f s over 5 runs (target <= 2 s)\n", times[2],
              times.front(), times.back());
  std::printf("  best: %s, step %.2f s, MFU %.1f%%, %.1f GB per GPU\n", best.layout.describe().c_str(),
              best.step_seconds, 100.0 * best.mfu, best.memory.total() / 1e9);
  return 0;
}
