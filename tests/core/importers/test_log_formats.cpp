// Training-tool logs as they come: Hugging Face trainer_state.json (num_tokens, total_flos, a
// model config.json beside it, a training output folder), W&B runs tables and chart exports,
// TensorBoard event files, Megatron-LM logs, on files written for the tests (the event files by an
// independent Python writer, tests/data/importers/tfevents/make_tfevents.py). Real files are in
// test_log_formats_real.cpp.
#include <boost/crc.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "importers/importer.hpp"
#include "importers/model_config.hpp"
#include "log_test_helpers.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

using test::allWarnings;
using test::importPath;
const std::string& kDir = test::kImportersDir;
const std::string& kReal = test::kRealDir;

// A fresh folder under the build tree's temporary directory.
std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("scaleplan_test_log_formats_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void writeFile(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

class TestLogFormats : public QObject {
  Q_OBJECT
 private slots:
  // ---- Model configs ---------------------------------------------------------------------------
  void modelConfigsOfThreeFamilies() {
    // GPT-2 small: 124,439,808 parameters (transformers' GPT2LMHeadModel, tied head).
    auto gpt2 = countModelConfigText(R"({"model_type": "gpt2", "n_layer": 12, "n_embd": 768, "n_head": 12,
        "n_inner": null, "n_positions": 1024, "vocab_size": 50257})", "gpt2.json");
    QVERIFY2(gpt2, gpt2.message().c_str());
    QCOMPARE(gpt2->params, 124439808.0);
    QCOMPARE(gpt2->style, std::string("GPT-2"));
    // Pythia-160M (GPT-NeoX, untied): 162,322,944 parameters (Biderman et al. 2023, table 1 and
    // the checkpoint's safetensors). Independent count: 12 × (4·768² + 4·768 + 2·768·3072 + 3072
    // + 768 + 4·768) + 2·50304·768 + 2·768.
    auto pythia = countModelConfigText(R"({"model_type": "gpt_neox", "hidden_size": 768, "num_hidden_layers": 12,
        "num_attention_heads": 12, "intermediate_size": 3072, "vocab_size": 50304, "tie_word_embeddings": false})",
                                       "pythia.json");
    QVERIFY2(pythia, pythia.message().c_str());
    QCOMPARE(pythia->params, 162322944.0);
    QCOMPARE(pythia->params, 12.0 * (4.0 * 768 * 768 + 4 * 768 + 2.0 * 768 * 3072 + 3072 + 768 + 4 * 768) +
                                 2.0 * 50304 * 768 + 2 * 768);
    // Qwen2.5-0.5B (the real config of tests/data/importers/real/hf-trainer): 494,032,768, the
    // published count; q/k/v carry biases in Qwen2.
    auto qwen = countModelConfig(kReal + "hf-trainer/qwen2.5-0.5b-cls/config.json");
    QVERIFY2(qwen, qwen.message().c_str());
    QCOMPARE(qwen->params, 494032768.0);
    SP_VERIFY_CONTAINS(qwen->describe(), "num_key_value_heads");
    auto encdec = countModelConfigText(R"({"is_encoder_decoder": true, "d_model": 1024})", "bart.json");
    QVERIFY(!encdec);
    SP_VERIFY_CONTAINS(encdec.message(), "give --params");
  }

  // ---- Hugging Face ------------------------------------------------------------------------------
  void hfNumTokensFromTrl() {
    // TRL's SFTTrainer logs a cumulative num_tokens on every entry: no tokens per step needed.
    const char* text = R"({"global_step": 20, "log_history": [
      {"epoch": 0.5, "loss": 2.5, "num_tokens": 51200.0, "step": 10},
      {"epoch": 1.0, "loss": 2.0, "num_tokens": 102400.0, "step": 20},
      {"epoch": 1.0, "step": 20, "total_flos": 1.0e15, "train_loss": 2.25}]})";
    ImportOptions o;
    o.params = 1.24e8;
    auto r = importText(text, "trainer_state.json", o);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.runs.at(0).points.size(), std::size_t{2});
    QCOMPARE(r.runs[0].points[0].tokens, 51200.0);
    QCOMPARE(r.runs[0].points[1].tokens, 102400.0);
    QCOMPARE(r.runs[0].points[1].flops, 6.0 * 1.24e8 * 102400.0);
  }

  void hfTrainingOutputFolderUsesTheLatestCheckpoint() {
    const auto dir = scratch("hf_output");
    auto state = [](int step, double loss) {
      return "{\"global_step\": " + std::to_string(step) + ", \"log_history\": [{\"loss\": " + std::to_string(loss) +
             ", \"step\": " + std::to_string(step) + ", \"num_input_tokens_seen\": " + std::to_string(step * 1000) +
             "}]}";
    };
    writeFile(dir / "my-run" / "checkpoint-500" / "trainer_state.json", state(500, 3.0));
    writeFile(dir / "my-run" / "checkpoint-1000" / "trainer_state.json", state(1000, 2.5));
    writeFile(dir / "my-run" / "checkpoint-999x" / "trainer_state.json", state(7, 9.0));  // not a step number
    writeFile(dir / "my-run" / "config.json",
              R"({"model_type": "gpt2", "n_layer": 12, "n_embd": 768, "n_head": 12, "n_positions": 1024,
                  "vocab_size": 50257})");
    auto r = importPath((dir / "my-run").string());
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.runs.at(0).name, std::string("my-run"));
    QCOMPARE(r.runs[0].points.size(), std::size_t{1});
    QCOMPARE(r.runs[0].points[0].loss, 2.5);          // checkpoint-1000, not checkpoint-500
    QCOMPARE(r.runs[0].points[0].tokens, 1000000.0);  // num_input_tokens_seen
    QCOMPARE(r.runs[0].params, 124439808.0);          // config.json of the output folder
    auto empty = importPath(scratch("hf_empty").string());
    SP_VERIFY_CONTAINS(empty.status().message(), "is a folder without trainer_state.json");
  }

  // ---- Megatron-LM ----------------------------------------------------------------------------------
  void megatronCountsTheArgumentsBlock() {
    auto r = importPath(kDir + "megatron/gpt345m-args.log");
    QVERIFY2(r.ok(), r.status().message().c_str());
    const Run& run = r.runs.at(0);
    // Megatron-LM printed 354871296 parameters for this configuration (24 × 1024, 16 heads, seq
    // 1024, padded vocabulary 50304; see real/SOURCE.md).
    QCOMPARE(run.params, 354871296.0);
    QCOMPARE(run.points.size(), std::size_t{2});  // iteration 20 has no lm loss (skipped)
    QCOMPARE(run.points[0].tokens, 80.0 * 1024);  // consumed samples × seq_length
    QCOMPARE(run.points[0].loss, 11.01832);
    QCOMPARE(run.points[1].tokens, 240.0 * 1024);
    QCOMPARE(run.points[1].loss, 10.525);
    const std::string w = allWarnings(r);
    SP_VERIFY_CONTAINS(w, "gpt345m-args.log:26: field 'lm loss': iteration 20 has no 'lm loss'");
    SP_VERIFY_CONTAINS(w, "1 'validation loss at iteration' lines were not used");
    SP_VERIFY_CONTAINS(w, "Megatron-LM config (num_layers, hidden_size, num_attention_heads, padded_vocab_size");
  }

  void megatronArgumentsOfALlama() {
    // Llama 2 7B as Megatron-LM is told it: 6,738,415,616 parameters (the published count).
    std::map<std::string, std::string> args = {
        {"num_layers", "32"}, {"hidden_size", "4096"}, {"num_attention_heads", "32"}, {"ffn_hidden_size", "11008"},
        {"swiglu", "True"}, {"untie_embeddings_and_output_weights", "True"}, {"position_embedding_type", "rope"},
        {"normalization", "RMSNorm"}, {"add_bias_linear", "False"}, {"group_query_attention", "False"},
        {"vocab_size", "32000"}, {"make_vocab_size_divisible_by", "128"}, {"tensor_model_parallel_size", "1"}};
    auto n = countMegatronArguments(args, "llama.log");
    QVERIFY2(n, n.message().c_str());
    QCOMPARE(n->params, 6738415616.0);
    // Grouped-query attention with 8 groups (Llama 3 8B: 8,030,261,248 parameters).
    args = {{"num_layers", "32"}, {"hidden_size", "4096"}, {"num_attention_heads", "32"}, {"ffn_hidden_size", "14336"},
            {"swiglu", "True"}, {"untie_embeddings_and_output_weights", "True"}, {"position_embedding_type", "rope"},
            {"normalization", "RMSNorm"}, {"add_bias_linear", "False"}, {"group_query_attention", "True"},
            {"num_query_groups", "8"}, {"padded_vocab_size", "128256"}};
    auto llama3 = countMegatronArguments(args, "llama3.log");
    QVERIFY2(llama3, llama3.message().c_str());
    QCOMPARE(llama3->params, 8030261248.0);
    args.erase("num_layers");
    auto missing = countMegatronArguments(args, "x.log");
    QCOMPARE(missing.message(), std::string("x.log: the arguments block has no 'num_layers'; otherwise give --params "
                                            "(the model size N)"));
  }

  // ---- TensorBoard event files ------------------------------------------------------------------
  void tensorBoardEventFiles() {
    const std::string dir = kDir + "tfevents/";
    ImportOptions o;
    o.params = 1e8;
    o.tokens_per_step = 1000;
    auto small = importPath(dir + "small/events.out.tfevents.1700000000.host.1234.0", o);
    QVERIFY2(small.ok(), small.status().message().c_str());
    QCOMPARE(small.formats.at(0), std::string("tensorboard-events"));
    QCOMPARE(small.runs.at(0).name, std::string("small"));  // the run folder
    // The loss tag is picked as a loss column is: eval/loss ranks before train/loss.
    QCOMPARE(small.runs[0].points.size(), std::size_t{2});
    QCOMPARE(small.runs[0].points[0].tokens, 250.0 * 1000);
    QCOMPARE(small.runs[0].points[0].loss, 3.5);
    QCOMPARE(small.runs[0].points[1].loss, 3.0);
    SP_VERIFY_CONTAINS(allWarnings(small), "could all be the loss; using 'eval/loss'");
    o.columns.loss = "train/loss";
    auto train = importPath(dir + "small/events.out.tfevents.1700000000.host.1234.0", o);
    QCOMPARE(train.runs.at(0).points.size(), std::size_t{5});
    QCOMPARE(train.runs[0].points[0].loss, 4.5);
    QCOMPARE(train.runs[0].points[4].loss, 2.875);
    QCOMPARE(train.runs[0].points[4].tokens, 500.0 * 1000);

    // Tensor scalars (DT_FLOAT tensor_content, DT_DOUBLE double_val) and a tokens tag.
    ImportOptions n;
    n.params = 1e8;
    auto tensors = importPath(dir + "tensors/events.out.tfevents.1700000100.host.99.0", n);
    QVERIFY2(tensors.ok(), tensors.status().message().c_str());
    QCOMPARE(tensors.runs.at(0).points.size(), std::size_t{3});
    QCOMPARE(tensors.runs[0].points[0].tokens, 40960.0);
    QCOMPARE(tensors.runs[0].points[0].loss, 6.5);
    QCOMPARE(tensors.runs[0].points[2].tokens, 122880.0);
    QCOMPARE(tensors.runs[0].points[2].loss, 4.75);
    auto no_n = importPath(dir + "tensors/events.out.tfevents.1700000100.host.99.0");
    QCOMPARE(no_n.error->missing_option, std::string("params"));

    // A flipped byte: the file and the record's offset (third record, byte 118 as written).
    o.columns.loss.clear();
    auto corrupt = importPath(dir + "corrupt/events.out.tfevents.1700000000.host.1234.0", o);
    QCOMPARE(corrupt.status().message(), dir + "corrupt/events.out.tfevents.1700000000.host.1234.0: record 3 at byte "
                                               "offset 118: the data's CRC32C does not match");
    // A last record cut short (a run still writing): the complete records, and a note.
    auto truncated = importPath(dir + "truncated/events.out.tfevents.1700000000.host.1234.0", o);
    QVERIFY2(truncated.ok(), truncated.status().message().c_str());
    QCOMPARE(truncated.runs.at(0).points.size(), std::size_t{1});  // eval/loss at 500 only
    SP_VERIFY_CONTAINS(allWarnings(truncated), "a truncated record at byte offset 474");
    // Text that is not an event file, and a length that would run past any buffer.
    auto text = importText("Wall time,Step,Value\n1,2,3\n", "events.out.tfevents.1.host", o);
    SP_VERIFY_CONTAINS(text.status().message(), "record 1 at byte offset 0: the length's CRC32C does not match");
    std::string huge(16, '\xff');
    auto bad_len = importText(huge, "events.out.tfevents.2.host", o);
    QVERIFY(!bad_len.ok());
  }

  void tensorBoardCorruptionIsAlwaysLocated() {
    // Every single-byte change of a valid event file is caught by a CRC and reported with the
    // record's offset (bounded: 522 imports of a 522-byte file).
    std::ifstream in(kDir + "tfevents/small/events.out.tfevents.1700000000.host.1234.0", std::ios::binary);
    const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    QCOMPARE(good.size(), std::size_t{522});
    ImportOptions o;
    o.params = 1e8;
    o.tokens_per_step = 1000;
    for (std::size_t i = 0; i < good.size(); ++i) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ 0x10);
      auto r = importText(bad, "run/events.out.tfevents.1", o);
      QVERIFY2(!r.ok(), std::to_string(i).c_str());
      SP_VERIFY_CONTAINS(r.status().message(), "at byte offset");
    }
    // Records with valid framing around arbitrary bytes: the protobuf reader stays inside each
    // record and finds no scalars, no loss tag or a malformed message; 300 seeded payloads.
    std::mt19937 rng(12345);
    for (int k = 0; k < 300; ++k) {
      std::string payload(1 + rng() % 64, '\0');
      for (char& c : payload) c = static_cast<char>(rng() & 0xFF);
      std::string header(8, '\0');
      for (int b = 0; b < 8; ++b) header[b] = static_cast<char>((payload.size() >> (8 * b)) & 0xFF);
      auto masked = [](const std::string& bytes) {
        boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
        crc.process_bytes(bytes.data(), bytes.size());
        const std::uint32_t c = crc.checksum();
        const std::uint32_t m = ((c >> 15) | (c << 17)) + 0xa282ead8u;
        std::string out(4, '\0');
        for (int b = 0; b < 4; ++b) out[b] = static_cast<char>((m >> (8 * b)) & 0xFF);
        return out;
      };
      const std::string file = header + masked(header) + payload + masked(payload);
      auto r = importText(file, "run/events.out.tfevents.2", o);
      QVERIFY(!r.ok());  // no loss values in random bytes
      const std::string m = r.status().message();
      QVERIFY2(m.find("malformed") != std::string::npos || m.find("no loss tag") != std::string::npos ||
                   m.find("no scalar values") != std::string::npos || m.find("no usable values") != std::string::npos,
               m.c_str());
    }
  }

  // ---- Weights & Biases ---------------------------------------------------------------------------
  void wandbRunsTableKeepsSeedsApartAndDerivesTokens() {
    auto r = importPath(kDir + "wandb_runs_table.csv");
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.runs.size(), std::size_t{6});
    QCOMPARE(r.runs[0].name, std::string("d6-lr3e-3 (seed 0)"));
    QCOMPARE(r.runs[3].name, std::string("d6-lr3e-3 (seed 3)"));
    QCOMPARE(r.runs[3].points.at(0).loss, 3.43);
    QCOMPARE(r.runs[4].name, std::string("d12-lr1e-3"));
    QCOMPARE(r.runs[5].name, std::string("d12-lr1e-3 (row 7)"));
    // tokens = iter × batch_size × block_size × gradient_accumulation_steps = 2000 · 12 · 1024 · 4.
    QCOMPARE(r.runs[0].points.at(0).tokens, 2000.0 * 12 * 1024 * 4);
    QCOMPARE(r.runs[0].params, 19.2e6);
    QCOMPARE(r.runs[5].points.at(0).tokens, 1500.0 * 12 * 1024 * 4);
    const std::string w = allWarnings(r);
    SP_VERIFY_CONTAINS(w, "tokens = 'iter' × 'batch_size' × 'block_size' × 'gradient_accumulation_steps'");
    SP_VERIFY_CONTAINS(w, "a W&B runs table: each row is one run");
  }

  void wandbChartTokensAndParamsMetrics() {
    // A chart export (written for this test) whose runs also logged num_tokens and n_params:
    // nothing needs to be given.
    auto r = importPath(kDir + "wandb_chart_tokens.csv");
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r.runs.size(), std::size_t{2});
    QCOMPARE(r.runs[0].name, std::string("small"));
    QCOMPARE(r.runs[0].params, 1.25e8);
    QCOMPARE(r.runs[0].points.size(), std::size_t{3});
    QCOMPARE(r.runs[0].points[2].tokens, 1228800.0);
    QCOMPARE(r.runs[0].points[2].loss, 3.5);
    QCOMPARE(r.runs[1].params, 3.5e8);
    QCOMPARE(r.runs[1].points.size(), std::size_t{2});  // step 200 has no num_tokens
    QCOMPARE(r.runs[1].points[1].tokens, 2457600.0);
    SP_VERIFY_CONTAINS(allWarnings(r), "'large - num_tokens' is empty in this row; value skipped");
  }

  void detectsTheNewFormats() {
    QVERIFY(detectFormat("runs/a/events.out.tfevents.1700000000.host", "") == ImportFormat::TensorBoardEvents);
    QVERIFY(detectFormat("train.log", " iteration       10/    1000 | consumed samples:  80 | lm loss: 1.1E+01 |") ==
            ImportFormat::Megatron);
    QVERIFY(detectFormat("x.txt", "------------------------ arguments ------------------------\n  num_layers ... 2\n") ==
            ImportFormat::Megatron);
    QCOMPARE(toString(ImportFormat::TensorBoardEvents), std::string_view("tensorboard-events"));
    QVERIFY(importFormatFromString("megatron") == std::optional<ImportFormat>(ImportFormat::Megatron));
  }
};

QTEST_GUILESS_MAIN(TestLogFormats)
#include "test_log_formats.moc"
