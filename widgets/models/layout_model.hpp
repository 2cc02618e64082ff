#pragma once
// The layout search's ranked layouts as a table: rank, layout, step time, tokens/s, MFU, memory per
// GPU and why each beats the next. Best first; a QSortFilterProxyModel over kRawRole sorts it by
// any column (numbers sort as numbers). The values are the core's (searchLayouts); the model only
// formats them.

#include <vector>

#include "cluster/layout_search.hpp"
#include "models/flat_table.hpp"

namespace scaleplan {

class LayoutModel : public FlatTableModel<RankedLayout> {
  Q_OBJECT

 public:
  enum Column {
    RankColumn,
    LayoutColumn,
    StepTimeColumn,
    TokensPerSecondColumn,
    MfuColumn,
    MemoryColumn,
    ReasonColumn,
    ColumnCount
  };
  // Raw values for sorting and tests: int rank, QString layout, double seconds, double tokens/s,
  // double fraction (MFU), double bytes (memory per GPU), QString reason.
  static constexpr int kRawRole = Qt::UserRole;

  explicit LayoutModel(QObject* parent = nullptr);

  void setLayouts(std::vector<RankedLayout> layouts);
  void clear();
  const std::vector<RankedLayout>& layouts() const { return rows(); }
  // The estimate of a source row; nullptr when out of range.
  const StepEstimate* estimateAt(int row) const;

  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

}  // namespace scaleplan
