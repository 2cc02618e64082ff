#pragma once
// The part every "flat table of rows held in a vector" item model shares: row and column counts
// (a table has no children), replacing the rows in one model reset, and the row an index points
// at. A model derives from FlatTableModel<Row>, gives its column count to the constructor, and
// implements data() and headerData() over rowAt(index). No Q_OBJECT here (a template cannot have
// one); the derived models keep theirs.

#include <QAbstractTableModel>
#include <cstddef>
#include <utility>
#include <vector>

namespace scaleplan {

template <class Row>
class FlatTableModel : public QAbstractTableModel {
 public:
  FlatTableModel(int column_count, QObject* parent) : QAbstractTableModel(parent), column_count_(column_count) {}

  const std::vector<Row>& rows() const { return rows_; }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
  }
  int columnCount(const QModelIndex& parent = QModelIndex()) const override {
    return parent.isValid() ? 0 : column_count_;
  }

 protected:
  // Replaces every row in one model reset (views and proxies re-read everything).
  void resetRows(std::vector<Row> rows) {
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
  }
  // The row of an index of this table; nullptr for an invalid index or one outside the table.
  const Row* rowAt(const QModelIndex& index) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= rowCount() || index.column() < 0 ||
        index.column() >= column_count_) {
      return nullptr;
    }
    return &rows_[static_cast<std::size_t>(index.row())];
  }

 private:
  std::vector<Row> rows_;
  int column_count_;
};

}  // namespace scaleplan
