// The summary as text: the brief report and the full report (what 'scaleplan-cli fit' prints).
#include <cmath>
#include <sstream>

#include "base/format.hpp"
#include "base/text_table.hpp"
#include "fit/fit.hpp"

namespace scaleplan {
namespace {

const ParameterInterval* intervalOf(const FitSummary& s, const std::string& name) {
  if (!s.uncertainty) return nullptr;
  for (const auto& p : s.uncertainty->parameters) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string ciText(const ParameterInterval& iv) {
  if (!std::isfinite(iv.ci95_low) || !std::isfinite(iv.ci95_high)) return "-";
  return formatNumber(iv.ci95_low, 4) + " .. " + formatNumber(iv.ci95_high, 4);
}

}  // namespace

std::string FitSummary::briefReport() const {
  std::ostringstream out;
  out << toString(law) << " fit";
  if (law != FitLaw::IsoFlop) out << " (" << toString(objective) << ", delta " << formatNumber(huber_delta) << ")";
  out << ": " << toString(termination) << "\n";
  if (!message.empty()) out << "  " << message << "\n";
  if (hasParameters()) {
    out << "  " << points << " points";
    if (starts > 0) out << ", " << starts << " starts (best #" << best_start_index << ")";
    out << ", " << formatNumber(seconds, 3) << " s\n";
    if (std::isfinite(objective_value)) out << "  objective " << formatNumber(objective_value, 8) << "\n";
    for (const auto& p : params) {
      out << "  " << p.name << " = " << formatNumber(p.value, 5);
      if (const ParameterInterval* iv = intervalOf(*this, p.name)) {
        out << "  (SE " << formatNumber(iv->standard_error, 3) << ", 95% " << formatNumber(iv->ci95_low, 4) << " .. "
            << formatNumber(iv->ci95_high, 4) << ")";
      }
      out << "\n";
    }
    if (scale) out << "  scale sigma = " << formatNumber(*scale, 4) << "\n";
    if (uncertainty) {
      out << "  uncertainty: " << uncertainty->method << "\n";
      for (const auto& d : uncertainty->derived) {
        out << "  " << d.name << " = " << formatNumber(d.value, 4) << "  (95% " << formatNumber(d.ci95_low, 4) << " .. "
            << formatNumber(d.ci95_high, 4) << ")\n";
      }
    }
    if (law != FitLaw::IsoFlop) out << "  RMSE of ln L " << formatNumber(diagnostics.rmse_log_loss, 3) << "\n";
    if (diagnostics.holdout) {
      const auto& h = *diagnostics.holdout;
      out << "  hold-out (" << h.test_points << " points of the largest " << h.held_out_sizes.size()
          << " size(s)): RMSE of ln L " << formatNumber(h.rmse_log_loss, 3) << ", max relative error "
          << formatNumber(100.0 * h.max_abs_relative_error, 3) << "%\n";
    }
  }
  for (const auto& w : warnings) out << "  warning: " << w << "\n";
  return out.str();
}

std::string FitSummary::fullReport(std::size_t dropped_points) const {
  std::ostringstream out;
  std::vector<std::pair<std::string, std::string>> head = {
      {"law", std::string(toString(law)) +
                  (law == FitLaw::IsoFlop ? std::string() : " (objective " + std::string(toString(objective)) +
                                                                ", delta " + formatNumber(huber_delta) + ")")},
      {"termination", std::string(toString(termination)) + ": " + message},
      {"points", std::to_string(points) +
                     (dropped_points ? " (" + std::to_string(dropped_points) + " highest-loss dropped)" : "")},
  };
  if (starts > 0) head.push_back({"starts", std::to_string(starts) + " (best #" + std::to_string(best_start_index) + ")"});
  if (std::isfinite(objective_value)) head.push_back({"objective", formatNumber(objective_value, 8)});
  if (scale) head.push_back({"scale sigma", formatNumber(*scale, 4)});
  if (law != FitLaw::IsoFlop) head.push_back({"RMSE of ln L", formatNumber(diagnostics.rmse_log_loss, 3)});
  head.push_back({"time", formatNumber(seconds, 3) + " s"});
  if (uncertainty) head.push_back({"uncertainty", uncertainty->method});
  printKeyValues(out, head);

  out << "\n";
  TextTable t({"parameter", "value", "std. error", "95% interval"});
  for (const auto& p : params) {
    const ParameterInterval* iv = intervalOf(*this, p.name);
    t.addRow({p.name, formatNumber(p.value, 6), iv ? formatNumber(iv->standard_error, 3) : "-", iv ? ciText(*iv) : "-"});
  }
  if (uncertainty) {
    for (const auto& d : uncertainty->derived) t.addRow({d.name, formatNumber(d.value, 6), formatNumber(d.standard_error, 3), ciText(d)});
  }
  t.print(out);

  if (isoflop) {
    out << "\n";
    TextTable b({"budget C", "points", "N_opt", "D_opt", "loss at opt", "note"});
    for (const auto& budget : isoflop->budgets) {
      b.addRow({formatScientific(budget.flops), std::to_string(budget.points), budget.used ? formatCount(budget.n_opt) : "-",
                budget.used ? formatCount(budget.d_opt) : "-", budget.used ? formatNumber(budget.loss_at_opt, 5) : "-",
                budget.note});
    }
    b.print(out);
  }
  if (diagnostics.holdout) {
    const HoldoutCheck& h = *diagnostics.holdout;
    std::string sizes;
    for (double n : h.held_out_sizes) sizes += (sizes.empty() ? "" : ", ") + formatCount(n);
    out << "\nhold-out: fitted without the " << h.test_points << (h.test_points == 1 ? " point" : " points")
        << " of the largest " << (h.held_out_sizes.size() == 1 ? "size" : "sizes") << " (" << sizes
        << "), predicts them with RMSE of ln L " << formatNumber(h.rmse_log_loss, 3) << " and max relative error "
        << formatNumber(100.0 * h.max_abs_relative_error, 3) << "%\n";
  }
  for (const auto& w : warnings) out << "warning: " << w << "\n";
  return out.str();
}

}  // namespace scaleplan
