#include "plots/plot_export.hpp"

#include <QFileInfo>
#include <QSvgGenerator>
#include <qcustomplot.h>

namespace scaleplan {

bool exportPlot(QCustomPlot* plot, const QString& path, QString* error, int width, int height, double scale) {
  auto fail = [&](const QString& m) {
    if (error) *error = m;
    return false;
  };
  if (!plot) return fail(QObject::tr("no plot to export"));
  const QString suffix = QFileInfo(path).suffix().toLower();
  const int w = width > 0 ? width : plot->width();
  const int h = height > 0 ? height : plot->height();
  bool ok = false;
  if (suffix == "png") {
    ok = plot->savePng(path, w, h, scale);
  } else if (suffix == "pdf") {
    ok = plot->savePdf(path, w, h);
  } else if (suffix == "svg") {
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(QSize(w, h));
    generator.setViewBox(QRect(0, 0, w, h));
    generator.setTitle(QObject::tr("ScalePlan plot"));
    QCPPainter painter;
    if (painter.begin(&generator)) {
      plot->toPainter(&painter, w, h);
      ok = painter.end();
    }
    ok = ok && QFileInfo(path).size() > 0;
  } else {
    return fail(QObject::tr("unsupported format '%1': use .png, .svg or .pdf").arg(suffix));
  }
  if (!ok) return fail(QObject::tr("cannot write %1").arg(path));
  return true;
}

}  // namespace scaleplan
