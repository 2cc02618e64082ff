#pragma once
// The main window: budget explorer (left), result panel (right), and a tab widget of views (plots
// and the panels other parts of the application plug in with addPanel()).
//
// The result panel is shown next to the plots and hidden while a panel tab (a form or table:
// import & fit, model & memory, GPU benchmark) is current, which gives those panels the room the
// status bar's plan summary makes up for; View → Show plan results overrides that for the kind
// of tab that is current (remembered in the settings). A plan file (*.json) dropped onto the
// window is opened (after the unsaved-changes prompt); run logs dropped on the Import & fit panel
// are imported by that panel.

#include <QMainWindow>
#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

class QAction;
class QCustomPlot;
class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QMenu;
class QSettings;
class QSplitter;
class QTabWidget;

namespace scaleplan {

class BudgetExplorer;
class ResultPanel;
class Session;
class PlotView;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  // The window works on `session` (not owned; it must outlive the window).
  explicit MainWindow(Session* session, QWidget* parent = nullptr);
  ~MainWindow() override;

  Session* session() const { return session_; }

  // Plugs a panel into the view tabs (import & fit, fit view, model & memory, GPU benchmark...).
  // The window takes ownership. Returns the tab index. A panel that is not a plot (PlotView or
  // QCustomPlot) is placed in a QScrollArea, so its minimum size never widens the window: select
  // it with showPanel(panel) rather than viewTabs()->setCurrentWidget(panel). A QCustomPlot inside
  // the panel can be exported with File → Export plot when its tab is current. Panels talk to
  // the session, not to the window.
  // `title` is the (short) tab text; `full_title`, when given, is the tab's tooltip and the View
  // menu's entry.
  int addPanel(QWidget* panel, const QString& title, const QString& full_title = {});
  // Makes the tab holding `panel` current.
  void showPanel(QWidget* panel);
  QTabWidget* viewTabs() const { return tabs_; }
  // The View menu, for panels that want to add toggles.
  QMenu* viewMenu() const { return view_menu_; }

  // The settings file (window geometry, recent files, the budget; panels add their inputs).
  QString settingsPath() const;
  // `write` is called with the settings whenever the window saves them (on close), after the
  // window's own keys: a panel keeps its inputs across sessions this way.
  void addSettingsWriter(std::function<void(QSettings&)> write);

  BudgetExplorer* budgetExplorer() const { return explorer_; }
  ResultPanel* resultPanel() const { return result_panel_; }
  // The built-in plots: frontier, isoFLOP, landscape, loss vs compute (in tab order).
  const std::vector<PlotView*>& plotViews() const { return plots_; }

  // The QCustomPlot of the current tab, if it has one.
  QCustomPlot* currentPlot() const;

  // Opens a plan file; on error shows it (file and field) and leaves the session untouched.
  // Returns true on success. `interactive` false: report errors through the returned status only
  // (no message box), for tests and the command line.
  bool openFile(const QString& path, bool interactive = true, QString* error = nullptr);
  // Saves to `path` (atomic). Returns true on success.
  bool saveTo(const QString& path, bool interactive = true, QString* error = nullptr);
  // Exports the current tab's plot (by suffix: .png, .svg, .pdf). Returns true on success.
  bool exportCurrentPlot(const QString& path, QString* error = nullptr);
  // Writes the Markdown report of the current plan.
  bool exportReport(const QString& path, QString* error = nullptr);

  // Renders every tab to PNGs in `dir`: the window with that tab (window-NN-<tab>.png), its plot
  // alone (plot-NN-<tab>.png) and, for the built-in plots, with the crosshair read-out
  // (plot-NN-<tab>-readout.png). Returns the files written.
  QStringList renderScreenshots(const QString& dir);
  // The same for the one tab holding `panel` (a page or the panel inside its scroll area), with
  // `variant` in the names when not empty: variant "b", note "with-fit" gives
  // window-06b-import-fit-with-fit.png. Leaves that tab current.
  QStringList renderTabScreenshots(QWidget* panel, const QString& dir, const QString& variant = {},
                                   const QString& note = {});

  // Whether the result panel is shown now, and the View → Show plan results action.
  bool isResultPanelShown() const;
  QAction* showResultsAction() const { return show_results_action_; }
  // True when the tab at `index` is a plot (the result panel belongs next to it by default).
  bool isPlotTab(int index) const;

  // Dark palette and plot colours on/off (View → Dark theme); remembered in the settings.
  void setDarkTheme(bool dark);
  bool isDarkTheme() const { return dark_; }

  const QStringList& recentFiles() const { return recent_files_; }

  // "Save changes?" when modified: true when the caller may go on (saved or discarded).
  bool maybeSave();

 signals:
  // The dark theme was switched on or off (plots follow the palette by themselves; panels with
  // custom colours can listen).
  void darkThemeChanged(bool dark);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void buildActions();
  void buildMenus();
  void buildLayout();
  void readSettings();
  void writeSettings() const;
  void updateTitle();
  void updateRecentMenu();
  void addRecentFile(const QString& path);
  void newPlan();
  void openDialog();
  bool save();
  bool saveAsDialog();
  void exportPlotDialog();
  void exportReportDialog();
  void showAbout();
  void updateStatus();
  // Shows or hides the result panel for the current tab's kind and syncs the View action.
  void applyResultPanelVisibility();
  void renderTab(int index, const QString& dir, const QString& variant, const QString& note, QStringList* written);

  Session* session_;
  QSplitter* splitter_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  BudgetExplorer* explorer_ = nullptr;
  ResultPanel* result_panel_ = nullptr;
  QWidget* results_area_ = nullptr;  // the scroll area around result_panel_ (the splitter's third child)
  QAction* show_results_action_ = nullptr;
  bool results_on_plots_ = true;    // View → Show plan results, while a plot tab is current
  bool results_on_panels_ = false;  // ... while a panel tab (form, tables) is current
  int results_width_ = 0;           // the result panel's width when it was last hidden
  int pending_tab_ = -1;            // the remembered tab, when it is a panel not added yet
  std::vector<PlotView*> plots_;
  QMenu* view_menu_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QAction* dark_action_ = nullptr;
  QLabel* status_plan_ = nullptr;
  QStringList recent_files_;
  bool dark_ = false;
  std::vector<std::function<void(QSettings&)>> settings_writers_;
};

}  // namespace scaleplan
