#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "evclass/column/csv.hpp"
#include "evclass/core/error.hpp"
#include "evclass/core/parallel.hpp"
#include "evclass/core/text.hpp"

namespace evclass::column {

namespace {

constexpr std::size_t kMaxRecordBytes = std::size_t{64} << 20;  // longer lines are refused, not buffered

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

FilePtr open_file(const std::string& path) {
  FilePtr f(std::fopen(path.c_str(), "rb"));
  if (!f) throw IoError(fmt::format("cannot open CSV file {}: {}", path, std::strerror(errno)));
  return f;
}

// Splits one record into fields, undoing RFC 4180 quoting ("a ""b""" -> a "b").
std::vector<std::string> split_record(std::string_view line, char delim) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delim) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The header: its text (BOM and line end removed), its delimiter and its byte length.
struct Header {
  std::vector<std::string> names;
  char delim = ',';
  std::size_t bytes = 0;  ///< up to and including the line end
};

Header read_header(std::FILE* f, const std::string& path, char delim) {
  std::string line;
  bool quoted = false;
  for (int c; (c = std::fgetc(f)) != EOF;) {
    if (c == '"') quoted = !quoted;
    if (c == '\n' && !quoted) break;
    line += static_cast<char>(c);
    if (line.size() > kMaxRecordBytes) throw CorruptFile(fmt::format("{}: the header line is longer than 64 MiB", path));
  }
  Header h;
  h.bytes = line.size() + 1;
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (trim(line).empty()) throw CorruptFile(fmt::format("{}: the file is empty or has no header line", path));
  if (delim == 0) {
    // The most frequent of ',', ';' and tab outside quotes; ',' on ties or when none appears.
    std::size_t comma = 0, semi = 0, tab = 0;
    bool q = false;
    for (const char c : line) {
      if (c == '"') q = !q;
      if (q) continue;
      comma += c == ',';
      semi += c == ';';
      tab += c == '\t';
    }
    delim = semi > comma && semi >= tab ? ';' : tab > comma && tab > semi ? '\t' : ',';
  }
  h.delim = delim;
  for (auto& name : split_record(line, delim)) h.names.emplace_back(trim(name));
  return h;
}

// One output column while parsing: where its field is and how to parse it.
struct Slot {
  std::string name;
  std::size_t field = 0;
  DType dtype = DType::kFloat64;
};

// What went wrong in a record; the line number is worked out only when reporting.
struct FieldError {
  const char* record = nullptr;  ///< start of the offending record in the block
  std::string message;
};

class Parser {
 public:
  Parser(const std::vector<Slot>& slots, std::size_t nfields, char delim)
      : slots_(slots), nfields_(nfields), delim_(delim), slot_of_field_(nfields, -1) {
    for (std::size_t s = 0; s < slots.size(); ++s) slot_of_field_[slots[s].field] = static_cast<int>(s);
  }

  /// Parses the records of [b, e) (whole records) into `out` (one buffer per slot). Returns the
  /// number of records, or sets `error`.
  std::size_t parse(const char* b, const char* e, bool has_quotes, std::vector<Buffer>& out,
                    std::optional<FieldError>& error) const {
    std::size_t records = 0;
    std::string scratch;
    std::vector<std::string> fields;
    for (const char* p = b; p < e;) {
      const char* start = p;
      const char* end = nullptr;
      if (has_quotes) {
        bool q = false;
        for (end = p; end < e; ++end) {
          if (*end == '"') q = !q;
          else if (*end == '\n' && !q) break;
        }
      } else {
        end = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(e - p)));
        if (!end) end = e;
      }
      p = end < e ? end + 1 : e;
      std::string_view line(start, static_cast<std::size_t>(end - start));
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (trim(line).empty()) continue;  // blank lines (at the end of a file) are skipped
      if (!(has_quotes ? parse_quoted(line, out, error, start) : parse_plain(line, out, error, start))) return records;
      ++records;
    }
    return records;
  }

 private:
  bool parse_plain(std::string_view line, std::vector<Buffer>& out, std::optional<FieldError>& error,
                   const char* record) const {
    std::size_t field = 0;
    const char* p = line.data();
    const char* const e = line.data() + line.size();
    for (;;) {
      const char* q = static_cast<const char*>(std::memchr(p, delim_, static_cast<std::size_t>(e - p)));
      if (!q) q = e;
      if (field < nfields_ && slot_of_field_[field] >= 0 &&
          !put(static_cast<std::size_t>(slot_of_field_[field]), {p, static_cast<std::size_t>(q - p)}, out, error,
               record))
        return false;
      ++field;
      if (q == e) break;
      p = q + 1;
    }
    return check_count(field, error, record);
  }

  bool parse_quoted(std::string_view line, std::vector<Buffer>& out, std::optional<FieldError>& error,
                    const char* record) const {
    const auto fields = split_record(line, delim_);
    for (std::size_t f = 0; f < fields.size() && f < nfields_; ++f)
      if (slot_of_field_[f] >= 0 && !put(static_cast<std::size_t>(slot_of_field_[f]), fields[f], out, error, record))
        return false;
    return check_count(fields.size(), error, record);
  }

  bool check_count(std::size_t fields, std::optional<FieldError>& error, const char* record) const {
    if (fields == nfields_) return true;
    error = FieldError{record, fmt::format("has {} fields but the header names {}", fields, nfields_)};
    return false;
  }

  template <class T>
  static bool parse_number(std::string_view text, T& v) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    return r.ec == std::errc() && r.ptr == text.data() + text.size();
  }

  bool put(std::size_t slot, std::string_view raw, std::vector<Buffer>& out, std::optional<FieldError>& error,
           const char* record) const {
    const std::string_view text = trim(raw);
    const Slot& s = slots_[slot];
    const auto bad = [&](std::string_view expected) {
      error = FieldError{record, fmt::format("column '{}' (field {}): expected {}, found '{}'", s.name, s.field + 1,
                                             expected, text.substr(0, 40))};
      return false;
    };
    switch (s.dtype) {
      case DType::kFloat32: {
        float v = std::numeric_limits<float>::quiet_NaN();
        if (!text.empty() && !parse_number(text, v)) return bad("a number");
        out[slot].append(&v, sizeof v);
        return true;
      }
      case DType::kInt32:
      case DType::kInt64: {
        std::int64_t v = 0;
        if (text.empty() || !parse_number(text, v)) return bad("an integer");
        if (s.dtype == DType::kInt32) {
          if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
            return bad("a 32-bit integer");
          const auto v32 = static_cast<std::int32_t>(v);
          out[slot].append(&v32, sizeof v32);
        } else {
          out[slot].append(&v, sizeof v);
        }
        return true;
      }
      default: {
        double v = std::numeric_limits<double>::quiet_NaN();
        if (!text.empty() && !parse_number(text, v)) return bad("a number");
        out[slot].append(&v, sizeof v);
        return true;
      }
    }
  }

  const std::vector<Slot>& slots_;
  std::size_t nfields_;
  char delim_;
  std::vector<int> slot_of_field_;
};

std::vector<Slot> choose_slots(const Header& h, const CsvReadOptions& options, const std::string& path) {
  std::vector<Slot> slots;
  const auto dtype_of = [&](const std::string& name) {
    auto it = options.dtypes.find(name);
    const DType t = it == options.dtypes.end() ? options.default_dtype : it->second;
    if (t != DType::kFloat64 && t != DType::kFloat32 && t != DType::kInt32 && t != DType::kInt64)
      throw ConfigError(fmt::format("{}: column '{}' cannot be read as {} (float, double, int32 or int64)", path, name,
                                    dtype_name(t)));
    return t;
  };
  if (options.columns.empty()) {
    for (std::size_t f = 0; f < h.names.size(); ++f) slots.push_back({h.names[f], f, dtype_of(h.names[f])});
    return slots;
  }
  for (const auto& name : options.columns) {
    const auto it = std::find(h.names.begin(), h.names.end(), name);
    if (it == h.names.end()) {
      const std::string hint = core::did_you_mean(name, h.names);
      throw KeyNotFound(fmt::format("{}: no column '{}' in the header{}{}", path, name, hint.empty() ? "" : "; ", hint));
    }
    slots.push_back({name, static_cast<std::size_t>(it - h.names.begin()), dtype_of(name)});
  }
  return slots;
}

}  // namespace

std::vector<std::string> read_csv_header(const std::string& path, const CsvReadOptions& options) {
  const FilePtr f = open_file(path);
  return read_header(f.get(), path, options.delimiter).names;
}

Table read_csv(const std::string& path, const CsvReadOptions& options) {
  const FilePtr f = open_file(path);
  const Header h = read_header(f.get(), path, options.delimiter);
  const std::vector<Slot> slots = choose_slots(h, options, path);
  const Parser parser(slots, h.names.size(), h.delim);
  const core::Context ctx{options.threads};
  const int threads = ctx.resolved_threads();
  std::vector<Buffer> columns(slots.size());
  std::size_t rows = 0;
  std::size_t lines_before = 1;  // physical lines before the current block (the header)
  std::string block;
  const std::size_t step = std::max<std::size_t>(options.block_bytes, 1);
  bool at_end = false;
  while (!at_end) {
    // Append the next piece to what is left of the previous block (an unfinished record).
    const std::size_t kept = block.size();
    block.resize(kept + step);
    const std::size_t got = std::fread(block.data() + kept, 1, step, f.get());
    block.resize(kept + got);
    at_end = got < step;
    if (std::ferror(f.get())) throw IoError(fmt::format("reading CSV file {} failed", path));
    const bool has_quotes = std::memchr(block.data(), '"', block.size()) != nullptr;
    // Whole records end at the last line end outside quotes (or at the end of the file).
    std::size_t usable = block.size();
    if (!at_end) {
      usable = 0;
      if (has_quotes) {
        bool q = false;
        for (std::size_t i = 0; i < block.size(); ++i) {
          if (block[i] == '"') q = !q;
          else if (block[i] == '\n' && !q) usable = i + 1;
        }
      } else if (const void* nl = memrchr(block.data(), '\n', block.size())) {
        usable = static_cast<std::size_t>(static_cast<const char*>(nl) - block.data()) + 1;
      }
      if (usable == 0) {
        if (block.size() > kMaxRecordBytes)
          throw CorruptFile(fmt::format("{} line {}: a record longer than 64 MiB", path, lines_before + 1));
        continue;  // read more before parsing
      }
    }
    // Cut the usable bytes into one part per thread at line ends (serially when quoted).
    std::vector<std::size_t> cuts{0};
    const int parts = has_quotes ? 1 : std::max(1, std::min<int>(threads, static_cast<int>(usable / (1 << 16)) + 1));
    for (int k = 1; k < parts; ++k) {
      std::size_t at = std::max(cuts.back(), usable * static_cast<std::size_t>(k) / static_cast<std::size_t>(parts));
      const void* nl = at < usable ? std::memchr(block.data() + at, '\n', usable - at) : nullptr;
      at = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - block.data()) + 1 : usable;
      cuts.push_back(at);
    }
    cuts.push_back(usable);
    const std::size_t nparts = cuts.size() - 1;
    std::vector<std::vector<Buffer>> pieces(nparts, std::vector<Buffer>(slots.size()));
    std::vector<std::optional<FieldError>> errors(nparts);
    std::vector<std::size_t> counts(nparts, 0);
    core::parallel_for(nparts, ctx, [&](std::size_t k) {
      counts[k] = parser.parse(block.data() + cuts[k], block.data() + cuts[k + 1], has_quotes, pieces[k], errors[k]);
    });
    for (std::size_t k = 0; k < nparts; ++k) {
      if (errors[k]) {
        const auto line = lines_before + 1 +
                          static_cast<std::size_t>(std::count(static_cast<const char*>(block.data()), errors[k]->record, '\n'));
        throw CorruptFile(fmt::format("{} line {}: {}", path, line, errors[k]->message));
      }
      for (std::size_t s = 0; s < slots.size(); ++s) columns[s].append(pieces[k][s].data(), pieces[k][s].size());
      rows += counts[k];
    }
    lines_before += static_cast<std::size_t>(std::count(block.data(), block.data() + usable, '\n'));
    block.erase(0, usable);
    if (options.max_rows >= 0 && rows >= static_cast<std::size_t>(options.max_rows)) break;
  }
  if (options.max_rows >= 0 && rows > static_cast<std::size_t>(options.max_rows)) {
    rows = static_cast<std::size_t>(options.max_rows);
    for (std::size_t s = 0; s < slots.size(); ++s) columns[s].resize(rows * dtype_size(slots[s].dtype));
  }
  Table table;
  for (std::size_t s = 0; s < slots.size(); ++s) {
    Column c(slots[s].dtype);
    c.data() = std::move(columns[s]);
    c.set_flat_entries(static_cast<entry_t>(rows));
    table.add(slots[s].name, std::move(c));
  }
  return table;
}

}  // namespace evclass::column
