#pragma once
// Qt meta-type declarations for the core value types that cross threads and signals (plans, fit
// summaries, import and benchmark results), in one header. Every header whose signals or slots
// carry one of these types includes this file, so the declaration always precedes moc's use of
// the type, whatever order moc's generated files are compiled in.

#include <QMetaType>

#include "fit/fit.hpp"
#include "gpubench/benchmark.hpp"
#include "importers/importer.hpp"
#include "plan/plan.hpp"

Q_DECLARE_METATYPE(scaleplan::PlanRequest)
Q_DECLARE_METATYPE(scaleplan::PlanResult)
Q_DECLARE_METATYPE(scaleplan::FitSummary)
Q_DECLARE_METATYPE(scaleplan::ImportResult)
Q_DECLARE_METATYPE(scaleplan::BenchResult)
