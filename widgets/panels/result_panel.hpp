#pragma once
// The result of the current plan: N, D, tokens per parameter, compute, predicted loss, MFU (and
// its range), wall-clock, GPU-hours, cost, energy, memory to train, the inference-aware comparison
// when requested, and the planner's warnings, shown prominently. Figures that vary over the law's
// uncertainty or the MFU range carry the core's 95% intervals (PlanIntervals).

#include <QMap>
#include <QString>
#include <QWidget>

class QLabel;
class QGridLayout;

namespace scaleplan {

class Session;
struct PlanRequest;
struct PlanResult;

class ResultPanel : public QWidget {
  Q_OBJECT

 public:
  // Field keys (also the value labels' objectNames, prefixed "result_": "result_params").
  static const QStringList& fieldKeys();

  explicit ResultPanel(Session* session, QWidget* parent = nullptr);

  // The text shown for a field ("params" -> "70.0B"); "" when unknown.
  QString value(const QString& key) const;
  // The warning messages shown (one per planner warning).
  QStringList warnings() const { return warnings_; }
  // The error shown when the inputs give no plan ("" otherwise).
  QString error() const;

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void refresh();
  void showPlan(const PlanRequest& request, const PlanResult& result);
  void showError(const QString& message);

  Session* session_;
  QMap<QString, QLabel*> values_;
  QLabel* error_;
  QLabel* warnings_label_;
  QLabel* law_;
  QStringList warnings_;
};

}  // namespace scaleplan
