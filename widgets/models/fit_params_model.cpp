#include "models/fit_params_model.hpp"

#include <QFont>
#include <cmath>

#include "controls/text_format.hpp"

namespace scaleplan {

namespace {

QString displayName(const std::string& name) {
  // Readable names for the derived quantities; the law's own names (E, A, alpha...) stay as the
  // JSON and the CLI spell them.
  // Short enough for the name column of a narrow panel; the formulas are in the tooltip.
  if (name == "n_opt_exponent") return QObject::tr("a (N_opt ∝ C^a)");
  if (name == "d_opt_exponent") return QObject::tr("b (D_opt ∝ C^b)");
  if (name == "n_opt") return QObject::tr("N_opt at budget");
  if (name == "d_opt") return QObject::tr("D_opt at budget");
  if (name == "loss_at_budget") return QObject::tr("loss at budget");
  return QString::fromStdString(name);
}

// The tooltip's explanation of a row.
QString description(const std::string& name, bool derived) {
  if (name == "n_opt_exponent") return QObject::tr("a = β/(α+β): the compute-optimal N grows as C^a");
  if (name == "d_opt_exponent") return QObject::tr("b = α/(α+β): the compute-optimal D grows as C^b");
  return derived ? QObject::tr("Derived from the fitted parameters") : QObject::tr("Parameter of the fitted law");
}

}  // namespace

QString formatFitNumber(double value) {
  if (!std::isfinite(value)) return QStringLiteral("—");
  const double a = std::fabs(value);
  if (a != 0.0 && (a >= 1e5 || a < 1e-3)) return text::scientific(value, 4);  // "7.433e10"
  return QString::number(value, 'g', 4);
}

FitParamsModel::FitParamsModel(QObject* parent) : FlatTableModel(ColumnCount, parent) {}

void FitParamsModel::setSummary(const FitSummary& summary) {
  std::vector<Row> rows;
  QString method;
  if (summary.hasParameters()) {
    const FitUncertainty* u = summary.uncertainty ? &*summary.uncertainty : nullptr;
    if (u) method = QString::fromStdString(u->method);
    for (size_t i = 0; i < summary.params.size(); ++i) {
      Row row;
      row.name = displayName(summary.params[i].name);
      row.description = description(summary.params[i].name, false);
      row.value = summary.params[i].value;
      if (u) {
        for (const ParameterInterval& p : u->parameters) {
          if (p.name != summary.params[i].name) continue;
          row.standard_error = p.standard_error;
          row.ci_low = p.ci95_low;
          row.ci_high = p.ci95_high;
        }
      }
      rows.push_back(row);
    }
    if (u) {
      for (const ParameterInterval& p : u->derived) {
        Row row;
        row.name = displayName(p.name);
        row.description = description(p.name, true);
        row.value = p.value;
        row.standard_error = p.standard_error;
        row.ci_low = p.ci95_low;
        row.ci_high = p.ci95_high;
        row.derived = true;
        rows.push_back(row);
      }
    }
  }
  method_ = method;
  resetRows(std::move(rows));
}

void FitParamsModel::clear() {
  method_.clear();
  resetRows({});
}

QVariant FitParamsModel::data(const QModelIndex& index, int role) const {
  const Row* found = rowAt(index);
  if (!found) return {};
  const Row& row = *found;
  const int column = index.column();
  if (role == Qt::DisplayRole) {
    switch (column) {
      case NameColumn: return row.name;
      case ValueColumn: return formatFitNumber(row.value);
      case StderrColumn:
        return row.standard_error ? formatFitNumber(*row.standard_error) : QStringLiteral("—");
      case IntervalColumn:
        if (!row.ci_low || !row.ci_high) return QStringLiteral("—");
        return QStringLiteral("[%1, %2]").arg(formatFitNumber(*row.ci_low), formatFitNumber(*row.ci_high));
      default: return {};
    }
  }
  if (role == kRawRole) {
    switch (column) {
      case NameColumn: return row.name;
      case ValueColumn: return row.value;
      case StderrColumn: return row.standard_error ? QVariant(*row.standard_error) : QVariant();
      case IntervalColumn:
        if (!row.ci_low || !row.ci_high) return {};
        return QVariant::fromValue(QList<double>{*row.ci_low, *row.ci_high});
      default: return {};
    }
  }
  if (role == Qt::TextAlignmentRole) {
    return column == NameColumn ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
  }
  if (role == Qt::FontRole && row.derived) {
    QFont f;
    f.setItalic(true);
    return f;
  }
  if (role == Qt::ToolTipRole) {
    // The name first: the name column is the one that gives way (elides) in a narrow panel.
    return row.name + "\n" + row.description;
  }
  return {};
}

QVariant FitParamsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::ToolTipRole && (section == StderrColumn || section == IntervalColumn)) {
    return method_.isEmpty() ? tr("No uncertainty estimate") : tr("From the %1").arg(method_);
  }
  if (role != Qt::DisplayRole) return {};
  switch (section) {
    case NameColumn: return tr("Parameter");
    case ValueColumn: return tr("Value");
    case StderrColumn: return tr("Std. error");
    case IntervalColumn: return tr("95% interval");
    default: return {};
  }
}

}  // namespace scaleplan
