// FitSummary::fullReport, what 'scaleplan-cli fit' prints: its head, parameter table, hold-out line
// and warnings, checked line by line against the summary's own values.
#include <sstream>

#include "base/format.hpp"
#include "fit/fit.hpp"
#include "fit_test_data.hpp"
#include "test_support.hpp"

using namespace scaleplan;
using namespace scaleplan::fit_test;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool hasLine(const std::vector<std::string>& all, const std::string& line) {
  return std::find(all.begin(), all.end(), line) != all.end();
}

}  // namespace

class TestFitReport : public QObject {
  Q_OBJECT
 private slots:
  void fullReportShowsTheSummary() {
    FitOptions o;
    o.start_grid = {{"alpha", {0.0, 1.0}}, {"beta", {0.0, 1.0}}, {"e", {-1.0, 1.0}}, {"a", {0.0, 20.0}}, {"b", {0.0, 20.0}}};
    o.threads = 1;
    const auto points =
        gridPoints([](double n, double d) { return chinchillaLossOf(kHoffmann, n, d); }, 5, 1e8, 1e10, 5, 2e9, 2e11, 0.01, 3);
    const FitSummary s = fitLaw(points, o);
    QVERIFY2(s.hasParameters(), s.message.c_str());
    const auto report = lines(s.fullReport(5));
    // The head: keys padded to the longest ("RMSE of ln L:", 13 characters) plus one space.
    QCOMPARE(QString::fromStdString(report[0]), QString("law:          chinchilla (objective huber, delta 0.001)"));
    QVERIFY(hasLine(report, "termination:  converged: " + s.message));
    QVERIFY(hasLine(report, "points:       25 (5 highest-loss dropped)"));
    QVERIFY(hasLine(report, "starts:       32 (best #" + std::to_string(s.best_start_index) + ")"));
    QVERIFY(hasLine(report, "RMSE of ln L: " + formatNumber(s.diagnostics.rmse_log_loss, 3)));
    // The table: a header, a rule as wide as the columns, one row per parameter.
    const auto header = std::find_if(report.begin(), report.end(), [](const std::string& l) { return l.rfind("parameter", 0) == 0; });
    QVERIFY(header != report.end());
    QCOMPARE((header + 1)->find_first_not_of('-'), std::string::npos);
    for (std::size_t k = 0; k < s.params.size(); ++k) {
      const std::string& row = *(header + 2 + static_cast<std::ptrdiff_t>(k));
      QVERIFY2(row.rfind(s.params[k].name, 0) == 0, row.c_str());
      SP_VERIFY_CONTAINS(row, formatNumber(s.params[k].value, 6));
    }
    // The hold-out line and one line per warning.
    const auto& h = *s.diagnostics.holdout;
    QVERIFY(hasLine(report, "hold-out: fitted without the " + std::to_string(h.test_points) + " points of the largest size (10.0B), "
                            "predicts them with RMSE of ln L " + formatNumber(h.rmse_log_loss, 3) + " and max relative error " +
                            formatNumber(100.0 * h.max_abs_relative_error, 3) + "%"));
    std::size_t warning_lines = 0;
    for (const auto& l : report) warning_lines += l.rfind("warning: ", 0) == 0 ? 1 : 0;
    QCOMPARE(warning_lines, s.warnings.size());
    // Without dropped points the points line says only the count.
    QVERIFY(hasLine(lines(s.fullReport()), "points:       25"));
  }
};

QTEST_APPLESS_MAIN(TestFitReport)
#include "test_fit_report.moc"
