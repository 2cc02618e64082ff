// scaleplan-cli systems as a user runs it: the table, one system in full with its sources, the
// JSON against data/hardware.json read independently, and an unknown id.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <algorithm>

#include "cli_runner.hpp"
#include "test_support.hpp"

using Run = scaleplan::test::CliRun;
using scaleplan::test::cli;
using scaleplan::test::jsonOf;

namespace {

// The "systems" array of the shipped data/hardware.json, by id, read with Qt's JSON parser.
QJsonObject shippedSystemsById() {
  QFile f(QStringLiteral(SCALEPLAN_SHIPPED_DATA_DIR "/hardware.json"));
  if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read the shipped hardware.json");
  QJsonObject byId;
  for (const auto& v : QJsonDocument::fromJson(f.readAll()).object()["systems"].toArray())
    byId[v.toObject()["id"].toString()] = v.toObject();
  return byId;
}

}  // namespace

class TestCliSystems : public QObject {
  Q_OBJECT
 private slots:
  void tableListsEverySystem() {
    Run r = cli({"systems"});
    QCOMPARE(r.exit_code, 0);
    for (const char* needle : {"NVLink GB/s", "network Gb/s", "GPUs/node", "dgx-a100", "hgx-h100", "hgx-h200",
                               "dgx-b200", "gb200-nvl72", "dgx-b300", "gb300-nvl72", "mi300x-platform"}) {
      QVERIFY2(r.out.contains(needle), needle);
    }
    // GB300 NVL72: 4 GPUs per tray, a 72-GPU domain, 900 GB/s NVLink, one 800 Gb/s NIC per GPU.
    const QList<QByteArray> lines = r.out.split('\n');
    const auto row = std::find_if(lines.begin(), lines.end(),
                                  [](const QByteArray& l) { return l.startsWith("gb300-nvl72 "); });
    QVERIFY(row != lines.end());
    QCOMPARE(row->simplified(), QByteArray("gb300-nvl72 gb300 4 72 900 0.8 5 800 0.9 10"));
  }

  void oneSystemInFullWithItsSources() {
    Run r = cli({"systems", "gb200-nvl72"});
    QCOMPARE(r.exit_code, 0);
    for (const char* needle :
         {"NVLink domain:  72 GPUs", "900 GB/s per GPU per direction", "400 Gb/s per GPU",
          "NVLink source:", "network source:", "Assumption: 400 Gb/s per GPU"}) {
      QVERIFY2(r.out.contains(needle), qPrintable(QString::fromUtf8(r.out)));
    }
  }

  // Every value as data/hardware.json gives it, in its keys and units.
  void jsonIsTheCatalogsValues() {
    Run r = cli({"systems", "--json"});
    QCOMPARE(r.exit_code, 0);
    const QJsonArray listed = jsonOf(r)["systems"].toArray();
    const QJsonObject shipped = shippedSystemsById();
    QCOMPARE(listed.size(), shipped.size());
    QCOMPARE(listed.size(), 8);
    for (const auto& v : listed) {
      const QJsonObject o = v.toObject();
      const QJsonObject file = shipped[o["id"].toString()].toObject();
      QVERIFY2(!file.isEmpty(), qPrintable(o["id"].toString()));
      for (const char* key : {"name", "accelerator", "gpus_per_node", "nvlink_domain_gpus", "source"})
        QCOMPARE(o[key], file[key]);
      for (const char* fabric : {"nvlink", "network"}) {
        const QJsonObject mine = o[fabric].toObject(), theirs = file[fabric].toObject();
        for (const char* key :
             {"gb_per_s_per_gpu", "gbit_per_s_per_gpu", "collective_efficiency", "latency_us"}) {
          if (!theirs.contains(key)) continue;
          SP_COMPARE_REL(mine[key].toDouble(), theirs[key].toDouble(), 1e-12);
        }
        QVERIFY(mine["source"].toString().startsWith(theirs["source"].toString()));
      }
    }
  }

  void unknownIdListsTheKnownOnes() {
    Run r = cli({"systems", "dgx-z"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.contains("unknown system 'dgx-z'; known: dgx-a100, hgx-h100"), r.err.constData());
  }
};

QTEST_GUILESS_MAIN(TestCliSystems)
#include "test_cli_systems.moc"
