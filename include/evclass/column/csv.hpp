#pragma once
// Reading CSV files into named numeric columns: streamed in large blocks (memory holds only the
// columns asked for, never the whole text), lines parsed in parallel, numbers with
// std::from_chars (no locale). RFC 4180 quoting is understood (a block holding a quote is parsed
// serially). The header line names the columns; a UTF-8 BOM, CRLF line ends, a missing final
// newline and blank lines at the end are accepted; `nan`, `inf`, `-inf` and spaces around numbers
// too; an empty field is NaN in a floating-point column and an error in an integer one.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "evclass/column/dtype.hpp"
#include "evclass/column/table.hpp"

namespace evclass::column {

struct CsvReadOptions {
  std::vector<std::string> columns;     ///< keep only these, in this order (empty: all)
  std::map<std::string, DType> dtypes;  ///< per column (default_dtype otherwise)
  DType default_dtype = DType::kFloat64;  ///< kFloat64, kFloat32, kInt32 or kInt64
  char delimiter = 0;                   ///< 0: detect from the header (',', ';' or tab)
  std::int64_t max_rows = -1;           ///< stop after this many rows (-1: all)
  int threads = 0;                      ///< 0: all cores
  std::size_t block_bytes = std::size_t{16} << 20;  ///< bytes read at a time (small values in tests)
};

/// The column names of the header line. Throws IoError (cannot open) or CorruptFile (no header).
[[nodiscard]] std::vector<std::string> read_csv_header(const std::string& path, const CsvReadOptions& options = {});

/// Reads the file. Throws IoError, CorruptFile ("file.csv line 12, column 'weight' (field 3):
/// expected a number, found 'abc'"), or KeyNotFound for a requested column the header lacks.
[[nodiscard]] Table read_csv(const std::string& path, const CsvReadOptions& options = {});

}  // namespace evclass::column
