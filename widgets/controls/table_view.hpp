#pragma once
// A read-only, row-selecting table view of `model` with compact rows, as the panels show their
// previews and result tables.

class QAbstractItemModel;
class QTableView;
class QWidget;

namespace scaleplan {

QTableView* makeReadOnlyTable(QAbstractItemModel* model, QWidget* parent);

}  // namespace scaleplan
