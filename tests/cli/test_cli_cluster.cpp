// scaleplan-cli step / layouts as a user runs them: the --json fields, their consistency, the
// search filling in what the user left out, and clear errors for bad input.
#include <QJsonArray>
#include <QTemporaryDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include "test_support.hpp"

#include "cli_runner.hpp"

using Run = scaleplan::test::CliRun;
using scaleplan::test::cli;
using scaleplan::test::jsonOf;

namespace {

const QString kH200Model = QString(SCALEPLAN_TEST_DATA_DIR) + "/h200-gpubench/model.json";

QStringList llama8bOnH100(const QStringList& extra) {
  QStringList a = {"--preset", "llama3-8b", "--gpu", "h100-sxm", "--gpus", "64", "--global-batch", "512",
                   "--seq", "4096", "--json"};
  return a + extra;
}

}  // namespace

class TestCliCluster : public QObject {
  Q_OBJECT
 private slots:
  void stepJsonIsConsistent() {
    Run r = cli(QStringList{"step"} + llama8bOnH100({"--tp", "2", "--pp", "1", "--cp", "1", "--micro-batch", "2",
                                                     "--sequence-parallel", "on", "--recompute", "selective", "--zero",
                                                     "1"}));
    QVERIFY2(r.exit_code == 0, r.err.constData());
    const QJsonObject o = jsonOf(r);
    for (const char* k : {"step_seconds", "tokens_per_second", "model_flops_per_second_per_gpu", "mfu",
                          "hardware_flops_per_second_per_gpu", "memory_per_gpu_bytes", "fits", "memory", "time",
                          "layout"}) {
      QVERIFY2(o.contains(k), k);
    }
    const QJsonObject layout = o["layout"].toObject();
    QCOMPARE(layout["tp"].toInt(), 2);
    QCOMPARE(layout["dp"].toInt(), 32);  // derived: 64 / 2
    QCOMPARE(layout["recompute"].toString(), QString("selective"));
    QCOMPARE(o["gradient_accumulation"].toInt(), 8);  // 512 / (2 × 32)
    const double step = o["step_seconds"].toDouble();
    SP_COMPARE_REL(o["time"].toObject()["total"].toDouble(), step, 1e-12);
    SP_COMPARE_REL(o["tokens_per_second"].toDouble(), 512.0 * 4096 / step, 1e-12);
    SP_COMPARE_REL(o["mfu"].toDouble(), o["model_flops_per_second_per_gpu"].toDouble() / 989.4e12, 1e-12);
    SP_COMPARE_REL(o["model_flops_per_second_per_gpu"].toDouble() * 64 * step, o["model_flops_per_step"].toDouble(),
                   1e-12);
    SP_COMPARE_REL(o["memory_per_gpu_bytes"].toDouble(), o["memory"].toObject()["total"].toDouble(), 1e-12);
    // Model FLOPs as Megatron-LM counts them, by hand: 6 x (8,030,261,248 parameters less the
    // untied input embedding's 128,256 x 4,096) + 12 x 32 layers x 32 heads x 128 x 4,096 tokens.
    SP_COMPARE_REL(o["model_flops_per_step"].toDouble(),
                   (6.0 * (8030261248.0 - 128256.0 * 4096) + 12.0 * 32 * 32 * 128 * 4096) * 512 * 4096, 1e-12);
    QVERIFY(o["fits"].toBool());
    // Llama 3 8B (8.03e9 parameters) over TP 2 and ZeRO 1 on DP 32: 16-bit weights 2 B × N / 2.
    SP_COMPARE_REL(o["memory"].toObject()["weights"].toDouble(), 2.0 * 8.03e9 / 2.0, 0.01);
    // What the MFU stands for on an H100, as plan --mfu auto reports it: [MFU / 1.516, MFU × 1.129].
    const QJsonArray range = o["mfu_range"].toArray();
    QCOMPARE(range.size(), 2);
    SP_COMPARE_REL(range[0].toDouble(), o["mfu"].toDouble() / 1.516, 1e-12);
    SP_COMPARE_REL(range[1].toDouble(), o["mfu"].toDouble() * 1.129, 1e-12);
    QVERIFY(o["mfu_range_basis"].toString().contains("side checks on H100"));
    QVERIFY(o["mfu_caveat"].toString().contains("off the A100"));
    // The text says it too.
    Run text = cli({"step", "--preset", "llama3-8b", "--gpu", "h100-sxm", "--gpus", "64", "--global-batch", "512",
                    "--seq", "4096", "--tp", "2", "--pp", "1", "--cp", "1", "--micro-batch", "2",
                    "--sequence-parallel", "on", "--recompute", "selective", "--zero", "1"});
    QVERIFY2(text.exit_code == 0, text.err.constData());
    QVERIFY2(text.out.contains("MFU range:"), text.out.constData());
    QVERIFY(text.out.contains("the model's accuracy on h100-sxm"));
    QVERIFY2(text.out.contains("model FLOPs per token:   5.15e10: 6 x 7.50e9 parameters in matrix products + 6.44e9 "
                               "attention (12·L·H·Q·T; Megatron-LM's count: input lookups not counted)"),
             text.out.constData());
    QVERIFY(text.out.contains("caution: off the A100"));
    // The system it was costed on, the overrides applied (HGX H100: 8 per node, 450 GB/s NVLink).
    QVERIFY2(text.out.contains("fabrics:                 8 GPUs per node, NVLink domain 8; NVLink 450 GB/s x 0.8, "
                               "5 us per step; network 400 Gb/s x 0.9, 10 us per step (per GPU)"),
             text.out.constData());
    Run slower = cli({"step", "--preset", "llama3-8b", "--gpu", "h100-sxm", "--gpus", "64", "--global-batch", "512",
                      "--seq", "4096", "--tp", "2", "--network-gbps", "100", "--nvlink-efficiency", "0.7",
                      "--network-latency-us", "12.5"});
    QVERIFY2(slower.exit_code == 0, slower.err.constData());
    QVERIFY2(slower.out.contains("NVLink 450 GB/s x 0.7, 5 us per step; network 100 Gb/s x 0.9, 12.5 us per step"),
             slower.out.constData());
  }

  void leftOutFieldsAreSearched() {
    Run r = cli(QStringList{"step"} + llama8bOnH100({"--tp", "1"}));
    QVERIFY2(r.exit_code == 0, r.err.constData());
    const QJsonObject layout = jsonOf(r)["layout"].toObject();
    QCOMPARE(layout["tp"].toInt(), 1);
    QVERIFY(layout["micro_batch"].toInt() >= 1);
    QCOMPARE(layout["tp"].toInt() * layout["pp"].toInt() * layout["dp"].toInt() * layout["cp"].toInt(), 64);
  }

  // Llama 3 405B's own pipeline (Dubey et al. 2024, Table 4 and section 3.3.2): 126 layers on 16
  // stages, one layer fewer on the first and last; the search makes that split for a --pp that
  // does not divide the layers, and a user's split that does not add up is refused by name.
  void unevenPipelineStages() {
    const QStringList job = {"--preset", "llama3-405b", "--gpu", "h100-sxm", "--gpus", "16384", "--seq", "8192",
                             "--global-batch", "2048", "--tp", "8", "--pp", "16", "--cp", "1", "--json"};
    Run r = cli(QStringList{"step"} + job);
    QVERIFY2(r.exit_code == 0, r.err.constData());
    const QJsonObject layout = jsonOf(r)["layout"].toObject();
    QCOMPARE(layout["first_stage_layers"].toInt(), 7);
    QCOMPARE(layout["last_stage_layers"].toInt(), 7);
    QCOMPARE(layout["dp"].toInt(), 128);
    QVERIFY2(layout["description"].toString().contains("first 7, last 7 layers"),
             qPrintable(layout["description"].toString()));
    Run given = cli(QStringList{"step"} + job +
                    QStringList{"--first-stage-layers", "6", "--last-stage-layers", "8", "--virtual-stages", "1",
                                "--micro-batch", "1", "--sequence-parallel", "on", "--recompute", "full", "--zero",
                                "1"});
    QVERIFY2(given.exit_code == 0, given.err.constData());
    QCOMPARE(jsonOf(given)["layout"].toObject()["first_stage_layers"].toInt(), 6);
    Run bad = cli(QStringList{"step"} + job +
                  QStringList{"--first-stage-layers", "6", "--last-stage-layers", "7", "--virtual-stages", "1",
                              "--micro-batch", "1", "--sequence-parallel", "on", "--recompute", "full", "--zero",
                              "1"});
    QCOMPARE(bad.exit_code, 1);
    QVERIFY2(bad.err.contains("pp: layers 126 - first_stage_layers 6 - last_stage_layers 7 = 113 are not divisible "
                              "by the other 14 stages × virtual_stages 1"),
             bad.err.constData());
    // Every field given but the end stages: the balanced split, costed even where it does not fit.
    Run none = cli(QStringList{"step"} + job +
                   QStringList{"--virtual-stages", "4", "--micro-batch", "1", "--sequence-parallel", "on",
                               "--recompute", "none", "--zero", "1"});
    QVERIFY2(none.exit_code == 0, none.err.constData());
    const QJsonObject over = jsonOf(none);
    QCOMPARE(over["fits"].toBool(), false);
    QCOMPARE(over["layout"].toObject()["first_stage_layers"].toInt(), 7);
    QVERIFY2(over["memory_verdict"].toString().contains("activations"), qPrintable(over["memory_verdict"].toString()));
    Run zero = cli(QStringList{"step"} + job + QStringList{"--first-stage-layers", "0"});
    QCOMPARE(zero.exit_code, 2);
    QVERIFY2(zero.err.contains("--first-stage-layers: must be positive, got 0"), zero.err.constData());
  }

  void layoutsBestFirst() {
    Run r = cli(QStringList{"layouts", "--top", "5"} + llama8bOnH100({}));
    QVERIFY2(r.exit_code == 0, r.err.constData());
    const QJsonArray list = QJsonDocument::fromJson(r.out).array();
    QCOMPARE(list.size(), 5);
    double previous = 0.0;
    for (const auto& v : list) {
      const QJsonObject e = v.toObject();
      QVERIFY(e.contains("layout"));
      QVERIFY(e["fits"].toBool());
      QVERIFY(e["step_seconds"].toDouble() >= previous);
      previous = e["step_seconds"].toDouble();
    }
    QVERIFY(!list[0].toObject()["reason"].toString().isEmpty());
    for (const auto& v : list) QCOMPARE(v.toObject()["mfu_range"].toArray().size(), 2);
    // The statistics are a note on stderr: "N layouts enumerated, V valid, F fit; ...".
    const QRegularExpressionMatch m =
        QRegularExpression(R"((\d+) layouts enumerated, (\d+) valid, (\d+) fit)").match(QString::fromUtf8(r.err));
    QVERIFY2(m.hasMatch(), r.err.constData());
    QVERIFY(m.captured(1).toLongLong() >= m.captured(2).toLongLong());
    QVERIFY(m.captured(2).toLongLong() >= m.captured(3).toLongLong());
    // And the fabrics the layouts were costed on (HGX H100's).
    QVERIFY2(r.err.contains("fabrics: 8 GPUs per node, NVLink domain 8; NVLink 450 GB/s x 0.8"), r.err.constData());
  }

  void measuredGpuUsesTheFile() {
    Run r = cli({"step", "--preset", "llama3-70b", "--gpu", "measured:" + kH200Model, "--gpus", "8", "--global-batch",
                 "1", "--seq", "8192", "--tp", "8", "--pp", "1", "--cp", "1", "--micro-batch", "1",
                 "--sequence-parallel", "off", "--recompute", "none", "--zero", "0", "--json"});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    const QJsonObject o = jsonOf(r);
    QVERIFY2(o["rate_source"].toString().startsWith("measured bf16 medians"), r.out.constData());
    QCOMPARE(o["software"].toString(), QString("current"));  // the default profile, named
    // The benchmark's own medians summed over the step's GEMMs: 571 ms (its SOURCE.md).
    SP_COMPARE_REL(o["time"].toObject()["gemm"].toDouble(), 0.571, 0.005);
    QCOMPARE(o["system"].toString(), QString("hgx-h200"));
    // The MFU is a fraction of the file's best measured bf16 rate, and the output says so (it
    // said "dense peak" only in the FLOP convention).
    QCOMPARE(o["peak_measured"].toBool(), true);
    const double best = o["peak_flops_per_second"].toDouble();
    SP_COMPARE_REL(o["mfu"].toDouble(), o["model_flops_per_second_per_gpu"].toDouble() / best, 1e-12);
    QVERIFY2(o["peak"].toString().contains("measured-h200's best measured bf16 rate (not a spec sheet's peak)"),
             qPrintable(o["peak"].toString()));
    Run text = cli({"step", "--preset", "llama3-8b", "--gpu", "measured:" + kH200Model, "--gpus", "8"});
    QVERIFY2(text.out.contains("measured-h200's best measured bf16 rate"), text.out.constData());
    Run spec = cli({"step", "--preset", "llama3-8b", "--gpu", "h200", "--gpus", "8", "--json"});
    QCOMPARE(jsonOf(spec)["peak_measured"].toBool(), false);
    QVERIFY(jsonOf(spec)["peak"].toString().endsWith("the spec sheet's dense bf16 peak"));
    Run layouts = cli({"layouts", "--preset", "llama3-8b", "--gpu", "h200", "--gpus", "8", "--top", "1"});
    QVERIFY2(layouts.out.contains("MFU: a fraction of 989.4 TFLOP/s, the spec sheet's dense bf16 peak"),
             layouts.out.constData());
  }

  void layoutThatDoesNotFitSaysByHowMuch() {
    Run r = cli({"step", "--preset", "llama3-405b", "--gpu", "h100-sxm", "--gpus", "8", "--global-batch", "8",
                 "--tp", "8", "--pp", "1", "--cp", "1", "--micro-batch", "1", "--sequence-parallel", "on",
                 "--recompute", "full", "--zero", "0"});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    QVERIFY2(r.out.contains("does NOT fit") && r.out.contains("GB over; optimizer"), r.out.constData());
    Run s = cli({"layouts", "--preset", "llama3-405b", "--gpu", "h100-sxm", "--gpus", "8", "--global-batch", "8"});
    QCOMPARE(s.exit_code, 1);
    QVERIFY2(s.err.contains("no layout fits in memory"), s.err.constData());
  }

  // plan --mfu auto: the plan's MFU is the best layout's, named with its memory per GPU.
  void planMfuAuto() {
    Run r = cli({"plan", "--flops", "1e24", "--gpu", "h100-sxm", "--gpus", "1024", "--mfu", "auto", "--arch-preset",
                 "llama3-70b", "--json"});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    const QJsonObject o = jsonOf(r);
    const QJsonObject a = o["mfu_auto"].toObject();
    QVERIFY2(!a.isEmpty(), r.out.constData());
    const QJsonObject step = a["step"].toObject();
    // The layout's MFU as step counts it, and the plan's: the same rate in the plan's count, 6N
    // per token (Llama 3 70B: 70,553,706,496 parameters) on 1,024 GPUs of 989.4 TFLOP/s.
    SP_COMPARE_REL(a["layout_mfu"].toDouble(), step["mfu"].toDouble(), 1e-12);
    SP_COMPARE_REL(a["tokens_per_second"].toDouble(), step["tokens_per_second"].toDouble(), 1e-12);
    SP_COMPARE_REL(a["mfu"].toDouble(), step["tokens_per_second"].toDouble() * 6.0 * 70553706496.0 / (1024 * 989.4e12),
                   1e-3);
    QVERIFY(a["layout"].toObject().contains("tp"));
    SP_COMPARE_REL(a["memory_per_gpu_bytes"].toDouble(), step["memory_per_gpu_bytes"].toDouble(), 1e-12);
    QCOMPARE(a["architecture_source"].toString(), QString("preset llama3-70b"));
    Run text = cli({"plan", "--flops", "1e24", "--gpu", "h100-sxm", "--gpus", "1024", "--mfu", "auto"});
    QVERIFY2(text.exit_code == 0, text.err.constData());
    QVERIFY2(text.out.contains("MFU auto:") && text.out.contains("memory per GPU:"), text.out.constData());
    // On an H100 the range is derived from A100 runs: the plan says so, in text and JSON.
    QVERIFY2(text.out.contains("caution:"), text.out.constData());
    QVERIFY2(a["mfu_caveat"].toString().contains("H100"), qPrintable(a["mfu_caveat"].toString()));
    Run bad = cli({"plan", "--flops", "1e24", "--mfu", "automatic"});
    QCOMPARE(bad.exit_code, 2);
    QVERIFY2(bad.err.contains("--mfu: 'automatic' is not a number"), bad.err.constData());
  }

  // A plan saved with --mfu auto keeps the layout its MFU was predicted for: --in shows it as
  // saved (text and JSON); changed inputs keep the MFU but drop the layout, with a note; a typed
  // --mfu drops it silently.
  void savedAutoPlanNamesItsLayout() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("auto.json");
    Run saved = cli({"plan", "--flops", "1e24", "--gpu", "h100-sxm", "--gpus", "1024", "--mfu", "auto",
                     "--arch-preset", "llama3-70b", "--json", "--out", path});
    QVERIFY2(saved.exit_code == 0, saved.err.constData());
    const QJsonObject live = jsonOf(saved)["mfu_auto"].toObject();
    QCOMPARE(live["saved"].toBool(), false);
    Run again = cli({"plan", "--in", path, "--json"});
    QVERIFY2(again.exit_code == 0, again.err.constData());
    const QJsonObject back = jsonOf(again)["mfu_auto"].toObject();
    QCOMPARE(back["saved"].toBool(), true);
    for (const char* key : {"mfu", "memory_per_gpu_bytes", "memory_capacity_bytes", "seq_len", "global_batch"})
      QCOMPARE(back[key].toDouble(), live[key].toDouble());
    for (const char* key : {"layout_description", "system", "software", "architecture_source", "mfu_range_basis",
                            "mfu_caveat", "step_command"})
      QCOMPARE(back[key].toString(), live[key].toString());
    QCOMPARE(back["mfu_range"].toArray(), live["mfu_range"].toArray());
    QVERIFY(live["layout_description"].toString().startsWith("TP "));
    Run text = cli({"plan", "--in", path});
    QVERIFY2(text.exit_code == 0, text.err.constData());
    QVERIFY2(text.out.contains("MFU auto:") && text.out.contains(live["layout_description"].toString().toUtf8()) &&
                 text.out.contains("(as saved; --mfu auto searches again)") && text.out.contains("memory per GPU:"),
             text.out.constData());
    Run more = cli({"plan", "--in", path, "--gpus", "2048", "--json"});
    QVERIFY2(more.exit_code == 0, more.err.constData());
    QVERIFY2(!jsonOf(more).contains("mfu_auto"), more.out.constData());
    QVERIFY2(more.err.contains("was the cluster model's for the saved inputs") &&
                 more.err.contains(live["layout_description"].toString().toUtf8()),
             more.err.constData());
    Run typed = cli({"plan", "--in", path, "--mfu", "0.4", "--json"});
    QVERIFY2(typed.exit_code == 0, typed.err.constData());
    QVERIFY(!jsonOf(typed).contains("mfu_auto"));
    QVERIFY2(typed.err.isEmpty(), typed.err.constData());
    SP_COMPARE_REL(jsonOf(typed)["cluster_flops_per_second"].toDouble(), 1024 * 0.4 * 989.4e12, 1e-3);
  }

  // An auto plan names the 'step' command that costs its layout again, with the flags it was
  // planned with (software, network, an nccl-tests log); run, it gives the plan's MFU.
  void autoPlanStepCommandReproducesTheMfu() {
    const QString log = QString(SCALEPLAN_TEST_DATA_DIR) + "/cluster/nccl-tests/h100-2nodes-all_reduce.log";
    Run r = cli({"plan", "--flops", "1e24", "--gpu", "h100-sxm", "--gpus", "1024", "--mfu", "auto", "--network-gbps",
                 "200", "--software", "megatron-2022", "--interconnect", log, "--json"});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    const QJsonObject a = jsonOf(r)["mfu_auto"].toObject();
    const QString command = a["step_command"].toString();
    QVERIFY2(command.startsWith("scaleplan-cli step --layers "), qPrintable(command));
    for (const char* flag : {"--network-gbps 200", "--software megatron-2022", "--interconnect "})
      QVERIFY2(command.contains(flag), flag);
    QStringList args = command.split(' ', Qt::SkipEmptyParts);  // no argument here needs quoting
    args.removeFirst();
    Run step = cli(args + QStringList{"--json"});
    QVERIFY2(step.exit_code == 0, step.err.constData());
    SP_COMPARE_REL(jsonOf(step)["mfu"].toDouble(), a["layout_mfu"].toDouble(), 1e-12);
    SP_COMPARE_REL(jsonOf(step)["memory_per_gpu_bytes"].toDouble(), a["memory_per_gpu_bytes"].toDouble(), 1e-12);
  }

  // plan --mfu auto takes step's software and override flags: the MFU it plans with is the one
  // 'step' gives for the same layout under the same flags, and differs from the defaults'.
  void planMfuAutoTakesStepFlags() {
    const QStringList flags = {"--software", "megatron-2021", "--gemm-efficiency", "0.6", "--network-gbps", "200"};
    Run r = cli(QStringList{"plan", "--flops", "1e24", "--gpu", "h100-sxm", "--gpus", "1024", "--mfu", "auto",
                            "--arch-preset", "llama3-70b", "--json"} + flags);
    QVERIFY2(r.exit_code == 0, r.err.constData());
    const QJsonObject a = jsonOf(r)["mfu_auto"].toObject();
    QCOMPARE(a["software"].toString(), QString("megatron-2021"));
    QCOMPARE(a["step"].toObject()["software"].toString(), QString("megatron-2021"));
    const QJsonObject l = a["layout"].toObject();
    QStringList fixed = {"--tp", QString::number(l["tp"].toInt()), "--pp", QString::number(l["pp"].toInt()),
                         "--dp", QString::number(l["dp"].toInt()), "--cp", QString::number(l["cp"].toInt()),
                         "--virtual-stages", QString::number(l["virtual_stages"].toInt()),
                         "--micro-batch", QString::number(l["micro_batch"].toInt()),
                         "--sequence-parallel", l["sequence_parallel"].toBool() ? "on" : "off",
                         "--recompute", l["recompute"].toString(), "--zero", QString::number(l["zero_stage"].toInt())};
    if (l["recompute_layers"].toInt() > 0) fixed += {"--recompute-layers", QString::number(l["recompute_layers"].toInt())};
    for (const char* end : {"first_stage_layers", "last_stage_layers"}) {
      if (l[end].toInt() > 0)
        fixed += {"--" + QString(end).replace('_', '-'), QString::number(l[end].toInt())};
    }
    Run step = cli(QStringList{"step", "--preset", "llama3-70b", "--gpu", "h100-sxm", "--gpus", "1024", "--seq",
                               QString::number(a["seq_len"].toInt()), "--global-batch",
                               QString::number(a["global_batch"].toInt()), "--json"} +
                   flags + fixed);
    QVERIFY2(step.exit_code == 0, step.err.constData());
    SP_COMPARE_REL(a["layout_mfu"].toDouble(), jsonOf(step)["mfu"].toDouble(), 1e-9);
    Run plain = cli({"plan", "--flops", "1e24", "--gpu", "h100-sxm", "--gpus", "1024", "--mfu", "auto",
                     "--arch-preset", "llama3-70b", "--json"});
    QVERIFY2(plain.exit_code == 0, plain.err.constData());
    // 0.6 of the peak instead of 0.71 and the 2021 software: well below the defaults' MFU.
    QVERIFY(a["mfu"].toDouble() < 0.9 * jsonOf(plain)["mfu_auto"].toObject()["mfu"].toDouble());
    // Without --mfu auto they would be ignored: a usage error. An out-of-range value names the flag.
    Run unused = cli({"plan", "--flops", "1e24", "--software", "megatron-2021"});
    QCOMPARE(unused.exit_code, 2);
    QVERIFY2(unused.err.contains("--software: only used with --mfu auto"), unused.err.constData());
    Run bad = cli({"plan", "--flops", "1e24", "--mfu", "auto", "--gemm-efficiency", "1.5"});
    QCOMPARE(bad.exit_code, 2);
    QVERIFY2(bad.err.contains("--gemm-efficiency: must be in (0, 1]"), bad.err.constData());
  }

  // plan --mfu auto carries the model's accuracy as an MFU range into days, dollars and energy,
  // as a typed range does; the cost interval is checked against the budget directly.
  void planMfuAutoRange() {
    Run r = cli({"plan", "--flops", "1e24", "--gpu", "h100-sxm", "--gpus", "1024", "--mfu", "auto", "--arch-preset",
                 "llama3-70b", "--usd-per-gpu-hour", "2", "--json"});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    const QJsonObject o = jsonOf(r);
    const QJsonObject a = o["mfu_auto"].toObject();
    const double mfu = a["mfu"].toDouble();
    const QJsonArray range = a["mfu_range"].toArray();
    QCOMPARE(range.size(), 2);
    const double low = range[0].toDouble(), high = range[1].toDouble();
    QVERIFY(low < mfu && mfu < high);
    SP_COMPARE_REL(low, mfu / 1.516, 1e-12);  // an H100: the widest side check's over-prediction, rounded up
    SP_COMPARE_REL(high, mfu * 1.129, 1e-12);  // and its widest under-prediction, 12.83%, rounded up
    QCOMPARE(o["mfu_range"].toArray(), range);  // the plan's own
    QVERIFY2(a["mfu_range_basis"].toString().contains("Narayanan et al. 2021"), r.out.constData());
    // 1e24 FLOPs at 989.4 TFLOP/s (H100 SXM dense BF16, data/hardware.json) per GPU and $2 per
    // GPU-hour: cost(MFU) = 1e24 / (989.4e12 · MFU) / 3600 · 2, whatever the GPU count. The
    // interval's ends are the 2.5th and 97.5th percentiles of MFU spread evenly over the range
    // (the cheapest run at the 97.5% quantile); with 1000 stratified draws they lie within one
    // stratum (0.1% of the range) of the exact quantiles: relative to the MFU 0.001 x width / low.
    auto cost = [&](double quantile) { return 1e24 / (989.4e12 * (low + quantile * (high - low))) / 3600.0 * 2.0; };
    const double tolerance = 1e-3 * (high - low) / low;
    const QJsonArray usd = o["cost_usd_ci95"].toArray();
    QCOMPARE(usd.size(), 2);
    SP_COMPARE_REL(usd[0].toDouble(), cost(0.975), tolerance);
    SP_COMPARE_REL(usd[1].toDouble(), cost(0.025), tolerance);
    SP_COMPARE_REL(o["cost_usd"].toDouble(), 1e24 / (989.4e12 * mfu) / 3600.0 * 2.0, 1e-9);
    for (const char* key : {"wall_clock_days_ci95", "gpu_hours_ci95", "energy_kwh_ci95"})
      QVERIFY2(o[key].toArray().size() == 2, key);
    // Text: where the range comes from, and the energy interval (a typed range gives it too).
    Run text = cli({"plan", "--flops", "1e24", "--gpu", "h100-sxm", "--gpus", "1024", "--mfu", "auto", "--arch-preset",
                    "llama3-70b"});
    QVERIFY2(text.exit_code == 0, text.err.constData());
    QVERIFY2(text.out.contains("MFU range:") && text.out.contains("Narayanan et al. 2021"), text.out.constData());
    const QRegularExpression energy_ci(R"(energy: +[\d,]+ kWh .*\(95% [\d,]+ kWh - [\d,]+ kWh\))");
    QVERIFY2(QString::fromUtf8(text.out).contains(energy_ci), text.out.constData());
    Run typed = cli({"plan", "--flops", "1e24", "--mfu", "0.35:0.45"});
    QVERIFY2(QString::fromUtf8(typed.out).contains(energy_ci), typed.out.constData());
  }

  // Every efficiency of the model can be overridden: memory-bound work and the optimizer scale
  // exactly with 1 / memory efficiency, the TP collectives' bandwidth term with 1 / NVLink
  // efficiency (latency set to 0 so only that term is left), and the matrix products by nearly
  // 1 / GEMM efficiency (the 3 µs per call overhead does not scale).
  void efficiencyOverrides() {
    const QStringList layout = {"--tp", "2", "--pp", "1", "--cp", "1", "--micro-batch", "2", "--sequence-parallel", "on",
                                "--recompute", "selective", "--zero", "1", "--nvlink-latency-us", "0"};
    Run base = cli(QStringList{"step"} + llama8bOnH100(layout));
    Run slow = cli(QStringList{"step"} + llama8bOnH100(layout + QStringList{"--memory-efficiency", "0.445",
                                                                           "--nvlink-efficiency", "0.4",
                                                                           "--gemm-efficiency", "0.355"}));
    QVERIFY2(base.exit_code == 0 && slow.exit_code == 0, (base.err + slow.err).constData());
    const QJsonObject a = jsonOf(base)["time"].toObject(), b = jsonOf(slow)["time"].toObject();
    SP_COMPARE_REL(b["memory_bound"].toDouble(), 2.0 * a["memory_bound"].toDouble(), 1e-9);
    SP_COMPARE_REL(b["optimizer"].toDouble(), 2.0 * a["optimizer"].toDouble(), 1e-9);
    SP_COMPARE_REL(b["tp_communication"].toDouble(), 2.0 * a["tp_communication"].toDouble(), 1e-9);
    const double gemm_ratio = b["gemm"].toDouble() / a["gemm"].toDouble();
    QVERIFY2(gemm_ratio > 1.9 && gemm_ratio <= 2.0, QByteArray::number(gemm_ratio).constData());
    // FP8: the default share is FP8's own (0.65), and --gemm-efficiency sets it: half of it takes
    // nearly twice as long for every product but the output layer's, which stays in BF16 at the
    // 16-bit default (about an eighth of the product time here, so the ratio is about 1.87).
    const QStringList fp8 = layout + QStringList{"--precision", "fp8"};
    Run fp8_default = cli(QStringList{"step"} + llama8bOnH100(fp8));
    Run fp8_same = cli(QStringList{"step"} + llama8bOnH100(fp8 + QStringList{"--gemm-efficiency", "0.65"}));
    Run fp8_half = cli(QStringList{"step"} + llama8bOnH100(fp8 + QStringList{"--gemm-efficiency", "0.325"}));
    QVERIFY2(fp8_default.exit_code == 0 && fp8_same.exit_code == 0 && fp8_half.exit_code == 0,
             (fp8_default.err + fp8_same.err + fp8_half.err).constData());
    const double fp8_gemm = jsonOf(fp8_default)["time"].toObject()["gemm"].toDouble();
    SP_COMPARE_REL(jsonOf(fp8_same)["time"].toObject()["gemm"].toDouble(), fp8_gemm, 1e-12);
    const double fp8_ratio = jsonOf(fp8_half)["time"].toObject()["gemm"].toDouble() / fp8_gemm;
    QVERIFY2(fp8_ratio > 1.8 && fp8_ratio < 1.95, QByteArray::number(fp8_ratio).constData());
    // --gradient-bytes 2 (16-bit gradients, --grad-reduce-in-bf16) halves the FP32 default's
    // gradient memory (ZeRO 1: unsharded) and the bytes the data-parallel reduction moves.
    Run bf16_grads = cli(QStringList{"step"} + llama8bOnH100(layout + QStringList{"--gradient-bytes", "2"}));
    QVERIFY2(bf16_grads.exit_code == 0, bf16_grads.err.constData());
    const QJsonObject m4 = jsonOf(base)["memory"].toObject(), m2 = jsonOf(bf16_grads)["memory"].toObject();
    SP_COMPARE_REL(m2["gradients"].toDouble(), 0.5 * m4["gradients"].toDouble(), 1e-12);
    SP_COMPARE_REL(m2["weights"].toDouble(), m4["gradients"].toDouble() / 2.0, 1e-12);  // 2 bytes each
    Run no_grads = cli(QStringList{"step"} + llama8bOnH100({"--gradient-bytes", "0"}));
    QCOMPARE(no_grads.exit_code, 2);
    QVERIFY2(no_grads.err.contains("--gradient-bytes: must be positive"), no_grads.err.constData());
    Run gemm = cli(QStringList{"step"} + llama8bOnH100({"--gemm-efficiency", "1.5"}));
    QCOMPARE(gemm.exit_code, 2);
    QVERIFY2(gemm.err.contains("--gemm-efficiency: must be in (0, 1]"), gemm.err.constData());
    Run network = cli(QStringList{"layouts"} + llama8bOnH100({"--network-efficiency", "0"}));
    QCOMPARE(network.exit_code, 1);
    QVERIFY2(network.err.contains("--network-efficiency: must be in (0, 1], got 0"), network.err.constData());
    Run latency = cli(QStringList{"layouts"} + llama8bOnH100({"--nvlink-latency-us", "-1"}));
    QCOMPARE(latency.exit_code, 1);
    QVERIFY2(latency.err.contains("--nvlink-latency-us: must be >= 0"), latency.err.constData());
    // The overlap slowdown: FSDP over 64 GPUs hides its collectives only when overlap is free.
    const QStringList fsdp = {"--tp", "1", "--pp", "1", "--cp", "1", "--micro-batch", "1", "--recompute", "full",
                              "--zero", "3"};
    Run free_overlap = cli(QStringList{"step"} + llama8bOnH100(fsdp + QStringList{"--overlap-slowdown", "0"}));
    Run contended = cli(QStringList{"step"} + llama8bOnH100(fsdp));
    QVERIFY2(free_overlap.exit_code == 0 && contended.exit_code == 0, (free_overlap.err + contended.err).constData());
    const double hidden = jsonOf(free_overlap)["time"].toObject()["dp_communication"].toDouble();
    const double exposed = jsonOf(contended)["time"].toObject()["dp_communication"].toDouble();
    QVERIFY2(exposed > hidden, QByteArray::number(exposed) + " vs " + QByteArray::number(hidden));
    // FlashAttention's short-sequence cost: at 4,096 tokens a query tile visits 2,048 keys and runs at
    // 2048 / (2048 + 230) of the long-sequence rate; with no overhead, at all of it.
    Run flat = cli(QStringList{"step"} + llama8bOnH100(layout + QStringList{"--flash-attention-overhead-keys", "0"}));
    QVERIFY2(flat.exit_code == 0, flat.err.constData());
    SP_COMPARE_REL(jsonOf(flat)["time"].toObject()["attention"].toDouble(),
                   a["attention"].toDouble() * 2048.0 / 2278.0, 1e-9);
    Run keys = cli(QStringList{"step"} + llama8bOnH100({"--flash-attention-overhead-keys", "-5"}));
    QCOMPARE(keys.exit_code, 2);
    QVERIFY2(keys.err.contains("--flash-attention-overhead-keys: must be >= 0"), keys.err.constData());
    Run overlap = cli(QStringList{"step"} + llama8bOnH100({"--overlap-slowdown", "1"}));
    QCOMPARE(overlap.exit_code, 2);
    QVERIFY2(overlap.err.contains("--overlap-slowdown: must be in [0, 1)"), overlap.err.constData());
  }

  // --software picks the execution profile by name, the JSON and text name it, and an unknown
  // name lists the known ones. The 2021 software runs attention as materialised products and
  // leaves the TP collectives exposed: the same layout takes longer.
  void softwareProfiles() {
    const QStringList layout = {"--tp", "8", "--pp", "1", "--cp", "1", "--micro-batch", "1", "--sequence-parallel",
                                "on", "--recompute", "selective", "--zero", "1"};
    Run current = cli(QStringList{"step"} + llama8bOnH100(layout));
    Run old = cli(QStringList{"step"} + llama8bOnH100(layout + QStringList{"--software", "megatron-2021"}));
    Run y2022 = cli(QStringList{"step"} + llama8bOnH100(layout + QStringList{"--software", "megatron-2022"}));
    QVERIFY2(current.exit_code == 0 && old.exit_code == 0 && y2022.exit_code == 0,
             (current.err + old.err + y2022.err).constData());
    const QJsonObject c = jsonOf(current), o = jsonOf(old), y = jsonOf(y2022);
    QCOMPARE(o["software"].toString(), QString("megatron-2021"));
    QCOMPARE(y["software"].toString(), QString("megatron-2022"));
    QVERIFY(o["step_seconds"].toDouble() > c["step_seconds"].toDouble());
    // 2022 differs from 2021 only by the overlapped TP backward.
    QVERIFY(y["time"].toObject()["tp_communication"].toDouble() < o["time"].toObject()["tp_communication"].toDouble());
    SP_COMPARE_REL(y["time"].toObject()["attention"].toDouble(), o["time"].toObject()["attention"].toDouble(), 1e-12);
    QStringList text_args = llama8bOnH100(layout + QStringList{"--software", "megatron-2022"});
    text_args.removeAll("--json");
    Run text = cli(QStringList{"step"} + text_args);
    QVERIFY2(text.out.contains("software:") && text.out.contains("megatron-2022"), text.out.constData());
    Run bad = cli(QStringList{"step"} + llama8bOnH100({"--software", "megatron-2020"}));
    QCOMPARE(bad.exit_code, 2);
    QVERIFY2(bad.err.contains("--software: unknown value 'megatron-2020' (expected current, megatron-2022, megatron-2021)"),
             bad.err.constData());
  }

  void badInputNamesFieldAndNumbers() {
    Run r = cli(QStringList{"step"} + llama8bOnH100({"--tp", "3", "--pp", "1", "--cp", "1", "--micro-batch", "1",
                                                     "--sequence-parallel", "on", "--recompute", "none", "--zero",
                                                     "0"}));
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.contains("gpus: 64 is not tp × pp × dp × cp = 3 × 1 × 21 × 1 = 63"), r.err.constData());
    Run heads = cli(QStringList{"step"} + llama8bOnH100({"--tp", "64", "--pp", "1", "--cp", "1", "--micro-batch",
                                                         "1", "--sequence-parallel", "on", "--recompute", "none",
                                                         "--zero", "0"}));
    QCOMPARE(heads.exit_code, 1);
    QVERIFY2(heads.err.contains("tp: heads 32 are not divisible by tp 64"), heads.err.constData());
    Run system = cli(QStringList{"layouts", "--system", "dgx-z"} + llama8bOnH100({}));
    QCOMPARE(system.exit_code, 1);
    QVERIFY2(system.err.contains("--system: unknown system 'dgx-z'; known: dgx-a100"), system.err.constData());
    Run mode = cli(QStringList{"step"} + llama8bOnH100({"--recompute", "most"}));
    QCOMPARE(mode.exit_code, 2);
    QVERIFY2(mode.err.contains("--recompute: unknown value 'most'"), mode.err.constData());
    Run batch = cli({"layouts", "--preset", "llama3-8b", "--gpus", "64", "--global-batch", "0"});
    QCOMPARE(batch.exit_code, 2);
    QVERIFY2(batch.err.contains("--global-batch: must be positive, got 0"), batch.err.constData());
    // A count the layout's int degrees cannot hold is refused, not wrapped (it printed "DP
    // 1316134911" for 9,999,999,999,999 GPUs).
    Run huge = cli({"layouts", "--preset", "llama3-8b", "--gpus", "9999999999999", "--global-batch", "64"});
    QCOMPARE(huge.exit_code, 1);
    QVERIFY2(huge.err.contains("gpus: at most 100000000, got 9999999999999"), huge.err.constData());
    // A learned position table shorter than the sequence: no silent estimate of a model that cannot
    // take the sequence.
    Run positions = cli({"step", "--layers", "4", "--d-model", "512", "--heads", "8", "--d-ff", "2048", "--vocab",
                         "32000", "--gpus", "8", "--positions", "learned", "--max-seq-len", "10", "--seq", "4096"});
    QCOMPARE(positions.exit_code, 1);
    QVERIFY2(positions.err.contains("seq_len: 4096 tokens are more than the learned position table's 10 rows"),
             positions.err.constData());
    // Not a mixed-precision training setup: refused rather than costed with 16-bit memory (fp32
    // showed bf16's memory and a higher MFU).
    Run fp32 = cli({"step", "--preset", "llama3-8b", "--gpus", "8", "--precision", "fp32"});
    QCOMPARE(fp32.exit_code, 1);
    QVERIFY2(fp32.err.contains("precision: the cluster model costs mixed-precision training in bf16, fp16 or fp8, "
                               "got fp32"),
             fp32.err.constData());
    Run file = cli({"step", "--preset", "llama3-8b", "--gpu", "measured:/nonexistent/bench.json"});
    QCOMPARE(file.exit_code, 1);
    QVERIFY2(file.err.contains("/nonexistent/bench.json"), file.err.constData());
  }

  // MoE parallel folding from the command line: --expert-tp 1 lets EP 16 span TP 2 · DP 8; the
  // JSON layout says expert_tp; without it the complete layout is refused with the reason.
  void expertTensorParallel() {
    const QStringList base = {"step", "--preset", "qwen3-30b-a3b", "--gpu", "h100-sxm", "--gpus", "16",
                              "--seq", "4096", "--global-batch", "64", "--tp", "2", "--pp", "1", "--cp", "1",
                              "--ep", "16", "--micro-batch", "1", "--sequence-parallel", "on", "--recompute",
                              "none", "--zero", "1"};
    Run folded = cli(base + QStringList{"--expert-tp", "1", "--json"});
    QVERIFY2(folded.exit_code == 0, folded.err.constData());
    const QJsonObject layout = jsonOf(folded)["layout"].toObject();
    QCOMPARE(layout["expert_tp"].toInt(), 1);
    QCOMPARE(layout["ep"].toInt(), 16);
    QVERIFY(layout["description"].toString().contains("EP 16 (expert TP 1)"));
    Run refused = cli(base);
    QCOMPARE(refused.exit_code, 1);
    QVERIFY2(refused.err.contains("ep: dp × cp = 8 × 1 is not divisible by ep 16"), refused.err.constData());
    Run bad = cli(base + QStringList{"--expert-tp", "0"});
    QCOMPARE(bad.exit_code, 2);
    QVERIFY2(bad.err.contains("--expert-tp"), bad.err.constData());
    Run dense = cli({"layouts", "--preset", "llama3-8b", "--gpus", "16", "--expert-tp", "1"});
    QCOMPARE(dense.exit_code, 2);
    QVERIFY2(dense.err.contains("--expert-tp: needs a mixture-of-experts model"), dense.err.constData());
  }
};

QTEST_APPLESS_MAIN(TestCliCluster)
#include "test_cli_cluster.moc"
