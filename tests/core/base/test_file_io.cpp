// Reading only regular files within a size limit; saving through links, refusing what is not a
// regular file, and removing only the temporaries a save can prove are stale.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QTemporaryDir>
#include <filesystem>
#include <csignal>
#include <fstream>
#include <random>

#include "base/file_io.hpp"
#include "base/json_util.hpp"
#include "test_support.hpp"

using namespace scaleplan;
namespace fs = std::filesystem;

namespace {

void writeRaw(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The pid of a process that has exited and been reaped: no process has it (until it is reused,
// which Linux does only after cycling through pid_max).
pid_t deadPid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

}  // namespace

class TestFileIo : public QObject {
  Q_OBJECT
 private slots:
  void readsWithinTheLimitAndRefusesBeyondIt() {
    QTemporaryDir dir;
    const fs::path path = dir.filePath("eleven.txt").toStdString();
    writeRaw(path, "0123456789\n");
    auto whole = readTextFile(path, 11);
    QVERIFY2(whole.isOk(), whole.message().c_str());
    QCOMPARE(QString::fromStdString(*whole), QString("0123456789\n"));
    auto refused = readTextFile(path, 10);
    QVERIFY(!refused.isOk());
    SP_VERIFY_CONTAINS(refused.message(), "eleven.txt: is 11 B");
    SP_VERIFY_CONTAINS(refused.message(), "limit");
  }

  void readsFilesWhoseSizeIsUnknown() {
    // /proc files are regular but report size 0: read to the end all the same.
    auto status = readTextFile("/proc/self/status");
    QVERIFY2(status.isOk(), status.message().c_str());
    QVERIFY(status->find("Pid:") != std::string::npos);
  }

  void refusesFifosAndDevicesAtOnce() {
    QTemporaryDir dir;
    const fs::path fifo = dir.filePath("pipe").toStdString();
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    // No writer: a blocking open would hang here.
    auto r = readTextFile(fifo);
    QVERIFY(!r.isOk());
    SP_VERIFY_CONTAINS(r.message(), "is a named pipe (FIFO), not a regular file");
    SP_VERIFY_CONTAINS(checkRegularFile(fifo).message(), "named pipe");
    auto zero = readTextFile("/dev/zero");
    QVERIFY(!zero.isOk());
    SP_VERIFY_CONTAINS(zero.message(), "/dev/zero: is a character device, not a regular file");
    auto folder = readTextFile(dir.path().toStdString());
    SP_VERIFY_CONTAINS(folder.message(), "is a directory");
    QVERIFY(checkRegularFile(dir.filePath("missing").toStdString()).message().find("No such file") != std::string::npos);
  }

  void savesThroughASymbolicLink() {
    QTemporaryDir dir;
    const fs::path target = dir.filePath("real.json").toStdString();
    const fs::path link = dir.filePath("link.json").toStdString();
    writeRaw(target, "old");
    fs::create_symlink("real.json", link);  // relative, as users make them
    QVERIFY(writeFileAtomically(link, "new").isOk());
    QVERIFY(fs::is_symlink(link));
    QCOMPARE(QString::fromStdString(slurp(target)), QString("new"));
    // A dangling link creates its target.
    const fs::path dangling = dir.filePath("dangling.json").toStdString();
    fs::create_symlink("created.json", dangling);
    QVERIFY(writeFileAtomically(dangling, "made").isOk());
    QCOMPARE(QString::fromStdString(slurp(dir.filePath("created.json").toStdString())), QString("made"));
  }

  void keepsThePermissionsOfTheReplacedFile() {
    QTemporaryDir dir;
    const fs::path path = dir.filePath("private.json").toStdString();
    writeRaw(path, "x");
    ::chmod(path.c_str(), 0600);
    QVERIFY(writeFileAtomically(path, "y").isOk());
    struct stat st {};
    QCOMPARE(::stat(path.c_str(), &st), 0);
    QCOMPARE(static_cast<int>(st.st_mode & 0777), 0600);
  }

  void refusesToReplaceWhatIsNotARegularFile() {
    QTemporaryDir dir;
    const fs::path fifo = dir.filePath("pipe").toStdString();
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    Status s = writeFileAtomically(fifo, "x");
    SP_VERIFY_CONTAINS(s.message(), "is a named pipe (FIFO); only a regular file is replaced by a save");
    QVERIFY(fs::is_fifo(fifo));
    // A link to a FIFO is refused the same way, and stays a link.
    const fs::path link = dir.filePath("pipe-link").toStdString();
    fs::create_symlink(fifo, link);
    SP_VERIFY_CONTAINS(writeFileAtomically(link, "x").message(), "named pipe");
    QVERIFY(fs::is_symlink(link));
    SP_VERIFY_CONTAINS(writeFileAtomically(dir.path().toStdString(), "x").message(),
                       "is a directory; give a file name");
    SP_VERIFY_CONTAINS(writeFileAtomically(dir.path().toStdString() + "/", "x").message(), "names a folder");
    SP_VERIFY_CONTAINS(writeFileAtomically("", "x").message(), "no file name given");
  }

  void removesOnlyTemporariesProvablyStale() {
    QTemporaryDir dir;
    const fs::path d = dir.path().toStdString();
    const fs::path target = d / "plan.json";
    const std::string dead = ".plan.json.scaleplan-tmp-" + std::to_string(deadPid()) + "-42";
    const std::string alive = ".plan.json.scaleplan-tmp-1-42";  // pid 1 always runs
    const std::string ours = ".plan.json.scaleplan-tmp-" + std::to_string(::getpid()) + "-42";
    const std::string other_file = ".other.json.scaleplan-tmp-" + std::to_string(deadPid()) + "-42";
    const std::string old_style = ".plan.json.tmp-12345";  // no pid: cannot be proven ours
    for (const auto& n : {dead, alive, ours, other_file, old_style}) writeRaw(d / n, "partial");
    QVERIFY(writeFileAtomically(target, "{}").isOk());
    QVERIFY(!fs::exists(d / dead));
    for (const auto& n : {alive, ours, other_file, old_style}) QVERIFY2(fs::exists(d / n), n.c_str());
    // Nothing of the save itself is left behind.
    int temporaries = 0;
    for (const auto& e : fs::directory_iterator(d)) {
      temporaries += e.path().filename().string().find("scaleplan-tmp") != std::string::npos;
    }
    QCOMPARE(temporaries, 3);
  }

  // Writers killed at random moments (seeded, a fixed count) while saving a document large enough
  // that most kills land mid-write: the file is always one whole document, and the next save
  // removes every temporary they left. (tests/cli/test_cli_kill.cpp does the same to the real
  // scaleplan-cli, whose plan files are small enough that kills rarely catch the write itself.)
  void killedWritersLeaveWholeFilesAndTheNextSaveCleansUp() {
    QTemporaryDir dir;
    const fs::path d = dir.path().toStdString();
    const fs::path target = d / "doc.json";
    std::string docs[2];
    for (int k = 0; k < 2; ++k) {
      docs[k] = "[" + std::to_string(k);
      for (int i = 0; i < 1000000; ++i) docs[k] += ", 1234567";  // about 9 MB
      docs[k] += "]";
    }
    std::mt19937 rng(13);
    std::uniform_int_distribution<int> delay_us(0, 30000);
    constexpr int kKills = 30;
    auto count = [&] {
      int n = 0;
      for (const auto& e : fs::directory_iterator(d)) n += e.path().filename().string().find(".scaleplan-tmp-") != std::string::npos;
      return n;
    };
    int kills_mid_write = 0;  // kills after which a temporary was left (each writer's first save removes earlier ones)
    for (int i = 0; i < kKills; ++i) {
      const pid_t child = ::fork();
      if (child == 0) {
        for (int k = 0;; k ^= 1) (void)writeFileAtomically(target, docs[k]);
      }
      QVERIFY(child > 0);
      ::usleep(static_cast<useconds_t>(delay_us(rng)));
      ::kill(child, SIGKILL);
      int status = 0;
      ::waitpid(child, &status, 0);
      kills_mid_write += count() > 0;
      if (fs::exists(target)) QVERIFY(fs::file_size(target) == docs[0].size() || fs::file_size(target) == docs[1].size());
    }
    qInfo("%d of %d kills left a temporary behind", kills_mid_write, kKills);
    QVERIFY2(kills_mid_write > 0, "no kill landed mid-write: the test would prove nothing");
    if (fs::exists(target)) {
      auto text = readTextFile(target);
      QVERIFY(text.isOk());
      QVERIFY(*text == docs[0] || *text == docs[1]);
      QVERIFY(json::parse(*text, "doc.json").isOk());
    }
    QVERIFY(writeFileAtomically(target, "{}").isOk());
    QCOMPARE(count(), 0);
  }

  void jsonAcceptsAByteOrderMark() {
    auto v = json::parse("\xEF\xBB\xBF{\"a\": 1}", "bom.json");
    QVERIFY2(v.isOk(), v.message().c_str());
    QVERIFY(v->is_object());
  }

  void jsonNamesNanAndInfinityLiterals() {
    auto nan = json::parse("{\n  \"mfu\": NaN\n}", "nan.json");
    QVERIFY(!nan.isOk());
    SP_VERIFY_CONTAINS(nan.message(), "nan.json:2:10: invalid JSON: 'NaN' is not a JSON number");
    auto inf = json::parse("[1, -Infinity]", "inf.json");
    SP_VERIFY_CONTAINS(inf.message(), "inf.json:1:5: invalid JSON: '-Infinity' is not a JSON number");
  }

  void rootMembersAreSeparatedFromTheFileName() {
    QCOMPARE(QString::fromStdString(json::member("plan.json: ", "schema_version")),
             QString("plan.json: schema_version"));
    QCOMPARE(QString::fromStdString(json::member("plan.json: request", "gpus")), QString("plan.json: request.gpus"));
    auto v = json::parse("{\"schema_version\": 1.5}", "v.json");
    QVERIFY(v.isOk());
    auto version = json::getInt(v->get_object(), "schema_version", "v.json: ");
    QCOMPARE(QString::fromStdString(version.message()), QString("v.json: schema_version: expected an integer, got a number"));
    auto missing = json::getInt(v->get_object(), "gpus", "v.json: ");
    QCOMPARE(QString::fromStdString(missing.message()), QString("v.json: missing field 'gpus'"));
  }
};

QTEST_APPLESS_MAIN(TestFileIo)
#include "test_file_io.moc"
