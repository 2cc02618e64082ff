// Where the shipped data is found: $SCALEPLAN_DATA_DIR, then the installed layout next to the
// executable (<prefix>/bin/EXE -> <prefix>/share/scaleplan), then the source tree.
#include <QTemporaryDir>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "base/file_io.hpp"
#include "test_support.hpp"

using namespace scaleplan;
namespace fs = std::filesystem;

namespace {

// <root>/bin and <root>/share/scaleplan with an (empty) hardware.json when `with_data`.
fs::path makePrefix(const QTemporaryDir& dir, bool with_data) {
  const fs::path root = dir.path().toStdString();
  fs::create_directories(root / "bin");
  if (with_data) {
    fs::create_directories(root / "share" / "scaleplan");
    std::ofstream(root / "share" / "scaleplan" / "hardware.json") << "{}";
  }
  return root;
}

}  // namespace

class TestDataDirectory : public QObject {
  Q_OBJECT
 private slots:
  void installedLayoutIsFoundFromTheExecutable() {
    QTemporaryDir dir;
    const fs::path root = makePrefix(dir, true);
    QCOMPARE(QString::fromStdString(installedDataDirectory(root / "bin" / "scaleplan-cli").string()),
             QString::fromStdString((root / "share" / "scaleplan").string()));
  }

  void prefixWithoutDataIsNotTaken() {
    QTemporaryDir dir;
    const fs::path root = makePrefix(dir, false);
    QVERIFY(installedDataDirectory(root / "bin" / "scaleplan-cli").empty());
    // A folder named hardware.json is not the catalog.
    fs::create_directories(root / "share" / "scaleplan" / "hardware.json");
    QVERIFY(installedDataDirectory(root / "bin" / "scaleplan-cli").empty());
  }

  void environmentWinsAndTheBuildTreeFallsBackToTheSource() {
    // This test executable lives in the build tree, with no share/scaleplan beside it, so without
    // the variable the lookup reaches the source tree's data/ (which has the shipped catalog).
    const char* saved = std::getenv("SCALEPLAN_DATA_DIR");
    const std::string saved_value = saved ? saved : "";
    ::setenv("SCALEPLAN_DATA_DIR", "/nonexistent/scaleplan-data", 1);
    QCOMPARE(QString::fromStdString(dataDirectory().string()), QString("/nonexistent/scaleplan-data"));
    ::unsetenv("SCALEPLAN_DATA_DIR");
    const fs::path fallback = dataDirectory();
    if (saved) ::setenv("SCALEPLAN_DATA_DIR", saved_value.c_str(), 1);
    QVERIFY2(fs::equivalent(fallback, fs::path(SCALEPLAN_SHIPPED_DATA_DIR)), fallback.string().c_str());
  }
};

QTEST_APPLESS_MAIN(TestDataDirectory)
#include "test_data_directory.moc"
