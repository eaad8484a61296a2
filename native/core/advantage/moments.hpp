// Mean and unbiased standard deviation of a group of values, accumulated in float64 in
// two passes (sum, then squared deviations). When every value is equal the mean is that
// value exactly, so x - mean is exactly 0.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace gigpo::advantage {

struct Moments {
  double sum = 0;
  double squares = 0;  // sum of (x - mean)^2, filled by the second pass
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double mean = 0;
  uint32_t count = 0;

  // x, `times` times over.
  void add(double x, uint32_t times = 1) {
    sum += times == 1 ? x : x * times;
    count += times;
    min = std::min(min, x);  // branch-free (minsd/maxsd): values arrive in random order
    max = std::max(max, x);
  }
  // Call once every value was added, before addDeviation.
  void finishMean() { mean = count == 0 ? 0 : (min == max ? min : sum / count); }
  void addDeviation(double x, uint32_t times = 1) {
    const double d = x - mean;
    squares += times == 1 ? d * d : d * d * times;
  }
  bool constant() const { return count == 0 || min == max; }
  // Sample std (÷ (n - 1)); 0 for fewer than two values or equal values.
  double std() const { return count < 2 || min == max ? 0 : std::sqrt(squares / (count - 1)); }
};

}  // namespace gigpo::advantage
