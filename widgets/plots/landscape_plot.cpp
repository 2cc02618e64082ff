#include "plots/landscape_plot.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "session/session.hpp"
#include "controls/text_format.hpp"

namespace scaleplan {

namespace {

// Perceptually ordered colours (dark blue -> teal -> yellow), readable in both themes; low loss
// is bright so the valley of good models stands out.
QCPColorGradient lossGradient() {
  QCPColorGradient g;
  g.clearColorStops();
  g.setColorStopAt(0.00, QColor(253, 231, 37));
  g.setColorStopAt(0.25, QColor(94, 201, 98));
  g.setColorStopAt(0.50, QColor(33, 145, 140));
  g.setColorStopAt(0.75, QColor(59, 82, 139));
  g.setColorStopAt(1.00, QColor(68, 1, 84));
  g.setColorInterpolation(QCPColorGradient::ciRGB);
  return g;
}

}  // namespace

LandscapePlot::LandscapePlot(Session* session, QWidget* parent)
    : PlotView(session, tr("Loss landscape"), parent) {
  setExponentAxis(plot()->xAxis, TickStyle::Count);
  setExponentAxis(plot()->yAxis, TickStyle::Count);
  plot()->xAxis->setLabel(tr("parameters N"));
  plot()->yAxis->setLabel(tr("training tokens D"));
  scale_ = new QCPColorScale(plot());
  plot()->plotLayout()->addElement(0, 1, scale_);
  scale_->setType(QCPAxis::atRight);
  scale_->axis()->setLabel(tr("predicted loss (nats/token)"));
  scale_->setGradient(lossGradient());
  scale_->setBarWidth(14);
  // Align the colour scale with the axis rect vertically.
  auto* group = new QCPMarginGroup(plot());
  plot()->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
  scale_->setMarginGroup(QCP::msBottom | QCP::msTop, group);
  // Bottom right: away from the labels of the iso-compute lines (top left) and the plan.
  plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
  applyTheme(plot(), theme());
  styleLegend();
}

void LandscapePlot::styleLegend() {
  // Over a colour map the legend is dark and translucent in either theme, so that the light
  // iso-compute lines show in it.
  plot()->legend->setBrush(QBrush(QColor(25, 25, 30, 190)));
  plot()->legend->setBorderPen(Qt::NoPen);
  plot()->legend->setTextColor(QColor(240, 240, 240));
}

void LandscapePlot::rebuild() {
  map_ = nullptr;
  const auto& result = session()->currentResult();
  const ScalingLaw& law = session()->currentRequest().law;
  double n = 0.0, d = 0.0;
  if (result) {
    n = result->params;
    d = result->tokens;
  } else if (auto e = session()->budgetEquivalents()) {
    if (auto a = law.computeOptimal(Flops{e->flops})) {
      n = a->params;
      d = a->tokens;
    }
  }
  if (!(n > 0.0 && d > 0.0)) return;
  LandscapeOptions range = landscapeAround(n, d, 2.5);
  range.params_cells = 110;
  range.tokens_cells = 110;
  // The grid depends only on the law and the plan's (N, D): an MFU or price change reuses it.
  std::ostringstream key;
  key.precision(17);
  key << law.id() << '|' << static_cast<int>(law.kind()) << '|' << n << '|' << d;
  for (double v : law.parameterValues()) key << '|' << v;
  if (key.str() != cache_key_) {
    auto landscape = lossLandscape(law, range);
    if (!landscape) {
      cache_key_.clear();
      return;
    }
    landscape_ = std::move(landscape).value();
    // Colour range from the minimum to the 90th percentile: the far corner of tiny models on few
    // tokens has losses so high that a full range would wash out the valley.
    std::vector<double> finite;
    finite.reserve(landscape_.loss.size());
    for (double v : landscape_.loss) {
      if (std::isfinite(v)) finite.push_back(v);
    }
    color_top_ = landscape_.loss_max;
    if (!finite.empty()) {
      auto at = finite.begin() + static_cast<std::ptrdiff_t>(0.9 * static_cast<double>(finite.size() - 1));
      std::nth_element(finite.begin(), at, finite.end());
      color_top_ = *at;
    }
    cache_key_ = key.str();
  }

  map_ = new QCPColorMap(plot()->xAxis, plot()->yAxis);
  map_->setName(tr("loss"));
  map_->removeFromLegend();
  map_->setColorScale(scale_);
  map_->setGradient(lossGradient());
  map_->setInterpolate(true);
  map_->setTightBoundary(true);
  const int nx = static_cast<int>(landscape_.params.size()), ny = static_cast<int>(landscape_.tokens.size());
  map_->data()->setSize(nx, ny);
  map_->data()->setRange(QCPRange(std::log10(range.params_min), std::log10(range.params_max)),
                         QCPRange(std::log10(range.tokens_min), std::log10(range.tokens_max)));
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) map_->data()->setCell(i, j, landscape_.at(i, j));
  }
  map_->setDataRange(QCPRange(landscape_.loss_min, std::max(color_top_, landscape_.loss_min + 1e-6)));

  // Iso-compute lines a decade apart around the plan's compute.
  const double c_plan = 6.0 * n * d;
  const QColor iso_color(255, 255, 255, 170);
  bool first = true;
  for (double c : budgetsAround(c_plan, 6, 6)) {
    IsoComputeLine line = isoComputeLine(Flops{c}, range, 32);
    if (line.params.size() < 2) continue;
    QVector<double> x, y;
    for (size_t k = 0; k < line.params.size(); ++k) {
      x << std::log10(line.params[k]);
      y << std::log10(line.tokens[k]);
    }
    QCPCurve* curve = new QCPCurve(plot()->xAxis, plot()->yAxis);
    curve->setData(x, y);
    curve->setPen(QPen(iso_color, std::abs(c - c_plan) < 1e-6 * c_plan ? 2.0 : 1.2, Qt::DashLine));
    curve->setName(tr("iso-compute C = 6ND, a decade apart"));
    if (!first) curve->removeFromLegend();
    first = false;
    // Label near the top-left end of the line, inside the box.
    const size_t at = line.params.size() / 6;
    QCPItemText* label = addLabel(tr("%1 FLOPs").arg(tickLabel(c, TickStyle::Scientific)), x[static_cast<int>(at)],
                                  y[static_cast<int>(at)], Qt::AlignLeft | Qt::AlignBottom, QColor(255, 255, 255), -2);
    // A dark box keeps the white text readable over the bright (low-loss) corner too.
    label->setBrush(QBrush(QColor(20, 20, 25, 150)));
    label->setPadding(QMargins(3, 1, 3, 1));
  }

  if (auto path = optimalPath(law, range, 64); path && path->size() >= 2) {
    QVector<double> x, y;
    for (const auto& p : *path) {
      x << std::log10(p.params);
      y << std::log10(p.tokens);
    }
    QCPCurve* curve = new QCPCurve(plot()->xAxis, plot()->yAxis);
    curve->setData(x, y);
    curve->setPen(QPen(QColor(255, 80, 80), 2.5));
    curve->setName(tr("compute-optimal path — %1").arg(QString::fromStdString(law.displayName())));
  }
  styleLegend();
  addPlanMarker(std::log10(n), std::log10(d));
  // The plan marker on a colour map: white outline for contrast in either theme.
  if (QCPGraph* g = plot()->graph(plot()->graphCount() - 1)) {
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, QPen(QColor(255, 60, 60), 3.0), Qt::NoBrush, 18));
  }

  plot()->xAxis->setRange(std::log10(range.params_min), std::log10(range.params_max));
  plot()->yAxis->setRange(std::log10(range.tokens_min), std::log10(range.tokens_max));
  scale_->axis()->setTickLabelColor(theme().foreground);
}

QString LandscapePlot::readoutText(double x, double y) const {
  const double n = std::pow(10.0, x), d = std::pow(10.0, y);
  const ScalingLaw& law = session()->currentRequest().law;
  QString loss = tr("n/a");
  if (auto l = law.loss(n, d)) loss = text::number(*l, 4);
  return tr("N = %1, D = %2 (%3 tokens/param)\nC = 6ND = %4\nloss = %5 nats/token")
      .arg(text::count(n), text::count(d), text::number(d / n, 3), text::flops(6.0 * n * d), loss);
}

}  // namespace scaleplan
