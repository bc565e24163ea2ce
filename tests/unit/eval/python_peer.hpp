#pragma once
// Runs a Python script with Debian's /usr/bin/python3 (which has numpy, scipy and scikit-learn)
// and parses the JSON it prints, so tests can compare with the reference implementations.

#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evclass::eval::test {

inline constexpr const char* kPython = "/usr/bin/python3";

/// Output of a command (stdout only) and whether it exited with status 0.
inline bool run_command(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return false;
  std::array<char, 4096> buffer{};
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), got);
  return pclose(pipe) == 0;
}

/// Empty when /usr/bin/python3 imports numpy, scipy and sklearn; else the reason (for GTEST_SKIP).
inline std::string python_peer_missing() {
  static const std::string reason = [] {
    std::string out;
    if (!std::filesystem::exists(kPython)) return std::string("/usr/bin/python3 is not installed");
    if (!run_command(std::string(kPython) + " -c 'import numpy, scipy, sklearn' 2>/dev/null", out)) {
      return std::string("/usr/bin/python3 lacks numpy/scipy/scikit-learn (apt install python3-sklearn)");
    }
    return std::string();
  }();
  return reason;
}

/// A fresh temporary directory for one test's files.
inline std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("evclass_eval_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

/// Writes `script` and runs it with `args`; returns the JSON it prints (throws on failure).
inline nlohmann::json run_python(const std::filesystem::path& dir, const std::string& script,
                                 const std::string& args) {
  const auto path = dir / "peer.py";
  std::ofstream(path) << script;
  std::string out;
  const std::string command = std::string(kPython) + " " + path.string() + " " + args + " 2>" + (dir / "err.txt").string();
  if (!run_command(command, out)) {
    std::ifstream err(dir / "err.txt");
    std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    throw std::runtime_error("python peer failed: " + text);
  }
  return nlohmann::json::parse(out);
}

/// Events for binary tests: float scores rounded to 1/50 (many ties), labels, and weights of
/// mixed sign (about 15% negative, 5% exactly zero), from a fixed seed.
struct BinaryEvents {
  std::vector<float> scores;
  std::vector<std::int32_t> labels;
  std::vector<double> weights;
};

inline BinaryEvents make_binary_events(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  BinaryEvents events;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t label = uniform(rng) < 0.4 ? 1 : 0;
    const double raw = 1.0 / (1.0 + std::exp(-(gauss(rng) + (label == 1 ? 1.2 : -0.3))));
    events.scores.push_back(static_cast<float>(std::round(raw * 50.0) / 50.0));
    events.labels.push_back(label);
    const double u = uniform(rng);
    events.weights.push_back(u < 0.05 ? 0.0 : (u < 0.2 ? -0.3 * uniform(rng) : 0.5 + uniform(rng)));
  }
  return events;
}

/// Writes score,label,weight rows with every digit (floats are exact in %.17g).
inline void write_csv(const std::filesystem::path& path, const BinaryEvents& events) {
  std::ofstream out(path);
  out << "score,label,weight\n";
  char line[128];
  for (std::size_t i = 0; i < events.scores.size(); ++i) {
    std::snprintf(line, sizeof line, "%.17g,%d,%.17g\n", static_cast<double>(events.scores[i]), events.labels[i],
                  events.weights[i]);
    out << line;
  }
}

}  // namespace evclass::eval::test
