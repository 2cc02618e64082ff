#include "plots/fit_plot.hpp"
#include "gpubench/statistics.hpp"  // geometricMean

#include <QBoxLayout>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "plots/fit_axis.hpp"
#include "panels/import_fit_panel.hpp"
#include "models/import_model.hpp"
#include "session/session.hpp"
#include "controls/text_format.hpp"

namespace scaleplan {

namespace {

constexpr int kMaxSizeGroups = 5;  // colour groups of the size variable
constexpr int kMaxRunLegend = 10;  // more runs than this: one legend line for all of them
constexpr double kReadoutRadiusPx = 14.0;


QString xName(FitPlot::XVariable v) {
  switch (v) {
    case FitPlot::XVariable::Params: return QObject::tr("model size N (parameters)");
    case FitPlot::XVariable::Tokens: return QObject::tr("training tokens D");
    case FitPlot::XVariable::Flops: return QObject::tr("training compute C (FLOPs)");
  }
  return {};
}

QString xShort(FitPlot::XVariable v) {
  switch (v) {
    case FitPlot::XVariable::Params: return QStringLiteral("N");
    case FitPlot::XVariable::Tokens: return QStringLiteral("D");
    case FitPlot::XVariable::Flops: return QStringLiteral("C");
  }
  return {};
}

QString formatX(double x, FitPlot::XVariable v) {
  return v == FitPlot::XVariable::Flops ? text::scientific(x) : text::count(x);
}

}  // namespace

FitPlot::FitPlot(Session* session, ImportFitPanel* panel, QWidget* parent)
    : PlotView(session, tr("Fit view"), parent), panel_(panel) {
  QCustomPlot* p = plot();
  // Controls above the plot.
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(6, 4, 6, 0);
  bar->addWidget(new QLabel(tr("x axis:"), this));
  x_combo_ = new QComboBox(this);
  x_combo_->addItem(tr("model size N"));
  x_combo_->addItem(tr("tokens D"));
  x_combo_->addItem(tr("compute C"));
  bar->addWidget(x_combo_);
  bar->addSpacing(12);
  bar->addWidget(new QLabel(tr("colour by:"), this));
  colour_combo_ = new QComboBox(this);
  colour_combo_->addItem(tr("size (D or N)"));
  colour_combo_->addItem(tr("run"));
  bar->addWidget(colour_combo_);
  bar->addSpacing(12);
  band_check_ = new QCheckBox(tr("95% band"), this);
  band_check_->setChecked(true);
  band_check_->setToolTip(
      tr("2.5–97.5 percentiles of the bootstrap resamples' predictions along each curve"));
  bar->addWidget(band_check_);
  bar->addSpacing(12);
  info_label_ = new QLabel(this);
  info_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  bar->addWidget(info_label_, 1);
  if (auto* box = qobject_cast<QBoxLayout*>(layout())) {
    box->insertLayout(0, bar, 0);
    box->setStretchFactor(plot(), 1);  // the plot takes the height, not the control row
  }

  connect(x_combo_, &QComboBox::currentIndexChanged, this,
          [this](int i) { setXVariable(static_cast<XVariable>(i)); });
  connect(colour_combo_, &QComboBox::currentIndexChanged, this,
          [this](int i) { setColourBy(static_cast<ColourBy>(i)); });
  connect(band_check_, &QCheckBox::toggled, this, &FitPlot::setShowBand);

  // Main rect: loss against the size; residual rect below with the same x range.
  setDenseLogAxis(p->xAxis, TickStyle::Count);
  p->xAxis->setTickLabels(false);
  p->yAxis->setLabel(tr("loss (nats/token)"));
  residual_rect_ = new QCPAxisRect(p);
  p->plotLayout()->addElement(1, 0, residual_rect_);
  p->plotLayout()->setRowStretchFactor(0, 3.0);
  p->plotLayout()->setRowStretchFactor(1, 1.0);
  p->plotLayout()->setRowSpacing(4);
  auto* margins = new QCPMarginGroup(p);
  p->axisRect()->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
  residual_rect_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
  setDenseLogAxis(residual_rect_->axis(QCPAxis::atBottom), TickStyle::Count);
  residual_rect_->axis(QCPAxis::atLeft)->setLabel(tr("residual ln(L_obs/L_fit)"));
  residual_rect_->axis(QCPAxis::atBottom)->setLabel(xName(x_variable_));
  residual_rect_->setRangeDrag(Qt::Horizontal);
  residual_rect_->setRangeZoom(Qt::Horizontal);
  connect(p->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged),
          residual_rect_->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::setRange));
  // Loss falls with size: the lower left of the plot is where no data lie.
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
  applyTheme(p, theme());
  p->legend->setFont(QFont(font().family(), std::max(7, font().pointSize() - 1)));

  connect(panel_, &ImportFitPanel::runsChanged, this, &FitPlot::scheduleRefresh);
  connect(panel_, &ImportFitPanel::fitPointsChanged, this, &FitPlot::scheduleRefresh);
  connect(panel_, &ImportFitPanel::fitChanged, this, &FitPlot::onFitChanged);
}

double FitPlot::xOf(const FitPoint& p, XVariable v) {
  switch (v) {
    case XVariable::Params: return p.params;
    case XVariable::Tokens: return p.tokens;
    case XVariable::Flops: return p.flops > 0 ? p.flops : 6.0 * p.params * p.tokens;
  }
  return p.params;
}

void FitPlot::setXVariable(XVariable v) {
  if (x_combo_->currentIndex() != static_cast<int>(v)) {
    QSignalBlocker block(x_combo_);
    x_combo_->setCurrentIndex(static_cast<int>(v));
  }
  if (x_variable_ == v) return;
  x_variable_ = v;
  const TickStyle style = v == XVariable::Flops ? TickStyle::Scientific : TickStyle::Count;
  setDenseLogAxis(plot()->xAxis, style);
  setDenseLogAxis(residual_rect_->axis(QCPAxis::atBottom), style);
  residual_rect_->axis(QCPAxis::atBottom)->setLabel(xName(v));
  refreshNow();
}

void FitPlot::setColourBy(ColourBy c) {
  if (colour_combo_->currentIndex() != static_cast<int>(c)) {
    QSignalBlocker block(colour_combo_);
    colour_combo_->setCurrentIndex(static_cast<int>(c));
  }
  if (colour_by_ == c) return;
  colour_by_ = c;
  refreshNow();
}

void FitPlot::setShowBand(bool show) {
  if (band_check_->isChecked() != show) {
    QSignalBlocker block(band_check_);
    band_check_->setChecked(show);
  }
  if (show_band_ == show) return;
  show_band_ = show;
  refreshNow();
}

void FitPlot::onFitChanged() {
  // A one-variable power law reads best against its own variable.
  if (const auto& fit = panel_->lastFit()) {
    if (fit->summary.law == FitLaw::PowerTokens) setXVariable(XVariable::Tokens);
    if (fit->summary.law == FitLaw::PowerFlops) setXVariable(XVariable::Flops);
    if (fit->summary.law == FitLaw::PowerParams || fit->summary.law == FitLaw::IsoFlop) {
      setXVariable(XVariable::Params);
    }
  }
  scheduleRefresh();
}

double FitPlot::otherSize(const FitPoint& p, XVariable x) { return x == XVariable::Params ? p.tokens : p.params; }

// Colours of an ordered variable: blue (small) through teal, green and orange to red (large),
// lighter on a dark background.
QColor FitPlot::sequentialColor(double t, bool dark) {
  static const QColor kStops[] = {QColor(44, 105, 176), QColor(23, 150, 150), QColor(80, 160, 40),
                                  QColor(222, 130, 20), QColor(200, 40, 40)};
  t = std::clamp(t, 0.0, 1.0) * 4.0;
  const int i = std::min(3, static_cast<int>(t));
  const double f = t - i;
  QColor c = QColor::fromRgbF(static_cast<float>(kStops[i].redF() * (1 - f) + kStops[i + 1].redF() * f),
                              static_cast<float>(kStops[i].greenF() * (1 - f) + kStops[i + 1].greenF() * f),
                              static_cast<float>(kStops[i].blueF() * (1 - f) + kStops[i + 1].blueF() * f));
  return dark ? c.lighter(145) : c;
}

QColor FitPlot::groupColor(size_t index, size_t count) const {
  if (colour_by_ == ColourBy::Run) return theme().seriesColor(index);
  return sequentialColor(count <= 1 ? 0.0 : static_cast<double>(index) / static_cast<double>(count - 1),
                         theme().is_dark);
}

void FitPlot::rebuild() {
  QCustomPlot* p = plot();
  QCPAxis* rx = residual_rect_->axis(QCPAxis::atBottom);
  QCPAxis* ry = residual_rect_->axis(QCPAxis::atLeft);
  groups_.clear();
  curves_.clear();
  dropped_.clear();

  const std::vector<FitPoint> points = panel_->fitPoints(&dropped_);
  const auto& fit = panel_->lastFit();
  const ScalingLaw* law = fit && fit->law ? &*fit->law : nullptr;
  info_label_->setText(
      fit ? (law ? tr("Law: %1").arg(qs(law->displayName())) : tr("IsoFLOP analysis of '%1'").arg(fit->name))
          : tr("No fit yet"));

  if (points.empty()) {
    auto* message = new QCPItemText(p);
    message->position->setType(QCPItemPosition::ptAxisRectRatio);
    message->position->setCoords(0.5, 0.5);
    message->setText(tr("No runs imported.\nOpen or drop run logs on the Import & fit tab."));
    message->setColor(theme().foreground);
    message->setClipToAxisRect(true);
    trackItem(message);
    p->legend->setVisible(false);
    // A sensible empty frame: 10M to 100B parameters, typical losses, ±5% residuals.
    p->xAxis->setRange(1e7, 1e11);
    rx->setRange(1e7, 1e11);
    p->yAxis->setRange(2.0, 5.0);
    ry->setRange(-0.05, 0.05);
    return;
  }
  p->legend->setVisible(true);

  // Groups.
  const XVariable xv = x_variable_;
  if (colour_by_ == ColourBy::Size) {
    double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
    for (const FitPoint& pt : points) {
      lo = std::min(lo, std::log10(otherSize(pt, xv)));
      hi = std::max(hi, std::log10(otherSize(pt, xv)));
    }
    // Up to kMaxSizeGroups log-spaced groups, at least ~0.15 decades wide each.
    const int n = std::clamp(static_cast<int>(std::ceil((hi - lo) / 0.15)), 1, kMaxSizeGroups);
    std::vector<std::vector<FitPoint>> bins(static_cast<size_t>(n));
    for (const FitPoint& pt : points) {
      const double t = hi > lo ? (std::log10(otherSize(pt, xv)) - lo) / (hi - lo) : 0.0;
      bins[static_cast<size_t>(std::min(n - 1, static_cast<int>(t * n)))].push_back(pt);
    }
    const QString var = xv == XVariable::Params ? tr("D") : tr("N");
    for (auto& bin : bins) {
      if (bin.empty()) continue;
      std::vector<double> v;
      for (const FitPoint& pt : bin) v.push_back(otherSize(pt, xv));
      Group g;
      g.representative = geometricMean(v);
      const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
      g.name = *mx > *mn * 1.02 ? tr("%1 %2–%3").arg(var, text::count(*mn), text::count(*mx))
                                : tr("%1 = %2").arg(var, text::count(*mn));
      g.points = std::move(bin);
      groups_.push_back(std::move(g));
    }
  } else {
    std::map<std::string, size_t> index;
    for (const FitPoint& pt : points) {
      auto [it, inserted] = index.emplace(pt.run, groups_.size());
      if (inserted) {
        Group g;
        g.name = qs(pt.run);
        groups_.push_back(std::move(g));
      }
      groups_[it->second].points.push_back(pt);
    }
    for (Group& g : groups_) {
      std::vector<double> v;
      for (const FitPoint& pt : g.points) v.push_back(otherSize(pt, xv));
      g.representative = geometricMean(v);
    }
  }
  for (size_t i = 0; i < groups_.size(); ++i) groups_[i].color = groupColor(i, groups_.size());

  // Ranges from the data.
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = 0.0;
  double y_lo = std::numeric_limits<double>::infinity(), y_hi = -y_lo;
  auto extend = [&](const FitPoint& pt) {
    x_lo = std::min(x_lo, xOf(pt, xv));
    x_hi = std::max(x_hi, xOf(pt, xv));
    y_lo = std::min(y_lo, pt.loss);
    y_hi = std::max(y_hi, pt.loss);
  };
  for (const FitPoint& pt : points) extend(pt);
  for (const FitPoint& pt : dropped_) extend(pt);

  // Curves of the law (below the points).
  if (law) drawLawCurves(*law, *fit, points, x_lo, x_hi);

  // IsoFLOP parabolas and optima (against N only).
  if (fit && fit->summary.isoflop && xv == XVariable::Params) drawIsoFlopParabolas(*fit);

  // Points and residuals.
  double r_max = 0.0;
  auto residualOf = [&](const FitPoint& pt) -> std::optional<double> {
    if (!law) return std::nullopt;
    const auto l = law->loss(pt.params, pt.tokens);
    if (!l || !(*l > 0) || !(pt.loss > 0)) return std::nullopt;
    return std::log(pt.loss / *l);
  };
  const bool run_legend =
      colour_by_ == ColourBy::Size || groups_.size() <= static_cast<size_t>(kMaxRunLegend);
  for (size_t i = 0; i < groups_.size(); ++i) {
    Group& g = groups_[i];
    QVector<double> qx, qy, rxv, ryv;
    for (const FitPoint& pt : g.points) {
      qx << xOf(pt, xv);
      qy << pt.loss;
      const auto r = residualOf(pt);
      if (law) g.residuals.push_back(r ? *r : std::numeric_limits<double>::quiet_NaN());
      if (r) {
        rxv << xOf(pt, xv);
        ryv << *r;
        r_max = std::max(r_max, std::fabs(*r));
      }
    }
    QString name = run_legend ? g.name
                   : i == 0   ? countNoun(static_cast<long long>(groups_.size()), tr("run"), tr("runs"))
                              : QString();
    if (colour_by_ == ColourBy::Size) {
      name = tr("%1 (%2)").arg(g.name,
                               countNoun(static_cast<long long>(g.points.size()), tr("point"), tr("points")));
    }
    QCPGraph* graph = addScatter(name, g.color, QCPScatterStyle::ssCircle, 7.0);
    graph->setData(qx, qy);
    if (!rxv.isEmpty()) {
      QCPGraph* res = p->addGraph(rx, ry);
      res->setLineStyle(QCPGraph::lsNone);
      res->setScatterStyle(
          QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(g.color, 1.5), QBrush(g.color), 6.0));
      res->removeFromLegend();
      res->setData(rxv, ryv);
    }
  }
  if (!dropped_.empty()) {
    QVector<double> qx, qy, rxv, ryv;
    for (const FitPoint& pt : dropped_) {
      qx << xOf(pt, xv);
      qy << pt.loss;
      if (auto r = residualOf(pt)) {
        rxv << xOf(pt, xv);
        ryv << *r;
      }
    }
    QColor grey = theme().foreground;
    grey.setAlpha(150);
    addScatter(tr("left out (highest loss)"), grey, QCPScatterStyle::ssCircle, 8.0, false)->setData(qx, qy);
    if (!rxv.isEmpty()) {
      QCPGraph* res = p->addGraph(rx, ry);
      res->setLineStyle(QCPGraph::lsNone);
      res->setScatterStyle(
          QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(grey, 1.5), QBrush(Qt::NoBrush), 7.0));
      res->removeFromLegend();
      res->setData(rxv, ryv);
    }
  }

  // Zero line of the residuals.
  auto* zero = new QCPItemStraightLine(p);
  zero->setClipAxisRect(residual_rect_);
  zero->point1->setAxes(rx, ry);
  zero->point2->setAxes(rx, ry);
  zero->point1->setCoords(1.0, 0.0);
  zero->point2->setCoords(10.0, 0.0);
  zero->setPen(QPen(theme().foreground, 1, Qt::DashLine));
  zero->setSelectable(false);
  trackItem(zero);
  if (!law) {
    auto* note = new QCPItemText(p);
    note->setClipAxisRect(residual_rect_);
    note->position->setAxisRect(residual_rect_);
    note->position->setType(QCPItemPosition::ptAxisRectRatio);
    note->position->setCoords(0.5, 0.25);  // above the zero line
    note->setText(fit ? tr("no residuals: an IsoFLOP analysis has no loss law")
                      : tr("residuals appear after a fit"));
    note->setColor(theme().foreground);
    trackItem(note);
  }

  // A little room around the data; the ticker labels 1-2-5 of each decade on narrow ranges.
  p->xAxis->setRange(x_lo / 1.25, x_hi * 1.25);
  rx->setRange(p->xAxis->range());
  const double pad = std::max(0.02, (y_hi - y_lo) * 0.08);
  p->yAxis->setRange(std::max(0.0, y_lo - pad), y_hi + pad);
  const double r_range = std::max(0.01, r_max * 1.25);
  ry->setRange(-r_range, r_range);
  placeLegend();
}

void FitPlot::placeLegend() {
  // The legend goes to the corner with the fewest drawn points (data and curve samples), counted
  // in a box of about the legend's size in axis-rect fractions.
  QCustomPlot* p = plot();
  const QCPRange xr = p->xAxis->range(), yr = p->yAxis->range();
  if (!(xr.lower > 0) || !(yr.upper > yr.lower)) return;
  int counts[4] = {0, 0, 0, 0};  // top-left, top-right, bottom-left, bottom-right
  auto count = [&](double x, double y) {
    if (!(x > 0)) return;
    const double fx = std::log(x / xr.lower) / std::log(xr.upper / xr.lower);
    const double fy = (y - yr.lower) / (yr.upper - yr.lower);
    const bool left = fx<0.45, right = fx> 0.55, top = fy > 0.6, bottom = fy < 0.4;
    if (top && left) ++counts[0];
    if (top && right) ++counts[1];
    if (bottom && left) ++counts[2];
    if (bottom && right) ++counts[3];
  };
  for (int i = 0; i < p->graphCount(); ++i) {
    QCPGraph* g = p->graph(i);
    if (g->keyAxis() != p->xAxis) continue;  // residual graphs live in the other rect
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) count(it->key, it->value);
  }
  static const Qt::Alignment kCorners[4] = {Qt::AlignTop | Qt::AlignLeft, Qt::AlignTop | Qt::AlignRight,
                                            Qt::AlignBottom | Qt::AlignLeft,
                                            Qt::AlignBottom | Qt::AlignRight};
  // Preference on ties: bottom left (where loss plots are usually empty), then top right.
  int best = 2;
  for (int i : {1, 3, 0}) {
    if (counts[i] < counts[best]) best = i;
  }
  p->axisRect()->insetLayout()->setInsetAlignment(0, kCorners[best]);
}

QString FitPlot::readoutText(double x, double y) const {
  QString text = tr("%1 = %2, loss %3").arg(xShort(x_variable_), formatX(x, x_variable_)).arg(y, 0, 'f', 3);
  // The nearest drawn point within a few pixels.
  const QCPAxis* ax = plot()->xAxis;
  const QCPAxis* ay = plot()->yAxis;
  const double px = ax->coordToPixel(x), py = ay->coordToPixel(y);
  double best = kReadoutRadiusPx * kReadoutRadiusPx;
  const Group* best_group = nullptr;
  size_t best_index = 0;
  for (const Group& g : groups_) {
    for (size_t i = 0; i < g.points.size(); ++i) {
      const double dx = ax->coordToPixel(xOf(g.points[i], x_variable_)) - px;
      const double dy = ay->coordToPixel(g.points[i].loss) - py;
      if (dx * dx + dy * dy < best) {
        best = dx * dx + dy * dy;
        best_group = &g;
        best_index = i;
      }
    }
  }
  if (best_group) {
    const FitPoint& pt = best_group->points[best_index];
    text += tr("\n%1: N %2, D %3, C %4, loss %5")
                .arg(qs(pt.run), text::count(pt.params), text::count(pt.tokens),
                     text::scientific(xOf(pt, XVariable::Flops)))
                .arg(pt.loss, 0, 'f', 4);
    if (best_index < best_group->residuals.size() && std::isfinite(best_group->residuals[best_index])) {
      const double r = best_group->residuals[best_index];
      text += tr("\nfit %1, residual %2%")
                  .arg(pt.loss / std::exp(r), 0, 'f', 4)
                  .arg(100.0 * (std::exp(r) - 1.0), 0, 'f', 2);
    }
  }
  return text;
}

}  // namespace scaleplan
