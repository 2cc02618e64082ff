#pragma once
// Plot 4, the fit view: the imported runs against the fitted law.
//
// Top: loss against N (or D, or C; log axis) for the points a fit uses, coloured by the other
// size variable (D when the x axis is N, else N) in a few log-spaced groups, or grouped by run;
// the points left out by "drop the K highest losses" as hollow markers. The fitted law is drawn
// at each group's representative value (geometric mean) in the group's colour, with the 95%
// band from the bootstrap samples (2.5/97.5 percentiles of the resampled laws along the curve,
// ScalingLaw::lossInterval) as a filled band. An IsoFLOP analysis draws each budget's parabola
// and its optimum instead.
// Bottom: residuals ln(L_observed / L_fitted) of the same points against the same x axis.
//
// Data come from the ImportFitPanel (its current points and its last fit); the plot redraws when
// either changes, and follows the application palette like the other plots.

#include <QColor>
#include <QString>
#include <vector>

#include "importers/run_data.hpp"
#include "plots/plot_view.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QCPAxisRect;

namespace scaleplan {

class ImportFitPanel;
class ScalingLaw;
struct FitRecord;

class FitPlot : public PlotView {
  Q_OBJECT

 public:
  enum class XVariable { Params, Tokens, Flops };
  enum class ColourBy { Size, Run };

  // A group of points drawn in one colour, as last drawn (for the read-out and tests).
  struct Group {
    QString name;
    QColor color;
    std::vector<FitPoint> points;
    double representative = 0.0;    // geometric mean of the colour variable (Size grouping)
    std::vector<double> residuals;  // ln(L_obs / L_fit) per point (empty without a law)
  };
  // One drawn curve of the law (and its band, when there are bootstrap samples).
  struct Curve {
    double other_size = 0.0;  // the D (x = N) or N (x = D or C) the curve is drawn at; 0 on the frontier
    int group = -1;           // index into groups() whose colour it has (-1: the run view's one curve)
    std::vector<double> x, loss, low, high;
  };

  FitPlot(Session* session, ImportFitPanel* panel, QWidget* parent = nullptr);

  QString stem() const override { return QStringLiteral("fit"); }
  QString readoutText(double x, double y) const override;

  void setXVariable(XVariable v);
  XVariable xVariable() const { return x_variable_; }
  void setColourBy(ColourBy c);
  void setShowBand(bool show);

  QCPAxisRect* residualRect() const { return residual_rect_; }
  const std::vector<Group>& groups() const { return groups_; }
  const std::vector<Curve>& curves() const { return curves_; }
  const std::vector<FitPoint>& droppedPoints() const { return dropped_; }

  // x of a point on the chosen axis: N, D or C (C = 6·N·D when the point has no C).
  static double xOf(const FitPoint& p, XVariable v);

 protected:
  void rebuild() override;

 private:
  void onFitChanged();
  void placeLegend();
  QColor groupColor(size_t index, size_t count) const;
  // fit_plot_curves.cpp: the law's curves over the data's x range [x_lo, x_hi] (widened), one per
  // group size (or group, or one for the run view), with the bootstrap band; and an IsoFLOP
  // analysis's parabola per budget and its optima (x axis N only). Both below the points.
  void drawLawCurves(const ScalingLaw& law, const FitRecord& fit, const std::vector<FitPoint>& points, double x_lo,
                     double x_hi);
  void drawIsoFlopParabolas(const FitRecord& fit);
  // The colour variable of a point: D when the x axis is N, else N.
  static double otherSize(const FitPoint& p, XVariable x);
  // Colours of an ordered variable, t in [0, 1]: blue (small) to red (large).
  static QColor sequentialColor(double t, bool dark);

  ImportFitPanel* panel_;
  QCPAxisRect* residual_rect_ = nullptr;
  QComboBox* x_combo_ = nullptr;
  QComboBox* colour_combo_ = nullptr;
  QCheckBox* band_check_ = nullptr;
  QLabel* info_label_ = nullptr;
  XVariable x_variable_ = XVariable::Params;
  ColourBy colour_by_ = ColourBy::Size;
  bool show_band_ = true;
  std::vector<Group> groups_;
  std::vector<Curve> curves_;
  std::vector<FitPoint> dropped_;
};

}  // namespace scaleplan
