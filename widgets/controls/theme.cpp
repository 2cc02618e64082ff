#include "controls/theme.hpp"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

namespace scaleplan {

QPalette darkPalette() {
  QPalette p;
  // Base is kept well below Window.darker(140), which Fusion uses for frames and check-box
  // outlines, so unchecked boxes in lists stay visible.
  const QColor window(53, 55, 60), base(28, 29, 32), text(225, 225, 225), disabled(125, 125, 125);
  const QColor highlight(64, 128, 200);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, window);
  p.setColor(QPalette::ToolTipBase, QColor(60, 62, 66));
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::PlaceholderText, disabled);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, QColor(255, 90, 90));
  p.setColor(QPalette::Light, QColor(70, 72, 77));
  p.setColor(QPalette::Midlight, QColor(58, 60, 64));
  p.setColor(QPalette::Mid, QColor(40, 42, 45));
  p.setColor(QPalette::Dark, QColor(25, 26, 28));
  p.setColor(QPalette::Shadow, QColor(10, 10, 10));
  p.setColor(QPalette::Highlight, highlight);
  p.setColor(QPalette::HighlightedText, QColor(255, 255, 255));
  p.setColor(QPalette::Link, QColor(110, 170, 240));
  p.setColor(QPalette::LinkVisited, QColor(170, 140, 230));
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
    p.setColor(QPalette::Disabled, role, disabled);
  }
  p.setColor(QPalette::Disabled, QPalette::Base, window);
  return p;
}

QPalette lightPalette() {
  if (QStyle* fusion = QStyleFactory::create("Fusion")) {
    QPalette p = fusion->standardPalette();
    delete fusion;
    return p;
  }
  return QApplication::style()->standardPalette();
}

void applyApplicationTheme(bool dark) {
  if (QApplication::style()->name().compare("fusion", Qt::CaseInsensitive) != 0) {
    QApplication::setStyle(QStyleFactory::create("Fusion"));
  }
  QApplication::setPalette(dark ? darkPalette() : lightPalette());
}

}  // namespace scaleplan
