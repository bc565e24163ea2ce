#include "root/records.hpp"

#include <fmt/format.h>

namespace evclass::root::detail {

FileHeader read_file_header(RBuffer& buf) {
  RBuffer::Scope scope(buf, "the file header");
  if (buf.size() < 4) buf.fail(fmt::format("expected the 4-byte magic \"root\" but the file has only {} bytes", buf.size()));
  auto magic = buf.bytes(4, "magic");
  if (std::string_view(reinterpret_cast<const char*>(magic.data()), 4) != "root")
    buf.fail_at(fmt::format("expected the magic bytes \"root\" but found {:02x} {:02x} {:02x} {:02x}: this is not a ROOT "
                            "file",
                            static_cast<unsigned>(magic[0]), static_cast<unsigned>(magic[1]),
                            static_cast<unsigned>(magic[2]), static_cast<unsigned>(magic[3])),
                0);
  FileHeader h;
  h.fVersion = buf.i32("fVersion");
  h.fBEGIN = buf.i32("fBEGIN");
  if (h.is_large()) {
    h.fEND = buf.i64("fEND");
    h.fSeekFree = buf.i64("fSeekFree");
    h.fNbytesFree = buf.i32("fNbytesFree");
    h.nfree = buf.i32("nfree");
    h.fNbytesName = buf.i32("fNbytesName");
    h.fUnits = buf.u8("fUnits");
    h.fCompress = buf.i32("fCompress");
    h.fSeekInfo = buf.i64("fSeekInfo");
    h.fNbytesInfo = buf.i32("fNbytesInfo");
  } else {
    h.fEND = buf.i32("fEND");
    h.fSeekFree = buf.i32("fSeekFree");
    h.fNbytesFree = buf.i32("fNbytesFree");
    h.nfree = buf.i32("nfree");
    h.fNbytesName = buf.i32("fNbytesName");
    h.fUnits = buf.u8("fUnits");
    h.fCompress = buf.i32("fCompress");
    h.fSeekInfo = buf.i32("fSeekInfo");
    h.fNbytesInfo = buf.i32("fNbytesInfo");
  }
  if (h.fBEGIN < 0 || static_cast<std::size_t>(h.fBEGIN) >= buf.size())
    buf.fail(fmt::format("fBEGIN is {}, outside the file's {} bytes", h.fBEGIN, buf.size()));
  return h;
}

Key read_key(RBuffer& buf, bool with_text) {
  const std::size_t start = buf.pos();
  Key k;
  k.fNbytes = buf.i32("TKey fNbytes");
  k.fVersion = buf.i16("TKey fVersion");
  k.fObjlen = buf.i32("TKey fObjlen");
  k.fDatime = buf.u32("TKey fDatime");
  k.fKeylen = buf.i16("TKey fKeylen");
  k.fCycle = buf.i16("TKey fCycle");
  if (k.is_large()) {
    k.fSeekKey = buf.i64("TKey fSeekKey");
    k.fSeekPdir = buf.i64("TKey fSeekPdir");
  } else {
    k.fSeekKey = buf.i32("TKey fSeekKey");
    k.fSeekPdir = buf.i32("TKey fSeekPdir");
  }
  const std::string_view class_name = buf.tstring_view("TKey fClassName");
  const std::string_view name = buf.tstring_view("TKey fName");
  const std::string_view title = buf.tstring_view("TKey fTitle");
  if (with_text) {
    k.fClassName = class_name;
    k.fName = name;
    k.fTitle = title;
  }
  if (k.fNbytes < 0 || k.fObjlen < 0 || k.fKeylen < 0)
    buf.fail_at(fmt::format("TKey '{}' has a negative size (fNbytes {}, fObjlen {}, fKeylen {})", name, k.fNbytes,
                            k.fObjlen, k.fKeylen),
                start);
  if (k.fKeylen > k.fNbytes && k.fNbytes != 0)
    buf.fail_at(fmt::format("TKey '{}' header length fKeylen {} exceeds its total length fNbytes {}", name, k.fKeylen,
                            k.fNbytes),
                start);
  return k;
}

DirectoryRecord read_directory_record(RBuffer& buf) {
  DirectoryRecord d;
  d.version = buf.i16("TDirectory version");
  d.fDatimeC = buf.u32("TDirectory fDatimeC");
  d.fDatimeM = buf.u32("TDirectory fDatimeM");
  d.fNbytesKeys = buf.i32("TDirectory fNbytesKeys");
  d.fNbytesName = buf.i32("TDirectory fNbytesName");
  if (d.version > 1000) {
    d.fSeekDir = buf.i64("TDirectory fSeekDir");
    d.fSeekParent = buf.i64("TDirectory fSeekParent");
    d.fSeekKeys = buf.i64("TDirectory fSeekKeys");
  } else {
    d.fSeekDir = buf.i32("TDirectory fSeekDir");
    d.fSeekParent = buf.i32("TDirectory fSeekParent");
    d.fSeekKeys = buf.i32("TDirectory fSeekKeys");
  }
  return d;
}

}  // namespace evclass::root::detail
