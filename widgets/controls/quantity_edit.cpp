#include "controls/quantity_edit.hpp"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLocale>
#include <QRegularExpression>
#include <cmath>

namespace scaleplan {

std::optional<double> parseQuantity(const QString& input) {
  QString s = input.trimmed();
  s.remove(QChar('$'));
  s.remove(QChar(','));
  s.remove(QChar('_'));
  s.remove(QChar(' '));
  s.remove(QChar(0x2009));  // thin space
  s.remove(QChar(0x00A0));  // no-break space
  if (s.isEmpty()) return std::nullopt;
  // "3.5×10^22", "3.5x10^22", "3.5*10^22" -> "3.5e22"
  static const QRegularExpression times_ten(QStringLiteral("(?:[x×*]10\\^)"), QRegularExpression::CaseInsensitiveOption);
  s.replace(times_ten, QStringLiteral("e"));
  double scale = 1.0;
  const QChar last = s.back();
  switch (last.toUpper().unicode()) {
    case 'K': scale = 1e3; break;
    case 'M': scale = 1e6; break;
    case 'B':
    case 'G': scale = 1e9; break;
    case 'T': scale = 1e12; break;
    case 'Q': scale = 1e15; break;
    default: break;
  }
  if (scale != 1.0) s.chop(1);
  if (s.isEmpty()) return std::nullopt;
  bool ok = false;
  const double v = QLocale::c().toDouble(s, &ok);
  if (!ok || !std::isfinite(v * scale)) return std::nullopt;
  return v * scale;
}

QString quantityText(double value) {
  QString s = QString::number(value, 'g', 6);
  // "5.88e+23" -> "5.88e23", "1e-05" -> "1e-5"
  static const QRegularExpression exponent(QStringLiteral("e([+-]?)0*(\\d+)"));
  s.replace(exponent, QStringLiteral("e\\1\\2"));
  s.replace(QStringLiteral("e+"), QStringLiteral("e"));
  return s;
}

QuantityEdit::QuantityEdit(QWidget* parent) : QLineEdit(parent) {
  setToolTip(tr("A number such as 5.88e23, 1.4T, 70B, 10M or 2,000,000"));
  connect(this, &QLineEdit::textEdited, this, &QuantityEdit::onTextEdited);
}

void QuantityEdit::setValue(double value) {
  if (auto current = parseQuantity(text()); current && *current == value) return;
  setText(quantityText(value));
  setAcceptable(true);
}

void QuantityEdit::onTextEdited(const QString& text) {
  auto v = parseQuantity(text);
  setAcceptable(v.has_value());
  if (v) emit valueEdited(*v);
}

void QuantityEdit::setAcceptable(bool ok) {
  if (ok == acceptable_) return;
  acceptable_ = ok;
  setStyleSheet(ok ? QString() : QStringLiteral("QLineEdit { border: 2px solid #d9534f; }"));
  setToolTip(ok ? tr("A number such as 5.88e23, 1.4T, 70B, 10M or 2,000,000")
                : tr("Not a number: type e.g. 5.88e23, 1.4T, 70B, 10M or 2,000,000"));
}

OptionalQuantity::OptionalQuantity(const QString& label, const QString& placeholder, QWidget* parent)
    : QWidget(parent), check_(new QCheckBox(label, this)), edit_(new QuantityEdit(this)) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(check_);
  layout->addWidget(edit_, 1);
  edit_->setPlaceholderText(placeholder);
  edit_->setEnabled(false);
  connect(check_, &QCheckBox::toggled, this, [this](bool on) {
    edit_->setEnabled(on);
    if (on) edit_->setFocus();
    emit valueChanged(value());
  });
  connect(edit_, &QuantityEdit::valueEdited, this, [this](double) {
    if (check_->isChecked()) emit valueChanged(value());
  });
}

std::optional<double> OptionalQuantity::value() const {
  if (!check_->isChecked()) return std::nullopt;
  return edit_->value();
}

void OptionalQuantity::setValue(std::optional<double> value) {
  QSignalBlocker b1(check_);
  QSignalBlocker b2(edit_);
  check_->setChecked(value.has_value());
  edit_->setEnabled(value.has_value());
  if (value) edit_->setValue(*value);
}

}  // namespace scaleplan
