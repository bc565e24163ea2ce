#pragma once
// Whether the next mini-batch step runs on the run's threads or on one. A step is a few hundred
// microseconds of work between two synchronisations; when other processes keep the cores busy, a
// fork and join can wait for a time slice and cost ten times the step. So each epoch starts by
// timing a few steps each way and runs the rest of it the faster way. Which way a step runs never
// changes its result (batch_gradient.hpp), only how long it takes. Private to learn.

#include <chrono>
#include <cstddef>

#include "evclass/core/parallel.hpp"

namespace evclass::learn::nn {

class StepThreads {
 public:
  /// `work` = multiply-adds of one step; steps too small to gain from threads always run on one.
  StepThreads(const core::Context& ctx, double work)
      : parallel_(ctx), serial_{1}, enabled_(ctx.resolved_threads() > 1 && work >= kMinWork) {}

  /// Call at the start of every epoch: measures again (the load may have changed).
  void new_epoch() { probe_ = 0, time_[0] = time_[1] = 0.0; }

  /// The context of the next step; pass the step's duration to done().
  [[nodiscard]] const core::Context& next() {
    if (!enabled_) return serial_;
    if (probe_ < 2 * kProbes) return probe_ % 2 == 0 ? serial_ : parallel_;
    return time_[1] < time_[0] ? parallel_ : serial_;
  }
  void done(std::chrono::steady_clock::duration took) {
    if (!enabled_ || probe_ >= 2 * kProbes) return;
    time_[probe_ % 2] += std::chrono::duration<double>(took).count();
    ++probe_;
  }

 private:
  static constexpr double kMinWork = 1 << 18;  ///< about 10 µs on one core
  static constexpr std::size_t kProbes = 3;    ///< timed steps each way per epoch
  core::Context parallel_, serial_;
  bool enabled_;
  std::size_t probe_ = 0;
  double time_[2] = {0.0, 0.0};  ///< serial, parallel
};

}  // namespace evclass::learn::nn
