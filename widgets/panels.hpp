#pragma once
// The analysis panels of the main window, plugged in with MainWindow::addPanel: "Import & fit",
// "Fit view" (plot 4), "Model & memory" and "GPU benchmark". app/gui/main.cpp calls
// addAnalysisPanels once after creating the window.

namespace scaleplan {

class BenchPanel;
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
};

// Creates the four panels on `session` and adds them to `window` (which owns them), in the order
// above. When the "Import & fit" panel gets a new fit, the fit view's tab is not switched to: the
// user stays where they are.
AnalysisPanels addAnalysisPanels(MainWindow* window, Session* session);

}  // namespace scaleplan
