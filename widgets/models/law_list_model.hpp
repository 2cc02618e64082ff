#pragma once
// The laws known to the session as a checkable list: checked laws are drawn in the plots next to
// the planning law (which is always drawn, shown checked and not user-checkable).

#include <QAbstractListModel>

namespace scaleplan {

class Session;

class LawListModel : public QAbstractListModel {
  Q_OBJECT

 public:
  enum Role {
    LawIdRole = Qt::UserRole + 1,  // QString id
    IsPlanningLawRole,             // bool
    IsPresetRole,                  // bool (false for fitted/loaded laws)
  };

  explicit LawListModel(Session* session, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QHash<int, QByteArray> roleNames() const override;

 private:
  void onLawsChanged();
  void onSelectionChanged();

  Session* session_;
  int rows_ = 0;
};

}  // namespace scaleplan
