#pragma once
// The shipped catalogs (data/hardware.json and data/models.json) for the cluster tests. A broken
// file stops the test at once (qFatal) with the loader's message, file and field.
#include <string>

#include <QtTest>

#include "base/file_io.hpp"
#include "cluster/cluster_system.hpp"
#include "counting/model_presets.hpp"

namespace scaleplan::test {

inline std::string shippedDataFile(const char* name) { return std::string(SCALEPLAN_SHIPPED_DATA_DIR) + "/" + name; }

inline HardwareCatalog shippedAccelerators() {
  auto hw = HardwareCatalog::loadFile(shippedDataFile("hardware.json"));
  if (!hw) qFatal("%s", hw.message().c_str());
  return std::move(hw).value();
}

inline SystemCatalog shippedSystems() {
  const HardwareCatalog hw = shippedAccelerators();
  auto text = readTextFile(shippedDataFile("hardware.json"));
  if (!text) qFatal("%s", text.message().c_str());
  auto s = SystemCatalog::parse(*text, "hardware.json", hw);
  if (!s) qFatal("%s", s.message().c_str());
  return std::move(s).value();
}

// The shipped system `id` (qFatal when it is not there).
inline ClusterSystem shippedSystem(const std::string& id) {
  const SystemCatalog systems = shippedSystems();
  const ClusterSystem* s = systems.find(id);
  if (!s) qFatal("no system '%s' in data/hardware.json", id.c_str());
  return *s;
}

inline ModelPreset shippedPreset(const std::string& id) {
  auto models = ModelCatalog::loadFile(shippedDataFile("models.json"));
  if (!models) qFatal("%s", models.message().c_str());
  const ModelPreset* p = models->find(id);
  if (!p) qFatal("no model '%s' in data/models.json", id.c_str());
  return *p;
}

}  // namespace scaleplan::test
