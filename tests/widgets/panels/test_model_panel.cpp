// The "Model & memory" panel driven through its controls: presets, architecture edits, the
// parameter and FLOP read-outs, and the memory bars, which must carry exactly the core's breakdown.
#include <qcustomplot.h>

#include <cmath>

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include "plots/memory_plot.hpp"
#include "panels/model_panel.hpp"
#include "session/session.hpp"
#include "test_support.hpp"
#include "controls/theme.hpp"

using namespace scaleplan;

namespace {

// Llama 2 7B counted by hand (Touvron et al. 2023; the released config: 32 layers, d_model 4096,
// 32 heads, d_ff 11008 SwiGLU, vocabulary 32000, untied output, RMSNorm, no biases):
//   embeddings  2 · 32000 · 4096                      =   262,144,000
//   per layer   4 · 4096² (Q, K, V, O) + 3 · 4096 · 11008 + 2 · 4096 (norms) = 202,383,360
//   32 layers                                         = 6,476,267,520
//   final norm                                        =         4,096
constexpr double kLlama2_7bParams = 262144000.0 + 32.0 * 202383360.0 + 4096.0;  // 6,738,415,616

double barValue(QCPBars* bars, double key) {
  for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) {
    if (it->key == key) return it->value;
  }
  return -1.0;
}

}  // namespace

class TestModelPanel : public QObject {
  Q_OBJECT

 private slots:
  void llama2_7bShowsItsParameters() {
    Session session;
    ModelMemoryPanel panel(&session);
    const int index = panel.presetCombo()->findData("llama2-7b");
    QVERIFY(index > 0);
    panel.presetCombo()->setCurrentIndex(0);
    panel.presetCombo()->setCurrentIndex(index);
    QCOMPARE(panel.currentPresetId(), QString("llama2-7b"));
    QCOMPARE(panel.layersSpin()->value(), 32);
    QCOMPARE(panel.dModelSpin()->value(), 4096);
    QCOMPARE(panel.dFfSpin()->value(), 11008);
    QVERIFY(panel.parameterCount());
    QCOMPARE(panel.parameterCount()->total, kLlama2_7bParams);
    QCOMPARE(panel.parameterCount()->active, kLlama2_7bParams);
    // "6.74B" as the published figure reads.
    QVERIFY2(panel.totalParamsLabel()->text().contains("6.74B"),
             qPrintable(panel.totalParamsLabel()->text()));
    QVERIFY(panel.activeParamsLabel()->text().contains("dense"));
    // 6·N per token: 6 · 6.738e9 = 4.04e10.
    QVERIFY2(panel.flopsLabel()->text().contains("4.04e10"), qPrintable(panel.flopsLabel()->text()));
  }

  void editingTheArchitectureRecounts() {
    Session session;
    ModelMemoryPanel panel(&session);
    QVERIFY(panel.selectPreset("llama2-7b"));
    // Tie the embeddings: one 32000 × 4096 matrix fewer.
    panel.tiedCheck()->setChecked(true);
    QCOMPARE(panel.currentPresetId(), QString());  // now a custom architecture
    QCOMPARE(panel.parameterCount()->total, kLlama2_7bParams - 32000.0 * 4096.0);
    // Grouped-query attention with 8 KV heads: K and V shrink from 4096² to 4096 · 1024 per layer.
    panel.tiedCheck()->setChecked(false);
    panel.kvHeadsSpin()->setValue(8);
    QCOMPARE(panel.parameterCount()->total,
             kLlama2_7bParams - 32.0 * 2.0 * (4096.0 * 4096.0 - 4096.0 * 1024.0));
    // A mixture of 8 experts, top-2: every MLP ×8 in total, ×2 active, plus a 4096×8 router per layer.
    panel.kvHeadsSpin()->setValue(0);
    panel.expertsSpin()->setValue(8);
    panel.topKSpin()->setValue(2);
    const double mlp = 32.0 * 3.0 * 4096.0 * 11008.0;
    const double router = 32.0 * 4096.0 * 8.0;
    QCOMPARE(panel.parameterCount()->total, kLlama2_7bParams + 7.0 * mlp + router);
    QCOMPARE(panel.parameterCount()->active, kLlama2_7bParams + mlp + router);
    QVERIFY(panel.activeParamsLabel()->text().contains("top-2 of 8"));

    // An inconsistent architecture says why and clears the figures.
    panel.expertsSpin()->setValue(0);
    panel.topKSpin()->setValue(0);
    panel.headsSpin()->setValue(32);
    panel.kvHeadsSpin()->setValue(7);
    QVERIFY(!panel.parameterCount());
    QVERIFY(panel.errorLabel()->isVisibleTo(&panel));
    QVERIFY2(panel.errorLabel()->text().contains("kv_heads"), qPrintable(panel.errorLabel()->text()));
    QVERIFY(!panel.memoryPlot()->hasBreakdown());
    panel.kvHeadsSpin()->setValue(8);
    QVERIFY(panel.parameterCount());
    QVERIFY(!panel.errorLabel()->isVisibleTo(&panel));
  }

  void memoryBarsAreTheCoresBreakdown() {
    Session session;
    ModelMemoryPanel panel(&session);
    QVERIFY(panel.selectPreset("llama2-7b"));
    panel.microBatchSpin()->setValue(2);
    panel.seqLenSpin()->setValue(4096);
    panel.recomputeCombo()->setCurrentIndex(panel.recomputeCombo()->findData("selective"));
    panel.contextSpin()->setValue(4096);
    panel.inferenceBatchSpin()->setValue(8);
    MemoryPlot* plot = panel.memoryPlot();
    plot->refreshNow();

    // The core's breakdown for the same inputs.
    const TransformerArchitecture arch = session.models().find("llama2-7b")->architecture;
    ActivationOptions act;
    act.micro_batch = 2;
    act.seq_len = 4096;
    act.recompute = Recompute::Selective;
    const TrainingMemory tm = trainingMemory(arch, TrainingStateOptions{}, act);
    InferenceOptions inf;
    inf.batch = 8;
    inf.context = 4096;
    const InferenceMemory im = inferenceMemory(arch, inf);
    QVERIFY(panel.trainingMemory());
    QCOMPARE(panel.trainingMemory()->total(), tm.total());
    QCOMPARE(panel.inferenceMemory()->total(), im.total());

    const double gb = 1e9;
    auto bar = [&](MemoryPlot::Layer layer, double key) { return barValue(plot->bars(layer), key); };
    QCOMPARE(bar(MemoryPlot::Weights, MemoryPlot::kTrainingKey), tm.weights / gb);
    QCOMPARE(bar(MemoryPlot::Gradients, MemoryPlot::kTrainingKey),
             (tm.gradients + tm.grad_accumulation) / gb);
    QCOMPARE(bar(MemoryPlot::MasterWeights, MemoryPlot::kTrainingKey), tm.master_weights / gb);
    QCOMPARE(bar(MemoryPlot::Optimizer, MemoryPlot::kTrainingKey), tm.optimizer / gb);
    QCOMPARE(bar(MemoryPlot::Activations, MemoryPlot::kTrainingKey), tm.activations / gb);
    QCOMPARE(bar(MemoryPlot::KvCache, MemoryPlot::kTrainingKey), 0.0);
    QCOMPARE(bar(MemoryPlot::Weights, MemoryPlot::kInferenceKey), im.weights / gb);
    QCOMPARE(bar(MemoryPlot::KvCache, MemoryPlot::kInferenceKey), im.kv_cache / gb);
    QCOMPARE(bar(MemoryPlot::Optimizer, MemoryPlot::kInferenceKey), 0.0);
    // Independent figures: mixed-precision AdamW is 16 B/param (ZeRO §3.1): 2 + 2 + 4 + 8;
    // bf16 serving weights are 2 B/param; the KV cache is 2 · 32 layers · 4096 · 2 B per token.
    SP_COMPARE_REL(tm.state(), 16.0 * kLlama2_7bParams, 1e-12);
    SP_COMPARE_REL(im.weights, 2.0 * kLlama2_7bParams, 1e-12);
    SP_COMPARE_REL(im.kv_cache, 2.0 * 32 * 4096 * 2.0 * 8 * 4096, 1e-12);
    // The bars are stacked (each above the one below).
    QVERIFY(plot->bars(MemoryPlot::Gradients)->barBelow() == plot->bars(MemoryPlot::Weights));
    QVERIFY(plot->bars(MemoryPlot::KvCache)->barBelow() == plot->bars(MemoryPlot::Activations));

    // Fits on the session's GPU? The default plan uses an 80 GB H100: training state of
    // 107.8 GB needs 2 of them; bf16 weights (13.5 GB) + 4.3 GB of KV cache fit on one.
    const double memory_gb = session.currentRequest().accelerator.memory_gb;
    QVERIFY(memory_gb > 0);
    const auto need = gpusToHold(tm.total(), memory_gb);
    QVERIFY(*need >= 2);
    QVERIFY2(panel.trainingFitLabel()->text().contains("does not fit"),
             qPrintable(panel.trainingFitLabel()->text()));
    QVERIFY(panel.trainingFitLabel()->text().contains(QString("<b>%1</b> GPUs").arg(*need)));
    QVERIFY2(panel.inferenceFitLabel()->text().contains("fits on one"),
             qPrintable(panel.inferenceFitLabel()->text()));

    // Changing the session's accelerator updates the verdict (an 8-GB-class card cannot serve it).
    const Accelerator* small = nullptr;
    for (const Accelerator& a : session.catalog().accelerators()) {
      if (a.memory_gb > 0 && a.memory_gb * 1e9 < im.total() && (!small || a.memory_gb < small->memory_gb))
        small = &a;
    }
    if (small) {
      session.setAccelerator(small->id);
      QVERIFY2(panel.inferenceFitLabel()->text().contains("does not fit"),
               qPrintable(panel.inferenceFitLabel()->text()));
    }
  }

  void precisionAndRecomputeChangeTheBreakdown() {
    Session session;
    ModelMemoryPanel panel(&session);
    QVERIFY(panel.selectPreset("llama2-7b"));
    const double none = panel.trainingMemory()->activations;
    panel.recomputeCombo()->setCurrentIndex(panel.recomputeCombo()->findData("full"));
    // Korthikanti et al.: full recomputation keeps only 2·s·b·h bytes per layer.
    const double s = panel.seqLenSpin()->value(), b = panel.microBatchSpin()->value();
    SP_COMPARE_REL(panel.trainingMemory()->activations, 32.0 * 2.0 * s * b * 4096.0, 1e-12);
    QVERIFY(panel.trainingMemory()->activations < none);
    // INT4 serving: half a byte per parameter.
    panel.servingPrecisionCombo()->setCurrentIndex(panel.servingPrecisionCombo()->findData("int4"));
    SP_COMPARE_REL(panel.inferenceMemory()->weights, 0.5 * kLlama2_7bParams, 1e-12);
    // Pure FP32 training: no master copy (4 + 4 + 8 = 16 B/param still, but no master layer).
    panel.precisionCombo()->setCurrentIndex(panel.precisionCombo()->findData("fp32"));
    QCOMPARE(panel.trainingMemory()->master_weights, 0.0);
    SP_COMPARE_REL(panel.trainingMemory()->weights, 4.0 * kLlama2_7bParams, 1e-12);
  }

  void everyPresetGivesABreakdown() {
    Session session;
    ModelMemoryPanel panel(&session);
    QVERIFY(session.models().models().size() >= 10);
    for (const ModelPreset& m : session.models().models()) {
      QVERIFY(panel.selectPreset(QString::fromStdString(m.id)));
      QVERIFY2(panel.parameterCount(), qPrintable(panel.architectureError()));
      // Every field of the preset reaches the count, including those without a control.
      QCOMPARE(panel.parameterCount()->total, countParameters(m.architecture).total);
      QVERIFY(panel.memoryPlot()->hasBreakdown());
    }
    QVERIFY(!panel.selectPreset("no-such-model"));
  }

  // The panel follows the plan: the published dense model nearest the planned N (on a log scale,
  // computed here over the catalog), until the user picks a model; then plans leave it alone.
  void followsThePlanUntilTheUserPicks() {
    Session session;
    session.setLaw("hoffmann2022");
    session.setBudget(Budget{BudgetUnit::Flops, 5.88e23});  // about 70B parameters
    ModelMemoryPanel panel(&session);
    QVERIFY(panel.followsPlan());
    auto nearestId = [&](double n) {
      std::string best;
      double distance = 1e300;
      for (const ModelPreset& m : session.models().models()) {
        if (m.published_params > 0 && !m.published_active_params && std::fabs(std::log(m.published_params / n)) < distance) {
          distance = std::fabs(std::log(m.published_params / n)), best = m.id;
        }
      }
      return QString::fromStdString(best);
    };
    QVERIFY(session.currentResult());
    QCOMPARE(panel.currentPresetId(), nearestId(session.currentResult()->params));
    QVERIFY(panel.currentPresetId() != "llama2-7b");
    session.setBudget(Budget{BudgetUnit::Flops, 1e21});  // a ~3B plan
    QCOMPARE(panel.currentPresetId(), nearestId(session.currentResult()->params));

    // The user picks a model other than the one shown.
    int index = 1;
    while (panel.presetCombo()->itemData(index).toString() == panel.currentPresetId()) ++index;
    const QString picked = panel.presetCombo()->itemData(index).toString();
    panel.presetCombo()->setCurrentIndex(index);  // as the user does
    QVERIFY(!panel.followsPlan());
    session.setBudget(Budget{BudgetUnit::Flops, 5.88e23});
    QCOMPARE(panel.currentPresetId(), picked);
  }

  void rendersToPng() {
    Session session;
    ModelMemoryPanel panel(&session);
    panel.resize(1300, 800);
    QVERIFY(panel.selectPreset("llama3-70b"));
    QTemporaryDir dir;
    for (bool dark : {false, true}) {
      panel.setPalette(dark ? darkPalette() : lightPalette());
      panel.memoryPlot()->refreshNow();
      const QImage image = panel.grab().toImage();
      const QString path = dir.filePath(dark ? "model-dark.png" : "model.png");
      QVERIFY(image.save(path));
      QImage loaded(path);
      QCOMPARE(loaded.size(), QSize(1300, 800));
      QSet<QRgb> colours;
      for (int y = 0; y < loaded.height(); y += 7) {
        for (int x = 0; x < loaded.width(); x += 7) colours.insert(loaded.pixel(x, y));
      }
      QVERIFY(colours.size() > 10);
    }
  }
};

QTEST_MAIN(TestModelPanel)
#include "test_model_panel.moc"
