#pragma once
// Item models of the import panel: the imported points (a preview of every run's curve) and the
// located warnings and errors of the last import. Both are read-only views over plain values
// from core/importers; they never compute.

#include <QAbstractTableModel>
#include <QStringList>
#include <optional>
#include <utility>
#include <vector>

#include "importers/importer.hpp"
#include "controls/text_format.hpp"  // countNoun
#include "models/flat_table.hpp"

namespace scaleplan {

// One row per imported point, runs in import order, each run's points by tokens.
class ImportPointsModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { RunColumn, ParamsColumn, TokensColumn, FlopsColumn, LossColumn, ColumnCount };
  // Qt::UserRole gives the raw value (QString run name, double N/D/C/loss) for sorting and tests.
  static constexpr int kRawRole = Qt::UserRole;

  explicit ImportPointsModel(QObject* parent = nullptr);

  void setRuns(std::vector<Run> runs);
  const std::vector<Run>& runs() const { return runs_; }
  // The run and the point of a row.
  const Run& runAt(int row) const { return runs_[index_[static_cast<size_t>(row)].first]; }
  const RunPoint& pointAt(int row) const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<Run> runs_;
  std::vector<std::pair<size_t, size_t>> index_;  // row -> (run, point)
};

// The last import's problems: the error first (when the import failed), then the warnings
// (skipped rows with their reasons), then notes without a location (e.g. reduction skips).
enum class ImportIssueSeverity { Error, Warning, Note };
struct ImportIssueRow {
  ImportIssueSeverity severity = ImportIssueSeverity::Warning;
  ImportIssue issue;
};

class ImportIssuesModel : public FlatTableModel<ImportIssueRow> {
  Q_OBJECT

 public:
  enum Column { SeverityColumn, LocationColumn, MessageColumn, ColumnCount };
  using Severity = ImportIssueSeverity;
  using Row = ImportIssueRow;

  explicit ImportIssuesModel(QObject* parent = nullptr);

  void setIssues(const std::optional<ImportIssue>& error, const std::vector<ImportIssue>& warnings,
                 const QStringList& notes = {});
  void clear();
  const std::vector<Row>& issues() const { return rows(); }
  bool hasError() const { return !rows().empty() && rows().front().severity == Severity::Error; }

  // "file.csv:12:3" (the file name only; the tooltip has the whole path), "" without a file.
  static QString location(const ImportIssue& issue);

  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

// The column names of a file's header, for the column-mapping combos: the header row of a
// CSV/TSV (delimiter detected as the importer does: tab for .tsv, else the most frequent of
// , ; tab |), the keys of the first JSON Lines record, or the keys of the first log_history
// entry of a trainer_state.json. Empty when the file cannot be read or has no header.
QStringList headerColumns(const QString& path, ImportFormat format);

}  // namespace scaleplan
