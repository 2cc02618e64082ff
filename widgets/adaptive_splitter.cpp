#include "adaptive_splitter.hpp"

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
  if (o == orientation()) setSizes(initial);
}

void AdaptiveSplitter::adaptTo(int width) {
  const Qt::Orientation wanted = width >= sideBySideWidth() ? Qt::Horizontal : Qt::Vertical;
  if (wanted == orientation()) return;
  // Remember what the user may have dragged to; not the sizes of a splitter that has not been
  // shown yet (laid out in whatever space its parent had before it was shown).
  if (isVisible()) (orientation() == Qt::Horizontal ? horizontal_sizes_ : vertical_sizes_) = sizes();
  setOrientation(wanted);
  QList<int> restored = wanted == Qt::Horizontal ? horizontal_sizes_ : vertical_sizes_;
  if (restored.size() != count()) {
    // First time in this orientation: share by the children's preferred extents.
    restored.clear();
    for (int i = 0; i < count(); ++i) {
      const QSize hint = widget(i)->sizeHint();
      restored << std::max(1, wanted == Qt::Horizontal ? hint.width() : hint.height());
    }
  }
  setSizes(restored);
  updateGeometry();
  emit orientationChanged(wanted);
}

void AdaptiveSplitter::resizeEvent(QResizeEvent* event) {
  // Only once shown: a hidden splitter is laid out in whatever space its parent has before it is
  // shown (a top-level panel not yet resized, a tab not yet current), and a stacked layout taken
  // then would have raised a top-level parent's minimum height for good.
  if (isVisible()) adaptTo(event->size().width());
  QSplitter::resizeEvent(event);
}

void AdaptiveSplitter::showEvent(QShowEvent* event) {
  adaptTo(width());
  QSplitter::showEvent(event);
}

}  // namespace scaleplan
