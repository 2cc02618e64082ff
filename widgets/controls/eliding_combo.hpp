#pragma once
// A combo box whose current text is elided ("Chinchilla (Hoffmann et al. 2022, as pri…") when the
// box is narrower than the text, instead of being cut off mid-letter, with the full text in its
// tooltip. Its size hints ask for minimumContentsLength() characters (not the longest item), so a
// long law or format name does not widen a form; the popup list still shows whole items (Qt widens
// it to its contents).

#include <QComboBox>

namespace scaleplan {

class ElidingComboBox : public QComboBox {
  Q_OBJECT

 public:
  // `minimum_characters`: the width the size hints ask for, in average characters.
  explicit ElidingComboBox(QWidget* parent = nullptr, int minimum_characters = 16);

  // The text drawn in the box now (the current text, elided to the space there is).
  QString displayedText() const;
  bool isElided() const { return displayedText() != currentText(); }
  // What the tooltip shows: the full current text when it is elided, then the current item's
  // tooltip (Qt::ToolTipRole) and the box's own toolTip().
  QString fullToolTip() const;

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;

 private:
  QRect textRect() const;
};

}  // namespace scaleplan
