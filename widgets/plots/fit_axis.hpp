#pragma once
// A logarithmic axis ticker for data that span only one or two decades (a fit's model sizes, a
// benchmark's rates): below kDenseDecades it labels 1, 2 and 5 of every decade ("20M", "50M",
// "100M"), so that even a narrow range has several readable labels; wider ranges get the usual
// ticks at powers of ten with 8 unlabelled sub-ticks. Labels use tickLabel() of plot_style, so
// they read like every other plot's.

#include <qcustomplot.h>

#include <QSharedPointer>

#include "plots/plot_style.hpp"

namespace scaleplan {

class DenseLogTicker : public QCPAxisTickerLog {
 public:
  static constexpr double kDenseDecades = 2.5;

  explicit DenseLogTicker(TickStyle style);

 protected:
  QVector<double> createTickVector(double tick_step, const QCPRange& range) override;
  int getSubTickCount(double tick_step) override;
  QString getTickLabel(double tick, const QLocale& locale, QChar format_char, int precision) override;

 private:
  TickStyle style_;
  bool dense_ = false;  // the last tick vector was 1-2-5
};

// Makes `axis` logarithmic with a DenseLogTicker (and its sub-grid visible).
void setDenseLogAxis(QCPAxis* axis, TickStyle style);

}  // namespace scaleplan
