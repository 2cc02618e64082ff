// scaleplan-cli's dynamic linkage: the CUDA libraries are needed only by the CUDA backend module
// (libscaleplan_gpubench_cuda.so, loaded when the CUDA backend is probed or used), never by the
// executable itself, so that it starts without mapping ~500 MB of cuBLASLt and runs on machines
// without the CUDA libraries. Read with `readelf -d` (binutils).
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStringList>

#include "gpubench/benchmark.hpp"
#include "test_support.hpp"

#include "cli_runner.hpp"

namespace {

// The NEEDED entries of an ELF file ("libc.so.6", ...), or a failure message in `error`.
QStringList neededLibraries(const QString& readelf, const QString& file, QString* error) {
  QProcess p;
  p.start(readelf, {"-d", file});
  if (!p.waitForFinished(60000) || p.exitCode() != 0) {
    *error = "readelf -d " + file + " failed: " + QString::fromLocal8Bit(p.readAllStandardError());
    return {};
  }
  // Lines such as " 0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]".
  QStringList needed;
  for (const QByteArray& line : p.readAllStandardOutput().split('\n')) {
    if (!line.contains("(NEEDED)")) continue;
    const int open = line.indexOf('['), close = line.lastIndexOf(']');
    if (open >= 0 && close > open) needed << QString::fromLatin1(line.mid(open + 1, close - open - 1));
  }
  return needed;
}

bool namesCuda(const QStringList& libs) {
  for (const QString& l : libs) {
    if (l.startsWith("libcudart") || l.startsWith("libcublas") || l.startsWith("libcuda.")) return true;
  }
  return false;
}

}  // namespace

class TestCliLinkage : public QObject {
  Q_OBJECT
 private slots:
  void cliDoesNotNeedTheCudaLibraries() {
    const QString readelf = QStandardPaths::findExecutable("readelf");
    if (readelf.isEmpty()) QSKIP("readelf (binutils) is not installed");
    QString error;
    const QStringList needed = neededLibraries(readelf, SCALEPLAN_CLI_PATH, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // It was read: every dynamically linked C++ program needs the C library.
    QVERIFY2(needed.contains("libc.so.6"), qPrintable(needed.join(", ")));
    QVERIFY2(!namesCuda(needed), qPrintable("scaleplan-cli needs " + needed.join(", ")));
  }

  // The counterpart: where this build has the CUDA backend, the module exists where the
  // installed layout puts it relative to the executable and is what needs cuBLASLt (so the check
  // above would see a CUDA library if one were linked).
  void moduleNeedsCublasLt() {
    if (!scaleplan::cudaBackendCompiled()) QSKIP("this build has no CUDA backend module");
    const QString readelf = QStandardPaths::findExecutable("readelf");
    if (readelf.isEmpty()) QSKIP("readelf (binutils) is not installed");
    const QString module =
        QFileInfo(QString(SCALEPLAN_CLI_PATH)).absolutePath() + "/../lib/scaleplan/libscaleplan_gpubench_cuda.so";
    QVERIFY2(QFileInfo::exists(module), qPrintable(module));
    QString error;
    const QStringList needed = neededLibraries(readelf, module, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(!needed.filter(QRegularExpression("^libcublasLt\\.so")).isEmpty(), qPrintable(needed.join(", ")));
  }

  // Starting does not touch CUDA: --version works even when the module cannot be loaded.
  void startsWithoutTheModule() {
    qputenv("SCALEPLAN_CUDA_MODULE", "/nonexistent.so");
    const scaleplan::test::CliRun r = scaleplan::test::cli({"--version"});
    qunsetenv("SCALEPLAN_CUDA_MODULE");
    QVERIFY2(r.exit_code == 0, r.err.constData());
    QVERIFY(r.out.contains("scaleplan"));
  }
};

QTEST_APPLESS_MAIN(TestCliLinkage)
#include "test_cli_linkage.moc"
