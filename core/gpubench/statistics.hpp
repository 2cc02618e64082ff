#pragma once
// Summary statistics of repeated timings. A benchmark reports the median (robust to the odd
// slow sample from a clock change or a context switch) together with its spread, so that a
// reader can tell a stable figure from a noisy one.

#include <vector>

namespace scaleplan {

struct SampleStats {
  int count = 0;        // number of samples
  double median = 0.0;  // same unit as the samples (seconds per call in a benchmark)
  double min = 0.0;
  double max = 0.0;
  double mean = 0.0;
  double stddev = 0.0;  // sample standard deviation (n - 1 in the denominator); 0 for one sample
  double q1 = 0.0;      // first and third quartiles, linear interpolation between order statistics
  double q3 = 0.0;      // (the "type 7" definition used by numpy.percentile and R's default)

  double iqr() const { return q3 - q1; }
  // Interquartile range over the median: 0.01 means the middle half of the samples lies
  // within about 1% of the median. 0 when the median is 0.
  double relativeIqr() const { return median != 0.0 ? iqr() / median : 0.0; }
  bool operator==(const SampleStats&) const = default;
};

// Statistics of `samples` (any order). Empty input gives count 0 and zeros.
SampleStats computeStats(std::vector<double> samples);

// The q-quantile (0 <= q <= 1) of sorted values by linear interpolation (type 7). Empty input: 0.
double quantileSorted(const std::vector<double>& sorted, double q);

// Geometric mean of positive values; 0 for an empty list or when any value is <= 0.
double geometricMean(const std::vector<double>& values);

}  // namespace scaleplan
