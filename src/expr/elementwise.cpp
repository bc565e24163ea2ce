// Element-wise kernels with broadcasting. Operands are first brought to the result's shape
// (numbers repeated over list elements), then one tight loop per operation runs over all
// elements of the block; a constant operand is read once, outside the loop.

#include <string>

#include "evclass/core/error.hpp"
#include "expr/kernels.hpp"
#include "expr/scalar_ops.hpp"

namespace evclass::expr::detail {

namespace {

/// An operand brought to the result's shape: a pointer to n values, or one constant.
struct Operand {
  const double* data = nullptr;
  double constant = 0;
  bool varying = false;
};

/// The shape shared by the operands, and storage for numbers repeated over list elements.
struct Aligned {
  Value::Shape shape = Value::Shape::kConstant;
  std::shared_ptr<const BlockOffsets> offsets;
  std::size_t n = 1;
  std::vector<Operand> operands;
  std::vector<std::vector<double>> repeated;
};

Aligned align(std::initializer_list<const Value*> args, const BlockInfo& info, std::string_view what) {
  Aligned out;
  const Value* first_list = nullptr;
  for (const Value* v : args) {
    if (v->is_list()) {
      if (!first_list) first_list = v;
      else check_same_lengths(*first_list, *v, info, what);
    } else if (v->shape == Value::Shape::kScalar && out.shape == Value::Shape::kConstant) {
      out.shape = Value::Shape::kScalar;
    }
  }
  if (first_list) {
    out.shape = Value::Shape::kList;
    out.offsets = first_list->offsets;
    out.n = first_list->values.size();
  } else if (out.shape == Value::Shape::kScalar) {
    out.n = info.rows;
  }
  out.repeated.reserve(args.size());
  for (const Value* v : args) {
    Operand op;
    if (v->shape == Value::Shape::kConstant) {
      op.constant = v->constant;
    } else if (v->shape == out.shape) {
      op.data = v->values.data();
      op.varying = true;
    } else {  // a per-row number used with lists
      out.repeated.push_back(repeat_per_element(*v, *out.offsets));
      op.data = out.repeated.back().data();
      op.varying = true;
    }
    out.operands.push_back(op);
  }
  return out;
}

Value result_for(const Aligned& a) {
  Value out;
  out.shape = a.shape;
  out.offsets = a.offsets;
  if (a.shape != Value::Shape::kConstant) out.values.resize(a.n);
  return out;
}

template <class F>
void loop1(const Operand& a, double* out, std::size_t n, F f) {
  if (!a.varying) {
    const double v = f(a.constant);
    for (std::size_t i = 0; i < n; ++i) out[i] = v;
    return;
  }
  const double* __restrict x = a.data;
  for (std::size_t i = 0; i < n; ++i) out[i] = f(x[i]);
}

// One loop per combination of varying operands, so each is a plain stride-1 loop.
template <class F>
void loop2(const Operand& a, const Operand& b, double* __restrict out, std::size_t n, F f) {
  const double* __restrict x = a.data;
  const double* __restrict y = b.data;
  if (a.varying && b.varying) {
    for (std::size_t i = 0; i < n; ++i) out[i] = f(x[i], y[i]);
  } else if (a.varying) {
    const double c = b.constant;
    for (std::size_t i = 0; i < n; ++i) out[i] = f(x[i], c);
  } else if (b.varying) {
    const double c = a.constant;
    for (std::size_t i = 0; i < n; ++i) out[i] = f(c, y[i]);
  } else {
    const double v = f(a.constant, b.constant);
    for (std::size_t i = 0; i < n; ++i) out[i] = v;
  }
}

double get(const Operand& o, std::size_t i) { return o.varying ? o.data[i] : o.constant; }

template <class F>
Value apply1(const Value& a, const BlockInfo& info, F f) {
  const Aligned al = align({&a}, info, "");
  Value out = result_for(al);
  if (al.shape == Value::Shape::kConstant) out.constant = f(a.constant);
  else loop1(al.operands[0], out.values.data(), al.n, f);
  return out;
}

template <class F>
Value apply2(const Value& a, const Value& b, const BlockInfo& info, std::string_view what, F f) {
  const Aligned al = align({&a, &b}, info, what);
  Value out = result_for(al);
  if (al.shape == Value::Shape::kConstant) out.constant = f(a.constant, b.constant);
  else loop2(al.operands[0], al.operands[1], out.values.data(), al.n, f);
  return out;
}

}  // namespace

std::vector<double> repeat_per_element(const Value& scalar, const BlockOffsets& offsets) {
  const std::size_t rows = offsets.size() - 1;
  std::vector<double> out(static_cast<std::size_t>(offsets.back()));
  for (std::size_t r = 0; r < rows; ++r) {
    const double v = scalar.at_row(r);
    for (auto i = offsets[r]; i < offsets[r + 1]; ++i) out[static_cast<std::size_t>(i)] = v;
  }
  return out;
}

void check_same_lengths(const Value& a, const Value& b, const BlockInfo& info, std::string_view what) {
  if (a.offsets == b.offsets) return;
  const auto& x = *a.offsets;
  const auto& y = *b.offsets;
  for (std::size_t r = 0; r + 1 < x.size(); ++r) {
    const auto la = x[r + 1] - x[r], lb = y[r + 1] - y[r];
    if (la != lb)
      throw ConfigError("expression '" + *info.text + "': " + std::string(what) +
                        " combines lists of different lengths at entry " +
                        std::to_string(info.first_entry + static_cast<entry_t>(r)) + " (" + std::to_string(la) +
                        " and " + std::to_string(lb) +
                        " elements); element-wise operations need lists of the same collection");
  }
}

Value eval_unary(Op op, const Value& a, const BlockInfo& info) {
  return dispatch_unary(op, [&](auto tag) {
    return apply1(a, info, [](double x) { return unary_op<decltype(tag)::value>(x); });
  });
}

Value eval_binary(Op op, const Value& a, const Value& b, const BlockInfo& info, std::string_view what) {
  return dispatch_binary(op, [&](auto tag) {
    return apply2(a, b, info, what, [](double x, double y) { return binary_op<decltype(tag)::value>(x, y); });
  });
}

Value eval_math1(Func f, const Value& a, const BlockInfo& info) {
  return dispatch_math1(f, [&](auto tag) {
    return apply1(a, info, [](double x) { return math1<decltype(tag)::value>(x); });
  });
}

Value eval_math2(Func f, const Value& a, const Value& b, const BlockInfo& info, std::string_view what) {
  return dispatch_math2(f, [&](auto tag) {
    return apply2(a, b, info, what, [](double x, double y) { return math2<decltype(tag)::value>(x, y); });
  });
}

Value eval_where(const Value& c, const Value& a, const Value& b, const BlockInfo& info, std::string_view what) {
  const Aligned al = align({&c, &a, &b}, info, what);
  Value out = result_for(al);
  if (al.shape == Value::Shape::kConstant) {
    out.constant = truthy(c.constant) ? a.constant : b.constant;
    return out;
  }
  const auto& o = al.operands;
  for (std::size_t i = 0; i < al.n; ++i) out.values[i] = truthy(get(o[0], i)) ? get(o[1], i) : get(o[2], i);
  return out;
}

Value eval_delta_r(const Value& eta1, const Value& phi1, const Value& eta2, const Value& phi2,
                   const BlockInfo& info) {
  const Aligned al = align({&eta1, &phi1, &eta2, &phi2}, info, "delta_r");
  Value out = result_for(al);
  if (al.shape == Value::Shape::kConstant) {
    out.constant = delta_r(eta1.constant, phi1.constant, eta2.constant, phi2.constant);
    return out;
  }
  const auto& o = al.operands;
  for (std::size_t i = 0; i < al.n; ++i)
    out.values[i] = delta_r(get(o[0], i), get(o[1], i), get(o[2], i), get(o[3], i));
  return out;
}

}  // namespace evclass::expr::detail
