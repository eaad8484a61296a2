#include "core/envs/cards/python_eval.hpp"

#include <cmath>

namespace gigpo::cards {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::optional<double> run() {
    auto v = sum();
    if (!v || pos_ != s_.size() || !std::isfinite(*v)) return std::nullopt;
    return v;
  }

 private:
  bool eat(std::string_view op) {
    if (s_.substr(pos_, op.size()) != op) return false;
    pos_ += op.size();
    return true;
  }
  bool peek(std::string_view op) const { return s_.substr(pos_, op.size()) == op; }

  std::optional<double> sum() {
    auto v = term();
    while (v) {
      if (eat("+")) {
        auto r = term();
        if (!r) return r;
        *v += *r;
      } else if (eat("-")) {
        auto r = term();
        if (!r) return r;
        *v -= *r;
      } else {
        break;
      }
    }
    return v;
  }

  std::optional<double> term() {
    auto v = factor();
    while (v) {
      if (peek("**")) break;  // handled by power()
      if (eat("//")) {
        auto r = factor();
        if (!r || *r == 0) return std::nullopt;
        *v = std::floor(*v / *r);
      } else if (eat("*")) {
        auto r = factor();
        if (!r) return r;
        *v *= *r;
      } else if (eat("/")) {
        auto r = factor();
        if (!r || *r == 0) return std::nullopt;
        *v /= *r;
      } else {
        break;
      }
    }
    return v;
  }

  std::optional<double> factor() {
    if (eat("+")) return factor();
    if (eat("-")) {
      auto v = factor();
      if (v) *v = -*v;
      return v;
    }
    return power();
  }

  std::optional<double> power() {
    auto base = atom();
    if (!base || !eat("**")) return base;
    auto exponent = factor();
    if (!exponent) return exponent;
    if (*base == 0 && *exponent < 0) return std::nullopt;  // ZeroDivisionError
    const double v = std::pow(*base, *exponent);
    if (std::isnan(v)) return std::nullopt;  // a complex result
    return v;
  }

  std::optional<double> atom() {
    if (eat("(")) {
      auto v = sum();
      if (!v || !eat(")")) return std::nullopt;
      return v;
    }
    const size_t start = pos_;
    double v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') v = v * 10 + (s_[pos_++] - '0');
    if (pos_ == start) return std::nullopt;
    return v;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<double> pythonArithmetic(std::string_view formula) {
  return Parser(formula).run();
}

}  // namespace gigpo::cards
