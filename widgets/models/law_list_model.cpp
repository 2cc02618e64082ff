#include "models/law_list_model.hpp"

#include <QFont>
#include <algorithm>

#include "session/session.hpp"

namespace scaleplan {

LawListModel::LawListModel(Session* session, QObject* parent)
    : QAbstractListModel(parent), session_(session), rows_(static_cast<int>(session->laws().size())) {
  connect(session_, &Session::lawsChanged, this, &LawListModel::onLawsChanged);
  connect(session_, &Session::compareLawsChanged, this, &LawListModel::onSelectionChanged);
  connect(session_, &Session::inputsChanged, this, &LawListModel::onSelectionChanged);
}

int LawListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : rows_;
}

QVariant LawListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_ || index.column() != 0) return {};
  const ScalingLaw& law = session_->laws()[static_cast<size_t>(index.row())];
  const std::string& id = law.id();
  const bool planning = session_->currentRequest().law.id() == id;
  const bool preset = session_->isPresetLaw(id);
  switch (role) {
    case Qt::DisplayRole: {
      // The name alone: the list is as narrow as the budget explorer, and a suffix such as
      // " — planning law" pushed the longest preset name out of it. The planning law is bold.
      QString text = QString::fromStdString(law.displayName());
      if (!preset) text += tr(" (fitted)");
      return text;
    }
    case Qt::FontRole: {
      if (!planning) return {};
      QFont font;
      font.setBold(true);
      return font;
    }
    case Qt::ToolTipRole: {
      QString tip = QString::fromStdString(law.displayName());
      if (planning) tip += tr(" — the planning law (chosen under \"Plan with\"), always drawn");
      tip += '\n' + QString::fromStdString(law.citation().empty() ? id : law.citation());
      return tip;
    }
    case Qt::CheckStateRole: {
      const auto& ids = session_->compareLawIds();
      const bool compared = std::find(ids.begin(), ids.end(), id) != ids.end();
      return (planning || compared) ? Qt::Checked : Qt::Unchecked;
    }
    case LawIdRole: return QString::fromStdString(id);
    case IsPlanningLawRole: return planning;
    case IsPresetRole: return preset;
    default: return {};
  }
}

bool LawListModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || index.row() >= rows_ || role != Qt::CheckStateRole) return false;
  if (!(flags(index) & Qt::ItemIsUserCheckable)) return false;
  const std::string id = session_->laws()[static_cast<size_t>(index.row())].id();
  std::vector<std::string> ids = session_->compareLawIds();
  const bool on = value.toInt() == Qt::Checked;
  auto it = std::find(ids.begin(), ids.end(), id);
  if (on && it == ids.end()) ids.push_back(id);
  if (!on && it != ids.end()) ids.erase(it);
  session_->setCompareLaws(ids);
  emit dataChanged(index, index, {Qt::CheckStateRole});
  return true;
}

Qt::ItemFlags LawListModel::flags(const QModelIndex& index) const {
  if (!index.isValid() || index.row() >= rows_) return Qt::NoItemFlags;
  Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
  if (session_->currentRequest().law.id() != session_->laws()[static_cast<size_t>(index.row())].id()) {
    f |= Qt::ItemIsUserCheckable;
  }
  return f;
}

QHash<int, QByteArray> LawListModel::roleNames() const {
  auto names = QAbstractListModel::roleNames();
  names[LawIdRole] = "lawId";
  names[IsPlanningLawRole] = "isPlanningLaw";
  names[IsPresetRole] = "isPreset";
  return names;
}

void LawListModel::onLawsChanged() {
  beginResetModel();
  rows_ = static_cast<int>(session_->laws().size());
  endResetModel();
}

void LawListModel::onSelectionChanged() {
  if (rows_ > 0) emit dataChanged(index(0), index(rows_ - 1), {Qt::CheckStateRole, Qt::DisplayRole});
}

}  // namespace scaleplan
