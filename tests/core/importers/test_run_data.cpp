// Reduction of runs to fit points (final loss, values at token counts, envelope), import options
// and the shared import flags.
#include <cmath>

#include "importers/import_options.hpp"
#include "importers/importer.hpp"
#include "importers/run_data.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

// A run whose points are given as (tokens, loss); FLOPs = 6·N·D.
Run makeRun(const std::string& name, double n, std::vector<std::pair<double, double>> curve) {
  Run r;
  r.name = name;
  r.params = n;
  for (auto [d, l] : curve) r.points.push_back({std::nullopt, d, 6 * n * d, l});
  return r;
}

}  // namespace

class TestRunData : public QObject {
  Q_OBJECT
 private slots:
  void finalLossTakesTheEndOfEachRun() {
    // Points deliberately out of order: the end is the point with the most tokens.
    std::vector<Run> runs = {makeRun("a", 1e8, {{4e9, 2.6}, {1e9, 3.0}}), makeRun("b", 2e8, {{2e9, 2.7}})};
    auto pts = toFitPoints(runs, ReductionOptions{});
    QCOMPARE(pts.size(), std::size_t{2});
    QCOMPARE(pts[0].run, std::string("a"));
    QCOMPARE(pts[0].params, 1e8);
    QCOMPARE(pts[0].tokens, 4e9);
    QCOMPARE(pts[0].loss, 2.6);
    QCOMPARE(pts[0].flops, 6 * 1e8 * 4e9);
    QCOMPARE(pts[1].loss, 2.7);
  }

  void allPointsKeepsEveryPoint() {
    std::vector<Run> runs = {makeRun("a", 1e8, {{1e9, 3.0}, {4e9, 2.6}}), makeRun("b", 2e8, {{2e9, 2.7}})};
    ReductionOptions o;
    o.mode = ReductionMode::AllPoints;
    QCOMPARE(toFitPoints(runs, o).size(), std::size_t{3});
  }

  void atTokensInterpolatesInLogTokens() {
    std::vector<Run> runs = {makeRun("a", 1e8, {{1e9, 3.0}, {4e9, 2.6}})};
    // 2e9 is halfway between 1e9 and 4e9 in log tokens: the loss is the mean, 2.8.
    auto mid = lossAtTokens(runs[0], 2e9);
    QVERIFY(mid);
    SP_COMPARE_REL(*mid, 2.8, 1e-12);
    // 1.5e9: fraction log(1.5)/log(4) of the way.
    SP_COMPARE_REL(*lossAtTokens(runs[0], 1.5e9), 3.0 - 0.4 * std::log(1.5) / std::log(4.0), 1e-12);
    QCOMPARE(*lossAtTokens(runs[0], 4e9), 2.6);
    QVERIFY(!lossAtTokens(runs[0], 5e9));
    QVERIFY(!lossAtTokens(runs[0], 5e8));

    ReductionOptions o;
    o.mode = ReductionMode::AtTokens;
    o.token_counts = {2e9, 8e9};
    std::vector<std::string> skipped;
    auto pts = toFitPoints(runs, o, &skipped);
    QCOMPARE(pts.size(), std::size_t{1});
    QCOMPARE(pts[0].tokens, 2e9);
    SP_COMPARE_REL(pts[0].loss, 2.8, 1e-12);
    // FLOPs are 6·N·D at the sampled D (interpolating log-linear FLOPs in log tokens keeps C = 6ND).
    SP_COMPARE_REL(pts[0].flops, 6 * 1e8 * 2e9, 1e-12);
    QCOMPARE(skipped, std::vector<std::string>{"run 'a': 8e+09 tokens is outside its logged range 1e+09..4e+09"});
  }

  void envelopeTakesTheMinimumOverRunsPerFlopLevel() {
    // Small model: cheap but plateaus; large model: better at high compute.
    Run small = makeRun("small", 1e8, {{1e9, 3.0}, {1e10, 2.5}});   // C from 6e17 to 6e18
    Run large = makeRun("large", 1e9, {{1e8, 3.2}, {1e9, 2.4}});    // C from 6e17 to 6e18
    Run huge = makeRun("huge", 1e10, {{1e9, 2.0}, {2e9, 1.9}});     // C from 6e19 to 1.2e20
    const std::vector<Run> runs = {small, large, huge};
    auto env = lossEnvelope(runs, {6e17, 6e18, 1e19, 6e19});
    QCOMPARE(env.size(), std::size_t{3});  // nothing reaches 1e19
    // At 6e17 both start: small 3.0 < large 3.2.
    QCOMPARE(env[0].run, std::string("small"));
    QCOMPARE(env[0].loss, 3.0);
    QCOMPARE(env[0].tokens, 1e9);
    // At 6e18 both end: large 2.4 < small 2.5.
    QCOMPARE(env[1].run, std::string("large"));
    QCOMPARE(env[1].loss, 2.4);
    QCOMPARE(env[1].params, 1e9);
    QCOMPARE(env[1].flops, 6e18);
    QCOMPARE(env[2].run, std::string("huge"));
    // Between logged points: at C = 6e17·sqrt(10) both curves are halfway in log C.
    const double c_mid = 6e17 * std::sqrt(10.0);
    auto mid = lossEnvelope(runs, {c_mid});
    QCOMPARE(mid.size(), std::size_t{1});
    // small: (3.0 + 2.5) / 2 = 2.75 beats large: (3.2 + 2.4) / 2 = 2.8.
    QCOMPARE(mid[0].run, std::string("small"));
    SP_COMPARE_REL(mid[0].loss, 2.75, 1e-12);
    // Its tokens there are C / (6N) = 6e17·sqrt(10) / 6e8.
    SP_COMPARE_REL(mid[0].tokens, c_mid / 6e8, 1e-12);
  }

  void logSpacedLevels() {
    auto v = scaleplan::logSpacedLevels(1e18, 1e21, 4);
    QCOMPARE(v.size(), std::size_t{4});
    QCOMPARE(v[0], 1e18);
    SP_COMPARE_REL(v[1], 1e19, 1e-12);
    SP_COMPARE_REL(v[2], 1e20, 1e-12);
    QCOMPARE(v[3], 1e21);
    QVERIFY(scaleplan::logSpacedLevels(0, 1, 3).empty());
  }

  void reductionOptionsValidate() {
    std::string why;
    ReductionOptions o;
    QVERIFY(o.isValid(&why));
    o.mode = ReductionMode::AtTokens;
    QVERIFY(!o.isValid(&why));
    QCOMPARE(why, std::string("reduction 'at-tokens' needs at least one token count"));
    o.token_counts = {1e9, -1};
    QVERIFY(!o.isValid(&why));
    QCOMPARE(why, std::string("reduction token count -1 must be a finite number > 0"));
    for (ReductionMode m : {ReductionMode::FinalLoss, ReductionMode::AtTokens, ReductionMode::AllPoints}) {
      QVERIFY(reductionModeFromString(toString(m)) == std::optional<ReductionMode>(m));
    }
    QVERIFY(!reductionModeFromString("last"));
  }

  void importOptionsValidate() {
    std::string why;
    ImportOptions o;
    QVERIFY(o.isValid(&why));
    o.tokens_per_step = 0;
    QVERIFY(!o.isValid(&why));
    QCOMPARE(why, std::string("tokens_per_step: 0 must be a finite number > 0"));
    o.tokens_per_step.reset();
    const std::string same = "x";
    o.columns.loss = same;
    o.columns.tokens = same;
    QVERIFY(!o.isValid(&why));
    QCOMPARE(why, std::string("column 'x' is mapped to both tokens and loss"));
    o.columns.tokens.clear();
    o.delimiter = ':';
    QVERIFY(!o.isValid(&why));
    QCOMPARE(why, std::string("delimiter: ':' is not one of , ; tab |"));
    o.delimiter = '\0';
    o.params_by_run["r"] = std::nan("");
    QVERIFY(!o.isValid(&why));
    QCOMPARE(why, std::string("params for run 'r': nan must be a finite number > 0"));
  }

  void columnNamesNormalise() {
    QCOMPARE(normaliseColumnName("  Model Size "), std::string("model_size"));
    QCOMPARE(normaliseColumnName("train/loss"), std::string("train_loss"));
    QCOMPARE(normaliseColumnName("Training FLOP"), std::string("training_flop"));
    QCOMPARE(normaliseColumnName("_step"), std::string("_step"));
    QCOMPARE(normaliseColumnName("eval--loss"), std::string("eval_loss"));
    for (ColumnRole r : kAllColumnRoles) {
      QVERIFY(columnRoleFromString(toString(r)) == std::optional<ColumnRole>(r));
      QVERIFY(!columnCandidates(r).empty());
    }
  }

  void writerDefaultLossNamesArePicked() {
    // The default scalar tags of common writers are loss columns without --loss-column; an
    // evaluation loss still wins over the training loss when a file has both (3.5 is the one
    // that should be picked in each row).
    for (const char* csv : {"params,tokens,Loss/train\n1e8,1e9,3.5\n", "params,tokens,lm loss\n1e8,1e9,3.5\n",
                            "params,tokens,epoch_loss\n1e8,1e9,3.5\n",
                            "params,tokens,Loss/train,Loss/test\n1e8,1e9,3.0,3.5\n",
                            "params,tokens,lm loss,lm loss validation\n1e8,1e9,3.0,3.5\n"}) {
      auto r = importText(csv, "writer.csv", {});
      QVERIFY2(r.ok(), (csv + (": " + r.status().message())).c_str());
      QCOMPARE(r.runs.at(0).points.at(0).loss, 3.5);
    }
    // "lm loss vs samples" is the same loss plotted against samples: not a loss column by name.
    auto vs = importText("params,tokens,lm loss vs samples\n1e8,1e9,3.5\n", "vs.csv", {});
    QVERIFY(!vs.ok());
    SP_VERIFY_CONTAINS(vs.status().message(), "no loss column");
  }

  void countsParseWithSuffixes() {
    QCOMPARE(*parseCount("125M"), 125e6);
    QCOMPARE(*parseCount("7B"), 7e9);
    QCOMPARE(*parseCount(" 1.3e9 "), 1.3e9);
    QCOMPARE(*parseCount("2.5T"), 2.5e12);
    QCOMPARE(*parseCount("4k"), 4e3);
    QCOMPARE(parseCount("abc").message(), std::string("'abc' is not a number (examples: 1.3e9, 125M, 7B)"));
    QCOMPARE(parseCount("-5").message(), std::string("'-5' must be a finite number > 0"));
  }

  void importFlagsApply() {
    ImportOptions o;
    QVERIFY(applyImportFlag(o, "format", "wandb").isOk());
    QVERIFY(o.format == ImportFormat::Wandb);
    QVERIFY(applyImportFlag(o, "params", "125M").isOk());
    QCOMPARE(*o.params, 125e6);
    QVERIFY(applyImportFlag(o, "params", "big-run=1.3B").isOk());
    QCOMPARE(o.params_by_run.at("big-run"), 1.3e9);
    QVERIFY(applyImportFlag(o, "tokens-per-step", "524288").isOk());
    QCOMPARE(*o.tokens_per_step, 524288.0);
    QVERIFY(applyImportFlag(o, "loss-column", "train/loss").isOk());
    QCOMPARE(o.columns.loss, std::string("train/loss"));
    QVERIFY(applyImportFlag(o, "delimiter", "tab").isOk());
    QCOMPARE(o.delimiter, '\t');
    QVERIFY(applyImportFlag(o, "reduce", "at-tokens").isOk());
    QVERIFY(applyImportFlag(o, "at-tokens", "1e9,2B").isOk());
    QCOMPARE(o.reduction.token_counts, (std::vector<double>{1e9, 2e9}));
    QCOMPARE(applyImportFlag(o, "format", "xls").message(),
             std::string("--format: unknown format 'xls' (auto, csv, jsonl, hf-trainer, wandb, tensorboard, tensorboard-events, megatron)"));
    QCOMPARE(applyImportFlag(o, "params", "=5").message(), std::string("--params: '=5': expected RUN=N with a run name"));
    QCOMPARE(applyImportFlag(o, "tokens-per-step", "many").message(),
             std::string("--tokens-per-step: 'many' is not a number (examples: 1.3e9, 125M, 7B)"));
    QCOMPARE(applyImportFlag(o, "colour", "x").message(), std::string("--colour: not an import option"));
    // Every advertised flag is accepted by applyImportFlag.
    for (const auto& spec : importFlagSpecs()) {
      ImportOptions fresh;
      const std::string value = spec.name == "format"           ? "csv"
                                : spec.name == "reduce"          ? "all"
                                : spec.name == "delimiter"       ? ";"
                                : spec.name == "params" || spec.name == "tokens-per-step" || spec.name == "at-tokens" ? "1e9"
                                                                                                              : "col";
      QVERIFY2(applyImportFlag(fresh, spec.name, value).isOk(), spec.name.c_str());
    }
  }
};

QTEST_APPLESS_MAIN(TestRunData)
#include "test_run_data.moc"
