#pragma once
// Exports a QCustomPlot by file suffix: .png (raster, at `scale` × the widget's pixels), .svg
// (vector, through QSvgGenerator) or .pdf (vector). Used by File → Export plot for any plot in the
// window, including panels other parts of the application add.

#include <QString>

class QCustomPlot;

namespace scaleplan {

// width/height 0 = the plot's current size. Returns false with *error set ("cannot write
// /x/y.svg", "unsupported format 'bmp': use .png, .svg or .pdf").
bool exportPlot(QCustomPlot* plot, const QString& path, QString* error = nullptr, int width = 0, int height = 0,
                double scale = 1.0);

}  // namespace scaleplan
