#pragma once
// Fixed-layout records of the file layer, with ROOT's own field names so they can be checked
// against ROOT's documentation. Each has a small (32-bit seek) and a big (64-bit seek) variant.
//
//   file header  "root" fVersion fBEGIN fEND fSeekFree fNbytesFree nfree fNbytesName fUnits
//                fCompress fSeekInfo fNbytesInfo fUUID        (seeks 64-bit when fVersion >= 1000000)
//   TKey         fNbytes fVersion fObjlen fDatime fKeylen fCycle fSeekKey fSeekPdir
//                fClassName fName fTitle                       (seeks 64-bit when fVersion > 1000)
//   TDirectory   version fDatimeC fDatimeM fNbytesKeys fNbytesName fSeekDir fSeekParent fSeekKeys
//                                                              (seeks 64-bit when version > 1000)

#include <cstdint>
#include <string>

#include "root/rbuffer.hpp"

namespace evclass::root::detail {

struct FileHeader {
  std::int32_t fVersion = 0;
  std::int32_t fBEGIN = 0;
  std::int64_t fEND = 0;
  std::int64_t fSeekFree = 0;
  std::int32_t fNbytesFree = 0;
  std::int32_t nfree = 0;
  std::int32_t fNbytesName = 0;
  std::uint8_t fUnits = 0;
  std::int32_t fCompress = 0;
  std::int64_t fSeekInfo = 0;
  std::int32_t fNbytesInfo = 0;
  [[nodiscard]] bool is_large() const noexcept { return fVersion >= 1000000; }
  /// ROOT version as ROOT prints it, e.g. 61206 for 6.12/06.
  [[nodiscard]] int root_version() const noexcept { return fVersion % 1000000; }
};

struct Key {
  std::int32_t fNbytes = 0;
  std::int16_t fVersion = 0;
  std::int32_t fObjlen = 0;
  std::uint32_t fDatime = 0;
  std::int16_t fKeylen = 0;
  std::int16_t fCycle = 0;
  std::int64_t fSeekKey = 0;
  std::int64_t fSeekPdir = 0;
  std::string fClassName;
  std::string fName;
  std::string fTitle;
  [[nodiscard]] bool is_large() const noexcept { return fVersion > 1000; }
  [[nodiscard]] bool is_compressed() const noexcept { return fObjlen != fNbytes - fKeylen; }
};

struct DirectoryRecord {
  std::int16_t version = 0;
  std::uint32_t fDatimeC = 0;
  std::uint32_t fDatimeM = 0;
  std::int32_t fNbytesKeys = 0;
  std::int32_t fNbytesName = 0;
  std::int64_t fSeekDir = 0;
  std::int64_t fSeekParent = 0;
  std::int64_t fSeekKeys = 0;
};

[[nodiscard]] FileHeader read_file_header(RBuffer& buf);
/// A TKey header. Without `with_text` its class name, name and title are checked and skipped but
/// not kept (baskets: read by the thousand, their names are known from the branch).
[[nodiscard]] Key read_key(RBuffer& buf, bool with_text = true);
[[nodiscard]] DirectoryRecord read_directory_record(RBuffer& buf);

}  // namespace evclass::root::detail
