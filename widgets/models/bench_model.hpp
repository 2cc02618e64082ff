#pragma once
// The benchmark's per-precision summary as a table: precision, best achieved rate, the dense
// peak it is compared with (the matched catalog entry's, or the CPU estimate), utilisation, the
// shape that achieved the best rate, and whether the precision passed its correctness check.

#include "gpubench/bench_types.hpp"
#include "models/flat_table.hpp"

namespace scaleplan {

class BenchSummaryModel : public FlatTableModel<PrecisionSummary> {
  Q_OBJECT

 public:
  enum Column {
    PrecisionColumn,
    AchievedColumn,
    PeakColumn,
    UtilisationColumn,
    ShapeColumn,
    CheckColumn,
    ColumnCount
  };
  // Raw values: QString precision, double FLOP/s (achieved, peak), double fraction (utilisation),
  // QString shape, bool/invalid (check).
  static constexpr int kRawRole = Qt::UserRole;

  explicit BenchSummaryModel(QObject* parent = nullptr);

  void setResult(const BenchResult& result);
  void clear();

  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

// "989 TFLOP/s" style rate, or "—".
QString formatRate(double flops_per_second);

}  // namespace scaleplan
