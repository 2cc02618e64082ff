#pragma once
// A line edit for large positive quantities as people type them: "5.88e23", "1.4T", "70B",
// "$10M", "2,000,000", "3.5×10^22". Parsed values are emitted live while typing; text that does
// not parse is marked (red frame, tooltip) and emits nothing.

#include <QLineEdit>
#include <QWidget>
#include <optional>

class QCheckBox;

namespace scaleplan {

// Parses the forms above; nullopt for anything else (including NaN/inf). Suffixes
// (case-insensitive except m/M both = million): K 1e3, M 1e6, B or G 1e9, T 1e12, Q 1e15.
std::optional<double> parseQuantity(const QString& text);
// Compact text that parseQuantity reads back exactly enough (6 significant digits): 5.88e23,
// 1024, 0.25.
QString quantityText(double value);

class QuantityEdit : public QLineEdit {
  Q_OBJECT

 public:
  explicit QuantityEdit(QWidget* parent = nullptr);
  std::optional<double> value() const { return parseQuantity(text()); }
  // Shows `value` without emitting valueEdited (unless the text already means that value).
  void setValue(double value);
  bool isAcceptable() const { return acceptable_; }

 signals:
  // The user typed text that parses to `value`.
  void valueEdited(double value);

 private:
  void onTextEdited(const QString& text);
  void setAcceptable(bool ok);
  bool acceptable_ = true;
};

// A check box that enables an optional quantity ("Inference demand [x] 2T tokens").
class OptionalQuantity : public QWidget {
  Q_OBJECT

 public:
  OptionalQuantity(const QString& label, const QString& placeholder, QWidget* parent = nullptr);
  std::optional<double> value() const;
  void setValue(std::optional<double> value);
  QCheckBox* checkBox() const { return check_; }
  QuantityEdit* edit() const { return edit_; }

 signals:
  // Enabled with a valid value, or disabled (nullopt).
  void valueChanged(std::optional<double> value);

 private:
  QCheckBox* check_;
  QuantityEdit* edit_;
};

}  // namespace scaleplan
