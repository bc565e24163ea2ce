#pragma once
// The streamer-info record a written file carries: the descriptions of TTree, TBranch, the
// leaf classes and std::vector<T> that readers without ROOT's dictionaries (uproot, JSROOT,
// evclass) need to decode the tree metadata.

#include <cstdint>
#include <string>
#include <string_view>

#include "evclass/column/dtype.hpp"
#include "root/wbuffer.hpp"

namespace evclass::root::detail {

/// Writes, as the object of the "StreamerInfo" key, a TList of the TStreamerInfo of every class
/// the writer produces. `buf` must have been created with the key length as displacement.
void write_streamer_info_list(WBuffer& buf);

/// ROOT's checksum of an STL collection class ("vector<float>"): its name hashed as ROOT's
/// TStreamerInfo::GetCheckSum does for a class without members of its own.
[[nodiscard]] std::uint32_t stl_class_checksum(std::string_view class_name) noexcept;

/// How ROOT names std::vector<T> of a numeric dtype, and the element's ROOT type code.
struct VectorClass {
  std::string_view class_name;  ///< "vector<float>", "vector<Long64_t>", ...
  int ctype = 0;                ///< kFloat = 5, ... (TStreamerSTL fCtype)
  std::string_view root_type;   ///< "Float_t", ... (for the element title)
};
[[nodiscard]] VectorClass vector_class(column::DType dtype);

}  // namespace evclass::root::detail
