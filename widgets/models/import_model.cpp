#include "models/import_model.hpp"

#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPalette>
#include <QStyle>
#include <string>

#include "controls/text_format.hpp"

namespace scaleplan {

namespace {


// Splits one CSV line at `delimiter`, honouring double quotes ("a,b" is one field, "" an escaped
// quote).
QStringList splitCsvLine(const QString& line, QChar delimiter) {
  QStringList fields;
  QString current;
  bool quoted = false;
  for (int i = 0; i < line.size(); ++i) {
    const QChar c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        current += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        current += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delimiter) {
      fields << current.trimmed();
      current.clear();
    } else {
      current += c;
    }
  }
  fields << current.trimmed();
  return fields;
}

}  // namespace

// ---- ImportPointsModel ------------------------------------------------------------------------

ImportPointsModel::ImportPointsModel(QObject* parent) : QAbstractTableModel(parent) {}

void ImportPointsModel::setRuns(std::vector<Run> runs) {
  beginResetModel();
  runs_ = std::move(runs);
  index_.clear();
  for (size_t r = 0; r < runs_.size(); ++r) {
    for (size_t p = 0; p < runs_[r].points.size(); ++p) index_.emplace_back(r, p);
  }
  endResetModel();
}

const RunPoint& ImportPointsModel::pointAt(int row) const {
  const auto& [r, p] = index_[static_cast<size_t>(row)];
  return runs_[r].points[p];
}

int ImportPointsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(index_.size());
}

int ImportPointsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant ImportPointsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() < 0 || index.row() >= rowCount() || index.column() < 0 ||
      index.column() >= ColumnCount) {
    return {};
  }
  const Run& run = runAt(index.row());
  const RunPoint& point = pointAt(index.row());
  const int column = index.column();
  if (role == kRawRole) {
    switch (column) {
      case RunColumn: return qs(run.name);
      case ParamsColumn: return run.params;
      case TokensColumn: return point.tokens;
      case FlopsColumn: return point.flops;
      case LossColumn: return point.loss;
      default: return {};
    }
  }
  if (role == Qt::DisplayRole) {
    switch (column) {
      case RunColumn: return qs(run.name);
      case ParamsColumn: return text::count(run.params);
      case TokensColumn: return text::count(point.tokens);
      case FlopsColumn: return text::scientific(point.flops);
      case LossColumn: return QString::number(point.loss, 'f', 4);
      default: return {};
    }
  }
  if (role == Qt::ToolTipRole) {
    QString tip = tr("%1 (from %2)").arg(qs(run.name), qs(run.source));
    if (point.step) tip += tr("\nstep %1").arg(*point.step, 0, 'f', 0);
    tip += tr("\nN = %1, D = %2, C = %3 FLOPs, loss %4")
               .arg(QString::number(run.params, 'g', 6), QString::number(point.tokens, 'g', 6),
                    QString::number(point.flops, 'g', 6), QString::number(point.loss, 'g', 6));
    return tip;
  }
  if (role == Qt::TextAlignmentRole) {
    return column == RunColumn ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                               : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
  }
  return {};
}

QVariant ImportPointsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Vertical) {
    if (role == Qt::DisplayRole && section >= 0 && section < rowCount()) return section + 1;
    return {};
  }
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case ParamsColumn: return tr("Model size N: parameters");
      case TokensColumn: return tr("Training tokens D seen at this point");
      case FlopsColumn: return tr("Training compute C spent at this point (FLOPs, a count)");
      case LossColumn: return tr("Loss in nats per token, as logged");
      default: return {};
    }
  }
  if (role != Qt::DisplayRole) return {};
  switch (section) {
    case RunColumn: return tr("Run");
    case ParamsColumn: return tr("N (params)");
    case TokensColumn: return tr("D (tokens)");
    case FlopsColumn: return tr("C (FLOPs)");
    case LossColumn: return tr("Loss (nats)");
    default: return {};
  }
}

// ---- ImportIssuesModel ------------------------------------------------------------------------

ImportIssuesModel::ImportIssuesModel(QObject* parent) : FlatTableModel(ColumnCount, parent) {}

void ImportIssuesModel::setIssues(const std::optional<ImportIssue>& error,
                                  const std::vector<ImportIssue>& warnings, const QStringList& notes) {
  std::vector<Row> rows;
  if (error) rows.push_back({Severity::Error, *error});
  for (const ImportIssue& w : warnings) rows.push_back({Severity::Warning, w});
  for (const QString& n : notes) {
    ImportIssue issue;
    issue.message = n.toStdString();
    rows.push_back({Severity::Note, issue});
  }
  resetRows(std::move(rows));
}

void ImportIssuesModel::clear() { resetRows({}); }

QString ImportIssuesModel::location(const ImportIssue& issue) {
  if (issue.file.empty()) return {};
  QString text = QFileInfo(qs(issue.file)).fileName();
  if (issue.line > 0) {
    text += ':' + QString::number(issue.line);
    if (issue.column > 0) text += ':' + QString::number(issue.column);
  }
  return text;
}

QVariant ImportIssuesModel::data(const QModelIndex& index, int role) const {
  const Row* found = rowAt(index);
  if (!found) return {};
  const Row& row = *found;
  const int column = index.column();
  if (role == Qt::DisplayRole) {
    switch (column) {
      case SeverityColumn:
        return row.severity == Severity::Error     ? tr("error")
               : row.severity == Severity::Warning ? tr("warning")
                                                   : tr("note");
      case LocationColumn: return location(row.issue);
      case MessageColumn: {
        QString message = qs(row.issue.message);
        if (!row.issue.field.empty()) message = tr("field '%1': %2").arg(qs(row.issue.field), message);
        return message;
      }
      default: return {};
    }
  }
  if (role == Qt::ToolTipRole) return qs(row.issue.toString());
  if (role == Qt::DecorationRole && column == SeverityColumn && QApplication::instance() &&
      qobject_cast<QApplication*>(QApplication::instance())) {
    const QStyle::StandardPixmap icon = row.severity == Severity::Error ? QStyle::SP_MessageBoxCritical
                                        : row.severity == Severity::Warning
                                            ? QStyle::SP_MessageBoxWarning
                                            : QStyle::SP_MessageBoxInformation;
    return QApplication::style()->standardIcon(icon);
  }
  if (role == Qt::ForegroundRole && row.severity == Severity::Error) {
    // Red that stays readable on light and dark palettes.
    const bool dark = QApplication::palette().color(QPalette::Base).lightnessF() < 0.5;
    return dark ? QColor(255, 120, 120) : QColor(190, 20, 20);
  }
  return {};
}

QVariant ImportIssuesModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case SeverityColumn: return tr("Kind");
    case LocationColumn: return tr("Where (file:line:column)");
    case MessageColumn: return tr("Message");
    default: return {};
  }
}

// ---- headerColumns ------------------------------------------------------------------------------

QStringList headerColumns(const QString& path, ImportFormat format) {
  if (QFileInfo(path).isDir()) {  // a training output folder: its (latest) trainer_state.json
    auto state = resolveTrainerState(path.toStdString());
    return state ? headerColumns(QString::fromStdString(state->string()), format) : QStringList{};
  }
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  const QByteArray head = file.peek(64 * 1024);
  if (format == ImportFormat::Auto) {
    format = detectFormat(QFileInfo(path).fileName().toStdString(),
                          std::string_view(head.constData(), head.size()));
  }
  QStringList columns;
  // Event files are binary and Megatron logs have no header: nothing to map by column.
  if (format == ImportFormat::TensorBoardEvents || format == ImportFormat::Megatron) return columns;
  if (format == ImportFormat::HfTrainer) {
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    const QJsonArray history = doc.object().value("log_history").toArray();
    for (const QJsonValue& entry : history) {
      for (const QString& key : entry.toObject().keys()) {
        if (!columns.contains(key)) columns << key;
      }
    }
    return columns;
  }
  // First non-blank line.
  QString line;
  while (!file.atEnd()) {
    line = QString::fromUtf8(file.readLine()).trimmed();
    if (line.startsWith(QChar(0xFEFF))) line.remove(0, 1);  // byte-order mark
    if (!line.isEmpty()) break;
  }
  if (line.isEmpty()) return {};
  if (format == ImportFormat::Jsonl) {
    const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8());
    return doc.isObject() ? doc.object().keys() : QStringList{};
  }
  QChar delimiter = ',';
  if (path.endsWith(".tsv", Qt::CaseInsensitive)) {
    delimiter = '\t';
  } else {
    int best = -1;
    for (QChar c : {QChar(','), QChar(';'), QChar('\t'), QChar('|')}) {
      const int n = static_cast<int>(line.count(c));
      if (n > best) {
        best = n;
        delimiter = c;
      }
    }
  }
  for (const QString& f : splitCsvLine(line, delimiter)) {
    if (!f.isEmpty()) columns << f;
  }
  return columns;
}

}  // namespace scaleplan
