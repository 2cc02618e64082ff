#pragma once
// Runs the real scaleplan-cli executable (SCALEPLAN_CLI_PATH, set by tests/CMakeLists.txt) the way
// a user does, capturing its exit status, standard output and standard error.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

namespace scaleplan::test {

struct CliRun {
  int exit_code = -1;
  QByteArray out, err;
};

// `config_dir` (optional) becomes SCALEPLAN_CONFIG_DIR, for tests of user files. The timeout is
// generous (5 min) because the CPU benchmark runs through here too.
inline CliRun cli(const QStringList& args, const QString& config_dir = QString()) {
  QProcess p;
  if (!config_dir.isEmpty()) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("SCALEPLAN_CONFIG_DIR", config_dir);
    p.setProcessEnvironment(env);
  }
  p.start(SCALEPLAN_CLI_PATH, args);
  p.waitForFinished(300000);
  return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

inline QJsonObject jsonOf(const CliRun& r) { return QJsonDocument::fromJson(r.out).object(); }

}  // namespace scaleplan::test
