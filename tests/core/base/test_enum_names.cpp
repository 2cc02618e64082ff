// The enum-name helper (base/enum_names.hpp) and the option specs (base/option_spec.hpp).
#include <limits>

#include "base/enum_names.hpp"
#include "base/option_spec.hpp"
#include "base/precision.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {
enum class Colour { Red, DarkBlue, Green };
constexpr auto kColourNames = makeEnumNames<Colour>({{Colour::Red, "red"}, {Colour::DarkBlue, "dark-blue"}, {Colour::Green, "green"}});
}  // namespace

class TestEnumNames : public QObject {
  Q_OBJECT
 private slots:
  void roundTripsAndLists() {
    static_assert(kColourNames.toString(Colour::DarkBlue) == "dark-blue");  // usable at compile time
    for (Colour c : kColourNames.values()) QVERIFY(kColourNames.fromString(kColourNames.toString(c)) == c);
    QVERIFY(!kColourNames.fromString("Red"));  // names are exact (lower case)
    QVERIFY(!kColourNames.fromString(""));
    QCOMPARE(QString::fromStdString(kColourNames.joined()), QString("red, dark-blue, green"));
    QCOMPARE(QString::fromStdString(kColourNames.joined(" | ")), QString("red | dark-blue | green"));
    QCOMPARE(kColourNames.names().size(), std::size_t{3});
    QCOMPARE(QString::fromStdString(kColourNames.joinedMarkingDefault(Colour::DarkBlue)),
             QString("red, dark-blue (default), green"));
    QCOMPARE(QString::fromStdString(kColourNames.joinedMarkingDefault(Colour::Red, " or ")),
             QString("red (default) or dark-blue or green"));
    QCOMPARE(QString::fromStdString(kColourNames.joinedWithDefault(Colour::Green)),
             QString("red, dark-blue, green (default green)"));
    QCOMPARE(QString::fromStdString(kColourNames.joinedWithDefault(Colour::Red, "|")),
             QString("red|dark-blue|green (default red)"));
    QCOMPARE(QString::fromStdString(std::string(kColourNames.toString(static_cast<Colour>(7)))), QString("unknown"));
  }

  // The spelling rule of the shared checkEnumNames (test_support.hpp).
  void nameSpelling() {
    using scaleplan::test::EnumNameStyle;
    using scaleplan::test::isEnumName;
    QVERIFY(isEnumName("out-of-place", EnumNameStyle::Identifier));
    QVERIFY(isEnumName("fp8", EnumNameStyle::Identifier));
    QVERIFY(!isEnumName("Out-of-place", EnumNameStyle::Identifier));
    QVERIFY(!isEnumName("out_of_place", EnumNameStyle::Identifier));
    QVERIFY(!isEnumName("out--of", EnumNameStyle::Identifier));
    QVERIFY(!isEnumName("-x", EnumNameStyle::Identifier));
    QVERIFY(!isEnumName("log text", EnumNameStyle::Identifier));
    QVERIFY(!isEnumName("", EnumNameStyle::Identifier));
    QVERIFY(isEnumName("log text", EnumNameStyle::Phrase));
    QVERIFY(!isEnumName("log  text", EnumNameStyle::Phrase));
    QVERIFY(!isEnumName("log-text", EnumNameStyle::Phrase));
    SP_CHECK_ENUM_NAMES(kColourNames);
  }

  // An exported enum through its table: the list the CLI's help prints.
  void precisionNamesComeFromTheTable() {
    QCOMPARE(QString::fromStdString(allPrecisionNames()), QString("fp64, fp32, tf32, bf16, fp16, fp8, int8, int4"));
    QCOMPARE(kAllPrecisions.size(), kPrecisionNames.values().size());
    QVERIFY(precisionFromString("bf16") == Precision::Bf16);
  }

  void optionSpecRanges() {
    constexpr NumericOptionSpec open_unit{"mfu", 0.4, 0.0, 1.0, true, ""};
    QVERIFY(open_unit.allows(1.0) && open_unit.allows(0.4) && !open_unit.allows(0.0) && !open_unit.allows(1.5));
    QVERIFY(!open_unit.allows(std::nan("")));
    QCOMPARE(QString::fromStdString(open_unit.rangeText()), QString("in (0, 1]"));
    QCOMPARE(QString::fromStdString(open_unit.defaultText()), QString("0.4"));
    constexpr NumericOptionSpec at_least_one{"pue", 1.2, 1.0, std::numeric_limits<double>::infinity(), false, ""};
    QVERIFY(at_least_one.allows(1.0) && !at_least_one.allows(0.99) && at_least_one.allows(1e9));
    QCOMPARE(QString::fromStdString(at_least_one.rangeText()), QString("at least 1"));
    constexpr NumericOptionSpec count{"gpus", 1024, 1, 1e8, false, "GPUs"};
    QVERIFY(count.allows(1) && count.allows(1e8) && !count.allows(0) && !count.allows(1e8 + 1));
    QCOMPARE(QString::fromStdString(count.rangeText()), QString("1 to 100000000"));
    QCOMPARE(QString::fromStdString(count.violation(0)), QString("must be at least 1"));
    QCOMPARE(QString::fromStdString(count.violation(2e8)), QString("must be at most 100000000"));
    QCOMPARE(QString::fromStdString(open_unit.violation(0)), QString("must be in (0, 1]"));
  }
};

QTEST_APPLESS_MAIN(TestEnumNames)
#include "test_enum_names.moc"
