#pragma once
// A QSplitter that puts its children side by side when it is wide enough for them, and stacks
// them (top to bottom) when it is not: a panel with two sections then fits a narrow tab without a
// horizontal scroll bar and uses the width of a wide one.
//
// Its minimum width is that of the stacked arrangement in either orientation, so a parent layout
// or a QScrollArea gives it the width that is available rather than the side-by-side minimum;
// the orientation then follows that width (resizeEvent, once shown). The sizes a user drags to
// are kept per orientation.

#include <QList>
#include <QSplitter>

namespace scaleplan {

class AdaptiveSplitter : public QSplitter {
  Q_OBJECT

 public:
  explicit AdaptiveSplitter(QWidget* parent = nullptr);

  // Side by side from this width (pixels) up; the default (0) is sideBySideMinimumWidth(). A
  // larger value keeps the sections from being squeezed to their minimum widths.
  void setSideBySideWidth(int pixels);
  int sideBySideWidth() const;
  // The sum of the children's minimum widths and the handles: the narrowest side-by-side layout.
  int sideBySideMinimumWidth() const;
  // The widest child's minimum width: the narrowest stacked layout.
  int stackedMinimumWidth() const;

  QSize minimumSizeHint() const override;

  // The sizes to use when the splitter takes `orientation` (QSplitter::setSizes values: shared
  // out in proportion to the space there is) until the user drags the handle. Without them, the
  // children's size hints.
  void setInitialSizes(Qt::Orientation orientation, const QList<int>& sizes);

  // Sets the orientation for `width` now (also done on every resize).
  void adaptTo(int width);

 signals:
  void orientationChanged(Qt::Orientation orientation);

 protected:
  void resizeEvent(QResizeEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  void applySizes();

  int side_by_side_width_ = 0;
  // Per orientation: the sizes dragged to (or the initial ones), and whether they have been
  // applied since the splitter last took that orientation.
  QList<int> horizontal_sizes_, vertical_sizes_;
  bool horizontal_applied_ = false, vertical_applied_ = false;
};

}  // namespace scaleplan
