// scaleplan: the desktop application.
//
//   scaleplan [PLAN.json] [--dark] [--screenshot DIR] [--startup-time]
//
// --screenshot DIR renders every view (the whole window with each tab, and each plot alone) to
// DIR/*.png after the window is shown; then, so that reviewers see the panels filled, imports the
// example runs, fits them, runs a quick CPU benchmark and renders those tabs again
// (window-05b-*.png...; renderScreenshotsWithData); then exits: for scripts/screenshot.sh.
// --startup-time prints the milliseconds from process start to the window shown with its first
// plan drawn, then exits (the GUI benchmark runs it). --help and --version need no display.
#include <QApplication>
#include <QCoreApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <QTimer>
#include <cstdio>

#include "panels/main_window.hpp"
#include "panels/panels.hpp"
#include "plots/plot_view.hpp"
#include "session/process_clock.hpp"
#include "session/session.hpp"
#include "controls/theme.hpp"

namespace {

// The command-line options, declared once for both parsers below.
struct GuiOptions {
  QCommandLineOption screenshot{{"s", "screenshot"}, "Render every view to DIR/*.png, then exit.", "DIR"};
  QCommandLineOption dark{"dark", "Start with the dark theme."};
  QCommandLineOption startup{"startup-time", "Print the start-up time (process start to first plan shown), then exit."};
};

void describeApplication(QCommandLineParser* parser, const GuiOptions& options) {
  QCoreApplication::setApplicationName("ScalePlan");
  QCoreApplication::setOrganizationName("ScalePlan");
  QCoreApplication::setApplicationVersion(SCALEPLAN_VERSION);  // project()'s, from CMake
  parser->setApplicationDescription("Plan LLM training runs: compute-optimal size, tokens, loss, time and cost.");
  parser->addHelpOption();
  parser->addVersionOption();
  parser->addPositionalArgument("plan", "A plan file (JSON) to open.", "[plan.json]");
  parser->addOption(options.screenshot);
  parser->addOption(options.dark);
  parser->addOption(options.startup);
}

// --help and --version only print: they are answered under a QCoreApplication, which needs no
// display, so that they work in a terminal without X (and in the package test).
bool onlyPrints(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const QByteArray arg(argv[i]);
    if (arg == "--help" || arg == "-h" || arg == "-?" || arg == "--help-all" || arg == "--version" || arg == "-v") {
      return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const GuiOptions options;
  if (onlyPrints(argc, argv)) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    describeApplication(&parser, options);
    parser.process(app);  // prints the help or the version and exits
    return 0;
  }
  QApplication app(argc, argv);
  QCommandLineParser parser;
  describeApplication(&parser, options);
  QApplication::setDesktopFileName("scaleplan");
  QApplication::setWindowIcon(QIcon(":/scaleplan/scaleplan.svg"));
  parser.process(app);
  const QCommandLineOption& screenshot = options.screenshot;
  const QCommandLineOption& dark = options.dark;
  const QCommandLineOption& startup = options.startup;

  scaleplan::applyApplicationTheme(false);
  scaleplan::Session session;
  scaleplan::MainWindow window(&session);
  // Import & fit, fit view, model & memory, GPU benchmark (widgets/panels/panels.hpp).
  const scaleplan::AnalysisPanels panels = scaleplan::addAnalysisPanels(&window, &session);
  if (parser.isSet(dark)) window.setDarkTheme(true);
  const bool batch = parser.isSet(screenshot) || parser.isSet(startup);

  int exit_code = 0;
  if (!parser.positionalArguments().isEmpty()) {
    QString error;
    if (!window.openFile(parser.positionalArguments().first(), !batch, &error) && batch) {
      std::fprintf(stderr, "scaleplan: %s\n", qPrintable(error));
      exit_code = 1;
    }
  }
  window.show();

  if (!session.startupErrors().isEmpty()) {
    std::fprintf(stderr, "scaleplan: %s\n", qPrintable(session.startupErrors()));
    if (!batch) {
      QTimer::singleShot(0, &window, [&] {
        QMessageBox::warning(&window, "ScalePlan",
                             "Some data could not be loaded:\n\n" + session.startupErrors());
      });
    }
  }

  if (parser.isSet(startup)) {
    QTimer::singleShot(0, &app, [&] {
      // The first event-loop turn has painted the window; flush whatever is still queued (the
      // plots' coalesced first refresh) so the window is usable with its plan.
      QApplication::processEvents();
      for (auto* view : window.plotViews()) {
        if (view->isVisible() && view->isStale()) view->refreshNow();
      }
      QApplication::processEvents();
      std::printf("startup_ms %.1f\n", scaleplan::millisecondsSinceProcessStart());
      std::fflush(stdout);
      QApplication::exit(exit_code);
    });
  } else if (parser.isSet(screenshot)) {
    const QString dir = parser.value(screenshot);
    QTimer::singleShot(200, &app, [&, dir] {
      QStringList files = window.renderScreenshots(dir);
      for (const QString& f : files) std::printf("%s\n", qPrintable(f));
      std::fflush(stdout);
      if (files.isEmpty()) exit_code = 1;
      QString error;
      const QStringList with_data = scaleplan::renderScreenshotsWithData(&window, panels, dir, &error);
      for (const QString& f : with_data) std::printf("%s\n", qPrintable(f));
      std::fflush(stdout);
      if (!error.isEmpty()) {
        std::fprintf(stderr, "scaleplan: screenshots with data: %s\n", qPrintable(error));
        exit_code = 1;
      }
      QApplication::exit(exit_code);
    });
  }
  return QApplication::exec();
}
