#include "panels.hpp"

#include "bench_panel.hpp"
#include "fit_plot.hpp"
#include "import_fit_panel.hpp"
#include "main_window.hpp"
#include "model_panel.hpp"

namespace scaleplan {

AnalysisPanels addAnalysisPanels(MainWindow* window, Session* session) {
  AnalysisPanels panels;
  panels.import_fit = new ImportFitPanel(session);
  panels.fit_view = new FitPlot(session, panels.import_fit);
  panels.model_memory = new ModelMemoryPanel(session);
  panels.bench = new BenchPanel(session);
  window->addPanel(panels.import_fit, QObject::tr("Import & fit"));
  window->addPanel(panels.fit_view, QObject::tr("Fit view"));
  window->addPanel(panels.model_memory, QObject::tr("Model & memory"));
  window->addPanel(panels.bench, QObject::tr("GPU benchmark"));
  return panels;
}

}  // namespace scaleplan
