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
constexpr int kCurveSamples = 90;  // samples along each drawn curve (log-spaced)
// Size groups draw one curve per distinct size in them (sizes within 2% count as one, the fit's
// size_group_tolerance), so that every point lies on a curve of its colour, up to this many
// curves; beyond it, one curve per group at the group's geometric mean.
constexpr std::size_t kMaxDistinctCurves = 40;
constexpr double kSameSizeTolerance = 0.02;

// The distinct sizes among `values` (sorted; a value within kSameSizeTolerance of the first of
// a run joins it), each as its run's geometric mean.
std::vector<double> distinctSizes(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  std::vector<double> out;
  std::vector<double> run;
  for (double v : values) {
    if (!run.empty() && v > run.front() * (1.0 + kSameSizeTolerance)) {
      out.push_back(geometricMean(run));
      run.clear();
    }
    run.push_back(v);
  }
  if (!run.empty()) out.push_back(geometricMean(run));
  return out;
}
constexpr double kReadoutRadiusPx = 14.0;


double otherSize(const FitPoint& p, FitPlot::XVariable x) {
  return x == FitPlot::XVariable::Params ? p.tokens : p.params;
}

// (N, D) of a point on a curve at axis value x for a group whose colour variable is v.
std::pair<double, double> sizesAt(double x, double v, FitPlot::XVariable var) {
  switch (var) {
    case FitPlot::XVariable::Params: return {x, v};
    case FitPlot::XVariable::Tokens: return {v, x};
    case FitPlot::XVariable::Flops: return {v, x / (6.0 * v)};
  }
  return {x, v};
}

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

// Colours of an ordered variable: blue (small) through teal, green and orange to red (large),
// lighter on a dark background.
QColor sequentialColor(double t, bool dark) {
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
  const bool single_curve = law && law->kind() == LawKind::PowerLaw &&
                            ((xv == XVariable::Params && fit->summary.law == FitLaw::PowerParams) ||
                             (xv == XVariable::Tokens && fit->summary.law == FitLaw::PowerTokens) ||
                             (xv == XVariable::Flops && fit->summary.law == FitLaw::PowerFlops));
  const bool has_samples = law && law->uncertainty() && !law->uncertainty()->samples.empty();
  if (law) {
    const double c_lo = std::log(x_lo / 1.6), c_hi = std::log(x_hi * 1.6);
    // Size groups draw the law at each of their distinct sizes (see kMaxDistinctCurves), else at
    // their representative value; the run view draws one curve at the mean size (one curve per
    // run would be unreadable), in a neutral colour. `banded` marks the curve of each group that
    // carries the bootstrap band (one per group keeps the plot readable).
    std::vector<std::pair<double, QColor>> at;
    std::vector<bool> banded;
    std::vector<int> group_of;
    bool per_size = false;
    if (colour_by_ == ColourBy::Size) {
      std::vector<std::vector<double>> sizes;
      std::size_t total = 0;
      for (const Group& g : groups_) {
        std::vector<double> v;
        for (const FitPoint& pt : g.points) v.push_back(otherSize(pt, xv));
        sizes.push_back(distinctSizes(v));
        total += sizes.back().size();
      }
      per_size = total <= kMaxDistinctCurves;
      for (std::size_t i = 0; i < groups_.size(); ++i) {
        if (!per_size) {
          at.emplace_back(groups_[i].representative, groups_[i].color);
          banded.push_back(true);
          group_of.push_back(static_cast<int>(i));
          continue;
        }
        // The band goes on the size nearest the group's representative.
        std::size_t nearest = 0;
        for (std::size_t k = 0; k < sizes[i].size(); ++k) {
          if (std::fabs(std::log(sizes[i][k] / groups_[i].representative)) <
              std::fabs(std::log(sizes[i][nearest] / groups_[i].representative))) {
            nearest = k;
          }
        }
        for (std::size_t k = 0; k < sizes[i].size(); ++k) {
          at.emplace_back(sizes[i][k], groups_[i].color);
          banded.push_back(k == nearest);
          group_of.push_back(static_cast<int>(i));
        }
      }
    } else {
      std::vector<double> v;
      for (const FitPoint& pt : points) v.push_back(otherSize(pt, xv));
      QColor neutral = theme().foreground;
      neutral.setAlpha(150);
      at.emplace_back(geometricMean(v), neutral);
      banded.push_back(true);
      group_of.push_back(-1);
    }
    if (single_curve) at.resize(1), banded.resize(1), group_of.resize(1);
    // Against compute, the run view draws the law along its compute-optimal allocation (the
    // frontier the runs approach), when the law can allocate.
    const bool frontier = colour_by_ == ColourBy::Run && xv == XVariable::Flops && !single_curve &&
                          law->computeOptimal(Flops{std::exp(c_lo)}).isOk();
    bool first = true, first_band = true;
    for (std::size_t index = 0; index < at.size(); ++index) {
      const auto& [v, color] = at[index];
      Curve curve;
      curve.other_size = frontier ? 0.0 : v;
      curve.group = group_of[index];
      for (int i = 0; i < kCurveSamples; ++i) {
        const double x = std::exp(c_lo + (c_hi - c_lo) * i / (kCurveSamples - 1));
        auto [n, d] = sizesAt(x, v, xv);
        if (frontier) {
          const auto allocation = law->computeOptimal(Flops{x});
          if (!allocation) continue;
          n = allocation->params;
          d = allocation->tokens;
        }
        const auto l = law->loss(n, d);
        if (!l || !std::isfinite(*l)) continue;
        curve.x.push_back(x);
        curve.loss.push_back(*l);
        if (has_samples && show_band_ && banded[index]) {
          if (auto band = law->lossInterval(n, d)) {
            curve.low.push_back(band->low);
            curve.high.push_back(band->high);
          } else {
            curve.low.push_back(*l);
            curve.high.push_back(*l);
          }
        }
      }
      if (curve.x.empty()) continue;
      const QVector<double> qx(curve.x.begin(), curve.x.end());
      if (!curve.low.empty()) {
        QColor band = color;
        band.setAlpha(theme().is_dark ? 55 : 45);
        QCPGraph* high = addGraph(QString(), band, Qt::SolidLine, 0.5);
        high->setData(qx, QVector<double>(curve.high.begin(), curve.high.end()), true);
        QCPGraph* low =
            addGraph(first_band ? tr("95% band (bootstrap)") : QString(), band, Qt::SolidLine, 0.5);
        low->setData(qx, QVector<double>(curve.low.begin(), curve.low.end()), true);
        low->setBrush(QBrush(band));
        low->setChannelFillGraph(high);
        first_band = false;
      }
      const QString curve_name =
          !first         ? QString()
          : single_curve ? tr("fitted law")
          : frontier     ? tr("fitted law, compute-optimal N and D")
          : colour_by_ == ColourBy::Size
              ? (per_size ? tr("fitted law at each point's %1").arg(xv == XVariable::Params ? "D" : "N")
                          : tr("fitted law at each group's %1").arg(xv == XVariable::Params ? "D" : "N"))
              : tr("fitted law at the mean %1").arg(xv == XVariable::Params ? "D" : "N");
      addGraph(curve_name, color, Qt::SolidLine, 1.8)
          ->setData(qx, QVector<double>(curve.loss.begin(), curve.loss.end()), true);
      first = false;
      curves_.push_back(std::move(curve));
    }
  }

  // IsoFLOP parabolas and optima (against N only).
  if (fit && fit->summary.isoflop && xv == XVariable::Params) {
    bool first = true;
    QVector<double> opt_n, opt_l;
    const auto& budgets = fit->summary.isoflop->budgets;
    double c_min = std::numeric_limits<double>::infinity(), c_max = -c_min;
    for (const IsoFlopBudget& budget : budgets) {
      if (!budget.used) continue;
      c_min = std::min(c_min, std::log(budget.flops));
      c_max = std::max(c_max, std::log(budget.flops));
    }
    const double c_span = c_max - c_min;
    for (size_t b = 0; b < budgets.size(); ++b) {
      const IsoFlopBudget& budget = budgets[b];
      if (!budget.used) continue;
      // The N range of the points at this budget (within ±0.1 decade of its C).
      double n_lo = budget.n_opt / 3.0, n_hi = budget.n_opt * 3.0;
      bool any = false;
      for (const FitPoint& pt : fit->points) {
        if (std::fabs(std::log10(xOf(pt, XVariable::Flops) / budget.flops)) > 0.1) continue;
        n_lo = any ? std::min(n_lo, pt.params) : pt.params;
        n_hi = any ? std::max(n_hi, pt.params) : pt.params;
        any = true;
      }
      QVector<double> qx, qy;
      for (int i = 0; i < 40; ++i) {
        const double ln_n = std::log(n_lo) + (std::log(n_hi) - std::log(n_lo)) * i / 39.0;
        qx << std::exp(ln_n);
        qy << budget.c0 + budget.c1 * ln_n + budget.c2 * ln_n * ln_n;
      }
      // Coloured by budget on the same blue-to-red scale as the size groups (small to large C).
      const double t = c_span > 0 ? (std::log(budget.flops) - c_min) / c_span : 0.0;
      addGraph(first ? tr("IsoFLOP parabola per budget (blue: smallest C, red: largest)") : QString(),
               sequentialColor(t, theme().is_dark), Qt::DashLine, 1.4)
          ->setData(qx, qy, true);
      opt_n << budget.n_opt;
      opt_l << budget.loss_at_opt;
      first = false;
    }
    if (!opt_n.isEmpty()) {
      addScatter(tr("optimum per budget"), theme().plan, QCPScatterStyle::ssDiamond, 10.0)
          ->setData(opt_n, opt_l);
    }
  }

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
