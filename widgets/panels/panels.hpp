#pragma once
// The analysis panels of the main window, plugged in with MainWindow::addPanel: "Import & fit",
// "Fit view" (plot 4), "Model & memory", "GPU benchmark" and "Cluster". app/gui/main.cpp calls
// addAnalysisPanels once after creating the window.

#include <QString>
#include <QStringList>

namespace scaleplan {

class BenchPanel;
class ClusterPanel;
class FitPlot;
class ImportFitPanel;
class MainWindow;
class ModelMemoryPanel;
class Session;

struct AnalysisPanels {
  ImportFitPanel* import_fit = nullptr;
  FitPlot* fit_view = nullptr;
  ModelMemoryPanel* model_memory = nullptr;
  BenchPanel* bench = nullptr;
  ClusterPanel* cluster = nullptr;
};

// Creates the five panels on `session` and adds them to `window` (which owns them), in the order
// above, with short tab texts ("GPU bench") and the full names as tooltips. When the "Import &
// fit" panel gets a new fit, the fit view's tab is not switched to: the user stays where they are.
AnalysisPanels addAnalysisPanels(MainWindow* window, Session* session);

// For reviews (scaleplan --screenshot, after the empty-state shots): imports the shipped example
// runs, runs the fit panel's current fit (the default: Chinchilla, 100 bootstrap resamples) to
// completion, and a quick benchmark on the CPU backend with the panel's repeats, each off the GUI
// thread as usual (waited for in a local event loop, at most `timeout_ms` each). Then renders the
// Import & fit, Fit view and GPU benchmark tabs again, and the Cluster tab after its layout search
// of the default inputs, into `dir` as
//   window-06b-import-fit-with-fit.png, window-07b-fit-view-with-fit.png (+ plot-07b-...),
//   window-09b-gpu-benchmark-cpu-quick-run.png (+ plot-09b-...), window-10b-cluster-searched.png and,
//   with the budget explorer's MFU on auto, window-10c-cluster-mfu-auto.png
// (numbers are the tabs' positions). Returns the files written; when a step fails or times out,
// *error says which, and the shots of the steps before it are still written.
QStringList renderScreenshotsWithData(MainWindow* window, const AnalysisPanels& panels, const QString& dir,
                                      QString* error = nullptr, int timeout_ms = 600000);

}  // namespace scaleplan
