// Real training-tool logs from public repositories (tests/data/importers/real/, sources in its
// SOURCE.md): each imports with default options plus only the values the file lacks, and the
// values asserted are read from the files by hand (or, for the event files, decoded in Python).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "importers/importer.hpp"
#include "importers/model_config.hpp"
#include "log_test_helpers.hpp"
#include "test_support.hpp"

using namespace scaleplan;
using test::allWarnings;
using test::importPath;

namespace {
const std::string& kReal = test::kRealDir;
}  // namespace

class TestLogFormatsReal : public QObject {
  Q_OBJECT
 private slots:
  void hfRealQwenImportsWithDefaults() {
    // The folder holds trainer_state.json and the model's config.json: N is counted from the
    // config, and total_flos gives the tokens per step.
    auto r = importPath(kReal + "hf-trainer/qwen2.5-0.5b-cls");
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.runs.size(), std::size_t{1});
    const Run& run = r.runs[0];
    QCOMPARE(run.name, std::string("qwen2.5-0.5b-cls"));
    QCOMPARE(run.params, 494032768.0);
    QCOMPARE(run.points.size(), std::size_t{12});  // "loss" at steps 5, 10, ..., 60
    // Tokens per step = total_flos / (6 · N without embeddings) / 63 steps = 780326685186048 /
    // (6 · (494032768 − 151936·896)) / 63 = 5768 (by hand).
    QVERIFY(std::abs(run.points[0].tokens - 5.0 * 5768) < 1e-6);
    QCOMPARE(*run.points[0].step, 5.0);
    QCOMPARE(run.points[0].loss, 0.10929466485977173);
    QCOMPARE(*run.points.back().step, 60.0);
    QCOMPARE(run.points.back().loss, 1.3581136590801179e-05);
    const std::string w = allWarnings(r);
    SP_VERIFY_CONTAINS(w, "model size N = 494032768 counted from");
    SP_VERIFY_CONTAINS(w, "tokens per step 5768 = total_flos 780326685186048");
  }

  void hfRealBartAsksForWhatItLacks() {
    const std::string file = kReal + "hf-trainer/cpt-large-bart/trainer_state.json";
    auto none = importPath(file);
    QVERIFY(!none.ok());
    QCOMPARE(none.error->missing_option, std::string("params"));
    ImportOptions o;
    o.params = 3.93e8;
    auto no_tokens = importPath(file, o);
    QCOMPARE(no_tokens.error->missing_option, std::string("tokens-per-step"));
    SP_VERIFY_CONTAINS(no_tokens.error->message, "its total_flos needs the model's config.json beside it");
    o.tokens_per_step = 6 * 512;
    auto r = importPath(file, o);
    QVERIFY2(r.ok(), r.status().message().c_str());
    const Run& run = r.runs.at(0);
    QCOMPARE(run.points.size(), std::size_t{10});  // "loss" every 500 steps, 500 .. 5000
    QCOMPARE(run.points[0].loss, 1.1409);
    QCOMPARE(run.points[0].tokens, 500.0 * 6 * 512);
    QCOMPARE(run.points.back().loss, 0.2645);
    QCOMPARE(*run.points.back().step, 5000.0);
    // 10 evaluation, 10 prediction and 1 summary entry.
    SP_VERIFY_CONTAINS(allWarnings(r), "21 log_history entries have no 'loss'");
  }

  void megatronRealLogs() {
    // Megatron-LM on 8 MI300X (sfantao/lumi-ai-workflow-tests, see real/SOURCE.md): the arguments
    // block gives N and seq_length, so the log imports with default options. By hand, from the
    // arguments (56 layers, hidden 6144, 96 heads of kv_channels 64, 24 query groups, SwiGLU FFN
    // 21504, no linear biases, RMSNorm, RoPE, untied embeddings, padded vocabulary 50688):
    // per layer q,o 2·6144² + k,v 2·6144·(24·64) + MLP 3·6144·21504 + 2 norms 6144 = 490,745,856;
    // × 56 = 27,481,767,936 (the log: "transformer layers in billions: 27.48"); + embedding and
    // output 2·50688·6144 = 622,854,144 ("embedding layers in billions: 0.62") + final norm 6144
    // = 28,104,628,224.
    const std::string mi300x = kReal + "megatron/megatron-lm-28b-mi300x-thera.log";
    auto m = importPath(mi300x);
    QVERIFY2(m.ok(), m.status().message().c_str());
    const Run& big = m.runs.at(0);
    QCOMPARE(big.params, 28104628224.0);
    // The log's "Total number of parameters in billions: 28.11" is Megatron's estimate, which
    // counts each of the 2·56 + 1 norms with a bias (2·6144 instead of 6144): 28,105,322,496.
    QCOMPARE(std::round((big.params + (2 * 56 + 1) * 6144.0) / 1e7) / 100, 28.11);
    QCOMPARE(big.points.size(), std::size_t{17});  // iterations 1-17 of 20 (the job hit its time limit)
    QCOMPARE(big.points[0].tokens, 512.0 * 8192);  // consumed samples 512 × seq_length 8192
    QCOMPARE(big.points[0].loss, 10.99230);
    QCOMPARE(big.points[7].tokens, 4096.0 * 8192);
    QCOMPARE(big.points[7].loss, 9.912777);
    QCOMPARE(big.points[16].tokens, 8704.0 * 8192);
    QCOMPARE(big.points[16].loss, 8.424495);
    const std::string mw = allWarnings(m);
    SP_VERIFY_CONTAINS(mw, "model size N = 28104628224 counted from the arguments block");
    SP_VERIFY_CONTAINS(mw, "tokens = consumed samples × seq_length 8192");

    // The same log without its arguments block: N falls back to the printed "Total number of
    // parameters in billions: 28.11", and the tokens per step are what it then lacks.
    std::ifstream in(mi300x);
    std::string line, without_args;
    bool in_args = false;
    while (std::getline(in, line)) {
      if (line.find(" arguments ---") != std::string::npos) in_args = true;
      if (!in_args) without_args += line + "\n";
      if (line.find("end of arguments") != std::string::npos) in_args = false;
    }
    const auto dir = std::filesystem::temp_directory_path() / "scaleplan_test_log_formats_real";
    std::filesystem::create_directories(dir);
    const std::string no_args = (dir / "megatron-no-arguments.log").string();
    std::ofstream(no_args) << without_args;
    QCOMPARE(importPath(no_args).error->missing_option, std::string("tokens-per-step"));
    ImportOptions per_step;
    per_step.tokens_per_step = 512 * 8192;
    auto printed = importPath(no_args, per_step);
    QVERIFY2(printed.ok(), printed.status().message().c_str());
    QCOMPARE(printed.runs.at(0).params, 28.11e9);
    QCOMPARE(printed.runs[0].points.size(), std::size_t{17});
    QCOMPARE(printed.runs[0].points[16].tokens, 17.0 * 512 * 8192);
    SP_VERIFY_CONTAINS(allWarnings(printed), "model size N = 2.811e+10 from the log's 'Total number of parameters in "
                                             "billions: 28.11'");
    std::filesystem::remove_all(dir);

    // Megatron-DeepSpeed runs of saforem2/Megatron-DeepSpeed ALCF/README.md (see real/SOURCE.md): the logs
    // print no arguments block, so N is the one value they lack. The launch command above each log gives
    // 32 layers, hidden 4096, 32 heads with 8 key/value heads, SwiGLU FFN 11008, untied embeddings,
    // Llama 2 tokenizer (32000). By hand: per layer q,o 2·4096² + k,v 2·4096·1024 + MLP 3·4096·11008
    // + 2 norms 4096 = 177,217,536; × 32 = 5,670,961,152; + embedding and output 2·32000·4096
    // + final norm 4096 = 5,933,109,248.
    std::map<std::string, std::string> alcf_args = {
        {"num_layers", "32"}, {"hidden_size", "4096"}, {"num_attention_heads", "32"}, {"ffn_hidden_size", "11008"},
        {"swiglu", "True"}, {"untie_embeddings_and_output_weights", "True"}, {"position_embedding_type", "rope"},
        {"normalization", "RMSNorm"}, {"add_bias_linear", "False"}, {"group_query_attention", "True"},
        {"num_query_groups", "8"}, {"vocab_size", "32000"}, {"make_vocab_size_divisible_by", "128"},
        {"tensor_model_parallel_size", "2"}};
    auto alcf_n = countMegatronArguments(alcf_args, "alcf.log");
    QVERIFY2(alcf_n, alcf_n.message().c_str());
    QCOMPARE(alcf_n->params, 5933109248.0);

    const std::string sunspot = kReal + "megatron/megatron-deepspeed-llama-sunspot.log";
    auto no_n = importPath(sunspot);
    QCOMPARE(no_n.error->missing_option, std::string("params"));
    ImportOptions n;
    n.params = alcf_n->params;
    auto d = importPath(sunspot, n);
    QVERIFY2(d.ok(), d.status().message().c_str());
    QCOMPARE(d.runs.at(0).params, 5933109248.0);
    QCOMPARE(d.runs.at(0).points.size(), std::size_t{2});
    QCOMPARE(d.runs[0].points[0].tokens, 393216.0);  // "consumed tokens" = 96 samples × 4096
    QCOMPARE(d.runs[0].points[0].loss, 11.17136);
    QCOMPARE(d.runs[0].points[1].tokens, 786432.0);
    QCOMPARE(d.runs[0].points[1].loss, 25.37718);

    // Megatron-LM (okoge-kaz's fork, PyTorch profiler notes): one iteration line between profiler
    // lines, with a fork's own "iteration time: ... s samples/sec: ..." field. Without an arguments
    // block the log lacks N and the sequence length, and the errors ask for exactly those.
    const std::string profiler = kReal + "megatron/megatron-lm-torch-profiler-abci.log";
    QCOMPARE(importPath(profiler).error->missing_option, std::string("params"));
    ImportOptions only_n;
    only_n.params = 8e9;
    QCOMPARE(importPath(profiler, only_n).error->missing_option, std::string("tokens-per-step"));
    only_n.tokens_per_step = 1024 * 1024;  // a global batch of 1024 × an assumed sequence length of 1024
    auto prof = importPath(profiler, only_n);
    QVERIFY2(prof.ok(), prof.status().message().c_str());
    QCOMPARE(prof.runs.at(0).points.size(), std::size_t{1});
    QCOMPARE(prof.runs[0].points[0].loss, 2.120380);
    QCOMPARE(prof.runs[0].points[0].tokens, 4.0 * 1024 * 1024);  // iteration 4

    // The Polaris run of the same README (TP 2, global batch 32); memory lines of two ranks between
    // the iteration lines are skipped.
    const std::string polaris = kReal + "megatron/megatron-deepspeed-llama-polaris.log";
    QCOMPARE(importPath(polaris).error->missing_option, std::string("params"));
    auto p = importPath(polaris, n);
    QVERIFY2(p.ok(), p.status().message().c_str());
    QCOMPARE(p.runs.at(0).points.size(), std::size_t{2});
    QCOMPARE(p.runs[0].points[0].tokens, 131072.0);  // 32 samples × 4096
    QCOMPARE(p.runs[0].points[0].loss, 11.19983);
    QCOMPARE(p.runs[0].points[1].tokens, 262144.0);
    QCOMPARE(p.runs[0].points[1].loss, 17.66422);
  }

  void tensorBoardRealEventFiles() {
    // Event files written by real writers, byte for byte as their own tests assert them (see
    // real/SOURCE.md); every CRC in them was checked with a bit-by-bit CRC32C in Python, apart
    // from Boost.CRC used here.
    const std::string dir = kReal + "tfevents/";
    // tensorboard_logger: Logger(dummy_time=256.5), log_value('v/1', 1.5, 1), log_value('v/22', 16.0, 2).
    const std::string logger = dir + "tensorboard-logger-serialization/events.out.tfevents.256.host";
    auto plain = importPath(logger);
    QCOMPARE(plain.status().message(), logger + ": no loss tag (loss, train/loss, eval/loss, val_loss ...) among the "
                                                "2 scalar tags 'v/1', 'v/22'; name the loss tag with --loss-column");
    ImportOptions o;
    o.columns.loss = "v/1";
    QCOMPARE(importPath(logger, o).error->missing_option, std::string("params"));
    o.params = 1e6;
    QCOMPARE(importPath(logger, o).error->missing_option, std::string("tokens-per-step"));
    o.tokens_per_step = 1000;
    auto r = importPath(logger, o);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.formats.at(0), std::string("tensorboard-events"));
    QCOMPARE(r.runs.at(0).name, std::string("tensorboard-logger-serialization"));
    QCOMPARE(r.runs[0].points.size(), std::size_t{1});
    QCOMPARE(r.runs[0].points[0].loss, 1.5);        // float 0x3fc00000
    QCOMPARE(r.runs[0].points[0].tokens, 1000.0);   // step 1 × 1000
    o.columns.loss = "v/22";
    auto v22 = importPath(logger, o);
    QVERIFY2(v22.ok(), v22.status().message().c_str());
    QCOMPARE(v22.runs.at(0).points.at(0).loss, 16.0);  // float 0x41800000
    QCOMPARE(v22.runs[0].points[0].tokens, 2000.0);

    // TensorFlow: two file_version records ('brain.Event:1', 'brain.Event:2') and no scalars. Its
    // CRCs pass (the framing is read to the end); the error says there is nothing to import
    // instead of asking for a loss tag that cannot exist.
    const std::string tf = dir + "tensorflow-gcs-loader-test/events.out.tfevents.1440183447.host";
    auto none = importPath(tf, o);
    QCOMPARE(none.status().message(),
             tf + ": no scalar values in its 2 records: the event file holds no training curve to import");
    QVERIFY(none.error->missing_option.empty());

    // TensorFlow 2 (TensorBoard's own reader tests: tf.summary.scalar("accuracy", 0.99, step=77),
    // dumped with xxd): the value is a TF2 tensor scalar (Summary.Value.tensor, dtype DT_FLOAT,
    // 4 bytes of tensor_content a4 70 7d 3f), not a simple_value.
    const std::string tf2 = dir + "tensorboard-rustboard-accuracy/events.out.tfevents.1599759586.host";
    auto acc_default = importPath(tf2);
    QCOMPARE(acc_default.status().message(),
             tf2 + ": no loss tag (loss, train/loss, eval/loss, val_loss ...) among the 1 scalar tags 'accuracy'; name "
                   "the loss tag with --loss-column");
    ImportOptions a;
    a.columns.loss = "accuracy";
    a.params = 1e6;
    a.tokens_per_step = 1000;
    auto acc = importPath(tf2, a);
    QVERIFY2(acc.ok(), acc.status().message().c_str());
    QCOMPARE(acc.formats.at(0), std::string("tensorboard-events"));
    QCOMPARE(acc.runs.at(0).points.size(), std::size_t{1});
    QCOMPARE(*acc.runs[0].points[0].step, 77.0);
    QCOMPARE(acc.runs[0].points[0].loss, static_cast<double>(0.99f));  // float 0x3f7d70a4
    QCOMPARE(acc.runs[0].points[0].tokens, 77.0 * 1000);

    // syntaxdot-summary's writer test, whose bytes are asserted equal to TensorFlow's output for
    // 'hello' = 42 at step 10 and 'world' = 1 at step 20 (simple_value).
    const std::string sd = dir + "syntaxdot-summary-writer/events.out.tfevents.1608105178.host";
    SP_VERIFY_CONTAINS(importPath(sd).status().message(), "among the 2 scalar tags 'hello', 'world'");
    a.columns.loss = "hello";
    auto hello = importPath(sd, a);
    QVERIFY2(hello.ok(), hello.status().message().c_str());
    QCOMPARE(hello.runs.at(0).name, std::string("syntaxdot-summary-writer"));
    QCOMPARE(hello.runs[0].points.size(), std::size_t{1});
    QCOMPARE(*hello.runs[0].points[0].step, 10.0);
    QCOMPARE(hello.runs[0].points[0].loss, 42.0);  // float 0x42280000
    a.columns.loss = "world";
    auto world = importPath(sd, a);
    QVERIFY2(world.ok(), world.status().message().c_str());
    QCOMPARE(*world.runs.at(0).points.at(0).step, 20.0);
    QCOMPARE(world.runs[0].points[0].loss, 1.0);  // float 0x3f800000
    QCOMPARE(world.runs[0].points[0].tokens, 20.0 * 1000);
  }

  void wandbRealRunsTable() {
    // A real W&B runs-table export (nanoGPT ablations on 65-character Shakespeare, 4 seeds per
    // configuration; see real/SOURCE.md). Default options: N from n_params, tokens from
    // iter × batch_size × block_size, runs sharing a name kept apart by seed, val/loss as the loss.
    const std::string file = kReal + "wandb/nanogpt-ablations-runs-table.csv";
    auto r = importPath(file);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.runs.size(), std::size_t{12});
    QCOMPARE(r.runs[0].name, std::string("F2_context_512 (seed 6242)"));
    QCOMPARE(r.runs[11].name, std::string("baseline (seed 3242)"));
    // n_params by hand (bias=False, n_embd 384, 6 layers, vocab 65): 6 × (12·384² + 2·384)
    // + 65·384 + 384 = 10,646,784, plus the learned position table block_size × 384.
    QCOMPARE(r.runs[0].params, 10646784.0 + 512 * 384);   // 10,843,392
    QCOMPARE(r.runs[1].params, 10646784.0 + 128 * 384);   // 10,695,936
    QCOMPARE(r.runs[2].params, 10646784.0 + 256 * 384);   // 10,745,088
    QCOMPARE(r.runs[0].points.at(0).tokens, 5000.0 * 64 * 512);
    QCOMPARE(r.runs[1].points.at(0).tokens, 5000.0 * 64 * 128);
    QCOMPARE(r.runs[2].points.at(0).tokens, 5000.0 * 64 * 256);
    QCOMPARE(r.runs[2].points.at(0).loss, 1.689523220062256);    // val/loss, baseline seed 6242
    QCOMPARE(r.runs[11].points.at(0).loss, 1.6883337497711182);  // val/loss, baseline seed 3242
    const std::string w = allWarnings(r);
    SP_VERIFY_CONTAINS(w, "tokens = 'iter' × 'batch_size' × 'block_size' of each row");
    SP_VERIFY_CONTAINS(w, "using 'val/loss'");
    // The training loss instead, by name.
    ImportOptions o;
    o.columns.loss = "train/loss";
    auto train = importPath(file, o);
    QVERIFY2(train.ok(), train.status().message().c_str());
    QCOMPARE(train.runs.at(2).points.at(0).loss, 0.6361281871795654);

    // A real runs table of throughput runs (W&B's newer column set: Name, Runtime, End Time,
    // Hostname, ...) has no loss at all: a clear error naming the file and header line.
    const std::string throughput = kReal + "wandb/gipfelsturm-throughput-runs-table.csv";
    auto none = importPath(throughput);
    QVERIFY(!none.ok());
    SP_VERIFY_CONTAINS(none.status().message(), throughput + ":1: no loss column");
  }

  void wandbRealChartExport() {
    const std::string file = kReal + "wandb/nrtd-train-loss-by-epoch.csv";
    auto none = importPath(file);
    QCOMPARE(none.error->missing_option, std::string("tokens-per-step"));
    ImportOptions o;
    o.tokens_per_step = 1000;
    auto no_n = importPath(file, o);
    QCOMPARE(no_n.error->missing_option, std::string("params"));
    o.params = 1e6;
    auto r = importPath(file, o);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.formats.at(0), std::string("wandb"));
    QCOMPARE(r.runs.size(), std::size_t{2});
    // The chart is plotted against epoch; each run's own _step gives its steps. Run 1 logged 13
    // values in these rows, the first at _step 0 (no tokens: skipped with a warning).
    QCOMPARE(r.runs[0].points.size(), std::size_t{12});
    QCOMPARE(*r.runs[0].points[0].step, 1.0);
    QCOMPARE(r.runs[0].points[0].loss, 0.0015762298135086894);
    QCOMPARE(r.runs[1].points.size(), std::size_t{11});
    QCOMPARE(*r.runs[1].points[0].step, 3.0);
    QCOMPARE(r.runs[1].points[0].loss, 0.00031488764216192067);
    QCOMPARE(r.runs[1].points.back().loss, 0.0000015728264770586975);
    QCOMPARE(r.runs[1].points.back().tokens, 25.0 * 1000);

    // A second real chart export (nanoGPT GPT-2 variants, train/loss by Step, eight runs with
    // __MIN/__MAX columns; trimmed to steps 0-5): N and tokens per step are what it lacks.
    const std::string gpt2 = kReal + "wandb/nanogpt-char-token-train-loss.csv";
    QCOMPARE(importPath(gpt2).error->missing_option, std::string("tokens-per-step"));
    ImportOptions g;
    g.tokens_per_step = 1000;
    g.params = 124e6;
    auto c = importPath(gpt2, g);
    QVERIFY2(c.ok(), c.status().message().c_str());
    QCOMPARE(c.formats.at(0), std::string("wandb"));
    QCOMPARE(c.runs.size(), std::size_t{8});
    QCOMPARE(c.runs[5].name, std::string("gpt2"));
    QCOMPARE(c.runs[5].points.size(), std::size_t{5});  // steps 1-5; step 0 has no tokens
    QCOMPARE(c.runs[5].points[0].loss, 6.684843063354492);
    QCOMPARE(c.runs[5].points.back().loss, 4.75210428237915);
    QCOMPARE(c.runs[5].points.back().tokens, 5.0 * 1000);
    SP_VERIFY_CONTAINS(allWarnings(c), "field 'gpt2 - train/loss': step 0 has no tokens seen; value skipped");
  }

  void tensorBoardRealCsvExports() {
    // Real TensorBoard scalar downloads (see real/SOURCE.md), both of the logdir's own run, which
    // TensorBoard names "." ("run-.-tag-loss.csv"): the folder holding the file names the run.
    const std::string imdb = kReal + "tensorboard-csv/imdb/run-.-tag-loss.csv";
    auto none = importPath(imdb);
    QCOMPARE(none.status().message(), imdb + ": no model size N for run 'imdb': TensorBoard exports do not record "
                                             "it; give --params (N, or imdb=N)");
    ImportOptions o;
    o.params = 1e6;
    QCOMPARE(importPath(imdb, o).error->missing_option, std::string("tokens-per-step"));
    o.tokens_per_step = 1000;
    auto r = importPath(imdb, o);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.formats.at(0), std::string("tensorboard"));
    QCOMPARE(r.runs.at(0).name, std::string("imdb"));
    QCOMPARE(r.runs[0].points.size(), std::size_t{29});  // steps 1-29; step 0 has no tokens
    QCOMPARE(r.runs[0].points[0].loss, 18.378080368041992);
    QCOMPARE(r.runs[0].points.back().loss, 3.9541561603546143);
    QCOMPARE(r.runs[0].points.back().tokens, 29.0 * 1000);

    // Steps that go back (95, then 68 at a later wall time: a run resumed from an earlier
    // checkpoint) are ordered by tokens with a warning at the line where they go back.
    const std::string ocr = kReal + "tensorboard-csv/attention-ocr/run-.-tag-loss.csv";
    auto resumed = importPath(ocr, o);
    QVERIFY2(resumed.ok(), resumed.status().message().c_str());
    QCOMPARE(resumed.runs.at(0).points.size(), std::size_t{8});
    QCOMPARE(*resumed.runs[0].points[2].step, 68.0);
    QCOMPARE(resumed.runs[0].points[2].loss, 2.851654052734375);
    QCOMPARE(*resumed.runs[0].points[3].step, 72.0);
    SP_VERIFY_CONTAINS(allWarnings(resumed), "run-.-tag-loss.csv:6: run 'attention-ocr': tokens go back from 95000 to "
                                             "68000 (a run resumed from an earlier checkpoint into the same log?)");
  }
};

QTEST_GUILESS_MAIN(TestLogFormatsReal)
#include "test_log_formats_real.moc"
