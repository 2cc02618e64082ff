// Number formatting shared by the CLI and the GUI.
#include "base/format.hpp"
#include "test_support.hpp"

using namespace scaleplan;

class TestFormat : public QObject {
  Q_OBJECT
 private slots:
  void counts_data() {
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("llama2-7b") << 6.74e9 << "6.74B";
    QTest::newRow("chinchilla tokens") << 1.4e12 << "1.40T";
    QTest::newRow("millions") << 125e6 << "125M";
    QTest::newRow("tens of billions") << 70e9 << "70.0B";
    QTest::newRow("small") << 950.0 << "950";
    QTest::newRow("huge") << 3.2e19 << "3.20e19";
  }
  void counts() {
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(QString::fromStdString(formatCount(value)), text);
  }
  void scientificAndRates() {
    QCOMPARE(QString::fromStdString(formatScientific(3.14e23)), QString("3.14e23"));
    QCOMPARE(QString::fromStdString(formatScientific(5e-7, 2)), QString("5.0e-7"));
    QCOMPARE(QString::fromStdString(formatFlops(5.88e23)), QString("5.88e23 FLOPs"));
    QCOMPARE(QString::fromStdString(formatFlopsRate(989.4e12)), QString("989 TFLOP/s"));
    QCOMPARE(QString::fromStdString(formatFlopsRate(1.2e18)), QString("1.20 EFLOP/s"));
    QCOMPARE(QString::fromStdString(formatFlopsRate(19.5e12)), QString("19.5 TFLOP/s"));
  }
  void money() {
    QCOMPARE(QString::fromStdString(formatUsd(4152811.3)), QString("$4.15M"));
    QCOMPARE(QString::fromStdString(formatUsd(512.2)), QString("$512"));
    QCOMPARE(QString::fromStdString(formatUsd(0.5)), QString("$0.50"));
    QCOMPARE(QString::fromStdString(formatThousands(4142811.0)), QString("4,142,811"));
    QCOMPARE(QString::fromStdString(formatThousands(-1234.0)), QString("-1,234"));
  }
  void bytesAndDays() {
    QCOMPARE(QString::fromStdString(formatBytes(1.12e12)), QString("1.12 TB"));
    QCOMPARE(QString::fromStdString(formatBytes(80e9)), QString("80.0 GB"));
    QCOMPARE(QString::fromStdString(formatDays(236.6)), QString("236.6 days"));
    QCOMPARE(QString::fromStdString(formatDays(0.5)), QString("12.0 hours"));
    QCOMPARE(QString::fromStdString(formatDays(800)), QString("800 days (2.19 years)"));
    // Short and huge durations: seconds and minutes below 6 minutes (2.5 s was "0.0 hours"), the
    // scientific form from a million days (a 63-digit figure before).
    QCOMPARE(QString::fromStdString(formatDays(2.5 / 86400.0)), QString("2.5 s"));
    QCOMPARE(QString::fromStdString(formatDays(300.0 / 86400.0)), QString("5.0 minutes"));
    QCOMPARE(QString::fromStdString(formatDays(0.1 / 24.0)), QString("0.1 hours"));
    QCOMPARE(QString::fromStdString(formatDays(1.14239e60)), QString("1.14e60 days (3.13e57 years)"));
    QCOMPARE(QString::fromStdString(formatThousands(2.80753767e62)), QString("2.808e62"));
    QCOMPARE(QString::fromStdString(formatThousands(999999999999999.0)), QString("999,999,999,999,999"));
    QCOMPARE(QString::fromStdString(formatUsd(8.3945e62)), QString("$8.39e62"));
    QCOMPARE(QString::fromStdString(formatUsd(2.5e12)), QString("$2500.00B"));
    QCOMPARE(QString::fromStdString(formatBytes(3.4e20)), QString("3.40e20 bytes"));
    // A value beside its bound keeps the digits that tell them apart.
    QCOMPARE(QString::fromStdString(formatBeside(1.0000001, 0.0, 1.0)), QString("1.0000001"));
    QCOMPARE(QString::fromStdString(formatBeside(1.5, 0.0, 1.0)), QString("1.5"));
    QCOMPARE(QString::fromStdString(formatBeside(-1e-12, 0.0, 1.0)), QString("-1e-12"));
    QCOMPARE(QString::fromStdString(formatBeside(0.99999999, 0.0, 1.0)), QString("0.99999999"));
  }
};

QTEST_APPLESS_MAIN(TestFormat)
#include "test_format.moc"
