#include "controls/adaptive_splitter.hpp"

#include <QResizeEvent>
#include <QWidget>
#include <algorithm>

namespace scaleplan {

namespace {

// A child's effective minimum width: its minimum size hint, raised by an explicit minimum.
int minimumWidthOf(const QWidget* w) {
  return std::max(w->minimumSizeHint().width(), w->minimumWidth());
}

}  // namespace

AdaptiveSplitter::AdaptiveSplitter(QWidget* parent) : QSplitter(Qt::Horizontal, parent) {
  setChildrenCollapsible(false);
  // What the user drags to is what comes back with the orientation.
  connect(this, &QSplitter::splitterMoved, this,
          [this] { (orientation() == Qt::Horizontal ? horizontal_sizes_ : vertical_sizes_) = sizes(); });
}

void AdaptiveSplitter::setSideBySideWidth(int pixels) {
  side_by_side_width_ = pixels;
  if (isVisible()) adaptTo(width());
}

int AdaptiveSplitter::sideBySideWidth() const {
  return std::max(side_by_side_width_, sideBySideMinimumWidth());
}

int AdaptiveSplitter::sideBySideMinimumWidth() const {
  int sum = 0;
  int shown = 0;
  for (int i = 0; i < count(); ++i) {
    if (widget(i)->isHidden()) continue;
    sum += minimumWidthOf(widget(i));
    ++shown;
  }
  return sum + std::max(0, shown - 1) * handleWidth();
}

int AdaptiveSplitter::stackedMinimumWidth() const {
  int widest = 0;
  for (int i = 0; i < count(); ++i) {
    if (!widget(i)->isHidden()) widest = std::max(widest, minimumWidthOf(widget(i)));
  }
  return widest;
}

QSize AdaptiveSplitter::minimumSizeHint() const {
  QSize hint = QSplitter::minimumSizeHint();
  // Side by side, QSplitter asks for the sum of the widths; the narrowest this splitter can be
  // is the stacked arrangement, which it switches to by itself when given less.
  if (orientation() == Qt::Horizontal) hint.setWidth(stackedMinimumWidth());
  return hint;
}

void AdaptiveSplitter::setInitialSizes(Qt::Orientation o, const QList<int>& initial) {
  (o == Qt::Horizontal ? horizontal_sizes_ : vertical_sizes_) = initial;
  (o == Qt::Horizontal ? horizontal_applied_ : vertical_applied_) = false;
}

void AdaptiveSplitter::adaptTo(int width) {
  const Qt::Orientation wanted = width >= sideBySideWidth() ? Qt::Horizontal : Qt::Vertical;
  if (wanted != orientation()) {
    setOrientation(wanted);
    (wanted == Qt::Horizontal ? horizontal_applied_ : vertical_applied_) = false;
    updateGeometry();
    emit orientationChanged(wanted);
  }
  applySizes();
}

void AdaptiveSplitter::applySizes() {
  // Once per stay in an orientation: the sizes the user last dragged to in it, else the initial
  // ones, else the children's preferred extents. Not on every resize, which QSplitter handles by
  // the stretch factors.
  bool& applied = orientation() == Qt::Horizontal ? horizontal_applied_ : vertical_applied_;
  if (applied) return;
  applied = true;
  QList<int> wanted = orientation() == Qt::Horizontal ? horizontal_sizes_ : vertical_sizes_;
  if (wanted.size() != count()) {
    wanted.clear();
    for (int i = 0; i < count(); ++i) {
      const QSize hint = widget(i)->sizeHint();
      wanted << std::max(1, orientation() == Qt::Horizontal ? hint.width() : hint.height());
    }
  }
  setSizes(wanted);  // in proportion to the space there is
}

void AdaptiveSplitter::resizeEvent(QResizeEvent* event) {
  QSplitter::resizeEvent(event);
  // Only once shown: a hidden splitter is laid out in whatever space its parent has before it is
  // shown (a top-level panel not yet resized, a tab not yet current), and a stacked layout taken
  // then would have raised a top-level parent's minimum height for good; sizes applied then would
  // be shared out by QSplitter's own rules at the first real layout.
  if (isVisible()) adaptTo(event->size().width());
}

void AdaptiveSplitter::showEvent(QShowEvent* event) {
  QSplitter::showEvent(event);
  adaptTo(width());
}

}  // namespace scaleplan
