#include "controls/eliding_combo.hpp"

#include <QHelpEvent>
#include <QStringList>
#include <QStyleOptionComboBox>
#include <QStylePainter>
#include <QToolTip>

namespace scaleplan {

ElidingComboBox::ElidingComboBox(QWidget* parent, int minimum_characters) : QComboBox(parent) {
  setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  setMinimumContentsLength(minimum_characters);
}

QRect ElidingComboBox::textRect() const {
  QStyleOptionComboBox opt;
  initStyleOption(&opt);
  QRect r = style()->subControlRect(QStyle::CC_ComboBox, &opt, QStyle::SC_ComboBoxEditField, this);
  if (!opt.currentIcon.isNull()) r.setLeft(r.left() + opt.iconSize.width() + 4);
  // QCommonStyle draws the label 1 px in from each side of the edit field.
  return r.adjusted(1, 0, -1, 0);
}

QString ElidingComboBox::displayedText() const {
  return fontMetrics().elidedText(currentText(), Qt::ElideRight, textRect().width());
}

void ElidingComboBox::paintEvent(QPaintEvent* /*event*/) {
  QStylePainter painter(this);
  painter.setPen(palette().color(QPalette::Text));
  QStyleOptionComboBox opt;
  initStyleOption(&opt);
  painter.drawComplexControl(QStyle::CC_ComboBox, opt);
  if (currentIndex() < 0 && !placeholderText().isEmpty()) {
    opt.palette.setBrush(QPalette::ButtonText, opt.palette.placeholderText());
    opt.currentText = placeholderText();
  } else {
    opt.currentText = displayedText();
  }
  painter.drawControl(QStyle::CE_ComboBoxLabel, opt);
}

QString ElidingComboBox::fullToolTip() const {
  QStringList parts;
  if (isElided()) parts << currentText();
  const QString item_tip =
      currentIndex() >= 0 ? itemData(currentIndex(), Qt::ToolTipRole).toString() : QString();
  if (!item_tip.isEmpty()) parts << item_tip;
  if (!toolTip().isEmpty()) parts << toolTip();
  return parts.join("\n\n");
}

bool ElidingComboBox::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    const QString text = fullToolTip();
    if (text.isEmpty()) {
      QToolTip::hideText();
      event->ignore();
    } else {
      QToolTip::showText(static_cast<QHelpEvent*>(event)->globalPos(), text, this);
    }
    return true;
  }
  return QComboBox::event(event);
}

}  // namespace scaleplan
