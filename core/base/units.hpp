#pragma once
// Strong types for the quantities the planner mixes up most easily.
//
// Flops is a *count* of floating-point operations (training compute C, "6·N·D").
// FlopsPerSecond is a *rate* (a GPU's peak or achieved throughput).
// They are distinct types so that a count can never be passed where a rate is expected;
// dividing one by the other is the only way to get a duration.

#include <compare>

namespace scaleplan {

// Seconds in a day; FLOP/s-day and PF-day are defined with it.
inline constexpr double kSecondsPerDay = 86400.0;
inline constexpr double kSecondsPerHour = 3600.0;
// One FLOP/s sustained for a day is 86,400 FLOPs.
inline constexpr double kFlopsPerFlopsDay = kSecondsPerDay;
// One petaFLOP/s sustained for a day: 1e15 · 86,400 = 8.64e19 FLOPs (Kaplan et al. 2020's unit).
inline constexpr double kFlopsPerPetaflopDay = 1e15 * kSecondsPerDay;
// A binary gigabyte (GiB), the unit in which vendors state device memory (see Accelerator::memoryBytes).
inline constexpr double kBytesPerGib = 1024.0 * 1024.0 * 1024.0;

struct Seconds {
  double value = 0.0;
  constexpr double days() const { return value / kSecondsPerDay; }
  constexpr double hours() const { return value / kSecondsPerHour; }
  auto operator<=>(const Seconds&) const = default;
};

// A number of floating-point operations (a count, not a rate).
struct Flops {
  double value = 0.0;
  static constexpr Flops fromPetaflopDays(double pf_days) { return Flops{pf_days * kFlopsPerPetaflopDay}; }
  constexpr double petaflopDays() const { return value / kFlopsPerPetaflopDay; }
  constexpr double flopsDays() const { return value / kFlopsPerFlopsDay; }
  auto operator<=>(const Flops&) const = default;
};

// A throughput in floating-point operations per second (a rate, not a count).
struct FlopsPerSecond {
  double value = 0.0;
  static constexpr FlopsPerSecond fromTera(double tflops) { return FlopsPerSecond{tflops * 1e12}; }
  constexpr double tera() const { return value / 1e12; }
  auto operator<=>(const FlopsPerSecond&) const = default;
};

constexpr Flops operator+(Flops a, Flops b) { return Flops{a.value + b.value}; }
constexpr Flops operator-(Flops a, Flops b) { return Flops{a.value - b.value}; }
constexpr Flops operator*(double k, Flops f) { return Flops{k * f.value}; }
constexpr Flops operator*(Flops f, double k) { return Flops{k * f.value}; }
constexpr double operator/(Flops a, Flops b) { return a.value / b.value; }
constexpr FlopsPerSecond operator*(double k, FlopsPerSecond r) { return FlopsPerSecond{k * r.value}; }
constexpr FlopsPerSecond operator*(FlopsPerSecond r, double k) { return FlopsPerSecond{k * r.value}; }
constexpr double operator/(FlopsPerSecond a, FlopsPerSecond b) { return a.value / b.value; }
// count / rate = duration
constexpr Seconds operator/(Flops f, FlopsPerSecond r) { return Seconds{f.value / r.value}; }
// rate · duration = count
constexpr Flops operator*(FlopsPerSecond r, Seconds s) { return Flops{r.value * s.value}; }
constexpr Flops operator*(Seconds s, FlopsPerSecond r) { return Flops{r.value * s.value}; }
// count / duration = rate
constexpr FlopsPerSecond operator/(Flops f, Seconds s) { return FlopsPerSecond{f.value / s.value}; }

}  // namespace scaleplan
