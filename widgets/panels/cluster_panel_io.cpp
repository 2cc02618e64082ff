// ClusterPanel's inputs across sessions (saveInputs, restoreInputs) and the CLI command of its
// selected layout (stepCommandLine): what the panel hands to the world outside the GUI.
#include "panels/cluster_panel.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>

#include "cluster/step_command.hpp"
#include "controls/layout_fields_box.hpp"
#include "controls/text_format.hpp"
#include "session/session.hpp"

namespace scaleplan {

namespace {

constexpr const char* kLogsKey = "cluster/ncclTestsLogs";
constexpr const char* kFixedKey = "cluster/fixedLayout";

// The inputs saved by value: the key under "cluster/" is the box's object name.
template <typename Box>
void saveValue(QSettings& s, const Box* box) {
  s.setValue(QStringLiteral("cluster/") + box->objectName(), box->value());
}
template <typename Box>
void restoreValue(const QSettings& s, Box* box) {
  const QVariant v = s.value(QStringLiteral("cluster/") + box->objectName());
  if (!v.isValid()) return;
  const QSignalBlocker block(box);
  box->setValue(v.value<decltype(box->value())>());
}
// Combos by their item data (system, accelerator, model ids; precision and software numbers).
void saveChoice(QSettings& s, const QComboBox* combo) {
  s.setValue(QStringLiteral("cluster/") + combo->objectName(), combo->currentData());
}
bool restoreChoice(const QSettings& s, QComboBox* combo) {
  const QVariant v = s.value(QStringLiteral("cluster/") + combo->objectName());
  const int index = v.isValid() ? combo->findData(v) : -1;
  if (index < 0) return false;
  const QSignalBlocker block(combo);
  combo->setCurrentIndex(index);
  return true;
}

}  // namespace

void ClusterPanel::saveInputs(QSettings& s) const {
  for (const QComboBox* c : {system_combo_, accelerator_combo_, precision_combo_, software_combo_, model_combo_})
    saveChoice(s, c);
  for (const QSpinBox* b : countInputs()) saveValue(s, b);
  for (const QDoubleSpinBox* b : numberInputs()) saveValue(s, b);
  s.setValue(kFixedKey, layout_fields_->describeFixed());
  s.setValue(kLogsKey, interconnect_files_);
}

void ClusterPanel::restoreInputs(const QSettings& s) {
  // In dependency order, each step as the controls' own handlers would take it: the system fills
  // the accelerator and fabrics, the accelerator the precisions, the precision the GEMM box.
  if (restoreChoice(s, system_combo_)) applySystemDefaults();
  if (restoreChoice(s, accelerator_combo_)) fillPrecisions();
  // The GEMM box holds the share of the precision's peak: the restored precision's default unless
  // a value was saved with it (restored with the numbers below; a file from before the box lacks it).
  if (restoreChoice(s, precision_combo_)) applyPrecisionDefault();
  // Likewise the gradient box holds the software's default unless a value was saved.
  if (restoreChoice(s, software_combo_)) applySoftwareDefault();
  if (restoreChoice(s, model_combo_)) followModel();
  for (QSpinBox* b : countInputs()) restoreValue(s, b);  // signals blocked: the domain keeps its value
  nodes_gpus_ = gpus_per_node_spin_->value();
  for (QDoubleSpinBox* b : numberInputs()) restoreValue(s, b);
  layout_fields_->setFixed(s.value(kFixedKey).toString());
  clearInterconnectFiles();
  QStringList dropped;
  for (const QString& path : s.value(kLogsKey).toStringList()) {
    QString error;
    if (!addInterconnectFile(path, &error)) dropped << error;
  }
  // Said under the log list, which the search's status does not overwrite.
  if (!dropped.isEmpty())
    interconnect_label_->setText(tr("A remembered nccl-tests log was dropped: %1").arg(dropped.join(QLatin1String("; "))) +
                                 QLatin1Char('\n') + interconnect_label_->text());
  scheduleSearch();
}

QString ClusterPanel::stepCommandLine() const {
  const StepEstimate* e = selectedEstimate();
  const ClusterSystem* named = systems_.find(system_combo_->currentData().toString().toStdString());
  const Accelerator* accelerator = session_->findAccelerator(accelerator_combo_->currentData().toString().toStdString());
  if (!e || !named || !accelerator || accelerator->measured) return {};
  auto base = baseSystem();
  auto system = systemFromControls();
  if (!base || !system) return {};
  StepCommand c;
  const QString model = model_combo_->currentData().toString();
  if (model != QLatin1String(kPlannedModel)) c.preset_id = model.toStdString();  // else the architecture's flags
  c.system_id = named->id;
  c.system_accelerator_id = named->accelerator.id;
  c.accelerator_id = accelerator->id;
  c.base_system = *base;
  c.job = e->job;
  c.system = *system;
  c.execution = executionFromControls();
  for (const QString& f : interconnect_files_) c.interconnect_files.push_back(f.toStdString());
  c.layout = e->layout;
  return qs(scaleplan::stepCommandLine(c));
}

}  // namespace scaleplan
