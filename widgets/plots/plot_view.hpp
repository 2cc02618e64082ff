#pragma once
// Base of the built-in plots: a QCustomPlot that redraws from the Session, with a crosshair and
// a read-out of the values under the mouse, the theme of the application palette, and coalesced
// refreshes (many session changes in one event-loop turn give one rebuild and one replot; hidden
// plots only mark themselves stale and rebuild when shown).

#include <QPointer>
#include <QString>
#include <QWidget>
#include <vector>

#include "laws/scaling_law.hpp"
#include "plots/plot_style.hpp"

class QCustomPlot;
class QCPItemStraightLine;
class QCPItemText;
class QCPAbstractItem;

namespace scaleplan {

class Session;

class PlotView : public QWidget {
  Q_OBJECT

 public:
  PlotView(Session* session, const QString& title, QWidget* parent = nullptr);
  ~PlotView() override;

  QCustomPlot* plot() const { return plot_; }
  const QString& title() const { return title_; }
  // File-name stem for exports and screenshots: "frontier", "isoflop", ...
  virtual QString stem() const = 0;
  const PlotTheme& theme() const { return theme_; }

  // Rebuilds the series from the session and replots at once (rpImmediateRefresh): used by the
  // benchmark, the tests and exports.
  void refreshNow();
  // Marks the plot stale and schedules one rebuild + queued replot on the event loop.
  void scheduleRefresh();
  bool isStale() const { return stale_; }
  // Rebuilds counted since construction (tests check that refreshes coalesce).
  int rebuildCount() const { return rebuild_count_; }

  // The text of the read-out for plot coordinates (x, y); public for tests.
  virtual QString readoutText(double x, double y) const = 0;
  // Moves the crosshair to plot coordinates (x, y) and shows the read-out (as the mouse does).
  void showCrosshairAt(double x, double y);
  void hideCrosshair();
  QString currentReadout() const;

 signals:
  void refreshed();

 protected:
  // Clears the previous content (plottables and items added by the subclass; the crosshair
  // stays) and fills the plot from the session.
  virtual void rebuild() = 0;

  // Helpers for subclasses.
  Session* session() const { return session_; }
  QCPGraph* addGraph(const QString& name, const QColor& color, Qt::PenStyle style = Qt::SolidLine,
                     double width = 2.0);
  QCPGraph* addScatter(const QString& name, const QColor& color, QCPScatterStyle::ScatterShape shape,
                       double size, bool filled = true);
  // A text item in plot coordinates, removed at the next rebuild.
  QCPItemText* addLabel(const QString& text, double x, double y, Qt::Alignment alignment, const QColor& color,
                        int point_size_delta = -1);
  // Registers an item created by the subclass so that the next rebuild removes it.
  void trackItem(QCPAbstractItem* item) { items_.push_back(item); }
  // A 95% band: the area between `low` and `high` over `x`, filled in `color` (made translucent),
  // with one legend entry `name`.
  void addBand(const QString& name, const QColor& color, const QVector<double>& x, const QVector<double>& low,
               const QVector<double>& high);
  // Shades the x range outside `fitted` (extrapolation beyond a law's data) over the full height,
  // with a note where the fitted range ends (its top at `note_y`, a fraction of the axis rect's
  // height from the top, clear of the legend); returns the shaded x ranges.
  std::vector<Interval> shadeExtrapolation(const Interval& fitted, double note_y = 0.02);
  // A "current plan" marker graph (star) with its legend entry.
  QCPGraph* addPlanMarker(double x, double y, const QString& legend = tr("current plan"));
  // Where the read-out box sits in the axis rect (default top left), away from the legend.
  void setReadoutCorner(Qt::Alignment corner);
  // Sets a log range covering [lo, hi] rounded outwards to whole decades.
  static void setDecadeRange(QCPAxis* axis, double lo, double hi);

  void changeEvent(QEvent* event) override;
  void showEvent(QShowEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void doScheduledRefresh();
  void clearContent();
  void onMouseMove(QMouseEvent* event);
  void updateTheme();

  Session* session_;
  QString title_;
  QCustomPlot* plot_;
  PlotTheme theme_;
  QCPItemStraightLine* v_line_ = nullptr;
  QCPItemStraightLine* h_line_ = nullptr;
  QCPItemText* readout_ = nullptr;
  std::vector<QCPAbstractItem*> items_;
  bool stale_ = true;
  bool pending_ = false;
  int rebuild_count_ = 0;
};

}  // namespace scaleplan
