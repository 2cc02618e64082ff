#include "plots/plot_view.hpp"

#include <QEvent>
#include <QMouseEvent>
#include <QVBoxLayout>
#include <cmath>

#include "controls/text_format.hpp"
#include "session/session.hpp"

namespace scaleplan {

PlotView::PlotView(Session* session, const QString& title, QWidget* parent)
    : QWidget(parent), session_(session), title_(title), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->setMinimumSize(320, 240);
  plot_->setMouseTracking(true);
  plot_->installEventFilter(this);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->setNoAntialiasingOnDrag(true);
  plot_->legend->setVisible(true);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

  // Crosshair and read-out on the buffered overlay layer: moving them replots only that layer.
  plot_->layer("overlay")->setMode(QCPLayer::lmBuffered);
  v_line_ = new QCPItemStraightLine(plot_);
  h_line_ = new QCPItemStraightLine(plot_);
  readout_ = new QCPItemText(plot_);
  for (QCPAbstractItem* item : {static_cast<QCPAbstractItem*>(v_line_), static_cast<QCPAbstractItem*>(h_line_),
                                static_cast<QCPAbstractItem*>(readout_)}) {
    item->setLayer("overlay");
    item->setVisible(false);
    item->setSelectable(false);
  }
  readout_->position->setType(QCPItemPosition::ptAxisRectRatio);
  readout_->position->setCoords(0.01, 0.01);
  readout_->setPositionAlignment(Qt::AlignTop | Qt::AlignLeft);
  readout_->setTextAlignment(Qt::AlignLeft);
  readout_->setPadding(QMargins(6, 4, 6, 4));
  readout_->setClipToAxisRect(true);

  connect(plot_, &QCustomPlot::mouseMove, this, &PlotView::onMouseMove);
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] { refreshNow(); });  // reset the zoom
  connect(session_, &Session::planChanged, this, &PlotView::scheduleRefresh);
  connect(session_, &Session::planFailed, this, &PlotView::scheduleRefresh);
  connect(session_, &Session::compareLawsChanged, this, &PlotView::scheduleRefresh);
  connect(session_, &Session::lawsChanged, this, &PlotView::scheduleRefresh);
  updateTheme();
}

PlotView::~PlotView() = default;

void PlotView::updateTheme() {
  theme_ = plotThemeForPalette(palette());
  applyTheme(plot_, theme_);
  const QPen cross(theme_.crosshair, 1, Qt::DashLine);
  v_line_->setPen(cross);
  h_line_->setPen(cross);
  readout_->setColor(theme_.foreground);
  readout_->setBrush(QBrush(theme_.readout_background));
  readout_->setPen(QPen(theme_.legend_border));
}

void PlotView::refreshNow() {
  clearContent();
  rebuild();
  stale_ = false;
  ++rebuild_count_;
  plot_->replot(QCustomPlot::rpImmediateRefresh);
  emit refreshed();
}

void PlotView::scheduleRefresh() {
  stale_ = true;
  if (!isVisible() || pending_) return;
  pending_ = true;
  QMetaObject::invokeMethod(this, &PlotView::doScheduledRefresh, Qt::QueuedConnection);
}

void PlotView::doScheduledRefresh() {
  pending_ = false;
  if (!stale_ || !isVisible()) return;
  clearContent();
  rebuild();
  stale_ = false;
  ++rebuild_count_;
  plot_->replot(QCustomPlot::rpQueuedReplot);
  emit refreshed();
}

void PlotView::clearContent() {
  plot_->clearPlottables();
  for (QCPAbstractItem* item : items_) plot_->removeItem(item);
  items_.clear();
}

QCPGraph* PlotView::addGraph(const QString& name, const QColor& color, Qt::PenStyle style, double width) {
  QCPGraph* g = plot_->addGraph();
  g->setName(name);
  g->setPen(QPen(color, width, style, Qt::RoundCap, Qt::RoundJoin));
  g->setAdaptiveSampling(true);
  if (name.isEmpty()) g->removeFromLegend();
  return g;
}

QCPGraph* PlotView::addScatter(const QString& name, const QColor& color, QCPScatterStyle::ScatterShape shape,
                               double size, bool filled) {
  QCPGraph* g = plot_->addGraph();
  g->setName(name);
  g->setLineStyle(QCPGraph::lsNone);
  g->setPen(QPen(color, 1.5));
  g->setScatterStyle(QCPScatterStyle(shape, QPen(color, 1.5), filled ? QBrush(color) : QBrush(Qt::NoBrush), size));
  if (name.isEmpty()) g->removeFromLegend();
  return g;
}

QCPItemText* PlotView::addLabel(const QString& text, double x, double y, Qt::Alignment alignment,
                                const QColor& color, int point_size_delta) {
  auto* label = new QCPItemText(plot_);
  label->position->setCoords(x, y);
  label->setPositionAlignment(alignment);
  // Multi-line labels read best aligned on the side they are anchored to.
  label->setTextAlignment(alignment & Qt::AlignRight ? Qt::AlignRight : alignment & Qt::AlignHCenter ? Qt::AlignHCenter
                                                                                                    : Qt::AlignLeft);
  label->setText(text);
  label->setColor(color);
  QFont f = plot_->font();
  if (f.pointSizeF() > 0) f.setPointSizeF(std::max(6.0, f.pointSizeF() + point_size_delta));
  label->setFont(f);
  label->setClipToAxisRect(true);
  label->setSelectable(false);
  trackItem(label);
  return label;
}

void PlotView::addBand(const QString& name, const QColor& color, const QVector<double>& x, const QVector<double>& low,
                       const QVector<double>& high) {
  QColor band = color;
  band.setAlpha(60);
  QCPGraph* g_high = addGraph(QString(), band, Qt::SolidLine, 0.5);
  g_high->setData(x, high, true);
  QCPGraph* g_low = addGraph(name, band, Qt::SolidLine, 0.5);
  g_low->setData(x, low, true);
  g_low->setBrush(QBrush(band));
  g_low->setChannelFillGraph(g_high);
}

std::vector<Interval> PlotView::shadeExtrapolation(const Interval& fitted, double note_y) {
  std::vector<Interval> shaded;
  const double x_lo = plot()->xAxis->range().lower, x_hi = plot()->xAxis->range().upper;
  auto shade = [&](double from, double to) {
    if (!(to > from)) return;
    auto* rect = new QCPItemRect(plot());
    rect->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
    rect->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
    rect->topLeft->setCoords(from, 0.0);
    rect->bottomRight->setCoords(to, 1.0);
    rect->setPen(Qt::NoPen);
    rect->setBrush(QBrush(theme().extrapolation));
    rect->setLayer("background");
    rect->setSelectable(false);
    trackItem(rect);
    shaded.push_back(Interval{from, to});
  };
  if (fitted.low > x_lo) shade(x_lo, fitted.low);
  if (fitted.high < x_hi) {
    shade(fitted.high, x_hi);
    auto* note = addLabel(tr("shaded: extrapolation beyond the\nplanning law's data (%1 to %2)")
                              .arg(text::scientific(fitted.low, 2), text::flops(fitted.high)),
                          fitted.high, 0.0, Qt::AlignLeft | Qt::AlignTop, theme().foreground, -1);
    note->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    note->position->setCoords(fitted.high, note_y);
    note->setPadding(QMargins(6, 2, 0, 0));
  }
  return shaded;
}

QCPGraph* PlotView::addPlanMarker(double x, double y, const QString& legend) {
  QCPGraph* g = addScatter(legend, theme_.plan, QCPScatterStyle::ssStar, 16.0, false);
  g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, QPen(theme_.plan, 2.5), QBrush(Qt::NoBrush), 16.0));
  g->setData(QVector<double>{x}, QVector<double>{y});
  return g;
}

void PlotView::setReadoutCorner(Qt::Alignment corner) {
  const double x = corner & Qt::AlignRight ? 0.99 : 0.01;
  const double y = corner & Qt::AlignBottom ? 0.99 : 0.01;
  readout_->position->setCoords(x, y);
  readout_->setPositionAlignment(corner);
}

void PlotView::setDecadeRange(QCPAxis* axis, double lo, double hi) {
  if (!(lo > 0.0) || !(hi > 0.0) || !std::isfinite(lo) || !std::isfinite(hi)) return;
  const double a = std::floor(std::log10(lo) + 1e-9);
  double b = std::ceil(std::log10(hi) - 1e-9);
  if (b <= a) b = a + 1.0;
  axis->setRange(std::pow(10.0, a), std::pow(10.0, b));
}

void PlotView::showCrosshairAt(double x, double y) {
  v_line_->point1->setCoords(x, plot_->yAxis->range().lower);
  v_line_->point2->setCoords(x, plot_->yAxis->range().upper);
  h_line_->point1->setCoords(plot_->xAxis->range().lower, y);
  h_line_->point2->setCoords(plot_->xAxis->range().upper, y);
  readout_->setText(readoutText(x, y));
  v_line_->setVisible(true);
  h_line_->setVisible(true);
  readout_->setVisible(true);
  plot_->layer("overlay")->replot();
}

void PlotView::hideCrosshair() {
  if (!readout_->visible()) return;
  v_line_->setVisible(false);
  h_line_->setVisible(false);
  readout_->setVisible(false);
  plot_->layer("overlay")->replot();
}

QString PlotView::currentReadout() const { return readout_->visible() ? readout_->text() : QString(); }

void PlotView::onMouseMove(QMouseEvent* event) {
  const QPointF pos = event->position();
  if (!plot_->axisRect()->rect().contains(pos.toPoint())) {
    hideCrosshair();
    return;
  }
  showCrosshairAt(plot_->xAxis->pixelToCoord(pos.x()), plot_->yAxis->pixelToCoord(pos.y()));
}

void PlotView::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) {
    updateTheme();
    stale_ = true;
    if (isVisible()) {
      refreshNow();
    }
  }
  QWidget::changeEvent(event);
}

void PlotView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (stale_) scheduleRefresh();
}

bool PlotView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ && event->type() == QEvent::Leave) hideCrosshair();
  return QWidget::eventFilter(watched, event);
}

}  // namespace scaleplan
