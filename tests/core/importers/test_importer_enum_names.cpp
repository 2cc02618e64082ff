// The importers' enum name tables (importers/import_options.hpp, importer.hpp, run_data.hpp):
// round trips, spelling and coverage, plus the names the CLI flags and JSON use literally.
#include "importers/import_options.hpp"
#include "importers/importer.hpp"
#include "importers/run_data.hpp"
#include "test_support.hpp"

using namespace scaleplan;

class TestImporterEnumNames : public QObject {
  Q_OBJECT
 private slots:
  void tablesAreConsistent() {
    SP_CHECK_ENUM_NAMES(kImportFormatNames);
    SP_CHECK_ENUM_NAMES(kColumnRoleNames);
    SP_CHECK_ENUM_NAMES(kImportTerminationNames);
    SP_CHECK_ENUM_NAMES(kReductionModeNames);
  }

  void literalNames() {
    QVERIFY(importFormatFromString("hf-trainer") == ImportFormat::HfTrainer);
    QVERIFY(importFormatFromString("tensorboard-events") == ImportFormat::TensorBoardEvents);
    QCOMPARE(std::string(toString(ImportFormat::Megatron)), std::string("megatron"));
    QCOMPARE(allImportFormatNames(),
             std::string("auto, csv, jsonl, hf-trainer, wandb, tensorboard, tensorboard-events, megatron"));
    QCOMPARE(kAllImportFormats.size(), std::size_t{8});
    QVERIFY(columnRoleFromString("flops") == ColumnRole::Flops);
    QCOMPARE(kAllColumnRoles.size(), std::size_t{6});
    QCOMPARE(std::string(toString(ImportTermination::Cancelled)), std::string("cancelled"));
    QVERIFY(reductionModeFromString("at-tokens") == ReductionMode::AtTokens);
    QCOMPARE(std::string(toString(ReductionMode::AllPoints)), std::string("all"));
  }

  // The --format and --reduce help and error texts list the tables' names.
  void flagTextsListTheNames() {
    std::string format_help, reduce_help;
    for (const ImportFlagSpec& spec : importFlagSpecs()) {
      if (spec.name == "format") format_help = spec.help;
      if (spec.name == "reduce") reduce_help = spec.help;
    }
    QCOMPARE(format_help,
             std::string("log format: auto|csv|jsonl|hf-trainer|wandb|tensorboard|tensorboard-events|megatron (default auto)"));
    QCOMPARE(reduce_help, std::string("fit points per run: final (default), at-tokens, all"));
    ImportOptions options;
    const Status bad_mode = applyImportFlag(options, "reduce", "last");
    QVERIFY(!bad_mode);
    QCOMPARE(bad_mode.message(), std::string("--reduce: unknown mode 'last' (final, at-tokens, all)"));
  }
};

QTEST_APPLESS_MAIN(TestImporterEnumNames)
#include "test_importer_enum_names.moc"
