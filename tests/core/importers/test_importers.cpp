// Run-log importers: every format on small files, column detection and explicit mapping, N/D/C
// derivation, RFC 4180 quoting, every kind of bad input with its message and location, progress
// and cancellation, the Chinchilla data set, and the shipped example run set.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "importers/importer.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

const std::string kDir = SCALEPLAN_TEST_DATA_DIR "/importers/";

ImportResult importOne(const std::string& name, const ImportOptions& options = {}) {
  return importFiles({kDir + name}, options);
}

std::vector<std::string> warningTexts(const ImportResult& r) {
  std::vector<std::string> out;
  for (const auto& w : r.warnings) out.push_back(w.toString());
  return out;
}

QString joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return QString::fromStdString(s);
}

const Run* findRun(const ImportResult& r, const std::string& name) {
  for (const auto& run : r.runs) {
    if (run.name == name) return &run;
  }
  return nullptr;
}

// Splits a simple CSV line (no quotes) for the independent reading of the Chinchilla file.
std::vector<std::string> splitPlain(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',') out.emplace_back();
    else if (c != '\r') out.back().push_back(c);
  }
  return out;
}

}  // namespace

class TestImporters : public QObject {
  Q_OBJECT
 private slots:
  // ---- CSV ------------------------------------------------------------------------------------------
  void csvDetectsColumnsGroupsRunsAndDerivesFlops() {
    auto r = importOne("basic.csv");
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.formats, std::vector<std::string>{"csv"});
    QCOMPARE(r.runs.size(), std::size_t{2});
    QVERIFY(r.warnings.empty());
    const Run* a = findRun(r, "a");
    QVERIFY(a);
    QCOMPARE(a->params, 1e8);
    QCOMPARE(a->points.size(), std::size_t{2});
    QCOMPARE(a->points[0].tokens, 2e9);
    QCOMPARE(a->points[1].loss, 2.9);
    // C = 6·N·D = 6 × 1e8 × 4e9.
    SP_COMPARE_REL(a->points[1].flops, 2.4e18, 1e-15);
    QVERIFY(!a->points[0].step.has_value());
    QCOMPARE(a->source, kDir + "basic.csv");
    QCOMPARE(r.pointCount(), std::size_t{3});
  }

  void csvDerivesTokensOrParamsFromFlops() {
    // N and C given: D = C / (6N) = 1.2e19 / 6e8 = 2e10.
    auto r = importText("params,flops,loss\n1e8,1.2e19,2.5\n", "nc.csv", {});
    QVERIFY2(r.ok(), r.status().message().c_str());
    SP_COMPARE_REL(r.runs.at(0).points.at(0).tokens, 2e10, 1e-15);
    // D and C given: N = C / (6D) = 1.2e19 / (6 × 2e10) = 1e8.
    auto r2 = importText("tokens,compute,val_loss\n2e10,1.2e19,2.5\n", "dc.csv", {});
    QVERIFY2(r2.ok(), r2.status().message().c_str());
    SP_COMPARE_REL(r2.runs.at(0).params, 1e8, 1e-15);
    QCOMPARE(r2.runs.at(0).points.at(0).loss, 2.5);
  }

  void csvWithoutRunOrStepColumnMakesOneRunPerRow() {
    auto r = importText("N,D,loss\n1e8,2e9,3.0\n1e8,4e9,2.8\n", "table.csv", {});
    QVERIFY(r.ok());
    QCOMPARE(r.runs.size(), std::size_t{2});
    QCOMPARE(r.runs[0].name, std::string("table:2"));
    QCOMPARE(r.runs[1].name, std::string("table:3"));
  }

  void csvStepColumnWithTokensPerStepAndParamsFromOptions() {
    ImportOptions o;
    o.params = 1e8;
    o.tokens_per_step = 1000;
    auto r = importText("step,train_loss\n200,2.8\n100,3.0\n", "curve.csv", o);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.runs.size(), std::size_t{1});
    const Run& run = r.runs[0];
    QCOMPARE(run.name, std::string("curve"));
    QCOMPARE(run.points.size(), std::size_t{2});
    // Sorted by tokens: step 100 first, 100 × 1000 tokens.
    QCOMPARE(run.points[0].tokens, 1e5);
    QCOMPARE(*run.points[0].step, 100.0);
    SP_COMPARE_REL(run.points[1].flops, 6.0 * 1e8 * 2e5, 1e-15);
  }

  void csvGroupByColumnAndSplitOfMixedSizes() {
    const std::string text = "family,params,tokens,loss\nx,1e8,1e9,3.0\nx,1e8,2e9,2.9\nx,2e8,1e9,2.8\n";
    ImportOptions grouped;
    grouped.group_by = "params";
    auto g = importText(text, "g.csv", grouped);
    QVERIFY(g.ok());
    QCOMPARE(g.runs.size(), std::size_t{2});
    QCOMPARE(g.runs[0].name, std::string("1e8"));
    QCOMPARE(g.runs[0].points.size(), std::size_t{2});

    ImportOptions by_family;
    by_family.columns.run = "family";
    auto f = importText(text, "g.csv", by_family);
    QVERIFY(f.ok());
    QCOMPARE(f.runs.size(), std::size_t{2});
    QCOMPARE(f.runs[0].name, std::string("x [N=1e+08]"));
    QCOMPARE(f.runs[1].name, std::string("x [N=2e+08]"));
    QCOMPARE(warningTexts(f), std::vector<std::string>{
        "g.csv:2: run 'x' has rows with different model sizes 1e+08 (line 2), 2e+08 (line 4); split into runs "
        "'x [N=1e+08]', 'x [N=2e+08]'"});
  }

  void csvDelimitersAreDetected() {
    auto semi = importOne("semicolon.csv");
    QVERIFY2(semi.ok(), semi.status().message().c_str());
    QCOMPARE(semi.runs.size(), std::size_t{2});
    QCOMPARE(semi.runs[1].params, 2e8);
    auto tsv = importOne("runs.tsv");
    QVERIFY2(tsv.ok(), tsv.status().message().c_str());
    QCOMPARE(tsv.runs.at(0).points.at(0).tokens, 2e9);
    auto pipe = importText("params|tokens|loss\n1e8|2e9|3.0\n", "p.txt", {});
    QVERIFY2(pipe.ok(), pipe.status().message().c_str());
    QCOMPARE(pipe.runs.at(0).points.at(0).loss, 3.0);
    // An explicit delimiter wins over detection: with ';' the comma file has one column.
    ImportOptions semi_opt;
    semi_opt.delimiter = ';';
    auto forced = importText("params,tokens,loss\n1e8,2e9,3.0\n", "f.csv", semi_opt);
    QVERIFY(!forced.ok());
    SP_VERIFY_CONTAINS(forced.status().message(), "the header has 'params,tokens,loss'");
  }

  void csvQuotingFollowsRfc4180AndTracksLines() {
    auto r = importOne("quoted.csv");
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.runs.size(), std::size_t{3});
    QVERIFY(findRun(r, "small, v1"));
    QVERIFY(findRun(r, "say \"hi\""));
    const Run* multi = findRun(r, "multi\nline");
    QVERIFY(multi);
    QCOMPARE(multi->points.size(), std::size_t{1});
    QCOMPARE(multi->points[0].loss, 3.2);
    // The last record starts on line 6; its loss cell is on line 7, after `line",1e8,4e9,`.
    QCOMPARE(warningTexts(r), std::vector<std::string>{
        kDir + "quoted.csv:7:15: field 'loss': 'bad' is not a number; row skipped"});
  }

  void csvCrLfAndUtf8BomAreAccepted() {
    auto r = importText("\xEF\xBB\xBFrun,params,tokens,loss\r\na,1e8,2e9,3.0\r\na,1e8,4e9,2.5\r\n", "w.csv", {});
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.runs.size(), std::size_t{1});
    QCOMPARE(r.runs[0].points[1].loss, 2.5);
    QVERIFY(r.warnings.empty());
  }

  void explicitMappingOverridesDetection() {
    ImportOptions o;
    o.columns.loss = "my_loss";
    auto r = importText("N,D,loss,my_loss\n1e8,1e9,3.0,2.5\n", "m.csv", o);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.runs.at(0).points.at(0).loss, 2.5);
    // Mapping matches after normalisation too: "model size" finds "Model Size".
    ImportOptions o2;
    o2.columns.params = "model size";
    o2.columns.tokens = "D";
    auto r2 = importText("Model Size,D,loss\n3e8,1e9,3.0\n", "m2.csv", o2);
    QVERIFY2(r2.ok(), r2.status().message().c_str());
    QCOMPARE(r2.runs.at(0).params, 3e8);

    ImportOptions bad;
    bad.columns.params = "Size";
    auto e = importText("N,D,loss,my_loss\n1e8,1e9,3.0,2.5\n", "m.csv", bad);
    QCOMPARE(std::string(toString(e.termination)), std::string(toString(ImportTermination::Error)));
    QCOMPARE(e.error->toString(),
             std::string("m.csv:1: column 'Size' (params) is not in the header; the header has 'N', 'D', 'loss', 'my_loss'"));
  }

  void ambiguousColumnsAreReported() {
    auto r = importText("params,tokens,train_loss,val_loss\n1e8,1e9,3.0,3.2\n", "amb.csv", {});
    QVERIFY(r.ok());
    QCOMPARE(r.runs.at(0).points.at(0).loss, 3.2);
    QCOMPARE(warningTexts(r), std::vector<std::string>{
        "amb.csv:1: columns 'train_loss', 'val_loss' could all be the loss; using 'val_loss' (name the loss "
        "column explicitly to choose)"});
  }

  // ---- bad input ------------------------------------------------------------------------------------
  void badCellsAreSkippedWithLocatedReasons() {
    auto r = importOne("bad_rows.csv");
    QVERIFY2(r.ok(), r.status().message().c_str());
    const std::string f = kDir + "bad_rows.csv";
    const std::vector<std::string> expected = {
        f + ":3:11: field 'loss': 'abc' is not a number; row skipped",
        f + ":4:3: field 'params': params must be > 0, got -5; row skipped",
        f + ":5:7: field 'tokens': 'nan' is not a finite number; row skipped",
        f + ":6:7: field 'tokens': 'inf' is not a finite number; row skipped",
        f + ":7:3: field 'params': params must be > 0, got 0; row skipped",
    };
    QCOMPARE(joined(warningTexts(r)), joined(expected));
    QCOMPARE(r.runs.size(), std::size_t{1});
    QCOMPARE(r.runs[0].points.size(), std::size_t{2});
    QCOMPARE(r.runs[0].points[1].tokens, 8e9);
    // Structured fields of a warning.
    QCOMPARE(r.warnings[0].line, std::int64_t{3});
    QCOMPARE(r.warnings[0].column, std::int64_t{11});
    QCOMPARE(r.warnings[0].field, std::string("loss"));
  }

  void raggedRowsAreSkipped() {
    auto r = importOne("ragged.csv");
    QVERIFY(r.ok());
    const std::string f = kDir + "ragged.csv";
    // A missing field is reported where it should begin (after "a,1e8,4e9"), an extra one where it
    // begins; a trailing empty field (line 5) is accepted.
    QCOMPARE(joined(warningTexts(r)), joined({f + ":3:10: row has 3 fields but the header has 4; row skipped",
                                              f + ":4:15: row has 5 fields but the header has 4; row skipped"}));
    QCOMPARE(r.runs.at(0).points.size(), std::size_t{2});
    QCOMPARE(r.runs[0].points[1].tokens, 9e9);
  }

  void missingColumnsListTheHeader() {
    auto no_loss = importText("params,tokens,flops\n1,2,3\n", "x.csv", {});
    QCOMPARE(std::string(toString(no_loss.termination)), std::string(toString(ImportTermination::Error)));
    QCOMPARE(no_loss.error->toString(),
             std::string("x.csv:1: no loss column: expected one named loss, val_loss, eval_loss or train_loss (or map "
                         "one explicitly); the header has 'params', 'tokens', 'flops'"));
    auto one_of_three = importText("params,loss\n1e8,3\n", "y.csv", {});
    QCOMPARE(one_of_three.error->toString(),
             std::string("y.csv:1: cannot determine model size N, tokens D and FLOPs C: found only model size N; two are "
                         "needed (the third follows from C = 6·N·D); the header has 'params', 'loss'"));
    QVERIFY(one_of_three.runs.empty());
    auto steps = importText("params,step,loss\n1e8,10,3\n", "z.csv", {});
    SP_VERIFY_CONTAINS(steps.status().message(), "a step column was found: give --tokens-per-step");
  }

  void duplicatedHeaders() {
    auto r = importOne("dup_header.csv");
    QCOMPARE(std::string(toString(r.termination)), std::string(toString(ImportTermination::Error)));
    QCOMPARE(r.error->toString(), kDir + "dup_header.csv:1:24: field 'loss': duplicated column name (columns 2 and 5): "
                                         "cannot tell which one to use");
    // An unused duplicate is only noted.
    auto u = importText("params,tokens,loss,note,note\n1e8,1e9,3.0,a,b\n", "u.csv", {});
    QVERIFY(u.ok());
    QCOMPARE(warningTexts(u),
             std::vector<std::string>{"u.csv:1:25: field 'note': duplicated column name (columns 4 and 5); neither is used"});
  }

  void emptyAndHeaderOnlyFiles() {
    auto e = importOne("empty.csv");
    QCOMPARE(std::string(toString(e.termination)), std::string(toString(ImportTermination::Error)));
    QCOMPARE(e.error->toString(), kDir + "empty.csv: file is empty");
    auto blank = importText(" \n\n  \n", "blank.csv", {});
    QCOMPARE(blank.error->toString(), std::string("blank.csv: file is empty"));
    auto h = importOne("header_only.csv");
    QCOMPARE(h.error->toString(), kDir + "header_only.csv:1: no data rows after the header");
  }

  void binaryAndWrongEncodingAreRejected() {
    auto b = importOne("binary.bin");
    QCOMPARE(std::string(toString(b.termination)), std::string(toString(ImportTermination::Error)));
    QCOMPARE(b.error->toString(), kDir + "binary.bin:2:4: binary data (a NUL byte): not a text log");
    auto l = importOne("latin1.csv");
    QCOMPARE(l.error->toString(), kDir + "latin1.csv:2:4: invalid UTF-8 (byte 0xE9): not a text log, or not UTF-8");
    auto u16 = importText(std::string("\xFF\xFEp\0a\0", 6), "u16.csv", {});
    QCOMPARE(u16.error->toString(), std::string("u16.csv:1:1: the file is UTF-16 text (byte-order mark); save it as UTF-8"));
  }

  void allRowsBadIsAnError() {
    auto r = importText("params,tokens,loss\n1e8,2e9,x\n1e8,2e9,y\n", "x.csv", {});
    QCOMPARE(std::string(toString(r.termination)), std::string(toString(ImportTermination::Error)));
    QCOMPARE(r.error->toString(),
             std::string("x.csv: no usable rows: all 2 data rows were skipped (first: x.csv:2:9: field 'loss': 'x' is not "
                         "a number; row skipped)"));
    QVERIFY(r.runs.empty());
  }

  void quotingDefects() {
    auto u = importOne("unterminated.csv");
    QCOMPARE(std::string(toString(u.termination)), std::string(toString(ImportTermination::Error)));
    QCOMPARE(u.error->toString(),
             kDir + "unterminated.csv:2:1: quoted field is never closed (a '\"' without its closing '\"')");
    auto t = importText("run,params,tokens,loss\n\"a\"x,1e8,2e9,3\nb,1e8,2e9,3\n", "q.csv", {});
    QVERIFY(t.ok());
    QCOMPARE(warningTexts(t), std::vector<std::string>{
        "q.csv:2:1: field 'run': unexpected text after the closing quote of a quoted field; row skipped"});
    QCOMPARE(t.runs.size(), std::size_t{1});
  }

  void listedWarningsAreCappedButCounted() {
    ImportOptions o;
    o.max_listed_warnings = 2;
    std::string text = "params,tokens,loss\n";
    for (int i = 0; i < 5; ++i) text += "1e8,2e9,bad\n";
    text += "1e8,2e9,3.0\n";
    auto r = importText(text, "cap.csv", o);
    QVERIFY(r.ok());
    QCOMPARE(r.warnings.size(), std::size_t{3});
    QCOMPARE(r.warnings[1].line, std::int64_t{3});
    QCOMPARE(r.warnings[2].toString(),
             std::string("cap.csv: 5 rows were skipped in all; only the first 2 are listed above (3 more)"));
  }

  void invalidOptionsAreReported() {
    ImportOptions o;
    o.params = -1;
    auto r = importText("a\n", "x.csv", o);
    QCOMPARE(r.status().message(), std::string("invalid import options: params: -1 must be a finite number > 0"));
    auto none = importFiles({}, {});
    QCOMPARE(none.status().message(), std::string("no files to import"));
    auto missing = importFiles({kDir + "no_such_file.csv"}, {});
    QCOMPARE(missing.status().message(), kDir + "no_such_file.csv: cannot open for reading: No such file or directory");
    auto dir = importFiles({kDir + "hf"}, {});
    QCOMPARE(dir.status().message(), kDir + "hf: is a folder without trainer_state.json or "
                                            "checkpoint-N/trainer_state.json; give a log file");
  }

  // ---- JSON Lines -----------------------------------------------------------------------------------
  void jsonLines() {
    auto r = importOne("records.jsonl");
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.formats, std::vector<std::string>{"jsonl"});
    QCOMPARE(r.runs.size(), std::size_t{2});
    const Run* a = findRun(r, "a");
    QVERIFY(a);
    QCOMPARE(a->points.size(), std::size_t{2});
    QCOMPARE(a->points[1].tokens, 4e9);  // from the string "4e9"
    const Run* b = findRun(r, "b");
    QVERIFY(b);
    SP_COMPARE_REL(b->points.at(0).tokens, 2.4e18 / (6 * 2e8), 1e-15);
    const auto w = warningTexts(r);
    QCOMPARE(w.size(), std::size_t{4});
    const std::string f = kDir + "records.jsonl";
    SP_VERIFY_CONTAINS(w[0], f + ":3:");
    SP_VERIFY_CONTAINS(w[0], "invalid JSON");
    SP_VERIFY_CONTAINS(w[0], "; line skipped");
    // `"loss"` starts at character 44 of line 5.
    QCOMPARE(w[1], f + ":5:44: field 'loss': 'x' is not a number; line skipped");
    QCOMPARE(w[2], f + ":6:1: expected a JSON object, got an array; line skipped");
    QCOMPARE(w[3], f + ":7:1: no loss field (keys: 'run', 'params', 'tokens'); line skipped");
  }

  // ---- Hugging Face trainer_state.json --------------------------------------------------------------
  void hfTrainerStateWithSiblingConfig() {
    ImportOptions o;
    o.tokens_per_step = 1048576;  // 512 sequences of 2,048 tokens
    auto r = importOne("hf/tiny-llama/trainer_state.json", o);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.formats, std::vector<std::string>{"hf-trainer"});
    QCOMPARE(r.runs.size(), std::size_t{1});
    const Run& run = r.runs[0];
    QCOMPARE(run.name, std::string("tiny-llama"));
    // TinyLlama-1.1B has 1,100,048,384 parameters (its published count).
    QCOMPARE(run.params, 1100048384.0);
    QCOMPARE(run.points.size(), std::size_t{3});
    QCOMPARE(run.points[0].tokens, 100.0 * 1048576);
    QCOMPARE(run.points[2].loss, 3.3);
    SP_COMPARE_REL(run.points[2].flops, 6.0 * 1100048384.0 * 300 * 1048576, 1e-15);
    const auto w = warningTexts(r);
    QCOMPARE(w.size(), std::size_t{2});
    SP_VERIFY_CONTAINS(w[0], "model size N = 1100048384 counted from ");
    QCOMPARE(w[1], kDir + "hf/tiny-llama/trainer_state.json: field 'log_history': 3 log_history entries have no 'loss' "
                          "(evaluation, learning-rate or summary entries) and were not used; to import the evaluation "
                          "loss, name 'eval_loss' as the loss");
  }

  void hfTrainerStateEvalLossAndErrors() {
    std::ifstream in(kDir + "hf/tiny-llama/trainer_state.json");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    ImportOptions o;
    o.params = 1e8;
    o.tokens_per_step = 1000;
    o.columns.loss = "eval_loss";
    auto r = importText(text, "trainer_state.json", o);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.runs.at(0).points.size(), std::size_t{2});
    QCOMPARE(r.runs[0].points[1].loss, 3.7);
    QCOMPARE(r.runs[0].params, 1e8);

    auto no_n = importText(text, "trainer_state.json", ImportOptions{});
    QCOMPARE(no_n.error->toString(),
             std::string("trainer_state.json: no model size N: trainer_state.json does not record it and no "
                         "config.json is beside it; give --params (N) or --model-config (the model's config.json)"));
    QCOMPARE(no_n.error->missing_option, std::string("params"));
    ImportOptions only_n;
    only_n.params = 1e8;
    auto no_t = importText(text, "trainer_state.json", only_n);
    SP_VERIFY_CONTAINS(no_t.status().message(), "no token counts: trainer_state.json counts optimiser steps");
    auto not_hf = importText("{\"a\": 1}", "state.json", only_n);
    QCOMPARE(not_hf.error->toString(),
             std::string("state.json: field 'log_history': missing: not a Hugging Face trainer_state.json"));
    auto broken = importText("{\n  \"log_history\": [\n    {\"loss\": 1,}\n  ]\n}", "s.json", only_n);
    SP_VERIFY_CONTAINS(broken.status().message(), "s.json:3:");
    SP_VERIFY_CONTAINS(broken.status().message(), "invalid JSON");
    // A bad value names its JSON path.
    only_n.tokens_per_step = 10;
    auto bad_value = importText(R"({"log_history": [{"loss": "x", "step": 1}, {"loss": 2.0, "step": 2}]})", "b.json", only_n);
    QVERIFY(bad_value.ok());
    QCOMPARE(warningTexts(bad_value),
             std::vector<std::string>{"b.json: field 'log_history[0].loss': expected a number, got the string 'x'; "
                                      "entry skipped"});
  }

  void modelConfigParameterCount() {
    // Llama-2-7B: 6,738,415,616 parameters (the published count).
    const char* llama7b = R"({"hidden_size": 4096, "intermediate_size": 11008, "num_attention_heads": 32,
      "num_hidden_layers": 32, "num_key_value_heads": 32, "vocab_size": 32000, "tie_word_embeddings": false})";
    auto n = countParamsFromModelConfigText(llama7b, "config.json");
    QVERIFY2(n, n.message().c_str());
    QCOMPARE(*n, 6738415616.0);
    // Independent count: 32 layers × (4·4096² + 3·4096·11008 + 2·4096) + 2·32000·4096 + 4096.
    QCOMPARE(*n, 32.0 * (4.0 * 4096 * 4096 + 3.0 * 4096 * 11008 + 2 * 4096) + 2.0 * 32000 * 4096 + 4096);
    auto missing = countParamsFromModelConfigText(R"({"hidden_size": 8, "num_layers": 2, "intermediate_size": 4})", "c.json");
    QCOMPARE(missing.message(), std::string("c.json: missing field 'vocab_size' (counting parameters needs a Llama, "
                                            "GPT-2 or GPT-NeoX style config; otherwise give --params (the model size N))"));
    auto moe = countParamsFromModelConfigText(R"({"hidden_size": 8, "num_local_experts": 8})", "m.json");
    SP_VERIFY_CONTAINS(moe.message(), "mixture-of-experts");
    ImportOptions o;
    o.model_config = kDir + "no_such_config.json";
    auto r = importText("step,loss\n1,2\n", "x.csv", o);
    SP_VERIFY_CONTAINS(r.status().message(), "no_such_config.json: cannot open for reading");
  }

  // ---- W&B and TensorBoard --------------------------------------------------------------------------
  void wandbExport() {
    ImportOptions o;
    o.params_by_run = {{"small", 1e8}, {"large", 4e8}};
    o.tokens_per_step = 524288;
    auto r = importOne("wandb_export.csv", o);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.formats, std::vector<std::string>{"wandb"});
    QCOMPARE(r.runs.size(), std::size_t{2});
    const Run* small = findRun(r, "small");
    const Run* large = findRun(r, "large");
    QVERIFY(small && large);
    QCOMPARE(small->params, 1e8);
    QCOMPARE(small->points.size(), std::size_t{3});
    QCOMPARE(small->points[2].loss, 3.2);
    // Step 200 has no value for "large" (empty cells are not logged values).
    QCOMPARE(large->points.size(), std::size_t{3});
    QCOMPARE(*large->points[1].step, 300.0);
    QCOMPARE(large->points[2].tokens, 400.0 * 524288);
    QCOMPARE(warningTexts(r), std::vector<std::string>{
        kDir + "wandb_export.csv:5:7: field 'small - train/loss': 'oops' is not a number; value skipped"});

    ImportOptions half;
    half.params_by_run = {{"small", 1e8}};
    half.tokens_per_step = 524288;
    auto e = importOne("wandb_export.csv", half);
    QCOMPARE(e.error->toString(), kDir + "wandb_export.csv: no model size N for runs 'large': W&B exports do not record "
                                         "it; give --params (N for all runs, or RUN=N)");
    QCOMPARE(e.error->missing_option, std::string("params"));
  }

  void tensorBoardExport() {
    ImportOptions o;
    o.params = 1e8;
    o.tokens_per_step = 524288;
    auto r = importOne("run-small-tag-train_loss.csv", o);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.formats, std::vector<std::string>{"tensorboard"});
    QCOMPARE(r.runs.size(), std::size_t{1});
    QCOMPARE(r.runs[0].name, std::string("small"));  // from TensorBoard's "run-<run>-tag-<tag>" name
    QCOMPARE(r.runs[0].points.size(), std::size_t{3});
    QCOMPARE(r.runs[0].points[0].tokens, 100.0 * 524288);
    QCOMPARE(r.runs[0].points[0].loss, 4.0);
    ImportOptions no_tps;
    no_tps.params = 1e8;
    auto e = importOne("run-small-tag-train_loss.csv", no_tps);
    SP_VERIFY_CONTAINS(e.status().message(), "no token counts: TensorBoard exports count steps");
    ImportOptions forced;
    forced.format = ImportFormat::TensorBoard;
    forced.params = 1e8;
    forced.tokens_per_step = 1;
    auto wrong = importText("a,b\n1,2\n", "t.csv", forced);
    QCOMPARE(wrong.error->toString(),
             std::string("t.csv:1: expected the TensorBoard header 'Wall time,Step,Value'; the header has 'a', 'b'"));
  }

  void formatDetection() {
    QCOMPARE(std::string(toString(detectFormat("x.csv", "Wall time,Step,Value\n1,2,3\n"))), std::string(toString(ImportFormat::TensorBoard)));
    QCOMPARE(std::string(toString(detectFormat("x.csv", "Step,run-a - train/loss\n"))), std::string(toString(ImportFormat::Wandb)));
    QCOMPARE(std::string(toString(detectFormat("x.csv", "step,loss\n"))), std::string(toString(ImportFormat::Csv)));
    QCOMPARE(std::string(toString(detectFormat("x.txt", "{\"loss\": 1}\n{\"loss\": 2}\n"))), std::string(toString(ImportFormat::Jsonl)));
    QCOMPARE(std::string(toString(detectFormat("x.jsonl", ""))), std::string(toString(ImportFormat::Jsonl)));
    QCOMPARE(std::string(toString(detectFormat("trainer_state.json", "{\"log_history\": []}"))), std::string(toString(ImportFormat::HfTrainer)));
    QCOMPARE(std::string(toString(detectFormat("state", "{\n  \"log_history\": []\n}\n"))), std::string(toString(ImportFormat::HfTrainer)));
    for (ImportFormat f : kAllImportFormats) QVERIFY(importFormatFromString(toString(f)) == std::optional<ImportFormat>(f));
    QVERIFY(!importFormatFromString("xls"));
  }

  // ---- several files, progress, cancel --------------------------------------------------------------
  void severalFilesMakeSeveralRunsWithUniqueNames() {
    auto r = importFiles({kDir + "basic.csv", kDir + "basic.csv"}, {});
    QVERIFY(r.ok());
    QCOMPARE(r.runs.size(), std::size_t{4});
    QCOMPARE(r.runs[2].name, std::string("a (2)"));
    QCOMPARE(r.runs[3].name, std::string("b (2)"));
    QCOMPARE(r.warnings.size(), std::size_t{2});
    QCOMPARE(r.warnings[0].toString(),
             kDir + "basic.csv: run name 'a' was already used by an earlier file; renamed to 'a (2)'");
    // The first failing file stops the import and no partial runs are returned.
    auto bad = importFiles({kDir + "basic.csv", kDir + "empty.csv"}, {});
    QCOMPARE(std::string(toString(bad.termination)), std::string(toString(ImportTermination::Error)));
    QVERIFY(bad.runs.empty());
  }

  void progressIsReportedAndCancelStops() {
    // About 5.5 MB, so that the stream is read in several 1 MiB chunks.
    std::string text = "run,params,tokens,loss\n";
    for (int i = 0; i < 300000; ++i) {
      text.push_back('r');
      text += std::to_string(i % 10);
      text += ",1e8,";
      text += std::to_string(i + 1);
      text += "e6,3.0\n";
    }
    std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
    std::istringstream in(text);
    auto r = importStream(in, "big.csv", {}, [&](std::uint64_t done, std::uint64_t total) {
      calls.emplace_back(done, total);
      return true;
    }, text.size());
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.pointCount(), std::size_t{300000});
    QCOMPARE(r.runs.size(), std::size_t{10});
    QVERIFY(calls.size() >= text.size() / (1 << 20));  // at least one call per 1 MiB chunk
    QVERIFY(text.size() > 4 * (1 << 20));
    for (std::size_t i = 1; i < calls.size(); ++i) QVERIFY(calls[i].first >= calls[i - 1].first);
    QCOMPARE(calls.back().first, std::uint64_t{text.size()});
    QCOMPARE(calls.back().second, std::uint64_t{text.size()});

    int seen = 0;
    std::istringstream in2(text);
    auto c = importStream(in2, "big.csv", {}, [&](std::uint64_t, std::uint64_t) { return ++seen < 2; }, text.size());
    QCOMPARE(std::string(toString(c.termination)), std::string(toString(ImportTermination::Cancelled)));
    QCOMPARE(seen, 2);
    QVERIFY(c.runs.empty());
    QCOMPARE(c.status().message(), std::string("import cancelled"));
    QCOMPARE(std::string(toString(c.termination)), std::string("cancelled"));
  }

  void quotedFieldsAcrossChunkBoundaries() {
    // ~2.6 MB of records that each span two lines and contain escaped quotes, so that the 1 MiB
    // read boundaries fall inside quoted fields, between the two quotes of a "" pair, and so on.
    const int rows = 50000;
    std::string text = "run,params,tokens,loss\r\n";
    for (int i = 0; i < rows; ++i) {
      text += "\"r ";
      text += std::string(static_cast<std::size_t>(i % 7), 'x');
      text += "\"\"q\"\" ";
      text += std::to_string(i);
      text += "\nend\",1e8,";
      text += std::to_string(i + 1);
      text += "e6,3.5\r\n";
    }
    text += "\"last\",1e8,1e9,oops\r\n";  // starts on line 2 + 2·rows
    std::istringstream in(text);
    auto r = importStream(in, "chunks.csv", {});
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.runs.size(), std::size_t{rows});
    for (int i = 0; i < rows; i += 997) {
      const std::string expected = "r " + std::string(static_cast<std::size_t>(i % 7), 'x') + "\"q\" " +
                                   std::to_string(i) + "\nend";
      QCOMPARE(r.runs[static_cast<std::size_t>(i)].name, expected);
      QCOMPARE(r.runs[static_cast<std::size_t>(i)].points.at(0).tokens, (i + 1) * 1e6);
    }
    QCOMPARE(warningTexts(r), std::vector<std::string>{"chunks.csv:" + std::to_string(2 + 2 * rows) +
                                                       ":16: field 'loss': 'oops' is not a number; row skipped"});
  }

  // ---- shipped and reference data -------------------------------------------------------------------
  void chinchillaDataImportsThroughCsvPath() {
    const std::string path = SCALEPLAN_TEST_DATA_DIR "/chinchilla/svg_extracted_data.csv";
    ImportOptions mapped;
    mapped.columns.params = "Model Size";
    mapped.columns.flops = "Training FLOP";
    mapped.columns.loss = "loss";
    for (const ImportOptions& o : {ImportOptions{}, mapped}) {
      auto r = importFiles({path}, o);
      QVERIFY2(r.ok(), r.status().message().c_str());
      QVERIFY(r.warnings.empty());
      QCOMPARE(r.runs.size(), std::size_t{245});
      QCOMPARE(r.pointCount(), std::size_t{245});
      double n_lo = 1e300, n_hi = 0, d_lo = 1e300, d_hi = 0, l_lo = 1e300, l_hi = 0;
      std::set<double> sizes;
      for (const Run& run : r.runs) {
        const RunPoint& p = run.points.at(0);
        n_lo = std::min(n_lo, run.params), n_hi = std::max(n_hi, run.params);
        d_lo = std::min(d_lo, p.tokens), d_hi = std::max(d_hi, p.tokens);
        l_lo = std::min(l_lo, p.loss), l_hi = std::max(l_hi, p.loss);
        // The sizes were read off a figure, so they agree only to about 3 significant digits.
        const double mag = std::pow(10.0, std::floor(std::log10(run.params)) - 2);
        sizes.insert(std::round(run.params / mag) * mag);
      }
      SP_COMPARE_REL(n_lo, 5.73e7, 5e-3);
      SP_COMPARE_REL(n_hi, 1.62e10, 5e-3);
      SP_COMPARE_REL(d_lo, 2.45e8, 5e-3);
      SP_COMPARE_REL(d_hi, 3.18e11, 5e-3);
      SP_COMPARE_REL(l_lo, 2.077, 1e-3);
      SP_COMPARE_REL(l_hi, 5.006, 1e-3);
      QCOMPARE(sizes.size(), std::size_t{43});
    }
    // Row by row against an independent reading: D = C / (6N), loss as written.
    auto r = importFiles({path}, mapped);
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    std::size_t i = 0;
    while (std::getline(in, line)) {
      const auto cells = splitPlain(line);
      const double n = std::stod(cells[3]), c = std::stod(cells[4]), loss = std::stod(cells[6]);
      const Run& run = r.runs.at(i++);
      QCOMPARE(run.params, n);
      SP_COMPARE_REL(run.points[0].tokens, c / (6 * n), 1e-15);
      QCOMPARE(run.points[0].flops, c);
      QCOMPARE(run.points[0].loss, loss);
    }
    QCOMPARE(i, std::size_t{245});
  }

  void exampleRunSetImports() {
    const std::string dir = SCALEPLAN_SHIPPED_DATA_DIR "/example_runs/";
    auto csv = importFiles({dir + "example_runs.csv"}, {});
    QVERIFY2(csv.ok(), csv.status().message().c_str());
    QVERIFY(csv.warnings.empty());
    QCOMPARE(csv.runs.size(), std::size_t{35});
    QCOMPARE(csv.pointCount(), std::size_t{350});
    std::set<double> sizes;
    // The documented generating law (README.md): E + A/N^alpha + B/D^beta, noise sigma 0.5 % in log.
    const double E = 1.8172, A = 482.01, B = 2085.43, alpha = 0.3478, beta = 0.3658;
    for (const Run& run : csv.runs) {
      sizes.insert(run.params);
      QCOMPARE(run.points.size(), std::size_t{10});
      for (const RunPoint& p : run.points) {
        const double law = E + A / std::pow(run.params, alpha) + B / std::pow(p.tokens, beta);
        QVERIFY2(std::fabs(std::log(p.loss / law)) < 0.03, run.name.c_str());  // 6 sigma
        SP_COMPARE_REL(p.flops, 6 * run.params * p.tokens, 1e-6);
      }
      // The last point is the run's budget in tokens per parameter (5..80), to a step of 2^19 tokens.
      const double tpp = run.points.back().tokens / run.params;
      QVERIFY2(tpp > 4.9 && tpp < 80.5, run.name.c_str());
    }
    QCOMPARE(sizes, (std::set<double>{20e6, 40e6, 85e6, 160e6, 300e6, 550e6, 1e9}));
    auto jsonl = importFiles({dir + "example_runs.jsonl"}, {});
    QVERIFY2(jsonl.ok(), jsonl.status().message().c_str());
    QCOMPARE(jsonl.runs.size(), csv.runs.size());
    for (std::size_t i = 0; i < csv.runs.size(); ++i) {
      QCOMPARE(jsonl.runs[i].name, csv.runs[i].name);
      QCOMPARE(jsonl.runs[i].params, csv.runs[i].params);
      for (std::size_t k = 0; k < csv.runs[i].points.size(); ++k) {
        QCOMPARE(jsonl.runs[i].points[k].tokens, csv.runs[i].points[k].tokens);
        QCOMPARE(jsonl.runs[i].points[k].flops, csv.runs[i].points[k].flops);
        QCOMPARE(jsonl.runs[i].points[k].loss, csv.runs[i].points[k].loss);
      }
    }
  }
};

QTEST_APPLESS_MAIN(TestImporters)
#include "test_importers.moc"
