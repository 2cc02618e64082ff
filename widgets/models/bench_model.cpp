#include "models/bench_model.hpp"

#include <QColor>
#include <cmath>

#include "controls/text_format.hpp"

namespace scaleplan {

QString formatRate(double flops_per_second) {
  if (!(flops_per_second > 0.0) || !std::isfinite(flops_per_second)) return QStringLiteral("—");
  return text::flopsRate(flops_per_second);
}

BenchSummaryModel::BenchSummaryModel(QObject* parent) : FlatTableModel(ColumnCount, parent) {}

void BenchSummaryModel::setResult(const BenchResult& result) { resetRows(result.summary); }

void BenchSummaryModel::clear() { resetRows({}); }

QVariant BenchSummaryModel::data(const QModelIndex& index, int role) const {
  const PrecisionSummary* row = rowAt(index);
  if (!row) return {};
  const PrecisionSummary& s = *row;
  const int column = index.column();
  if (role == kRawRole) {
    switch (column) {
      case PrecisionColumn: return qs(toString(s.precision));
      case AchievedColumn: return s.best ? QVariant(s.best->rate.value) : QVariant();
      case PeakColumn: return s.reference_peak ? QVariant(s.reference_peak->value) : QVariant();
      case UtilisationColumn: return s.best_utilisation ? QVariant(*s.best_utilisation) : QVariant();
      case ShapeColumn: return s.best ? QVariant(qs(s.best->shape.toString())) : QVariant();
      case CheckColumn: return s.correctness_passed ? QVariant(*s.correctness_passed) : QVariant();
      default: return {};
    }
  }
  if (role == Qt::DisplayRole) {
    switch (column) {
      case PrecisionColumn: return qs(toString(s.precision));
      case AchievedColumn: return s.best ? formatRate(s.best->rate.value) : tr("failed");
      case PeakColumn: return s.reference_peak ? formatRate(s.reference_peak->value) : QStringLiteral("—");
      case UtilisationColumn:
        return s.best_utilisation ? QString::number(100.0 * *s.best_utilisation, 'f', 1) + '%'
                                  : QStringLiteral("—");
      case ShapeColumn: return s.best ? qs(s.best->shape.toString()) : QStringLiteral("—");
      case CheckColumn:
        if (!s.correctness_passed) return tr("not checked");
        return *s.correctness_passed ? tr("passed") : tr("FAILED");
      default: return {};
    }
  }
  if (role == Qt::ToolTipRole) {
    switch (column) {
      case AchievedColumn:
        return tr("Best of %1; median %2, geometric mean %3")
            .arg(countNoun(s.shapes_ok, tr("shape"), tr("shapes")))
            .arg(s.median ? formatRate(s.median->rate.value) : QStringLiteral("—"))
            .arg(formatRate(s.geometric_mean.value));
      case PeakColumn: return s.reference_source.empty() ? tr("No reference peak") : qs(s.reference_source);
      default: return {};
    }
  }
  if (role == Qt::TextAlignmentRole) {
    return column == PrecisionColumn || column == ShapeColumn
               ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
               : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
  }
  if (role == Qt::ForegroundRole && column == CheckColumn && s.correctness_passed && !*s.correctness_passed) {
    return QColor(210, 40, 40);
  }
  return {};
}

QVariant BenchSummaryModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case AchievedColumn: return tr("Best measured matrix-product rate (2·M·N·K FLOPs per call)");
      case PeakColumn:
        return tr("Dense peak of the same precision: the matched catalog entry, or a CPU estimate");
      case UtilisationColumn: return tr("Achieved ÷ dense peak");
      case CheckColumn: return tr("The precision's product against an FP64 CPU reference");
      default: return {};
    }
  }
  if (role != Qt::DisplayRole) return {};
  switch (section) {
    case PrecisionColumn: return tr("Precision");
    case AchievedColumn: return tr("Achieved");
    case PeakColumn: return tr("Dense peak");
    case UtilisationColumn: return tr("Utilisation");
    case ShapeColumn: return tr("Best shape (MxNxK)");
    case CheckColumn: return tr("Correctness");
    default: return {};
  }
}

}  // namespace scaleplan
