// scaleplan-render-icon SVG SIZE PNG: renders the application icon at SIZE x SIZE pixels, for the
// hicolor icon theme's fixed-size folders (cmake/ScaleplanPackaging.cmake runs it at build time,
// so that the PNGs always match scaleplan.svg). Qt's own SVG renderer is used because the GUI
// already links it; a build step needs no other tool (rsvg-convert, Inkscape).
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: scaleplan-render-icon SVG SIZE PNG\n");
    return 2;
  }
  bool ok = false;
  const int size = QByteArray(argv[2]).toInt(&ok);
  if (!ok || size < 1 || size > 4096) {
    std::fprintf(stderr, "scaleplan-render-icon: SIZE '%s' is not a pixel count in [1, 4096]\n", argv[2]);
    return 2;
  }
  QSvgRenderer renderer{QString::fromLocal8Bit(argv[1])};
  if (!renderer.isValid()) {
    std::fprintf(stderr, "scaleplan-render-icon: %s: not a readable SVG file\n", argv[1]);
    return 1;
  }
  QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::transparent);
  QPainter painter(&image);
  painter.setRenderHint(QPainter::Antialiasing);
  renderer.render(&painter);
  painter.end();
  if (!image.save(QString::fromLocal8Bit(argv[3]), "PNG")) {
    std::fprintf(stderr, "scaleplan-render-icon: %s: cannot write the PNG\n", argv[3]);
    return 1;
  }
  return 0;
}
