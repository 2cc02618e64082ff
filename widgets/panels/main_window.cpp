#include "panels/main_window.hpp"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <algorithm>
#include <qcustomplot.h>

#include "base/file_io.hpp"
#include "panels/budget_explorer.hpp"
#include "plots/frontier_plot.hpp"
#include "plots/isoflop_plot.hpp"
#include "plots/landscape_plot.hpp"
#include "plots/loss_plot.hpp"
#include "plots/tokens_per_param_plot.hpp"
#include "plots/plot_export.hpp"
#include "panels/result_panel.hpp"
#include "session/session.hpp"
#include "controls/text_format.hpp"
#include "controls/theme.hpp"

// Q_INIT_RESOURCE must be used outside any namespace.
static void initResources() { Q_INIT_RESOURCE(scaleplan); }

namespace scaleplan {

namespace {

QScrollArea* scrolling(QWidget* inner, QWidget* parent) {
  auto* area = new QScrollArea(parent);
  area->setWidget(inner);
  area->setWidgetResizable(true);
  area->setFrameShape(QFrame::NoFrame);
  area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  return area;
}

}  // namespace

MainWindow::MainWindow(Session* session, QWidget* parent) : QMainWindow(parent), session_(session) {
  setObjectName("mainWindow");
  initResources();
  setWindowIcon(QIcon(":/scaleplan/scaleplan.svg"));
  setAcceptDrops(true);
  buildLayout();
  buildActions();
  readSettings();
  connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::applyResultPanelVisibility);
  applyResultPanelVisibility();
  connect(session_, &Session::modifiedChanged, this, &MainWindow::updateTitle);
  connect(session_, &Session::filePathChanged, this, &MainWindow::updateTitle);
  connect(session_, &Session::planChanged, this, &MainWindow::updateStatus);
  connect(session_, &Session::planFailed, this, &MainWindow::updateStatus);
  connect(session_, &Session::failed, this, [this](const QString& m) { statusBar()->showMessage(m, 10000); });
  updateTitle();
  updateStatus();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout() {
  splitter_ = new QSplitter(Qt::Horizontal, this);
  splitter_->setObjectName("mainSplitter");
  explorer_ = new BudgetExplorer(session_, this);
  auto* left = scrolling(explorer_, splitter_);
  left->setMinimumWidth(explorer_->minimumSizeHint().width() + 24);
  splitter_->addWidget(left);

  tabs_ = new QTabWidget(splitter_);
  tabs_->setObjectName("viewTabs");
  tabs_->setDocumentMode(true);
  // Short tab texts so that all eight tabs fit next to the budget explorer and the result panel;
  // the plot's full title is the tooltip and the View menu's entry.
  tabs_->setElideMode(Qt::ElideNone);
  plots_ = {new FrontierPlot(session_, tabs_), new IsoFlopPlot(session_, tabs_), new LandscapePlot(session_, tabs_),
            new LossPlot(session_, tabs_), new TokensPerParamPlot(session_, tabs_)};
  const QString tab_titles[] = {tr("Frontier"), tr("isoFLOP"), tr("Landscape"), tr("Loss vs C"), tr("D/N")};
  for (size_t i = 0; i < plots_.size(); ++i) {
    tabs_->addTab(plots_[i], tab_titles[i]);
    tabs_->setTabToolTip(static_cast<int>(i), plots_[i]->title());
  }
  splitter_->addWidget(tabs_);

  result_panel_ = new ResultPanel(session_, this);
  auto* right = scrolling(result_panel_, splitter_);
  right->setObjectName("resultsArea");
  right->setMinimumWidth(320);
  splitter_->addWidget(right);
  results_area_ = right;
  splitter_->setStretchFactor(0, 0);
  splitter_->setStretchFactor(1, 1);
  splitter_->setStretchFactor(2, 0);
  splitter_->setSizes({370, 900, 350});
  // The result panel is hidden with View → Show plan results rather than dragged to nothing (and
  // lost), and the views are never squeezed out.
  splitter_->setChildrenCollapsible(false);
  setCentralWidget(splitter_);

  status_plan_ = new QLabel(this);
  status_plan_->setObjectName("statusPlan");
  statusBar()->addPermanentWidget(status_plan_);
}

void MainWindow::buildActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  auto add = [&](QMenu* menu, const QString& text, const QKeySequence& keys, auto slot) {
    QAction* a = menu->addAction(text);
    a->setShortcut(keys);
    connect(a, &QAction::triggered, this, slot);
    return a;
  };
  add(file, tr("&New plan"), QKeySequence::New, [this] { newPlan(); })->setObjectName("actionNew");
  add(file, tr("&Open…"), QKeySequence::Open, [this] { openDialog(); })->setObjectName("actionOpen");
  recent_menu_ = file->addMenu(tr("Open &recent"));
  add(file, tr("&Save"), QKeySequence::Save, [this] { save(); })->setObjectName("actionSave");
  add(file, tr("Save &as…"), QKeySequence::SaveAs, [this] { saveAsDialog(); })->setObjectName("actionSaveAs");
  file->addSeparator();
  add(file, tr("&Export plot…"), QKeySequence(Qt::CTRL | Qt::Key_E), [this] { exportPlotDialog(); })
      ->setObjectName("actionExportPlot");
  add(file, tr("Export &report (Markdown)…"), QKeySequence(Qt::CTRL | Qt::Key_R), [this] { exportReportDialog(); })
      ->setObjectName("actionExportReport");
  file->addSeparator();
  QAction* quit = add(file, tr("&Quit"), QKeySequence::Quit, [this] { close(); });
  quit->setMenuRole(QAction::QuitRole);

  view_menu_ = menuBar()->addMenu(tr("&View"));
  dark_action_ = view_menu_->addAction(tr("&Dark theme"));
  dark_action_->setObjectName("actionDarkTheme");
  dark_action_->setCheckable(true);
  dark_action_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
  connect(dark_action_, &QAction::toggled, this, &MainWindow::setDarkTheme);
  show_results_action_ = view_menu_->addAction(tr("Show plan &results"));
  show_results_action_->setObjectName("actionShowResults");
  show_results_action_->setCheckable(true);
  show_results_action_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
  show_results_action_->setToolTip(
      tr("The result panel on the right; shown next to the plots and hidden on the import, model and "
         "benchmark panels unless chosen here (the status bar summarises the plan)"));
  connect(show_results_action_, &QAction::triggered, this, [this](bool on) {
    (isPlotTab(tabs_->currentIndex()) ? results_on_plots_ : results_on_panels_) = on;
    applyResultPanelVisibility();
  });
  view_menu_->addSeparator();
  for (int i = 0; i < tabs_->count(); ++i) {
    QAction* a = view_menu_->addAction(tabs_->tabToolTip(i));
    a->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + i)));
    connect(a, &QAction::triggered, this, [this, i] { tabs_->setCurrentIndex(i); });
  }

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  add(help, tr("&About ScalePlan"), QKeySequence::HelpContents, [this] { showAbout(); })->setObjectName("actionAbout");
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

int MainWindow::addPanel(QWidget* panel, const QString& title, const QString& full_title) {
  // '&' in a tab or menu text marks a mnemonic: "Import & fit" must show its ampersand.
  QString escaped = title;
  escaped.replace("&", "&&");
  QString menu_text = full_title.isEmpty() ? title : full_title;
  menu_text.replace("&", "&&");
  // Forms and tables scroll rather than impose their minimum size on the window (which would
  // push it off a 1600-pixel screen); plots shrink by themselves and are added as they are.
  QWidget* page = panel;
  if (!qobject_cast<PlotView*>(panel) && !qobject_cast<QCustomPlot*>(panel)) {
    auto* area = new QScrollArea(tabs_);
    area->setWidget(panel);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    page = area;
  }
  const int index = tabs_->addTab(page, escaped);
  tabs_->setTabToolTip(index, full_title.isEmpty() ? title : full_title);
  QAction* a = view_menu_->addAction(menu_text);
  if (index < 9) a->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + index)));
  connect(a, &QAction::triggered, this, [this, page] { tabs_->setCurrentWidget(page); });
  if (index == pending_tab_) {
    pending_tab_ = -1;
    tabs_->setCurrentIndex(index);  // the tab current when the window was last closed
  }
  applyResultPanelVisibility();
  return index;
}

bool MainWindow::isPlotTab(int index) const {
  QWidget* page = tabs_->widget(index);
  return page && (qobject_cast<PlotView*>(page) || qobject_cast<QCustomPlot*>(page));
}

bool MainWindow::isResultPanelShown() const {
  return !results_area_->isHidden();
}

void MainWindow::applyResultPanelVisibility() {
  if (!show_results_action_) return;  // during construction
  const bool show = isPlotTab(tabs_->currentIndex()) ? results_on_plots_ : results_on_panels_;
  if (show_results_action_->isChecked() != show) {
    QSignalBlocker block(show_results_action_);
    show_results_action_->setChecked(show);
  }
  if (!show) {
    const int width = splitter_->sizes().value(2);
    if (!results_area_->isHidden() && width > 0) results_width_ = width;
    results_area_->hide();
    return;
  }
  results_area_->show();
  // Coming back from hidden, the panel gets the width it had (or, the first time, at least its
  // minimum) from the view tabs, so that the plots keep their size from one visit to the next.
  // Only once the splitter has been laid out: before that, sizes() are zeros and the sizes set in
  // buildLayout() apply.
  QList<int> sizes = splitter_->sizes();
  if (sizes.size() != 3 || sizes[1] <= 0) return;
  const int want = results_width_ > 0 ? results_width_ : std::max(sizes[2], results_area_->minimumWidth());
  if (sizes[2] != want) {
    const int take = std::min(want - sizes[2], std::max(0, sizes[1] - tabs_->minimumSizeHint().width()));
    sizes[1] -= take;
    sizes[2] += take;
    splitter_->setSizes(sizes);
  }
}

void MainWindow::showPanel(QWidget* panel) {
  for (int i = 0; i < tabs_->count(); ++i) {
    QWidget* page = tabs_->widget(i);
    auto* area = qobject_cast<QScrollArea*>(page);
    if (page == panel || (area && area->widget() == panel)) tabs_->setCurrentIndex(i);
  }
}

QCustomPlot* MainWindow::currentPlot() const {
  QWidget* w = tabs_->currentWidget();
  if (!w) return nullptr;
  if (auto* p = qobject_cast<QCustomPlot*>(w)) return p;
  return w->findChild<QCustomPlot*>();
}

QString MainWindow::settingsPath() const {
  return QString::fromStdString((userConfigDirectory() / "scaleplan-gui.ini").string());
}

void MainWindow::readSettings() {
  QSettings s(settingsPath(), QSettings::IniFormat);
  if (!restoreGeometry(s.value("window/geometry").toByteArray())) {
    const QRect avail = screen() ? screen()->availableGeometry() : QRect(0, 0, 1600, 1000);
    resize(std::min(1560, avail.width() * 95 / 100), std::min(940, avail.height() * 92 / 100));
  }
  restoreState(s.value("window/state").toByteArray());
  if (s.contains("window/splitter")) splitter_->restoreState(s.value("window/splitter").toByteArray());
  recent_files_ = s.value("files/recent").toStringList();
  updateRecentMenu();
  const int tab = s.value("window/tab", 0).toInt();
  if (tab >= 0 && tab < tabs_->count()) {
    tabs_->setCurrentIndex(tab);
  } else if (tab >= tabs_->count()) {
    pending_tab_ = tab;  // a panel tab, added after construction
  }
  results_on_plots_ = s.value("view/resultsOnPlots", true).toBool();
  results_on_panels_ = s.value("view/resultsOnPanels", false).toBool();
  if (s.contains("budget/amount")) {
    auto unit = budgetUnitFromString(s.value("budget/unit").toString().toStdString());
    const double amount = s.value("budget/amount").toDouble();
    if (unit && amount > 0) {
      session_->setBudget(Budget{*unit, amount});
      session_->setModified(false);
    }
  }
  const bool dark = s.value("view/dark", false).toBool();
  if (dark) dark_action_->setChecked(true);  // applies through setDarkTheme
}

void MainWindow::writeSettings() const {
  QSettings s(settingsPath(), QSettings::IniFormat);
  s.setValue("window/geometry", saveGeometry());
  s.setValue("window/state", saveState());
  s.setValue("window/splitter", splitter_->saveState());
  s.setValue("window/tab", tabs_->currentIndex());
  s.setValue("files/recent", recent_files_);
  s.setValue("view/dark", dark_);
  s.setValue("view/resultsOnPlots", results_on_plots_);
  s.setValue("view/resultsOnPanels", results_on_panels_);
  if (const auto& b = session_->currentRequest().budget) {
    s.setValue("budget/unit", QString::fromStdString(std::string(toString(b->unit))));
    s.setValue("budget/amount", b->amount);
  }
  for (const auto& write : settings_writers_) write(s);
}

void MainWindow::addSettingsWriter(std::function<void(QSettings&)> write) {
  settings_writers_.push_back(std::move(write));
}

void MainWindow::updateTitle() {
  const QString path = session_->filePath();
  const QString name = path.isEmpty() ? tr("Untitled plan") : QFileInfo(path).fileName();
  setWindowTitle(tr("%1[*] — ScalePlan").arg(name));
  setWindowModified(session_->isModified());
}

void MainWindow::updateStatus() {
  const auto& r = session_->currentResult();
  if (!r) {
    status_plan_->setText(tr("No plan: %1").arg(session_->planError()));
    return;
  }
  QString s = tr("%1 params × %2 tokens").arg(text::count(r->params), text::count(r->tokens));
  if (r->predicted_loss) s += tr(" · loss %1").arg(text::number(*r->predicted_loss, 4));
  s += tr(" · %1 · %2").arg(text::days(r->cost.wall_clock.days()), text::usd(r->cost.cost_usd));
  if (!r->warnings.empty()) {
    const auto n = static_cast<long long>(r->warnings.size());
    s += tr(" · ⚠ %1").arg(countNoun(n, tr("warning"), tr("warnings")));
  }
  status_plan_->setText(s);
}

QStringList MainWindow::renderScreenshots(const QString& dir) {
  QStringList written;
  QDir().mkpath(dir);
  const int current = tabs_->currentIndex();
  for (int i = 0; i < tabs_->count(); ++i) renderTab(i, dir, QString(), QString(), &written);
  tabs_->setCurrentIndex(current);
  QApplication::processEvents();
  return written;
}

QStringList MainWindow::renderTabScreenshots(QWidget* panel, const QString& dir, const QString& variant,
                                             const QString& note) {
  QStringList written;
  QDir().mkpath(dir);
  for (int i = 0; i < tabs_->count(); ++i) {
    QWidget* page = tabs_->widget(i);
    auto* area = qobject_cast<QScrollArea*>(page);
    if (page == panel || (area && area->widget() == panel)) renderTab(i, dir, variant, note, &written);
  }
  return written;
}

void MainWindow::renderTab(int i, const QString& dir, const QString& variant, const QString& note,
                           QStringList* written) {
  tabs_->setCurrentIndex(i);
  QApplication::processEvents();
  if (auto* view = qobject_cast<PlotView*>(tabs_->widget(i))) view->refreshNow();
  QApplication::processEvents();
  // The tooltip holds the full title ("GPU benchmark" for the tab "GPU bench").
  const QString title = tabs_->tabToolTip(i).isEmpty() ? tabs_->tabText(i).remove('&') : tabs_->tabToolTip(i);
  QString name = text::fileNameSlug(title);
  if (!note.isEmpty()) name += '-' + text::fileNameSlug(note);
  const QString number = QString("%1").arg(i + 1, 2, 10, QChar('0')) + variant;
  const QString path = QDir(dir).filePath(QString("window-%1-%2.png").arg(number, name));
  if (grab().save(path)) *written << path;
  const QString stem = QString("plot-%1-%2").arg(number, name);
  if (QCustomPlot* plot = tabs_->widget(i)->findChild<QCustomPlot*>()) {
    const QString plot_path = QDir(dir).filePath(stem + ".png");
    if (plot->savePng(plot_path, plot->width(), plot->height())) *written << plot_path;
  }
  // The built-in plots once more with the crosshair and its read-out, as under the mouse at
  // 60% across and 40% down the axis rect.
  if (auto* view = qobject_cast<PlotView*>(tabs_->widget(i))) {
    QCustomPlot* plot = view->plot();
    const QRect r = plot->axisRect()->rect();
    view->showCrosshairAt(plot->xAxis->pixelToCoord(r.left() + 0.6 * r.width()),
                          plot->yAxis->pixelToCoord(r.top() + 0.4 * r.height()));
    const QString readout_path = QDir(dir).filePath(stem + "-readout.png");
    if (plot->savePng(readout_path, plot->width(), plot->height())) *written << readout_path;
    view->hideCrosshair();
  }
}

void MainWindow::setDarkTheme(bool dark) {
  if (dark_action_->isChecked() != dark) {
    dark_action_->setChecked(dark);  // re-enters through toggled
    return;
  }
  dark_ = dark;
  applyApplicationTheme(dark);
  emit darkThemeChanged(dark);
}

void MainWindow::showAbout() {
  QString laws;
  for (const ScalingLaw& law : session_->laws()) {
    laws += QString("<li><b>%1</b> (<code>%2</code>): %3</li>")
                .arg(QString::fromStdString(law.displayName()).toHtmlEscaped(),
                     QString::fromStdString(law.id()).toHtmlEscaped(),
                     QString::fromStdString(law.citation()).toHtmlEscaped());
  }
  QMessageBox::about(
      this, tr("About ScalePlan"),
      tr("<h3>ScalePlan %1</h3>"
         "<p>Plans LLM training runs: the compute-optimal model size and token count for a budget, "
         "the predicted loss, and what the run costs in time, money and energy. Every number comes from "
         "the same core as <code>scaleplan-cli</code>.</p>"
         "<p><b>Papers behind the numbers</b></p><ul>"
         "<li>Hoffmann et al. 2022, <i>Training Compute-Optimal Large Language Models</i> (Chinchilla): "
         "the parametric law L = E + A/N<sup>α</sup> + B/D<sup>β</sup> and the 20-tokens-per-parameter rule.</li>"
         "<li>Besiroglu et al. 2024, <i>Chinchilla Scaling: A replication attempt</i>: the re-fitted constants.</li>"
         "<li>Kaplan et al. 2020, <i>Scaling Laws for Neural Language Models</i>: L(N, D), compute-efficient "
         "allocation, and C = 6ND.</li>"
         "<li>Muennighoff et al. 2023, <i>Scaling Data-Constrained Language Models</i>: repeated data and the "
         "unique-token limit.</li>"
         "<li>Sardana et al. 2023, <i>Beyond Chinchilla-Optimal: Accounting for Inference in Language Model "
         "Scaling Laws</i>: sizing for an inference demand.</li>"
         "<li>Korthikanti et al. 2022, <i>Reducing Activation Recomputation in Large Transformer Models</i>: "
         "activation memory.</li></ul>"
         "<p><b>Laws in this session</b></p><ul>%2</ul>")
          .arg(QApplication::applicationVersion().toHtmlEscaped(), laws));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (maybeSave()) {
    writeSettings();
    event->accept();
  } else {
    event->ignore();
  }
}

}  // namespace scaleplan
