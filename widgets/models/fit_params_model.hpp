#pragma once
// The fitted parameters with their uncertainty, as a table: parameter, value, standard error,
// 95% interval. Rows are the law's parameters (FitSummary::params order), then the derived
// quantities the fit reports (allocation exponents, N_opt/D_opt at a budget).

#include <QString>
#include <optional>
#include <vector>

#include "fit/fit.hpp"
#include "models/flat_table.hpp"

namespace scaleplan {

// One row: a parameter (or derived quantity) with its uncertainty.
struct FitParamsRow {
  QString name;
  QString description;  // for the tooltip
  double value = 0.0;
  std::optional<double> standard_error;
  std::optional<double> ci_low, ci_high;
  bool derived = false;
};

class FitParamsModel : public FlatTableModel<FitParamsRow> {
  Q_OBJECT

 public:
  enum Column { NameColumn, ValueColumn, StderrColumn, IntervalColumn, ColumnCount };
  static constexpr int kRawRole = Qt::UserRole;  // value / stderr / (low, high) as doubles
  using Row = FitParamsRow;

  explicit FitParamsModel(QObject* parent = nullptr);

  // Clears the table when the summary has no parameters.
  void setSummary(const FitSummary& summary);
  void clear();
  // "bootstrap (200 resamples, seed 1)", "covariance" or "" (no uncertainty).
  const QString& method() const { return method_; }

  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  QString method_;
};

// A number for the tables: 4 significant digits, scientific beyond 1e5 or below 1e-3.
QString formatFitNumber(double value);

}  // namespace scaleplan
