// Layout helpers and what they are for: AdaptiveSplitter (sections side by side when wide,
// stacked when narrow, never wider than the narrowest stacked layout), ElidingComboBox (elides
// with "…", full text in the tooltip, size hints independent of the longest item), and the budget
// explorer's law combo and law list, which show the longest preset name in full at the default
// window size.
#include <QApplication>
#include <QFont>
#include <QFontMetrics>
#include <QLabel>
#include <QListView>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QVBoxLayout>
#include <QtTest/QtTest>

#include "controls/adaptive_splitter.hpp"
#include "panels/budget_explorer.hpp"
#include "controls/eliding_combo.hpp"
#include "models/law_list_model.hpp"
#include "panels/main_window.hpp"
#include "session/session.hpp"

using namespace scaleplan;

namespace {

void settle() {
  for (int i = 0; i < 5; ++i) QApplication::processEvents();
}

QWidget* block(int min_width, int min_height, QWidget* parent) {
  auto* w = new QWidget(parent);
  w->setMinimumSize(min_width, min_height);
  return w;
}

// A section that would like 1500 px (a table's size hint) but does with 100.
struct WideHint : QWidget {
  using QWidget::QWidget;
  QSize sizeHint() const override { return {1500, 100}; }
  QSize minimumSizeHint() const override { return {100, 100}; }
};

// Exposes QSplitter::moveSplitter: what dragging a handle does (it emits splitterMoved).
struct DraggableSplitter : AdaptiveSplitter {
  using AdaptiveSplitter::AdaptiveSplitter;
  using QSplitter::moveSplitter;
};

}  // namespace

class TestLayout : public QObject {
  Q_OBJECT

 private slots:
  void splitterFollowsItsWidth() {
    // Inside a window (QSplitter fixes its own minimum size when it is a window itself).
    QWidget window;
    auto* layout = new QVBoxLayout(&window);
    layout->setContentsMargins(0, 0, 0, 0);
    DraggableSplitter& splitter = *new DraggableSplitter(&window);
    layout->addWidget(&splitter);
    splitter.addWidget(block(300, 100, &splitter));
    splitter.addWidget(block(200, 150, &splitter));
    // Side by side needs both widths and the handle; stacked, the wider one.
    QCOMPARE(splitter.sideBySideMinimumWidth(), 300 + 200 + splitter.handleWidth());
    QCOMPARE(splitter.stackedMinimumWidth(), 300);
    QCOMPARE(splitter.sideBySideWidth(), splitter.sideBySideMinimumWidth());
    QCOMPARE(splitter.minimumSizeHint().width(), 300);  // in either orientation

    QSignalSpy flips(&splitter, &AdaptiveSplitter::orientationChanged);
    window.resize(600, 400);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(splitter.orientation(), Qt::Horizontal);
    window.resize(450, 400);
    settle();
    QCOMPARE(splitter.orientation(), Qt::Vertical);
    QCOMPARE(splitter.minimumSizeHint().width(), 300);
    QCOMPARE(splitter.minimumSizeHint().height(), 100 + 150 + splitter.handleWidth());
    QCOMPARE(flips.count(), 1);
    QCOMPARE(flips.last().at(0).value<Qt::Orientation>(), Qt::Vertical);

    // Sizes dragged to in one orientation come back with it.
    splitter.moveSplitter(150, 1);
    const QList<int> stacked = splitter.sizes();
    QCOMPARE(stacked.first(), 150);
    window.resize(700, 400);
    settle();
    QCOMPARE(splitter.orientation(), Qt::Horizontal);
    window.resize(450, 400);
    settle();
    QCOMPARE(splitter.orientation(), Qt::Vertical);
    QCOMPARE(splitter.sizes(), stacked);

    // A larger side-by-side width keeps sections from being squeezed to their minimum.
    window.resize(600, 400);
    settle();
    QCOMPARE(splitter.orientation(), Qt::Horizontal);
    splitter.setSideBySideWidth(800);
    QCOMPARE(splitter.orientation(), Qt::Vertical);
    QCOMPARE(splitter.sideBySideWidth(), 800);
  }

  void initialSizesApplyOnceShown() {
    // Set before the first layout (as a panel's constructor does), applied in proportion once the
    // splitter has its real width: 560 : 460 of the space.
    QWidget window;
    auto* layout = new QVBoxLayout(&window);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new AdaptiveSplitter(&window);
    layout->addWidget(splitter);
    splitter->addWidget(new WideHint(splitter));
    splitter->addWidget(block(200, 100, splitter));
    splitter->setInitialSizes(Qt::Horizontal, {560, 460});
    splitter->setSideBySideWidth(800);
    window.resize(1020 + splitter->handleWidth(), 400);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    settle();
    QCOMPARE(splitter->orientation(), Qt::Horizontal);
    QVERIFY2(std::abs(splitter->sizes().at(0) - 560) <= 2 && std::abs(splitter->sizes().at(1) - 460) <= 2,
             qPrintable(QString("%1, %2").arg(splitter->sizes().at(0)).arg(splitter->sizes().at(1))));
  }

  void splitterInAScrollAreaNeverScrollsSideways() {
    // What MainWindow::addPanel does with a panel: a resizable scroll area. The splitter gets the
    // viewport's width and stacks; the area scrolls up and down only.
    QScrollArea area;
    auto* panel = new QWidget;
    auto* layout = new QVBoxLayout(panel);
    auto* splitter = new AdaptiveSplitter(panel);
    splitter->addWidget(block(380, 300, splitter));
    splitter->addWidget(block(340, 300, splitter));
    layout->addWidget(splitter);
    area.setWidget(panel);
    area.setWidgetResizable(true);
    area.resize(600, 400);
    area.show();
    QVERIFY(QTest::qWaitForWindowExposed(&area));
    settle();
    QCOMPARE(splitter->orientation(), Qt::Vertical);
    QVERIFY(!area.horizontalScrollBar()->isVisible());
    QVERIFY(area.verticalScrollBar()->isVisible());  // 2 x 300 px stacked in 400
    QVERIFY(panel->width() <= area.viewport()->width());
    area.resize(1000, 400);
    settle();
    QCOMPARE(splitter->orientation(), Qt::Horizontal);
    QVERIFY(!area.horizontalScrollBar()->isVisible());
    QVERIFY(!area.verticalScrollBar()->isVisible());
  }

  void comboElidesWithTheFullTextInItsTooltip() {
    ElidingComboBox combo(nullptr, 10);
    const QString long_name = "Chinchilla (Hoffmann et al. 2022, as printed)";
    combo.addItem("Short");
    combo.addItem(long_name);
    combo.setItemData(1, "Hoffmann et al. 2022, arXiv:2203.15556", Qt::ToolTipRole);
    combo.setToolTip("The law used to plan");
    // The size hints ask for 10 characters, whatever the items.
    const int hint = combo.minimumSizeHint().width();
    combo.addItem(QString(200, QChar('x')));
    QCOMPARE(combo.minimumSizeHint().width(), hint);
    QVERIFY(hint < combo.fontMetrics().horizontalAdvance(long_name));

    combo.setCurrentIndex(1);
    combo.resize(hint + 20, combo.sizeHint().height());
    combo.show();
    QVERIFY(QTest::qWaitForWindowExposed(&combo));
    QVERIFY(combo.isElided());
    QVERIFY(combo.displayedText().endsWith(QChar(0x2026)));  // "…"
    QVERIFY(long_name.startsWith(combo.displayedText().chopped(1)));
    QCOMPARE(combo.fullToolTip(),
             long_name + "\n\nHoffmann et al. 2022, arXiv:2203.15556\n\nThe law used to plan");

    // Wide enough: the whole text, and the tooltip does not repeat it.
    combo.resize(combo.fontMetrics().horizontalAdvance(long_name) + 80, combo.height());
    settle();
    QVERIFY(!combo.isElided());
    QCOMPARE(combo.displayedText(), long_name);
    QCOMPARE(combo.fullToolTip(), QString("Hoffmann et al. 2022, arXiv:2203.15556\n\nThe law used to plan"));
  }

  void lawNamesShowInFullAtTheDefaultSize() {
    Session session;
    MainWindow window(&session);
    window.resize(1520, 920);  // the default on a 1600 x 1000 screen
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    settle();
    BudgetExplorer* e = window.budgetExplorer();
    auto* law = qobject_cast<ElidingComboBox*>(e->law());
    QVERIFY(law);
    // Every preset law's name fits the "Plan with" combo.
    for (int i = 0; i < law->count(); ++i) {
      law->setCurrentIndex(i);
      settle();
      QVERIFY2(!law->isElided(), qPrintable(law->currentText() + " elided to " + law->displayedText()));
    }
    // And the "Also draw" list: each name (bold for the planning law) fits beside its check box.
    QListView* list = e->compareLaws();
    const int indicator = list->style()->pixelMetric(QStyle::PM_IndicatorWidth) + 8;
    for (int row = 0; row < list->model()->rowCount(); ++row) {
      const QModelIndex index = list->model()->index(row, 0);
      QFont font = list->font();
      if (index.data(LawListModel::IsPlanningLawRole).toBool()) font.setBold(true);
      const int text = QFontMetrics(font).horizontalAdvance(index.data().toString());
      QVERIFY2(text + indicator <= list->viewport()->width(),
               qPrintable(QString("'%1' needs %2 px, the list has %3")
                              .arg(index.data().toString())
                              .arg(text + indicator)
                              .arg(list->viewport()->width())));
    }
  }
};

QTEST_MAIN(TestLayout)
#include "test_layout.moc"
