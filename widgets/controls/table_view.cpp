#include "controls/table_view.hpp"

#include <QHeaderView>
#include <QTableView>

namespace scaleplan {

QTableView* makeReadOnlyTable(QAbstractItemModel* model, QWidget* parent) {
  auto* view = new QTableView(parent);
  view->setModel(model);
  view->setAlternatingRowColors(true);
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
  view->setWordWrap(false);
  return view;
}

}  // namespace scaleplan
