#include "api/run_outputs.hpp"

#include <cmath>
#include <cstring>
#include <set>

#include <fmt/format.h>

#include <charconv>

#include "evclass/core/atomic_file.hpp"
#include "evclass/core/error.hpp"
#include "evclass/root/writer.hpp"

namespace evclass::api::detail {

namespace {

template <class T>
column::Column make_column(const std::vector<T>& values) {
  column::Column c(column::DTypeOf<T>::value);
  c.data().resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(c.data().data(), values.data(), values.size() * sizeof(T));
  return c;
}

// Columns of the table, in output order, with their names.
std::vector<std::pair<std::string, column::Column>> table_columns(const ScoreTable& t) {
  const Events& ev = *t.events;
  const std::vector<std::size_t>& rows = *t.rows;
  const std::size_t n = rows.size();
  std::vector<std::pair<std::string, column::Column>> out;
  std::vector<std::int32_t> labels(n);
  std::vector<double> weights(n);
  for (std::size_t k = 0; k < n; ++k) {
    labels[k] = ev.labels[rows[k]];
    weights[k] = ev.weights[rows[k]];
  }
  out.emplace_back("label", make_column(labels));
  out.emplace_back("weight", make_column(weights));
  for (std::size_t j = 0; j < ev.spectator_names.size(); ++j) {
    std::vector<double> v(n);
    for (std::size_t k = 0; k < n; ++k) v[k] = ev.spectators[j * ev.rows + rows[k]];
    out.emplace_back(ev.spectator_names[j], make_column(v));
  }
  for (const auto& set : t.scores) {
    const std::size_t outputs = set.names.size();
    for (std::size_t o = 0; o < outputs; ++o) {
      std::vector<float> v(n);
      for (std::size_t k = 0; k < n; ++k) v[k] = (*set.values)[k * outputs + o];
      out.emplace_back(set.names[o], make_column(v));
    }
  }
  std::vector<std::int32_t> sample(n);
  std::vector<std::int64_t> entry(n);
  for (std::size_t k = 0; k < n; ++k) {
    sample[k] = ev.sample[rows[k]];
    entry[k] = ev.entry[rows[k]];
  }
  out.emplace_back("sample", make_column(sample));
  out.emplace_back("entry", make_column(entry));
  return out;
}

// Appends value i of a flat numeric column in the shortest form that reads back exactly.
void append_value(std::string& line, const column::Column& c, std::size_t i) {
  char buf[64];
  column::visit_numeric(c.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T v = c.values<T>()[i];
    std::to_chars_result r{};
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v)) {
        line += "nan";
        return;
      }
      r = std::to_chars(buf, buf + sizeof buf, v);
    } else {
      r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    }
    line.append(buf, r.ptr);
  });
}

void write_csv_file(const std::string& path, const std::vector<std::pair<std::string, column::Column>>& columns) {
  core::AtomicFile out(path);
  std::string line;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (k) line += ',';
    line += columns[k].first.find_first_of(",\"\n") == std::string::npos ? columns[k].first
                                                                         : "\"" + columns[k].first + "\"";
  }
  line += '\n';
  const std::size_t rows = columns.empty() ? 0 : static_cast<std::size_t>(columns.front().second.entries());
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t k = 0; k < columns.size(); ++k) {
      if (k) line += ',';
      append_value(line, columns[k].second, i);
    }
    line += '\n';
    if (line.size() > (1u << 20)) {
      out.write(line);
      line.clear();
    }
  }
  out.write(line);
  out.commit();
}

}  // namespace

void write_csv_columns(const std::string& path, const std::vector<std::pair<std::string, column::Column>>& columns) {
  write_csv_file(path, columns);
}

std::string branch_name(std::string_view name) {
  std::string out;
  for (const char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front()))) out.insert(out.begin(), '_');
  return out;
}

std::string compression_spec(const OutputConfig& output) {
  switch (output.compression) {
    case CompressionAlgorithm::none: return "none";
    case CompressionAlgorithm::zlib: return fmt::format("zlib:{}", output.compression_level);
    case CompressionAlgorithm::lz4: return fmt::format("lz4:{}", output.compression_level);
    case CompressionAlgorithm::zstd: return fmt::format("zstd:{}", output.compression_level);
    case CompressionAlgorithm::lzma: return fmt::format("lzma:{}", output.compression_level);
  }
  return "zstd:5";
}

void write_scores(const Config& config, const ScoreTable& table, const std::filesystem::path& base,
                  const core::Context& ctx) {
  auto columns = table_columns(table);
  for (const auto format : config.output.formats) {
    if (format == OutputFormat::csv) {
      write_csv_file(base.string() + ".csv", columns);
    } else {
      root::FileWriter out(base.string() + ".root",
                           {.compression = root::Compression::parse(compression_spec(config.output)),
                            .threads = ctx.threads});
      std::vector<root::BranchSpec> specs;
      std::vector<column::Column> values;
      std::set<std::string> used;
      for (auto& [name, c] : columns) {
        std::string b = branch_name(name);
        while (!used.insert(b).second) b += "_";
        specs.push_back(root::BranchSpec::scalar(b, c.dtype()));
        values.push_back(c);
      }
      root::TreeWriter& tree = out.add_tree("scores", specs);
      tree.append(values);
      out.close();
    }
  }
}

}  // namespace evclass::api::detail
