#pragma once
// Compensated (Neumaier) summation: sums of many event weights of mixed sign stay accurate to
// about one rounding error instead of growing with the number of terms.

namespace evclass::eval::detail {

/// Running sum with a correction term; value() is the compensated total.
class CompensatedSum {
 public:
  /// Adds one term.
  void add(double x) noexcept {
    const double t = sum_ + x;
    // Whichever operand is larger in magnitude keeps its bits; recover the lost low part.
    if ((sum_ >= 0 ? sum_ : -sum_) >= (x >= 0 ? x : -x)) {
      correction_ += (sum_ - t) + x;
    } else {
      correction_ += (x - t) + sum_;
    }
    sum_ = t;
  }
  /// The compensated sum of every term added so far.
  [[nodiscard]] double value() const noexcept { return sum_ + correction_; }

 private:
  double sum_ = 0.0;
  double correction_ = 0.0;
};

}  // namespace evclass::eval::detail
