#include "expr/evaluator.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "evclass/core/error.hpp"
#include "expr/kernels.hpp"
#include "expr/scalar_ops.hpp"

namespace evclass::expr::detail {

namespace {

/// Reads rows [begin, begin + rows) of an input column as doubles (plus offsets for lists).
Value load_block(const column::Column& c, const std::string& name, bool list, std::size_t begin, std::size_t rows) {
  Value out;
  std::size_t first_value = begin, value_count = rows;
  if (!list) {
    out = Value::make_scalar(rows);
  } else {
    auto offsets = std::make_shared<BlockOffsets>(rows + 1);
    if (c.is_jagged()) {
      const auto& src = c.offsets().front();
      const std::int64_t base = src[begin];
      const auto limit = static_cast<std::int64_t>(c.size());
      if (base < 0 || base > limit)
        throw CorruptFile("column '" + name + "' has offsets outside its " + std::to_string(limit) + " values");
      for (std::size_t r = 0; r <= rows; ++r) {
        const std::int64_t o = src[begin + r];
        if (o < src[begin + (r == 0 ? 0 : r - 1)] || o > limit)
          throw CorruptFile("column '" + name + "' has invalid offsets at entry " + std::to_string(begin + r - 1) +
                            " (decreasing or past its " + std::to_string(limit) + " values)");
        (*offsets)[r] = o - base;
      }
      first_value = static_cast<std::size_t>(base);
      value_count = static_cast<std::size_t>(offsets->back());
    } else {  // fixed-size array: every entry has the same number of values
      const std::size_t width = c.item_width();
      for (std::size_t r = 0; r <= rows; ++r) (*offsets)[r] = static_cast<std::int64_t>(r * width);
      first_value = begin * width;
      value_count = rows * width;
    }
    out = Value::make_list(std::vector<double>(value_count), std::move(offsets));
  }
  column::visit_numeric(c.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* src = c.values<T>().data() + first_value;
    double* dst = out.values.data();
    for (std::size_t i = 0; i < value_count; ++i) dst[i] = static_cast<double>(src[i]);
  });
  return out;
}

class BlockEvaluator {
 public:
  BlockEvaluator(const Program& p, const std::vector<NodeType>& types, const std::vector<int>& input_of_node,
                 const std::vector<const column::Column*>& columns, const std::vector<std::string>& names,
                 std::size_t begin, const BlockInfo& info)
      : p_(p), types_(types), input_of_node_(input_of_node), columns_(columns), names_(names), begin_(begin),
        info_(info), cache_(columns.size()) {}

  Value eval(int index) {
    const Node& n = p_.nodes[static_cast<std::size_t>(index)];
    switch (n.kind) {
      case NodeKind::kNumber: return Value::make_constant(n.number);
      case NodeKind::kEntry: {
        Value out = Value::make_scalar(info_.rows);
        for (std::size_t r = 0; r < info_.rows; ++r)
          out.values[r] = static_cast<double>(info_.first_entry + static_cast<entry_t>(r));
        return out;
      }
      case NodeKind::kColumn: {
        const auto k = static_cast<std::size_t>(input_of_node_[static_cast<std::size_t>(index)]);
        if (!cache_[k])
          cache_[k] = load_block(*columns_[k], names_[k], type(index).list, begin_, info_.rows);
        return *cache_[k];
      }
      case NodeKind::kUnary: return eval_unary(n.op, eval(n.children[0]), info_);
      case NodeKind::kBinary: {
        const Value a = eval(n.children[0]);
        const Value b = eval(n.children[1]);
        return eval_binary(n.op, a, b, info_, std::string("operator '") + op_text(n.op) + "'");
      }
      case NodeKind::kConditional: {
        const Value c = eval(n.children[0]);
        const Value a = eval(n.children[1]);
        const Value b = eval(n.children[2]);
        if (type(index).list) return choose_lists(c, a, b);
        return eval_where(c, a, b, info_, "'c ? a : b'");
      }
      case NodeKind::kIndex: {
        const Value x = eval(n.children[0]);
        const Value i = eval(n.children[1]);
        const NodeType it = type(n.children[1]);
        if (!it.list) return index_element(x, i, info_.missing);
        if (it.boolean) return mask_list(x, i, info_);
        return gather_list(x, i, info_.missing);
      }
      case NodeKind::kCall: return call(index, n);
    }
    return {};
  }

 private:
  NodeType type(int index) const { return types_[static_cast<std::size_t>(index)]; }

  Value call(int index, const Node& n) {
    std::vector<Value> args;
    args.reserve(n.children.size());
    for (int c : n.children) args.push_back(eval(c));
    const std::string what = "function '" + n.name + "'";
    const std::size_t argc = args.size();
    switch (n.func) {
      case Func::kPow: case Func::kAtan2: case Func::kDeltaPhi:
        return eval_math2(n.func, args[0], args[1], info_, what);
      case Func::kMin: case Func::kMax:
        if (argc == 1) return reduce_list(n.func, args[0], info_.missing);
        return eval_math2(n.func, args[0], args[1], info_, what);
      case Func::kWhere: return eval_where(args[0], args[1], args[2], info_, what);
      case Func::kDeltaR: return eval_delta_r(args[0], args[1], args[2], args[3], info_);
      case Func::kLength: case Func::kSum: case Func::kMean: case Func::kStd: case Func::kAny:
      case Func::kAll: case Func::kCount:
        return reduce_list(n.func, args[0], info_.missing);
      case Func::kSort: case Func::kSortDesc: case Func::kArgsort: case Func::kArgsortDesc:
        return sort_list(n.func, args[0]);
      case Func::kTake: return take_first(args[0], args[1]);
      case Func::kAt: return at_or_default(args[0], args[1], args[2]);
      case Func::kLeading: return by_key_rank(args[0], args[1], Value::make_constant(0), info_, what);
      case Func::kSubleading: return by_key_rank(args[0], args[1], Value::make_constant(1), info_, what);
      case Func::kNth: return by_key_rank(args[0], args[1], args[2], info_, what);
      case Func::kMass: case Func::kMassPxPyPzE: {
        const Value* v[4] = {&args[0], &args[1], &args[2], &args[3]};
        return system_mass(v, argc == 5 ? &args[4] : nullptr, n.func == Func::kMassPxPyPzE, info_, what);
      }
      case Func::kSystemPt: {
        const bool four = argc >= 4;
        const Value& pt = args[0];
        const Value& phi = four ? args[2] : args[1];
        const Value* count = (argc == 3 || argc == 5) ? &args[argc - 1] : nullptr;
        return system_pt(pt, phi, count, info_, what);
      }
      case Func::kOssfMassClosest: case Func::kOssfOtherMass: {
        const Value* v[6] = {&args[0], &args[1], &args[2], &args[3], &args[4], &args[5]};
        return ossf_mass(v, args[6], n.func == Func::kOssfOtherMass, info_, what);
      }
      case Func::kOssfMinMass: {
        const Value* v[6] = {&args[0], &args[1], &args[2], &args[3], &args[4], &args[5]};
        return ossf_min_mass(v, info_, what);
      }
      case Func::kMinDeltaR:
        if (argc == 2) return min_delta_r(args[0], args[1], nullptr, nullptr, info_, what);
        return min_delta_r(args[0], args[1], &args[2], &args[3], info_, what);
      default:
        EVC_ASSERT(is_math1(n.func), "function without a kernel");
        return eval_math1(n.func, args[0], info_);
    }
    (void)index;
  }

  const Program& p_;
  const std::vector<NodeType>& types_;
  const std::vector<int>& input_of_node_;
  const std::vector<const column::Column*>& columns_;
  const std::vector<std::string>& names_;
  std::size_t begin_;
  BlockInfo info_;
  std::vector<std::optional<Value>> cache_;
};

/// Writes `v` (rows values) into out[0..rows) as double or as 0/1 bytes.
void store_numbers(const Value& v, std::size_t rows, bool boolean, std::byte* out) {
  if (boolean) {
    auto* dst = reinterpret_cast<std::uint8_t*>(out);
    for (std::size_t r = 0; r < rows; ++r) dst[r] = truthy(v.at_row(r)) ? 1 : 0;
  } else {
    auto* dst = reinterpret_cast<double*>(out);
    if (v.shape == Value::Shape::kConstant) std::fill(dst, dst + rows, v.constant);
    else std::memcpy(dst, v.values.data(), rows * sizeof(double));
  }
}

}  // namespace

column::Column run_program(const Program& program, const std::vector<NodeType>& types,
                           const std::vector<std::string>& input_names,
                           const std::vector<const column::Column*>& columns, entry_t rows, entry_t first_entry,
                           const core::Context& ctx) {
  std::vector<int> input_of_node(program.nodes.size(), -1);
  for (std::size_t i = 0; i < program.nodes.size(); ++i) {
    const Node& n = program.nodes[i];
    if (n.kind != NodeKind::kColumn) continue;
    const auto it = std::find(input_names.begin(), input_names.end(), n.name);
    if (it != input_names.end()) input_of_node[i] = static_cast<int>(it - input_names.begin());
  }
  const NodeType result = types[static_cast<std::size_t>(program.root)];
  const auto total = static_cast<std::size_t>(std::max<entry_t>(rows, 0));
  const std::size_t blocks = (total + kBlockRows - 1) / kBlockRows;
  const double missing =
      program.options.missing == MissingValue::kNaN ? std::numeric_limits<double>::quiet_NaN() : 0.0;
  const std::size_t width = result.boolean ? 1 : sizeof(double);

  column::Column out(result.boolean ? column::DType::kBool : column::DType::kFloat64);
  std::vector<Value> list_blocks(result.list ? blocks : 0);
  if (!result.list) out.data().resize(total * width);

  core::parallel_for(blocks, ctx, [&](std::size_t b) {
    const std::size_t begin = b * kBlockRows;
    BlockInfo info;
    info.rows = std::min(kBlockRows, total - begin);
    info.first_entry = first_entry + static_cast<entry_t>(begin);
    info.missing = missing;
    info.text = &program.text;
    BlockEvaluator evaluator(program, types, input_of_node, columns, input_names, begin, info);
    Value v = evaluator.eval(program.root);
    if (result.list) list_blocks[b] = std::move(v);
    else store_numbers(v, info.rows, result.boolean, out.data().data() + begin * width);
  });

  if (!result.list) {
    out.set_flat_entries(static_cast<entry_t>(total));
    return out;
  }
  // Lists: offsets of each block shifted by the elements of the blocks before it.
  std::vector<std::size_t> value_at(blocks + 1, 0);
  for (std::size_t b = 0; b < blocks; ++b) value_at[b + 1] = value_at[b] + list_blocks[b].values.size();
  out.data().resize(value_at[blocks] * width);
  out.mutable_offsets().resize(1);
  auto& offsets = out.mutable_offsets()[0];
  offsets.resize(total + 1);
  offsets[0] = 0;
  core::parallel_for(blocks, ctx, [&](std::size_t b) {
    const Value& v = list_blocks[b];
    const std::size_t begin = b * kBlockRows;
    const std::size_t block_rows = v.offsets->size() - 1;
    for (std::size_t r = 0; r < block_rows; ++r)
      offsets[begin + r + 1] = static_cast<std::int64_t>(value_at[b]) + (*v.offsets)[r + 1];
    std::byte* dst = out.data().data() + value_at[b] * width;
    if (result.boolean) {
      for (std::size_t i = 0; i < v.values.size(); ++i) reinterpret_cast<std::uint8_t*>(dst)[i] = truthy(v.values[i]);
    } else if (!v.values.empty()) {
      std::memcpy(dst, v.values.data(), v.values.size() * sizeof(double));
    }
  });
  return out;
}

}  // namespace evclass::expr::detail
