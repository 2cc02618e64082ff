#include "session/process_clock.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#ifdef __linux__
#include <time.h>
#include <unistd.h>
#endif

namespace scaleplan {

double millisecondsSinceProcessStart() {
#ifdef __linux__
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (std::getline(stat, line)) {
    // Field 2 (comm) may contain spaces; fields after the closing parenthesis are plain.
    const auto close = line.rfind(')');
    if (close != std::string::npos) {
      std::istringstream rest(line.substr(close + 2));
      std::string field;
      // After ')' come fields 3.. ; starttime is field 22, i.e. the 20th from here.
      for (int i = 3; i < 22 && (rest >> field); ++i) {
      }
      unsigned long long start_ticks = 0;
      if (rest >> start_ticks) {
        timespec now{};
        clock_gettime(CLOCK_BOOTTIME, &now);
        const double now_s = static_cast<double>(now.tv_sec) + now.tv_nsec * 1e-9;
        const double start_s = static_cast<double>(start_ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
        return (now_s - start_s) * 1000.0;
      }
    }
  }
#endif
  static const auto first = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - first).count();
}

}  // namespace scaleplan
