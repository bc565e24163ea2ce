// Physics over the objects of a collection in each entry: invariant masses, the Z candidate of
// H -> ZZ -> 4l, and angular separations.

#include <cmath>
#include <limits>
#include <string>

#include "evclass/core/error.hpp"
#include "expr/kernels.hpp"
#include "expr/scalar_ops.hpp"

namespace evclass::expr::detail {

namespace {

struct FourVector {
  double px = 0, py = 0, pz = 0, e = 0;
  FourVector& operator+=(const FourVector& o) {
    px += o.px;
    py += o.py;
    pz += o.pz;
    e += o.e;
    return *this;
  }
  /// sqrt(E^2 - p^2), 0 when rounding makes E^2 - p^2 negative.
  [[nodiscard]] double mass() const {
    const double m2 = e * e - (px * px + py * py + pz * pz);
    return m2 > 0 ? std::sqrt(m2) : 0.0;
  }
};

FourVector from_pt_eta_phi_e(double pt, double eta, double phi, double e) {
  return {pt * std::cos(phi), pt * std::sin(phi), pt * std::sinh(eta), e};
}

/// Elements [begin, end) of the lists of one collection in one row.
struct Row {
  std::size_t begin = 0;
  std::size_t end = 0;
  [[nodiscard]] std::size_t size() const { return end - begin; }
};

Row row_of(const Value& list, std::size_t r) {
  return {static_cast<std::size_t>((*list.offsets)[r]), static_cast<std::size_t>((*list.offsets)[r + 1])};
}

/// How many objects to use from a row of n: all, or `count` when given (-1 when count is not a
/// number of objects this row has: the result is then missing).
std::int64_t objects_used(const Value* count, std::size_t r, std::size_t n) {
  if (!count) return static_cast<std::int64_t>(n);
  const double c = count->at_row(r);
  if (!(c >= 0) || c > static_cast<double>(n)) return -1;
  return static_cast<std::int64_t>(c);
}

void check_collection(const Value* const* v, std::size_t count, const BlockInfo& info, std::string_view what) {
  for (std::size_t k = 1; k < count; ++k) check_same_lengths(*v[0], *v[k], info, what);
}

}  // namespace

Value system_mass(const Value* const v[4], const Value* count, bool pxpypze, const BlockInfo& info,
                  std::string_view what) {
  check_collection(v, 4, info, what);
  const std::size_t rows = v[0]->offsets->size() - 1;
  Value out = Value::make_scalar(rows);
  const double* a = v[0]->values.data();
  const double* b = v[1]->values.data();
  const double* c = v[2]->values.data();
  const double* e = v[3]->values.data();
  for (std::size_t r = 0; r < rows; ++r) {
    const Row row = row_of(*v[0], r);
    const std::int64_t used = objects_used(count, r, row.size());
    if (used < 0) {
      out.values[r] = info.missing;
      continue;
    }
    FourVector sum;
    for (std::size_t i = row.begin; i < row.begin + static_cast<std::size_t>(used); ++i)
      sum += pxpypze ? FourVector{a[i], b[i], c[i], e[i]} : from_pt_eta_phi_e(a[i], b[i], c[i], e[i]);
    out.values[r] = sum.mass();
  }
  return out;
}

Value system_pt(const Value& pt, const Value& phi, const Value* count, const BlockInfo& info, std::string_view what) {
  check_same_lengths(pt, phi, info, what);
  const std::size_t rows = pt.offsets->size() - 1;
  Value out = Value::make_scalar(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    const Row row = row_of(pt, r);
    const std::int64_t used = objects_used(count, r, row.size());
    if (used < 0) {
      out.values[r] = info.missing;
      continue;
    }
    double px = 0, py = 0;
    for (std::size_t i = row.begin; i < row.begin + static_cast<std::size_t>(used); ++i) {
      px += pt.values[i] * std::cos(phi.values[i]);
      py += pt.values[i] * std::sin(phi.values[i]);
    }
    out.values[r] = std::hypot(px, py);
  }
  return out;
}

namespace {

/// Calls fn(i, j, pair) for every opposite-charge same-flavour pair i < j of a row.
template <class Fn>
void for_each_ossf_pair(const Value* const v[6], const Row& row, Fn&& fn) {
  const double* charge = v[4]->values.data();
  const double* flavour = v[5]->values.data();
  for (std::size_t i = row.begin; i < row.end; ++i) {
    for (std::size_t j = i + 1; j < row.end; ++j) {
      if (!(charge[i] * charge[j] < 0) || flavour[i] != flavour[j]) continue;
      FourVector pair = from_pt_eta_phi_e(v[0]->values[i], v[1]->values[i], v[2]->values[i], v[3]->values[i]);
      pair += from_pt_eta_phi_e(v[0]->values[j], v[1]->values[j], v[2]->values[j], v[3]->values[j]);
      fn(i, j, pair);
    }
  }
}

}  // namespace

Value ossf_mass(const Value* const v[6], const Value& target, bool other, const BlockInfo& info,
                std::string_view what) {
  check_collection(v, 6, info, what);
  const std::size_t rows = v[0]->offsets->size() - 1;
  Value out = Value::make_scalar(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    const Row row = row_of(*v[0], r);
    const double goal = target.at_row(r);
    double best_distance = std::numeric_limits<double>::infinity();
    double best_mass = info.missing;
    std::size_t best_i = 0, best_j = 0;
    bool found = false;
    // Strictly closer only: on a tie the first pair (in i, j order) stays.
    for_each_ossf_pair(v, row, [&](std::size_t i, std::size_t j, const FourVector& pair) {
      const double m = pair.mass();
      const double d = std::fabs(m - goal);
      if (!found || d < best_distance) {
        found = true;
        best_distance = d;
        best_mass = m;
        best_i = i;
        best_j = j;
      }
    });
    if (!found || !other) {
      out.values[r] = best_mass;
      continue;
    }
    if (row.size() <= 2) {
      out.values[r] = info.missing;
      continue;
    }
    FourVector rest;
    for (std::size_t k = row.begin; k < row.end; ++k)
      if (k != best_i && k != best_j)
        rest += from_pt_eta_phi_e(v[0]->values[k], v[1]->values[k], v[2]->values[k], v[3]->values[k]);
    out.values[r] = rest.mass();
  }
  return out;
}

Value ossf_min_mass(const Value* const v[6], const BlockInfo& info, std::string_view what) {
  check_collection(v, 6, info, what);
  const std::size_t rows = v[0]->offsets->size() - 1;
  Value out = Value::make_scalar(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    double best = std::numeric_limits<double>::infinity();
    for_each_ossf_pair(v, row_of(*v[0], r), [&](std::size_t, std::size_t, const FourVector& pair) {
      best = std::min(best, pair.mass());
    });
    out.values[r] = std::isinf(best) ? info.missing : best;
  }
  return out;
}

Value min_delta_r(const Value& eta1, const Value& phi1, const Value* eta2, const Value* phi2, const BlockInfo& info,
                  std::string_view what) {
  check_same_lengths(eta1, phi1, info, what);
  const bool self = eta2 == nullptr;
  if (!self) check_same_lengths(*eta2, *phi2, info, what);
  const Value& e2 = self ? eta1 : *eta2;
  const Value& p2 = self ? phi1 : *phi2;
  const std::size_t rows = eta1.offsets->size() - 1;
  Value out = Value::make_scalar(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    const Row a = row_of(eta1, r), b = row_of(e2, r);
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t i = a.begin; i < a.end; ++i) {
      for (std::size_t j = self ? i + 1 : b.begin; j < b.end; ++j)
        best = std::min(best, delta_r(eta1.values[i], phi1.values[i], e2.values[j], p2.values[j]));
    }
    out.values[r] = std::isinf(best) ? info.missing : best;
  }
  return out;
}

}  // namespace evclass::expr::detail
