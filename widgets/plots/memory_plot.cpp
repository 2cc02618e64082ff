#include "plots/memory_plot.hpp"

#include <QResizeEvent>
#include <algorithm>
#include <cmath>

#include "cluster/cluster_system.hpp"
#include "session/session.hpp"
#include "controls/text_format.hpp"

namespace scaleplan {

namespace {

// Bars in decimal GB (kBytesPerGb, cluster/cluster_system.hpp); the catalog's memory_gb is in GiB
// (Accelerator::memoryBytes).
constexpr double kBarWidth = 0.55;

}  // namespace

QString MemoryPlot::layerName(Layer layer) {
  switch (layer) {
    case Weights: return tr("weights");
    case Gradients: return tr("gradients");
    case MasterWeights: return tr("FP32 master weights");
    case Optimizer: return tr("optimizer state");
    case Activations: return tr("activations (1 micro-batch)");
    case KvCache: return tr("KV cache");
    case LayerCount: break;
  }
  return {};
}

MemoryPlot::MemoryPlot(Session* session, QWidget* parent) : PlotView(session, tr("Memory"), parent) {
  QCustomPlot* p = plot();
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  ticker->addTick(kTrainingKey, tr("Training"));
  ticker->addTick(kInferenceKey, tr("Inference"));
  p->xAxis->setTicker(ticker);
  p->xAxis->setSubTicks(false);
  p->xAxis->grid()->setVisible(false);
  p->xAxis->setRange(0.4, 2.6);
  // The legend under the plot, in two columns: inside the axis rect it covered the training bar
  // (and its total) when the panel is narrow.
  if (p->axisRect()->insetLayout()->take(p->legend)) {
    p->plotLayout()->addElement(1, 0, p->legend);
    p->plotLayout()->setRowStretchFactor(1, 0.001);
    p->plotLayout()->setRowSpacing(4);
    p->legend->setFillOrder(QCPLegend::foColumnsFirst);
    p->legend->setWrap(2);
    p->legend->setMargins(QMargins(6, 3, 6, 3));
  }
  p->yAxis->setLabel(tr("memory (GB = 1e9 bytes)"));
  p->yAxis->setRangeLower(0.0);
  p->setInteractions(QCP::Interactions());  // a fixed bar chart: no drag or zoom
  connect(session, &Session::acceleratorsChanged, this, &MemoryPlot::scheduleRefresh);
  connect(session, &Session::inputsChanged, this, &MemoryPlot::scheduleRefresh);
}

void MemoryPlot::setBreakdown(const TrainingMemory& training, const InferenceMemory& inference) {
  training_ = training;
  inference_ = inference;
  has_breakdown_ = true;
  scheduleRefresh();
}

void MemoryPlot::clearBreakdown() {
  has_breakdown_ = false;
  scheduleRefresh();
}

std::array<double, 2> MemoryPlot::layerBytes(Layer layer) const {
  switch (layer) {
    case Weights: return {training_.weights, inference_.weights};
    case Gradients: return {training_.gradients + training_.grad_accumulation, 0.0};
    case MasterWeights: return {training_.master_weights, 0.0};
    case Optimizer: return {training_.optimizer, 0.0};
    case Activations: return {training_.activations, 0.0};
    case KvCache: return {0.0, inference_.kv_cache};
    case LayerCount: break;
  }
  return {0.0, 0.0};
}

void MemoryPlot::rebuild() {
  QCustomPlot* p = plot();
  bars_.fill(nullptr);
  if (!has_breakdown_) {
    auto* message = new QCPItemText(p);
    message->position->setType(QCPItemPosition::ptAxisRectRatio);
    message->position->setCoords(0.5, 0.5);
    message->setText(tr("No valid architecture"));
    message->setColor(theme().foreground);
    trackItem(message);
    p->legend->setVisible(false);
    return;
  }
  p->legend->setVisible(true);
  QCPBars* below = nullptr;
  for (int i = 0; i < LayerCount; ++i) {
    const auto layer = static_cast<Layer>(i);
    const auto bytes = layerBytes(layer);
    auto* bars = new QCPBars(p->xAxis, p->yAxis);
    bars->setName(layerName(layer));
    bars->setWidth(kBarWidth);
    const QColor color = theme().seriesColor(static_cast<size_t>(i));
    bars->setPen(QPen(color.darker(130), 1));
    bars->setBrush(QBrush(color));
    bars->setData(QVector<double>{kTrainingKey, kInferenceKey},
                  QVector<double>{bytes[0] / kBytesPerGb, bytes[1] / kBytesPerGb}, true);
    if (below) bars->moveAbove(below);
    // Layers that are zero in both bars (no master copy with fp32 training...) stay out of the legend.
    if (bytes[0] <= 0.0 && bytes[1] <= 0.0) bars->removeFromLegend();
    below = bars;
    bars_[static_cast<size_t>(i)] = bars;
  }

  const double training_total = training_.total(), inference_total = inference_.total();
  double top = std::max(training_total, inference_total) / kBytesPerGb;
  for (auto [key, total] :
       {std::pair{kTrainingKey, training_total}, std::pair{kInferenceKey, inference_total}}) {
    addLabel(text::bytes(total), key, total / kBytesPerGb, Qt::AlignHCenter | Qt::AlignBottom,
             theme().foreground, 0);
  }

  // One accelerator's memory: a dashed line across the plot, named in the legend (a label on
  // the line ran over the bars in a narrow plot).
  const Accelerator& gpu = session()->currentRequest().accelerator;
  if (gpu.memory_gb > 0.0) {
    const double capacity = gpu.memoryBytes() / kBytesPerGb;  // the axis's decimal GB
    top = std::max(top, capacity);
    QCPGraph* line = addGraph(tr("one %1: %2 (%3 GiB)")
                                  .arg(QString::fromStdString(gpu.name), text::bytes(gpu.memoryBytes()))
                                  .arg(gpu.memory_gb, 0, 'g', 4),
                              theme().plan, Qt::DashLine, 1.6);
    line->setData(QVector<double>{-10.0, 10.0}, QVector<double>{capacity, capacity}, true);
    line->setSelectable(QCP::stNone);
  }
  p->yAxis->setRange(0.0, top > 0 ? top * 1.15 : 1.0);
}

void MemoryPlot::resizeEvent(QResizeEvent* event) {
  PlotView::resizeEvent(event);
  // Two columns of ~250 px ("one NVIDIA H100 SXM5 80GB: 85.9 GB (80 GiB)") need about 500 px.
  const int columns = width() >= 30 * fontMetrics().averageCharWidth() * 2 ? 2 : 1;
  if (plot()->legend->wrap() != columns) {
    plot()->legend->setWrap(columns);
    plot()->legend->setFillOrder(QCPLegend::foColumnsFirst, true);  // re-arranges the items
    plot()->replot(QCustomPlot::rpQueuedReplot);
  }
}

QString MemoryPlot::readoutText(double x, double) const {
  if (!has_breakdown_) return {};
  const int bar = std::fabs(x - kTrainingKey) < std::fabs(x - kInferenceKey) ? 0 : 1;
  QStringList lines;
  lines << (bar == 0 ? tr("Training: %1").arg(text::bytes(training_.total()))
                     : tr("Inference: %1").arg(text::bytes(inference_.total())));
  for (int i = 0; i < LayerCount; ++i) {
    const double b = layerBytes(static_cast<Layer>(i))[static_cast<size_t>(bar)];
    if (b > 0.0) lines << tr("  %1: %2").arg(layerName(static_cast<Layer>(i)), text::bytes(b));
  }
  return lines.join('\n');
}

}  // namespace scaleplan
