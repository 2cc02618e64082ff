#pragma once
// Helpers for the widget tests: typing into the real controls the way a user does.
#include <QAbstractSpinBox>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include "hardware/accelerator.hpp"
#include "test_support.hpp"

namespace scaleplan::test {

// Focuses `edit`, selects everything and types `text` key by key (textEdited fires per key).
inline void typeInto(QLineEdit* edit, const QString& text) {
  edit->setFocus();
  QTest::keyClick(edit, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(edit, text);
}

// The same for a spin box (its line edit), then Enter.
inline void typeInto(QAbstractSpinBox* spin, const QString& text) {
  spin->setFocus();
  QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(spin, text);
  QTest::keyClick(spin, Qt::Key_Return);
}

inline QString labelText(QWidget* root, const char* name) {
  auto* l = root->findChild<QLabel*>(name);
  return l ? l->text() : QStringLiteral("<no label %1>").arg(name);
}

// The shipped catalog (data/hardware.json) — figures from the data file, not from the code.
inline const HardwareCatalog& shippedCatalog() {
  static HardwareCatalog c = [] {
    auto r = HardwareCatalog::loadDefault();
    if (!r) qFatal("%s", r.message().c_str());
    return *r;
  }();
  return c;
}

// Lets queued refreshes run.
inline void settle() {
  for (int i = 0; i < 3; ++i) QApplication::processEvents();
}

}  // namespace scaleplan::test
