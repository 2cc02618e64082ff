// GUI responsiveness benchmark: drives the real widgets offscreen and measures, per change of a
// control, the synchronous recompute plus the rebuild and immediate replot of every visible plot
// (rpImmediateRefresh) and the event processing that follows. Also measures start-up: process
// start to a window shown with its first plan, in this process and for the `scaleplan`
// executable (`--startup-time`).
//
//   bench_gui [--changes N] [--app PATH/TO/scaleplan] [--runs R]
//
// Targets (issue 5): < 16 ms median per change, < 1 s start-up.
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSlider>
#include <QTabWidget>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "panels/budget_explorer.hpp"
#include "panels/main_window.hpp"
#include "plots/plot_view.hpp"
#include "session/process_clock.hpp"
#include "controls/quantity_edit.hpp"
#include "session/session.hpp"

using namespace scaleplan;

namespace {

struct Stats {
  double median = 0, p90 = 0, max = 0, mean = 0;
};

Stats stats(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[static_cast<size_t>(std::lround(q * static_cast<double>(v.size() - 1)))]; };
  s.median = at(0.5);
  s.p90 = at(0.9);
  s.max = v.back();
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  return s;
}

void print(const char* what, const std::vector<double>& ms) {
  const Stats s = stats(ms);
  std::printf("  %-46s n=%4zu  median %6.2f ms  p90 %6.2f ms  max %6.2f ms  mean %6.2f ms\n", what, ms.size(), s.median,
              s.p90, s.max, s.mean);
}

double threadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

QString loadAverage() {
  QFile f("/proc/loadavg");
  if (!f.open(QIODevice::ReadOnly)) return "?";
  return QString::fromLatin1(f.readAll()).section(' ', 0, 2);
}

// Wall-clock and GUI-thread CPU time of each change. The machine is shared: the CPU time shows
// what a change costs when other processes compete for the cores.
struct Timings {
  std::vector<double> wall, cpu;
};

// One change: `change` moves a control (which recomputes the plan synchronously); then every
// plot in `plots` is rebuilt and replotted at once, and pending events are processed.
template <class F>
void timeChange(F&& change, const std::vector<PlotView*>& plots, Timings* out) {
  QElapsedTimer t;
  const double cpu0 = threadCpuMs();
  t.start();
  change();
  for (PlotView* p : plots) p->refreshNow();
  QApplication::processEvents();
  out->wall.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
  out->cpu.push_back(threadCpuMs() - cpu0);
}

void print(const char* what, const Timings& t) {
  print((std::string(what) + ", wall").c_str(), t.wall);
  print((std::string(what) + ", GUI-thread CPU").c_str(), t.cpu);
}

std::vector<PlotView*> visiblePlots(MainWindow& w) {
  std::vector<PlotView*> out;
  for (PlotView* p : w.plotViews()) {
    if (p->isVisible()) out.push_back(p);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const double at_main_ms = millisecondsSinceProcessStart();
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  int changes = 200, runs = 5;
  QString app_path;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--changes") && i + 1 < argc) changes = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--app") && i + 1 < argc) app_path = argv[++i];
  }
  QApplication app(argc, argv);

  // ---- Start-up in this process -------------------------------------------------------------
  Session session;
  MainWindow window(&session);
  window.resize(1560, 940);
  window.show();
  QApplication::processEvents();
  for (PlotView* p : visiblePlots(window)) {
    if (p->isStale()) p->refreshNow();
  }
  QApplication::processEvents();
  const double usable_ms = millisecondsSinceProcessStart();
  std::printf("ScalePlan GUI benchmark (platform %s, window %dx%d, %d changes per scenario)\n",
              qPrintable(QGuiApplication::platformName()), window.width(), window.height(), changes);
  std::printf("start-up, this process: main() at %.0f ms, window shown with its first plan at %.0f ms after process start\n",
              at_main_ms, usable_ms);

  BudgetExplorer* e = window.budgetExplorer();
  QSlider* mfu = e->mfuSlider();
  QuantityEdit* budget = e->budgetAmount();
  const std::vector<double> budgets = [&] {
    std::vector<double> v;
    for (int i = 0; i < changes; ++i) v.push_back(1e22 * std::pow(1e4, static_cast<double>(i) / (changes - 1)));
    return v;
  }();

  std::printf("load average at start: %s (the machine is shared; see the CPU times)\n", qPrintable(loadAverage()));
  std::printf("\nper change: control -> synchronous plan -> rebuild + rpImmediateRefresh of the plots -> processEvents\n");
  const QStringList tab_names = {"frontier", "isoFLOP", "landscape", "loss vs compute"};
  for (int tab = 0; tab < static_cast<int>(window.plotViews().size()); ++tab) {
    window.viewTabs()->setCurrentIndex(tab);
    QApplication::processEvents();
    const auto plots = visiblePlots(window);
    Timings slider_ms, budget_ms;
    // Drag the MFU slider from 20% to 60% and back, one step per change.
    for (int i = 0; i < changes; ++i) {
      const int v = 20 + (i % 80 < 40 ? i % 80 : 80 - i % 80);
      timeChange([&] { mfu->setValue(v); }, plots, &slider_ms);
    }
    // Type budgets (one edit each, as a paste would do) over four decades.
    for (double b : budgets) {
      timeChange(
          [&] {
            budget->selectAll();
            budget->insert(quantityText(b));
          },
          plots, &budget_ms);
    }
    std::printf(" visible tab: %s\n", qPrintable(tab_names.value(tab)));
    print("MFU slider drag", slider_ms);
    print("budget typed", budget_ms);
  }

  // Worst case: every built-in plot rebuilt and replotted on each change, visible or not.
  {
    window.viewTabs()->setCurrentIndex(0);
    QApplication::processEvents();
    Timings all_ms;
    for (int i = 0; i < changes; ++i) {
      const int v = 20 + (i % 80 < 40 ? i % 80 : 80 - i % 80);
      timeChange([&] { mfu->setValue(v); }, window.plotViews(), &all_ms);
    }
    std::printf(" all four plots, visible or not:\n");
    print("MFU slider drag", all_ms);
  }

  // The plan alone (no plots): what a change costs the session.
  {
    std::vector<double> plan_ms;
    for (int i = 0; i < changes; ++i) {
      QElapsedTimer t;
      t.start();
      session.setMfu(0.2 + 0.4 * (i % 40) / 40.0);
      plan_ms.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
    }
    std::printf(" session only (plan + signals to the controls, plots coalesced and not yet drawn):\n");
    print("setMfu", plan_ms);
    QApplication::processEvents();
  }

  std::printf("load average at end: %s\n", qPrintable(loadAverage()));

  // ---- Start-up of the scaleplan executable -------------------------------------------------
  if (app_path.isEmpty()) {
    const QString guess = QDir(QCoreApplication::applicationDirPath()).filePath("../app/gui/scaleplan");
    if (QFileInfo::exists(guess)) app_path = guess;
  }
  if (!app_path.isEmpty() && QFileInfo(app_path).isExecutable()) {
    std::vector<double> reported, wall;
    for (int r = 0; r < runs; ++r) {
      QProcess p;
      QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
      env.insert("QT_QPA_PLATFORM", QGuiApplication::platformName());
      env.insert("SCALEPLAN_CONFIG_DIR", QDir::temp().filePath("scaleplan-bench-gui-config"));
      p.setProcessEnvironment(env);
      QElapsedTimer t;
      t.start();
      p.start(app_path, {"--startup-time"});
      if (!p.waitForFinished(30000)) {
        std::printf("scaleplan --startup-time did not finish\n");
        break;
      }
      wall.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
      const QString out = QString::fromUtf8(p.readAllStandardOutput());
      const int at = out.indexOf("startup_ms ");
      if (at >= 0) reported.push_back(out.mid(at + 11).split('\n').first().toDouble());
    }
    std::printf("\nstart-up of %s --startup-time (%d runs):\n", qPrintable(QFileInfo(app_path).fileName()), runs);
    print("process start -> window with first plan", reported);
    print("launch -> exit (includes teardown)", wall);
  } else {
    std::printf("\n(scaleplan executable not found: pass --app PATH for its start-up time)\n");
  }
  session.setModified(false);
  return 0;
}
