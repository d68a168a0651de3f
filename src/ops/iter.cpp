// The tensor-level helpers every op family uses (declared in iter.h): broadcast shapes and byte
// strides, PyTorch's result_type, output allocation, the in-place cast check, and reduce_grad.
#include "ops/iter.h"

namespace ember::ops {

DimVector broadcast_shape(IntArrayRef a, IntArrayRef b, const char* op) {
  const size_t n = std::max(a.size(), b.size());
  DimVector out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t x = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t y = i < n - b.size() ? 1 : b[i - (n - b.size())];
    EMBER_CHECK(x == y || x == 1 || y == 1, op, ": shapes ", a, " and ", b,
                " cannot be broadcast (dimension ", i, ": ", x, " vs ", y, ")");
    out[i] = x == 1 ? y : x;
  }
  return out;
}

DimVector byte_strides(const Tensor& t) {
  DimVector s(t.strides());
  const int64_t es = t.element_size();
  for (auto& v : s) v *= es;
  return s;
}

DimVector broadcast_byte_strides(const Tensor& t, IntArrayRef shape) {
  DimVector s(shape.size(), 0);
  const size_t off = shape.size() - t.dim();
  const int64_t es = t.element_size();
  for (int64_t d = 0; d < t.dim(); ++d)
    s[off + d] = t.size(d) == 1 && shape[off + d] != 1 ? 0 : t.stride(d) * es;
  return s;
}

namespace {
int category(ScalarType t) { return t == kBool ? 0 : is_integral(t) ? 1 : 2; }
}  // namespace

ScalarType result_type(const Tensor& a, const Tensor& b) {
  ScalarType x = a.scalar_type(), y = b.scalar_type();
  if (x == y) return x;
  const bool za = a.dim() == 0, zb = b.dim() == 0;
  if (za == zb) return promote_types(x, y);
  const ScalarType dimmed = za ? y : x, zero = za ? x : y;
  return category(zero) > category(dimmed) ? zero : dimmed;
}

ScalarType result_type(const Tensor& a, const Scalar& s) {
  ScalarType t = a.scalar_type();
  const int cs = s.is_floating_point() ? 2 : s.is_boolean() ? 0 : 1;
  if (cs <= category(t)) return t;
  return cs == 2 ? get_default_dtype() : kLong;
}

Tensor new_empty(IntArrayRef shape, ScalarType t, const char* op) {
  return Tensor(TensorImpl::make_contiguous(shape, t, op));
}

void check_inplace_cast(ScalarType result, const Tensor& self, const char* op) {
  const ScalarType s = self.scalar_type();
  EMBER_CHECK(category(result) <= category(s), op, ": result type ", result,
              " can't be cast to the desired output type ", s);
}

Tensor reduce_grad(const Tensor& g, IntArrayRef shape, ScalarType dtype) {
  Tensor r = g.sizes() == shape ? g : sum_to(g, shape);
  return r.scalar_type() == dtype ? r : r.to(dtype);
}

}  // namespace ember::ops
