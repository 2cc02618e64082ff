#include "plots/step_bars.hpp"

#include <QFontMetrics>
#include <algorithm>

namespace scaleplan {

namespace {
constexpr double kBarKey = 1.0;
constexpr double kBarWidth = 0.5;
constexpr int kMinimumLabelWidth = 160;  // pixels: before the first layout the axis rect has none
constexpr int kLegendIconWidth = 18;     // pixels
constexpr int kLegendIconHeight = 10;

// "TP 4 · PP 2 (V 8) · DP 64 · CP 2 · mb 4 · SP · recompute none" over lines at its separators,
// each at most `width` pixels wide in `metrics` (a part longer than that stays whole).
QString wrapAtSeparators(const QString& text, const QFontMetrics& metrics, int width) {
  const QString separator = QStringLiteral(" · ");
  QStringList lines;
  QString line;
  for (const QString& part : text.split(separator)) {
    const QString longer = line.isEmpty() ? part : line + separator + part;
    if (!line.isEmpty() && metrics.horizontalAdvance(longer) > width) {
      lines << line;
      line = part;
    } else {
      line = longer;
    }
  }
  if (!line.isEmpty()) lines << line;
  return lines.join('\n');
}
}  // namespace

StepBarsPlot::StepBarsPlot(Session* session, const QString& title, const QString& stem, const QString& axis_label,
                           QWidget* parent)
    : PlotView(session, title, parent), stem_(stem), message_(tr("No layout selected")) {
  QCustomPlot* p = plot();
  p->xAxis->setSubTicks(false);
  p->xAxis->grid()->setVisible(false);
  p->xAxis->setRange(0.4, 1.6);
  p->yAxis->setLabel(axis_label);
  // The legend to the right of the bar: a single bar leaves the width free, and inside the axis
  // rect the legend would cover the bar's top.
  // It sits at the top of its column, over an empty cell that takes the spare height: its rows keep
  // their own height (see fitLegendRows).
  if (p->axisRect()->insetLayout()->take(p->legend)) {
    auto* side = new QCPLayoutGrid;
    p->plotLayout()->addElement(0, 1, side);
    p->plotLayout()->setColumnStretchFactor(1, 0.001);
    side->addElement(0, 0, p->legend);
    side->addElement(1, 0, new QCPLayoutElement(p));
    side->setRowStretchFactor(0, 0.001);
    side->setRowSpacing(0);
    p->legend->setMargins(QMargins(6, 3, 6, 3));
  }
  // Compact entries: ten terms at the default 32 x 18 icons and 3-pixel spacing overflowed the
  // 260-pixel plot and the last terms were cut off.
  p->legend->setIconSize(QSize(kLegendIconWidth, kLegendIconHeight));
  p->legend->setRowSpacing(0);
  p->setInteractions(QCP::Interactions());  // a fixed bar chart: no drag or zoom
  // The label is wrapped to the axis rect's width, known only once a replot has laid it out; a
  // changed wrap runs the layout's phases again before this replot draws (QCustomPlot's own
  // updateLayout, which is protected; the width does not depend on the label's line count).
  connect(p, &QCustomPlot::afterLayout, this, [this] {
    if (!fitAxisLabel()) return;
    QCPLayoutGrid* layout = plot()->plotLayout();
    layout->update(QCPLayoutElement::upPreparation);
    layout->update(QCPLayoutElement::upMargins);
    layout->update(QCPLayoutElement::upLayout);
  });
}

void StepBarsPlot::setTerms(const QString& bar_label, std::vector<StackedTerm> terms, const QString& total_text,
                            std::optional<double> limit, const QString& limit_text) {
  bar_label_ = bar_label;
  terms_ = std::move(terms);
  total_text_ = total_text;
  limit_ = limit;
  limit_text_ = limit_text;
  scheduleRefresh();
}

void StepBarsPlot::clearTerms(const QString& message) {
  terms_.clear();
  message_ = message;
  limit_.reset();
  scheduleRefresh();
}

double StepBarsPlot::total() const {
  double sum = 0.0;
  for (const auto& t : terms_) sum += t.value;
  return sum;
}

void StepBarsPlot::rebuild() {
  QCustomPlot* p = plot();
  bars_.clear();
  if (terms_.empty()) {
    auto* text = new QCPItemText(p);
    text->position->setType(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(0.5, 0.5);
    text->setText(message_);
    text->setColor(theme().foreground);
    trackItem(text);
    p->legend->setVisible(false);
    p->xAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    p->xAxis->setLabel(QString());
    return;
  }
  // The layout as the axis label (as a tick label a text this long was dropped by the axis), set
  // and wrapped once the replot has laid the axis out (the afterLayout connection).
  p->xAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
  p->legend->setVisible(true);
  QCPBars* below = nullptr;
  for (std::size_t i = 0; i < terms_.size(); ++i) {
    auto* bars = new QCPBars(p->xAxis, p->yAxis);
    bars->setName(terms_[i].name);
    bars->setWidth(kBarWidth);
    // More terms than theme colours (the step has ten): the second round a shade of the first
    // away from the background, lighter on a light theme and darker on a dark one (the dark
    // theme's colours are already light; lightened they became near-white and alike).
    const std::size_t colours = theme().series.size();
    QColor color = theme().seriesColor(i);
    if (colours > 0 && i >= colours) color = theme().is_dark ? color.darker(175) : color.lighter(165);
    bars->setPen(QPen(color.darker(130), 1));
    bars->setBrush(QBrush(color));
    bars->setData(QVector<double>{kBarKey}, QVector<double>{terms_[i].value}, true);
    if (below) bars->moveAbove(below);
    if (terms_[i].value <= 0.0) bars->removeFromLegend();
    below = bars;
    bars_.push_back(bars);
  }
  const double sum = total();
  double top = sum;
  double label_y = sum;
  if (limit_ && *limit_ > 0.0) {
    top = std::max(top, *limit_);
    // Just under the limit line, the total would sit on the line: put it above the line.
    if (sum < *limit_ && *limit_ - sum < 0.1 * top) label_y = *limit_;
    QCPGraph* line = addGraph(limit_text_, theme().plan, Qt::DashLine, 1.6);
    line->setData(QVector<double>{-10.0, 10.0}, QVector<double>{*limit_, *limit_}, true);
    line->setSelectable(QCP::stNone);
  }
  addLabel(total_text_, kBarKey, label_y, Qt::AlignHCenter | Qt::AlignBottom, theme().foreground, 0);
  fitLegendRows();
  p->yAxis->setRange(0.0, top > 0 ? top * 1.15 : 1.0);
}

void StepBarsPlot::fitLegendRows() {
  // Where the plot is too short for one column of entries (a small window), the legend wraps into
  // more columns rather than losing its last entries below the plot's edge.
  QCustomPlot* p = plot();
  // itemCount() counts the cells of the legend's grid, empty ones included once it has wrapped.
  // Rows keep their minimum height: sharing out the legend's spare height, the layout rounded each
  // row up, and sixteen rows overflowed a legend their minimum heights fitted.
  int entries = 0;
  for (int i = 0; i < p->legend->itemCount(); ++i)
    if (QCPAbstractLegendItem* item = p->legend->item(i)) {
      ++entries;
      const QMargins m = item->margins();
      item->setMaximumSize(QWIDGETSIZE_MAX, item->minimumOuterSizeHint().height() - m.top() - m.bottom());
    }
  p->legend->setWrap(0);  // one column, to measure it
  p->legend->setFillOrder(QCPLayoutGrid::foRowsFirst, true);  // true: re-place the entries there are
  p->legend->simplify();                                      // drops the columns a wrap left empty
  // Before the plot is laid out its height means nothing: one column until the first resize.
  if (entries == 0 || !p->isVisible()) return;
  // The height the layout gives one column (its own minimum, margins included), against the plot's.
  const int column_height = p->legend->minimumOuterSizeHint().height();
  const int available = p->height() - p->plotLayout()->margins().top() - p->plotLayout()->margins().bottom();
  if (column_height <= available || available <= 0) return;
  const int columns = (column_height + available - 1) / available;
  const int rows = (entries + columns - 1) / columns;
  p->legend->setWrap(rows);
  p->legend->setFillOrder(QCPLayoutGrid::foRowsFirst, true);
}

bool StepBarsPlot::fitAxisLabel() {
  // As wide as the bar's axis: three short lines pushed the last below a laptop screen's fold.
  QCustomPlot* p = plot();
  if (terms_.empty()) return false;
  const int width = std::max(kMinimumLabelWidth, p->axisRect()->width());
  const QString label = wrapAtSeparators(bar_label_, QFontMetrics(p->xAxis->labelFont()), width);
  if (label == p->xAxis->label()) return false;
  p->xAxis->setLabel(label);
  return true;
}

void StepBarsPlot::resizeEvent(QResizeEvent* event) {
  PlotView::resizeEvent(event);
  fitLegendRows();
  plot()->replot(QCustomPlot::rpQueuedReplot);
}

QString StepBarsPlot::readoutText(double, double) const {
  if (terms_.empty()) return {};
  QStringList lines;
  lines << tr("%1: %2").arg(bar_label_, total_text_);
  const double sum = total();
  for (const auto& t : terms_)
    if (t.value > 0.0)
      lines << tr("  %1: %2 (%3%)").arg(t.name).arg(t.value, 0, 'g', 3).arg(sum > 0 ? 100.0 * t.value / sum : 0.0, 0, 'f', 1);
  return lines.join('\n');
}

}  // namespace scaleplan
