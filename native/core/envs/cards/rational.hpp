// An exact rational number for the card games: numerator / denominator in lowest terms
// with a positive denominator. Card formulas combine at most a few numbers of at most 10,
// so 64-bit parts never come near overflow; no floating point is involved anywhere.
#pragma once
#include <cstdint>
#include <numeric>

namespace gigpo::cards {

class Rational {
 public:
  constexpr Rational() = default;
  constexpr Rational(int64_t whole) : num_(whole), den_(1) {}  // NOLINT: implicit by design

  // num / den reduced; den must not be 0 (callers check `isZero()` before dividing).
  static constexpr Rational fraction(int64_t num, int64_t den) {
    if (den < 0) num = -num, den = -den;
    int64_t g = std::gcd(num, den);
    if (g > 1) num /= g, den /= g;
    Rational r;
    r.num_ = num;
    r.den_ = den;
    return r;
  }

  constexpr int64_t num() const { return num_; }
  constexpr int64_t den() const { return den_; }
  constexpr bool isZero() const { return num_ == 0; }

  friend constexpr Rational operator+(Rational a, Rational b) {
    return fraction(a.num_ * b.den_ + b.num_ * a.den_, a.den_ * b.den_);
  }
  friend constexpr Rational operator-(Rational a, Rational b) {
    return fraction(a.num_ * b.den_ - b.num_ * a.den_, a.den_ * b.den_);
  }
  friend constexpr Rational operator*(Rational a, Rational b) { return fraction(a.num_ * b.num_, a.den_ * b.den_); }
  // b must not be zero.
  friend constexpr Rational operator/(Rational a, Rational b) { return fraction(a.num_ * b.den_, a.den_ * b.num_); }
  // Lowest terms make equality a field-by-field comparison.
  friend constexpr bool operator==(Rational a, Rational b) = default;
  friend constexpr bool operator<(Rational a, Rational b) { return a.num_ * b.den_ < b.num_ * a.den_; }

  // |a - b|, for "which formula comes closest".
  static constexpr Rational distance(Rational a, Rational b) {
    Rational d = a - b;
    if (d.num_ < 0) d.num_ = -d.num_;
    return d;
  }

 private:
  int64_t num_ = 0;
  int64_t den_ = 1;
};

}  // namespace gigpo::cards
