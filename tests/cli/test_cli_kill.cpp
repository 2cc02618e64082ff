// Saves interrupted with SIGKILL at random moments (seeded, a fixed number of them): every plan
// file left behind parses and reopens, and the next save into the folder leaves no temporary of
// the killed writers behind. The work is bounded by count, not by time.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <random>

#include "cli_runner.hpp"
#include "test_support.hpp"

using scaleplan::test::cli;

namespace {

constexpr int kKills = 60;     // interrupted saves
constexpr int kTargets = 3;    // plan files they write, round-robin
constexpr unsigned kSeed = 13;

QStringList saveArgs(const QString& path, int i) {
  // Budgets differ so that consecutive saves replace a file with different content.
  return {"plan", "--flops", QString::number(1e21 * (1 + i % 7)), "--gpus", "64", "--out", path};
}

int temporariesIn(const QDir& dir) {
  return static_cast<int>(dir.entryList({"*.scaleplan-tmp-*"}, QDir::Files | QDir::Hidden).size());
}

}  // namespace

class TestCliKill : public QObject {
  Q_OBJECT
 private slots:
  void killedSavesLeaveWholeFilesAndNoStaleTemporaries() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QStringList targets;
    for (int t = 0; t < kTargets; ++t) targets << dir.filePath(QString("plan%1.json").arg(t));

    // How long one uninterrupted save takes here: kills are spread over 1.5 times that, so they
    // land before, during and after the write whatever the machine's speed.
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(cli(saveArgs(targets[0], 0)).exit_code, 0);
    const qint64 save_us = std::max<qint64>(clock.nsecsElapsed() / 1000, 1000);

    std::mt19937 rng(kSeed);
    std::uniform_int_distribution<qint64> delay_us(0, save_us * 3 / 2);
    int interrupted = 0;
    for (int i = 0; i < kKills; ++i) {
      QProcess p;
      p.start(SCALEPLAN_CLI_PATH, saveArgs(targets[i % kTargets], i));
      QVERIFY(p.waitForStarted(30000));
      QThread::usleep(static_cast<unsigned long>(delay_us(rng)));
      p.kill();  // SIGKILL
      QVERIFY(p.waitForFinished(30000));
      if (p.exitStatus() == QProcess::CrashExit) ++interrupted;
    }
    const int left = temporariesIn(QDir(dir.path()));
    qInfo("%d of %d saves interrupted; %d temporaries left behind", interrupted, kKills, left);
    QVERIFY2(interrupted > 0, "no save was interrupted: the kills all came too late");

    // Every plan file that exists is whole: it parses and reopens.
    for (const QString& t : targets) {
      if (!QFile::exists(t)) continue;
      auto reopened = cli({"plan", "--in", t, "--json"});
      QVERIFY2(reopened.exit_code == 0, (t + ": " + reopened.err).toLocal8Bit().constData());
    }
    // The next save to each target removes the killed writers' temporaries.
    for (int t = 0; t < kTargets; ++t) QCOMPARE(cli(saveArgs(targets[t], t)).exit_code, 0);
    QCOMPARE(temporariesIn(QDir(dir.path())), 0);
  }
};

QTEST_GUILESS_MAIN(TestCliKill)
#include "test_cli_kill.moc"
