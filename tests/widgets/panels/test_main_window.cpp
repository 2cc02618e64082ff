// The main window's files and views: open/edit/save/reopen, malformed files (error shown, state
// untouched), the unsaved-changes prompt, exports (PNG, SVG, PDF, Markdown), screenshots of every
// view, settings remembered between sessions, and the plug-in point for other panels.
#include <qcustomplot.h>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QSignalSpy>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QUrl>

#include "base/file_io.hpp"
#include "controls/layout_fields_box.hpp"
#include "panels/budget_explorer.hpp"
#include "panels/cluster_panel.hpp"
#include "panels/panels.hpp"
#include "widgets/gui_test_support.hpp"
#include "panels/main_window.hpp"
#include "plots/plot_view.hpp"
#include "controls/quantity_edit.hpp"
#include "panels/result_panel.hpp"
#include "session/auto_mfu.hpp"
#include "session/session.hpp"

using namespace scaleplan;
using namespace scaleplan::test;

namespace {

// Answers the next modal message box with `button`, recording its text.
void answerNextMessageBox(QMessageBox::StandardButton button, QString* text = nullptr) {
  QTimer::singleShot(0, [button, text] {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (!box) {
      // Not up yet: try again on the next turn.
      answerNextMessageBox(button, text);
      return;
    }
    if (text) *text = box->text() + "\n" + box->informativeText();
    QTest::mouseClick(box->button(button), Qt::LeftButton);
  });
}

void corruptField(const QString& path, const QString& field, const QString& replacement) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::ReadOnly));
  QString text = QString::fromUtf8(f.readAll());
  f.close();
  const QRegularExpression re("\"" + field + "\"\\s*:\\s*[^,\\n}]+");
  QVERIFY(text.contains(re));
  text.replace(re, "\"" + field + "\": " + replacement);
  QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
  f.write(text.toUtf8());
}

// Drags `path` over `target` and drops it, as a file manager does. Returns whether the drop was
// accepted (the drag-enter and the drop both).
bool dropFile(QWidget* target, const QString& path) {
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(path)});
  const QPoint at = target->rect().center();
  QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &enter);
  if (!enter.isAccepted()) return false;
  QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &drop);
  return drop.isAccepted();
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT

  Session* session_ = nullptr;
  MainWindow* window_ = nullptr;
  QTemporaryDir dir_;

 private slots:
  void init() {
    session_ = new Session;
    window_ = new MainWindow(session_);
    window_->resize(1500, 950);
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_));
  }

  void cleanup() {
    session_->setModified(false);
    delete window_;
    delete session_;
  }

  void openEditSaveReopenComparesEqual() {
    const QString first = dir_.filePath("first.json");
    const QString second = dir_.filePath("second.json");
    BudgetExplorer* e = window_->budgetExplorer();
    typeInto(e->budgetAmount(), "3e24");
    typeInto(e->gpuCount(), "4096");
    QVERIFY(window_->isWindowModified());
    QVERIFY(window_->saveTo(first, false));
    QVERIFY(!window_->isWindowModified());
    QVERIFY(window_->windowTitle().startsWith("first.json"));

    // Reopen in a fresh window, edit through the controls, save, reopen: equal to the edited one.
    Session s2;
    MainWindow w2(&s2);
    QVERIFY(w2.openFile(first, false));
    QVERIFY(s2.currentRequest() == session_->currentRequest());
    typeInto(w2.budgetExplorer()->mfuSpin(), "45");
    w2.budgetExplorer()->law()->setCurrentIndex(w2.budgetExplorer()->law()->findData("besiroglu2024"));
    QVERIFY(s2.isModified());
    QVERIFY(w2.saveTo(second, false));
    const PlanRequest edited = s2.currentRequest();
    s2.setModified(false);

    Session s3;
    MainWindow w3(&s3);
    QVERIFY(w3.openFile(second, false));
    QVERIFY(s3.currentRequest() == edited);
    SP_COMPARE_REL(s3.currentRequest().mfu, 0.45, 1e-12);
    QCOMPARE(QString::fromStdString(s3.currentRequest().law.id()), QString("besiroglu2024"));
    QCOMPARE(s3.currentRequest().gpu_count, 4096);
    // The controls show the reopened plan.
    QCOMPARE(w3.budgetExplorer()->gpuCount()->value(), 4096);
    QCOMPARE(w3.budgetExplorer()->law()->currentData().toString(), QString("besiroglu2024"));
    QCOMPARE(*w3.budgetExplorer()->budgetAmount()->value(), 3e24);
    // And the recent-files list has both, newest first.
    QCOMPARE(w3.recentFiles().first(), QFileInfo(second).absoluteFilePath());
  }

  void malformedPlanShowsTheErrorAndChangesNothing() {
    const QString path = dir_.filePath("malformed.json");
    {
      Session other;
      QVERIFY(other.savePlan(path).isOk());
    }
    corruptField(path, "gpus", "\"many\"");
    typeInto(window_->budgetExplorer()->mfuSpin(), "47");
    const PlanRequest before = session_->currentRequest();
    const bool modified_before = session_->isModified();

    // Interactive: a message box names the file and the field; nothing changes.
    QString shown;
    answerNextMessageBox(QMessageBox::Ok, &shown);
    QVERIFY(!window_->openFile(path, true));
    QVERIFY2(shown.contains("malformed.json"), qPrintable(shown));
    QVERIFY2(shown.contains("gpus"), qPrintable(shown));
    QVERIFY(session_->currentRequest() == before);
    QCOMPARE(session_->isModified(), modified_before);
    QVERIFY(session_->filePath().isEmpty());
    QCOMPARE(window_->budgetExplorer()->mfuSpin()->value(), 47.0);

    // A file that is not JSON at all.
    const QString garbage = dir_.filePath("garbage.json");
    QVERIFY(writeFileAtomically(garbage.toStdString(), "{ this is not json").isOk());
    QString error;
    QVERIFY(!window_->openFile(garbage, false, &error));
    QVERIFY2(error.contains("garbage.json"), qPrintable(error));
    QVERIFY(session_->currentRequest() == before);
  }

  void unsavedChangesPrompt() {
    QVERIFY(window_->maybeSave());  // unmodified: no prompt
    typeInto(window_->budgetExplorer()->budgetAmount(), "2e24");
    QVERIFY(session_->isModified());
    answerNextMessageBox(QMessageBox::Cancel);
    QVERIFY(!window_->maybeSave());
    QVERIFY(session_->isModified());
    answerNextMessageBox(QMessageBox::Discard);
    QVERIFY(window_->maybeSave());
    // Closing with changes and Cancel keeps the window open.
    answerNextMessageBox(QMessageBox::Cancel);
    QVERIFY(!window_->close());
    QVERIFY(window_->isVisible());
  }

  void newPlanActionResets() {
    typeInto(window_->budgetExplorer()->mfuSpin(), "33");
    auto* action = window_->findChild<QAction*>("actionNew");
    QVERIFY(action);
    QCOMPARE(action->shortcut(), QKeySequence(QKeySequence::New));
    answerNextMessageBox(QMessageBox::Discard);
    action->trigger();
    SP_COMPARE_REL(session_->currentRequest().mfu, 0.4, 1e-12);
    QVERIFY(!session_->isModified());
    QCOMPARE(window_->budgetExplorer()->mfuSpin()->value(), 40.0);
  }

  void exportsEveryFormat() {
    for (int tab = 0; tab < 4; ++tab) {
      window_->viewTabs()->setCurrentIndex(tab);
      settle();
      for (const char* suffix : {"png", "svg", "pdf"}) {
        const QString path = dir_.filePath(QString("plot-%1.%2").arg(tab).arg(suffix));
        QString error;
        QVERIFY2(window_->exportCurrentPlot(path, &error), qPrintable(error));
        QVERIFY2(QFileInfo(path).size() > 2000, qPrintable(path));
      }
      QImage png(dir_.filePath(QString("plot-%1.png").arg(tab)));
      QVERIFY(png.width() >= 2 * 400 && png.height() >= 2 * 300);  // exported at 2x
      QFile svg(dir_.filePath(QString("plot-%1.svg").arg(tab)));
      QVERIFY(svg.open(QIODevice::ReadOnly));
      QVERIFY(svg.readAll().contains("<svg"));
    }
    QString error;
    QVERIFY(!window_->exportCurrentPlot(dir_.filePath("x.bmp"), &error));
    QVERIFY(error.contains("unsupported format 'bmp'"));

    const QString md = dir_.filePath("report.md");
    QVERIFY(window_->exportReport(md));
    QFile f(md);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString report = QString::fromUtf8(f.readAll());
    QVERIFY(report.contains("## Inputs"));
    QVERIFY(report.contains("## Results"));
    QVERIFY(report.contains("## Warnings"));
    QVERIFY(report.contains(QString::fromStdString(session_->currentRequest().law.citation())));
  }

  void screenshotsOfEveryView() {
    // A panel plugged in by another part of the application is rendered too.
    auto* extra = new QLabel("extra panel");
    const int index = window_->addPanel(extra, "Import & fit");
    QCOMPARE(window_->viewTabs()->tabText(index), QString("Import && fit"));  // '&' shown, not a mnemonic
    // A form scrolls inside its tab instead of widening the window.
    extra->setMinimumWidth(3000);
    QVERIFY(window_->minimumSizeHint().width() < 1600);
    window_->showPanel(extra);
    QCOMPARE(window_->viewTabs()->currentIndex(), index);
    window_->viewTabs()->setCurrentIndex(0);
    const QString shots = dir_.filePath("shots");
    const QStringList files = window_->renderScreenshots(shots);
    // Five plot tabs (window, plot, plot with the crosshair read-out) and the extra panel (window).
    QCOMPARE(files.size(), 5 * 3 + 1);
    for (const QString& f : files) {
      QImage image(f);
      QVERIFY2(!image.isNull(), qPrintable(f));
      QVERIFY2(image.width() >= 500 && image.height() >= 350, qPrintable(f));
      // Not a blank image: more than a handful of distinct colours.
      QSet<QRgb> colours;
      for (int y = 0; y < image.height(); y += 7) {
        for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
      }
      QVERIFY2(colours.size() > 20, qPrintable(f));
    }
    QVERIFY(files.join(' ').contains("import-fit"));
  }

  void settingsAreRemembered() {
    typeInto(window_->budgetExplorer()->budgetAmount(), "7.5e23");
    window_->viewTabs()->setCurrentIndex(2);
    const QString path = dir_.filePath("remembered.json");
    QVERIFY(window_->saveTo(path, false));
    QVERIFY(window_->close());  // unmodified after the save: closes and writes the settings

    Session s2;
    MainWindow w2(&s2);
    QCOMPARE(w2.viewTabs()->currentIndex(), 2);
    QVERIFY(w2.recentFiles().contains(QFileInfo(path).absoluteFilePath()));
    SP_COMPARE_REL(s2.currentRequest().budget->amount, 7.5e23, 1e-12);
    QVERIFY(!s2.isModified());
  }

  // The Cluster tab's inputs are written with the window's settings and read by the next
  // window's tab (the wiring of addAnalysisPanels; the panel's own test checks every input).
  void clusterInputsAreRemembered() {
    ClusterPanel* cluster = addAnalysisPanels(window_, session_).cluster;
    QVERIFY(cluster);
    const int gpus = cluster->gpusSpin()->value();
    cluster->gpusSpin()->setValue(gpus == 256 ? 512 : 256);
    cluster->layoutFields()->tpSpin()->setValue(2);
    QVERIFY(window_->close());
    {
      Session s2;
      MainWindow w2(&s2);
      ClusterPanel* remembered = addAnalysisPanels(&w2, &s2).cluster;
      QCOMPARE(remembered->gpusSpin()->value(), gpus == 256 ? 512 : 256);
      QCOMPARE(remembered->layoutFields()->describeFixed(), QString("--tp 2"));
      // Back as they were, for the other tests' windows.
      remembered->gpusSpin()->setValue(gpus);
      remembered->layoutFields()->reset();
      QVERIFY(w2.close());
    }
  }

  // The budget explorer's "Show this layout in the Cluster tab" brings the Cluster tab forward
  // with the plan's model (the wiring of addAnalysisPanels; test_cluster_auto_mfu checks the
  // layout found).
  void autoLayoutShowsInTheClusterTab() {
    ClusterPanel* cluster = addAnalysisPanels(window_, session_).cluster;
    QVERIFY(cluster);
    const QString model = cluster->modelCombo()->currentData().toString();
    const int gpus = cluster->gpusSpin()->value(), batch = cluster->globalBatchSpin()->value();
    BudgetExplorer* explorer = window_->budgetExplorer();
    session_->setBudget(Budget{BudgetUnit::Flops, 1e23});
    session_->setGpuCount(256);
    explorer->mfuAuto()->setChecked(true);
    explorer->autoMfu()->waitForIdle();
    QVERIFY(explorer->mfuAutoShow()->isVisible());
    window_->viewTabs()->setCurrentIndex(0);
    emit explorer->mfuAutoShow()->linkActivated(QStringLiteral("cluster"));
    QVERIFY(window_->viewTabs()->currentWidget()->isAncestorOf(cluster));
    QCOMPARE(cluster->modelCombo()->currentData().toString(), QString(ClusterPanel::kPlannedModel));
    QCOMPARE(cluster->gpusSpin()->value(), 256);
    explorer->mfuAuto()->setChecked(false);
    // Back as it was, for the other tests' windows (the inputs are remembered on close).
    cluster->modelCombo()->setCurrentIndex(cluster->modelCombo()->findData(model));
    cluster->gpusSpin()->setValue(gpus);
    cluster->globalBatchSpin()->setValue(batch);
  }

  // In the screenshots' 1520 x 920 window the Cluster tab fits without scrolling, with the fixed
  // fields' *More* row open too: its scroll area sizes it by height-for-width, which counted the
  // table's and the plots' preferred heights (it scrolled by a few pixels, the bars' labels below
  // the fold).
  void clusterTabFitsTheWindow() {
    ClusterPanel* cluster = addAnalysisPanels(window_, session_).cluster;
    QVERIFY(cluster);
    window_->resize(1520, 920);
    for (int i = 0; i < window_->viewTabs()->count(); ++i) {
      if (window_->viewTabs()->widget(i)->isAncestorOf(cluster)) window_->viewTabs()->setCurrentIndex(i);
    }
    auto* area = qobject_cast<QScrollArea*>(window_->viewTabs()->currentWidget());
    QVERIFY(area && area->isAncestorOf(cluster));
    QTest::qWait(50);
    QCOMPARE(area->verticalScrollBar()->maximum(), 0);
    QToolButton* more = cluster->layoutFields()->moreButton();
    if (!more->isChecked()) more->click();
    QTest::qWait(50);
    QCOMPARE(area->verticalScrollBar()->maximum(), 0);
    more->click();  // back as it was, for the other tests' windows (remembered on close)
  }

  void aboutCitesThePapers() {
    auto* action = window_->findChild<QAction*>("actionAbout");
    QVERIFY(action);
    QString text;
    answerNextMessageBox(QMessageBox::Ok, &text);
    action->trigger();
    for (const char* paper : {"Hoffmann et al. 2022", "Besiroglu et al. 2024", "Kaplan et al. 2020",
                              "Muennighoff et al. 2023", "Sardana et al. 2023", "Korthikanti et al. 2022"}) {
      QVERIFY2(text.contains(paper), paper);
    }
    // And every law of the session with its citation.
    for (const ScalingLaw& law : session_->laws()) QVERIFY(text.contains(QString::fromStdString(law.id())));
  }

  void droppedPlanFileOpens() {
    // A plan saved elsewhere, different from the window's.
    const QString path = dir_.filePath("dropped.json");
    PlanRequest saved;
    {
      Session other;
      other.setGpuCount(2048);
      other.setMfu(0.47);
      QVERIFY(other.savePlan(path).isOk());
      saved = other.currentRequest();
    }
    QVERIFY(!(saved == session_->currentRequest()));

    // Not a plan: a run log (CSV), or two files at once, is refused by the window.
    const QString csv = dir_.filePath("runs.csv");
    QVERIFY(writeFileAtomically(csv.toStdString(), "params,tokens,loss\n1e8,2e9,3.1\n").isOk());
    QVERIFY(!dropFile(window_, csv));

    // Unsaved changes and Cancel: nothing is opened.
    typeInto(window_->budgetExplorer()->mfuSpin(), "33");
    const PlanRequest edited = session_->currentRequest();
    QString prompt;
    answerNextMessageBox(QMessageBox::Cancel, &prompt);
    QVERIFY(dropFile(window_, path));
    QTRY_VERIFY(!prompt.isEmpty());  // the prompt comes after the drop has returned
    settle();
    QVERIFY(prompt.contains("modified"));
    QVERIFY(session_->currentRequest() == edited);
    QVERIFY(session_->filePath().isEmpty());

    // Discard: the dropped plan is opened, shown and listed in the recent files.
    answerNextMessageBox(QMessageBox::Discard);
    QVERIFY(dropFile(window_, path));
    QTRY_COMPARE(session_->filePath(), path);
    QVERIFY(session_->currentRequest() == saved);
    QCOMPARE(window_->budgetExplorer()->gpuCount()->value(), 2048);
    QCOMPARE(window_->budgetExplorer()->mfuSpin()->value(), 47.0);
    QVERIFY(!session_->isModified());
    QCOMPARE(window_->recentFiles().first(), QFileInfo(path).absoluteFilePath());
  }

  void warningsArePlural() {
    // The default plan (1e24 FLOPs on 1,024 H100s) has two warnings: training state larger than
    // one GPU, and compute beyond the law's data. The status bar and the result panel say
    // "2 warnings", never "warning(s)".
    auto* status = window_->findChild<QLabel*>("statusPlan");
    QVERIFY(status);
    const auto& r = session_->currentResult();
    QVERIFY(r);
    QCOMPARE(r->warnings.size(), size_t(2));
    QVERIFY2(status->text().endsWith("⚠ 2 warnings"), qPrintable(status->text()));
    QCOMPARE(window_->resultPanel()->warnings().size(), 2);
    // At 3e22 FLOPs N_opt is 8.5B (Chinchilla as printed), whose 16-byte-per-parameter training
    // state (136 GB) does not fit on one 80 GiB (85.9e9-byte) GPU, while the compute stays within
    // 10x of the law's data (3e21): one warning.
    typeInto(window_->budgetExplorer()->budgetAmount(), "3e22");
    settle();
    QCOMPARE(session_->currentResult()->warnings.size(), size_t(1));
    QVERIFY2(status->text().endsWith("⚠ 1 warning"), qPrintable(status->text()));
    for (QLabel* label : window_->resultPanel()->findChildren<QLabel*>()) {
      QVERIFY2(!label->text().contains("(s)"), qPrintable(label->text()));
    }
    bool shown = false;
    for (QLabel* label : window_->resultPanel()->findChildren<QLabel*>()) {
      if (label->text().contains("⚠ 1 warning<")) shown = true;
    }
    QVERIFY(shown);
    QVERIFY(!status->text().contains("(s)"));
  }

  void resultPanelFollowsTheTab() {
    // The plots keep the result panel; a form panel hides it (more room), unless asked for.
    QAction* action = window_->findChild<QAction*>("actionShowResults");
    QVERIFY(action && action->isCheckable());
    QCOMPARE(action, window_->showResultsAction());
    QVERIFY(window_->isPlotTab(0));
    QVERIFY(window_->isResultPanelShown());
    QVERIFY(action->isChecked());
    auto* form = new QLabel("a form");
    const int index = window_->addPanel(form, "Form", "A form panel");
    QVERIFY(!window_->isPlotTab(index));
    QCOMPARE(window_->viewTabs()->tabToolTip(index), QString("A form panel"));
    QTabWidget* tabs = window_->viewTabs();
    auto* splitter = window_->findChild<QSplitter*>("mainSplitter");
    const int plot_width = tabs->width();
    window_->showPanel(form);
    settle();
    QVERIFY(!window_->isResultPanelShown());
    QVERIFY(!action->isChecked());
    QVERIFY2(tabs->width() >= plot_width + 300,
             qPrintable(QString("%1 -> %2").arg(plot_width).arg(tabs->width())));
    // Back on a plot: the same width as before (the result panel gets its width back).
    tabs->setCurrentIndex(3);
    settle();
    QVERIFY(window_->isResultPanelShown());
    QCOMPARE(tabs->width(), plot_width);
    window_->showPanel(form);
    settle();
    // Asked for on a panel: shown there (and on the other panels), the plots unaffected.
    action->trigger();
    settle();
    QVERIFY(window_->isResultPanelShown());
    QVERIFY(splitter->sizes().at(2) >= 320);
    tabs->setCurrentIndex(1);
    settle();
    QVERIFY(window_->isResultPanelShown());
    // Hidden on the plots by the user: hidden on every plot, still shown on the panels.
    action->trigger();
    settle();
    QVERIFY(!window_->isResultPanelShown());
    tabs->setCurrentIndex(2);
    settle();
    QVERIFY(!window_->isResultPanelShown());
    QVERIFY(!action->isChecked());
    window_->showPanel(form);
    settle();
    QVERIFY(window_->isResultPanelShown());
    QVERIFY(action->isChecked());
    // Shown on the plots again, at a usable width.
    tabs->setCurrentIndex(0);
    settle();
    action->trigger();
    settle();
    QVERIFY(window_->isResultPanelShown());
    QVERIFY(splitter->sizes().at(2) >= 320);
    QVERIFY(tabs->width() > 300);

    // The choices are remembered: a new window shows the results on its panels too.
    QVERIFY(window_->close());
    {
      Session s2;
      MainWindow w2(&s2);
      auto* form2 = new QLabel("a form");
      w2.addPanel(form2, "Form");
      w2.resize(1500, 950);
      w2.show();
      w2.showPanel(form2);
      settle();
      QVERIFY(w2.isResultPanelShown());
      w2.showResultsAction()->trigger();  // back to the default for the other tests
      QVERIFY(!w2.isResultPanelShown());
      QVERIFY(w2.close());
    }
  }

  void shortTabTitlesWithFullTooltips() {
    QTabWidget* tabs = window_->viewTabs();
    const QString titles[] = {"Frontier", "isoFLOP", "Landscape", "Loss vs C", "D/N"};
    for (int i = 0; i < 5; ++i) {
      QCOMPARE(tabs->tabText(i), titles[i]);
      QCOMPARE(tabs->tabToolTip(i), window_->plotViews()[static_cast<size_t>(i)]->title());
    }
    QCOMPARE(tabs->tabToolTip(0), QString("Compute-optimal frontier"));
    // The View menu lists the full titles.
    QStringList menu;
    for (QAction* a : window_->viewMenu()->actions()) menu << a->text();
    QVERIFY2(menu.contains("Compute-optimal frontier") && menu.contains("Loss against compute") &&
                 menu.contains("Tokens per parameter of the compute-optimal model"),
             qPrintable(menu.join(", ")));
  }

  void darkThemeToggle() {
    auto* action = window_->findChild<QAction*>("actionDarkTheme");
    QVERIFY(action && action->isCheckable());
    QSignalSpy spy(window_, &MainWindow::darkThemeChanged);
    action->trigger();
    settle();
    QVERIFY(window_->isDarkTheme());
    QCOMPARE(spy.count(), 1);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightnessF() < 0.3);
    QVERIFY(window_->currentPlot()->axisRect()->backgroundBrush().color().lightnessF() < 0.5);
    action->trigger();
    settle();
    QVERIFY(!window_->isDarkTheme());
    QVERIFY(QApplication::palette().color(QPalette::Window).lightnessF() > 0.7);
  }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
