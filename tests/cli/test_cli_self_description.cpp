// scaleplan-cli describes itself for the bash completion (--completion-data) and the man page
// (--man-commands). Each is checked against what --help prints, read independently from the help
// text, and the completion script (resources/completion/scaleplan-cli) is run in bash.
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>

#include "test_support.hpp"

#include "cli_runner.hpp"

using scaleplan::test::cli;

namespace {

// The command names listed under "Commands:" in `scaleplan-cli --help`.
QStringList commandsFromHelp() {
  const QString help = QString::fromUtf8(cli({"--help"}).out);
  QStringList names;
  bool in_list = false;
  for (const QString& line : help.split('\n')) {
    if (line == "Commands:") {
      in_list = true;
    } else if (in_list && line.startsWith("  ")) {
      names << line.trimmed().section(' ', 0, 0);
    } else if (in_list) {
      break;
    }
  }
  return names;
}

// "--name" or "--name VALUE" for every option of `scaleplan-cli <command> --help`, but --help.
QSet<QString> optionsFromHelp(const QString& command) {
  const QString help = QString::fromUtf8(cli({command, "--help"}).out);
  static const QRegularExpression option_line(R"(^  (--[a-z0-9-]+)( [^ ]+)?  )");
  QSet<QString> options;
  for (const QString& line : help.split('\n')) {
    auto m = option_line.match(line);
    if (m.hasMatch() && m.captured(1) != "--help") options << (m.captured(1) + m.captured(2));
  }
  return options;
}

QString completionScript() {
  return QDir::cleanPath(QStringLiteral(SCALEPLAN_TEST_DATA_DIR) + "/../../resources/completion/scaleplan-cli");
}

// COMPREPLY of the completion function for the words typed so far (the last one being completed).
QStringList complete(const QString& bash, const QStringList& words) {
  QString script = "source '" + completionScript() + "'; COMP_WORDS=(";
  for (const QString& w : words) script += " '" + w + "'";
  script += " ); COMP_CWORD=" + QString::number(words.size() - 1) +
            "; _scaleplan_cli; printf '%s\\n' \"${COMPREPLY[@]}\"";
  QProcess p;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert("PATH", QFileInfo(SCALEPLAN_CLI_PATH).absolutePath() + ":" + env.value("PATH"));
  p.setProcessEnvironment(env);
  p.start(bash, {"--norc", "-c", script});
  p.waitForFinished(60000);
  QStringList replies = QString::fromUtf8(p.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
  replies.sort();
  return replies;
}

}  // namespace

class TestCliSelfDescription : public QObject {
  Q_OBJECT
 private slots:
  void versionNamesTheProgram() {
    const auto r = cli({"--version"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(QRegularExpression(R"(^scaleplan-cli \d+\.\d+\.\d+\n$)").match(QString::fromUtf8(r.out)).hasMatch(),
             r.out.constData());
  }

  void completionDataHasEveryCommandAndOptionOfHelp() {
    const QStringList commands = commandsFromHelp();
    QVERIFY2(commands.size() >= 11, qPrintable(commands.join(' ')));  // plan, cost, ..., bench
    const auto r = cli({"--completion-data"});
    QCOMPARE(r.exit_code, 0);
    QStringList listed;
    QHash<QString, QSet<QString>> options;
    for (const QString& line : QString::fromUtf8(r.out).split('\n', Qt::SkipEmptyParts)) {
      const QString command = line.section(' ', 0, 0), rest = line.section(' ', 1);
      if (rest.isEmpty()) {
        listed << command;
      } else if (rest.startsWith("--")) {
        options[command] << rest;
      }
    }
    QCOMPARE(listed, commands);
    qsizetype total = 0;
    for (const QString& command : commands) {
      const QSet<QString> expected = optionsFromHelp(command);
      total += expected.size();
      QCOMPARE(options.value(command), expected);
    }
    QVERIFY2(total > 100, qPrintable(QString::number(total)));  // 164 when written: the help was read
  }

  void manPageNamesEveryCommandAndOption() {
    const auto r = cli({"--man-commands"});
    QCOMPARE(r.exit_code, 0);
    const QString roff = QString::fromUtf8(r.out);
    for (const QString& command : commandsFromHelp()) {
      QVERIFY2(roff.contains(".SS \"" + command + "\"\n"), qPrintable(command));
      for (const QString& option : optionsFromHelp(command)) {
        // roff writes an option's hyphens as \- ("--gpu-hours" as \-\-gpu\-hours).
        QString escaped = option.section(' ', 0, 0);
        escaped.replace("-", "\\-");
        QVERIFY2(roff.contains(escaped), qPrintable(command + " " + option));
      }
    }
    // No line may start as an unintended roff request: only known macros begin with '.'.
    static const QRegularExpression request(R"(^\.(?!SS |PP$|TP$|B |BI |I )\S*)", QRegularExpression::MultilineOption);
    const auto stray = request.match(roff);
    QVERIFY2(!stray.hasMatch(), qPrintable(stray.captured(0)));
  }

  void bashCompletesCommandsOptionsAndLeavesValuesToFiles() {
    const QString bash = QStandardPaths::findExecutable("bash");
    if (bash.isEmpty()) QSKIP("bash is not installed");
    QVERIFY2(QFileInfo::exists(completionScript()), qPrintable(completionScript()));
    QCOMPARE(complete(bash, {"scaleplan-cli", "pl"}), QStringList({"plan"}));
    QCOMPARE(complete(bash, {"scaleplan-cli", "--v"}), QStringList({"--version"}));
    QCOMPARE(complete(bash, {"scaleplan-cli", "fit", "--boo"}), QStringList({"--bootstrap"}));
    QCOMPARE(complete(bash, {"scaleplan-cli", "plan", "--gpu"}),
             QStringList({"--gpu", "--gpu-hours", "--gpus", "--gpus-per-node"}));
    // After an option that takes a value: nothing offered, so readline completes file names.
    QCOMPARE(complete(bash, {"scaleplan-cli", "fit", "--out", ""}), QStringList());
    // A flag takes no value: the next word may be an option again.
    QVERIFY(complete(bash, {"scaleplan-cli", "plan", "--json", "--fl"}).contains("--flops"));
  }
};

QTEST_APPLESS_MAIN(TestCliSelfDescription)
#include "test_cli_self_description.moc"
