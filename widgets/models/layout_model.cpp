#include "models/layout_model.hpp"

#include "controls/text_format.hpp"

namespace scaleplan {

LayoutModel::LayoutModel(QObject* parent) : FlatTableModel(ColumnCount, parent) {}

void LayoutModel::setLayouts(std::vector<RankedLayout> layouts) { resetRows(std::move(layouts)); }

void LayoutModel::clear() { setLayouts({}); }

const StepEstimate* LayoutModel::estimateAt(int row) const {
  if (row < 0 || row >= static_cast<int>(rows().size())) return nullptr;
  return &rows()[static_cast<std::size_t>(row)].estimate;
}

QVariant LayoutModel::data(const QModelIndex& index, int role) const {
  const RankedLayout* found = rowAt(index);
  if (!found) return {};
  const RankedLayout& ranked = *found;
  const StepEstimate& e = ranked.estimate;
  const auto column = static_cast<Column>(index.column());
  if (role == kRawRole) {
    switch (column) {
      case RankColumn: return index.row() + 1;
      case LayoutColumn: return qs(e.layout.describe());
      case StepTimeColumn: return e.step_seconds;
      case TokensPerSecondColumn: return e.tokens_per_second;
      case MfuColumn: return e.mfu;
      case MemoryColumn: return e.memory.total();
      case ReasonColumn: return qs(ranked.reason);
      case ColumnCount: break;
    }
    return {};
  }
  if (role == Qt::DisplayRole) {
    switch (column) {
      case RankColumn: return QString::number(index.row() + 1);
      case LayoutColumn: return qs(e.layout.describe());
      case StepTimeColumn: return tr("%1 s").arg(text::number(e.step_seconds, 3));
      case TokensPerSecondColumn: return text::count(e.tokens_per_second);
      case MfuColumn: return tr("%1%").arg(e.mfu * 100.0, 0, 'f', 1);
      case MemoryColumn: return text::bytes(e.memory.total());
      case ReasonColumn: return qs(ranked.reason);
      case ColumnCount: break;
    }
    return {};
  }
  if (role == Qt::ToolTipRole) {
    if (column == MemoryColumn) {
      const std::string verdict = e.memoryVerdict();
      return verdict.empty() ? tr("%1 of %2 per GPU").arg(text::bytes(e.memory.total()), text::bytes(e.memory_capacity_bytes))
                             : qs(verdict);
    }
    if (column == MfuColumn)
      return tr("model FLOP/s per GPU %1 of the dense peak %2; with recomputation (HFU) %3%")
          .arg(text::flopsRate(e.model_flops_per_second_per_gpu), text::flopsRate(e.peak_flops_per_second))
          .arg(e.hfu * 100.0, 0, 'f', 1);
    if (column == ReasonColumn || column == LayoutColumn) return data(index, Qt::DisplayRole);
    return {};
  }
  if (role == Qt::TextAlignmentRole && column != LayoutColumn && column != ReasonColumn)
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

QVariant LayoutModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case StepTimeColumn: return tr("Seconds per optimizer step (compute, exposed communication, bubble, optimizer)");
      case MfuColumn:
        return tr("Model FLOPs utilisation: model FLOPs as Megatron-LM counts them (6 x the parameters in matrix "
                  "products + attention's 12·L·H·Q·T; input lookups not counted) over the dense peak");
      case MemoryColumn: return tr("Memory per GPU on the worst pipeline stage (GB = 1e9 bytes)");
      default: return {};
    }
  }
  if (role != Qt::DisplayRole) return {};
  switch (section) {
    case RankColumn: return tr("#");
    case LayoutColumn: return tr("Layout");
    case StepTimeColumn: return tr("Step time");
    case TokensPerSecondColumn: return tr("Tokens/s");
    case MfuColumn: return tr("MFU");
    case MemoryColumn: return tr("Memory/GPU");
    case ReasonColumn: return tr("Why ahead of the next");
    default: return {};
  }
}

}  // namespace scaleplan
