#include "sample_io.hpp"

#include <cmath>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "evclass/core/atomic_file.hpp"
#include "evclass/core/error.hpp"

namespace evclass::generate::detail {

namespace {

constexpr double kPicobarnsPerInverseFemtobarn = 1000.0;  // 1 fb^-1 = 1000 pb^-1

/// A JSON string literal (our names are ASCII; quotes, backslashes and controls are escaped anyway).
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// Shortest text that reads back as the same double.
std::string json_number(double v) { return fmt::format("{}", v); }

}  // namespace

void check_options(const Options& options) {
  if (options.out_dir.empty()) throw ConfigError("--out is empty: give the directory to write the samples to");
  if (options.events < 0)
    throw ConfigError(fmt::format("--events={} is invalid: must be >= 0 (0 picks the default)", options.events));
  if (!(options.lumi_fb > 0.0) || !std::isfinite(options.lumi_fb))
    throw ConfigError(fmt::format("--lumi={} is invalid: must be a positive number of fb^-1", options.lumi_fb));
}

void prepare_output_directory(const Options& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) throw IoError(fmt::format("cannot create output directory '{}': {}", options.out_dir, ec.message()));
  if (!std::filesystem::is_directory(options.out_dir, ec))
    throw IoError(fmt::format("output path '{}' exists but is not a directory", options.out_dir));
}

std::string output_path(const Options& options, const std::string& file_name) {
  return (std::filesystem::path(options.out_dir) / file_name).string();
}

double expected_events(const SampleRecord& sample, double lumi_fb) {
  return sample.xsec_pb * sample.k_factor * sample.filter_eff * lumi_fb * kPicobarnsPerInverseFemtobarn;
}

std::string write_samples_json(const Options& options, const std::string& analysis,
                               const std::vector<SampleRecord>& samples) {
  std::string text = "{\n";
  text += fmt::format("  \"analysis\": {},\n", json_string(analysis));
  text += fmt::format("  \"seed\": {},\n", options.seed);
  text += fmt::format("  \"lumi_fb\": {},\n", json_number(options.lumi_fb));
  text += "  \"units\": \"MeV for energies and momenta, mm for impact parameters, pb for cross-sections\",\n";
  text += "  \"event_weight\": \"mcWeight * scale factors * xsec_pb * k_factor * filter_eff * lumi_pb / sum_of_weights\",\n";
  text += "  \"samples\": [\n";
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const SampleRecord& s = samples[i];
    text += "    {";
    text += fmt::format("\"name\": {}, \"file\": {}, \"dsid\": {}, \"process\": {}, \"class\": {}, \"is_data\": {}",
                        json_string(s.name), json_string(s.file), s.dsid, json_string(s.process),
                        json_string(s.class_hint), s.is_data ? "true" : "false");
    if (s.is_data) {
      text += fmt::format(", \"lumi_fb\": {}", json_number(options.lumi_fb));
    } else {
      text += fmt::format(
          ", \"xsec_pb\": {}, \"k_factor\": {}, \"filter_eff\": {}, \"sum_of_weights\": {}, \"expected_events\": {}",
          json_number(s.xsec_pb), json_number(s.k_factor), json_number(s.filter_eff), json_number(s.sum_of_weights),
          json_number(expected_events(s, options.lumi_fb)));
    }
    text += fmt::format(", \"events\": {}, \"simulated\": {}}}{}\n", s.events, s.trials,
                        i + 1 < samples.size() ? "," : "");
  }
  text += "  ]\n}\n";
  const std::string path = output_path(options, analysis + "_samples.json");
  core::AtomicFile out(path);
  out.write(text);
  out.commit();
  return path;
}

}  // namespace evclass::generate::detail
