// Matrix products (mm, bmm, matmul, mv, dot, outer, addmm) on top of kernels::gemm.
#include "kernels/cpu/gemm.h"
#include "ops/iter.h"

namespace ember {
namespace ops {
namespace {

/// A 2-D operand as BLAS sees it: data, leading dimension and whether it is transposed.
struct GemmArg {
  Tensor t;  // keeps the data alive
  bool trans;
  int64_t ld;
};

/// Returns x (2-D, or each matrix of a 3-D batch) as a BLAS operand without copying when its
/// last two dims are row- or column-contiguous.
GemmArg gemm_arg(const Tensor& x) {
  const int64_t r = x.dim() - 2, c = x.dim() - 1;
  const int64_t rows = x.size(r), cols = x.size(c);
  if (x.stride(c) == 1 && (x.stride(r) >= std::max<int64_t>(cols, 1) || rows == 1))
    return {x, false, std::max<int64_t>(rows == 1 ? cols : x.stride(r), 1)};
  if (x.stride(r) == 1 && (x.stride(c) >= std::max<int64_t>(rows, 1) || cols == 1))
    return {x, true, std::max<int64_t>(cols == 1 ? rows : x.stride(c), 1)};
  Tensor y = x.contiguous();
  return {y, false, std::max<int64_t>(cols, 1)};
}

void check_float(const Tensor& a, const Tensor& b, const char* op) {
  EMBER_CHECK(a.scalar_type() == b.scalar_type(), op,
              ": expected both operands to have the same dtype, but got ", a.scalar_type(), " and ",
              b.scalar_type());
}

template <class T>
void mm_kernel(const Tensor& out, const Tensor& a, const Tensor& b) {
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  if constexpr (std::is_floating_point_v<T>) {
    GemmArg A = gemm_arg(a), B = gemm_arg(b);
    kernels::gemm(A.trans, B.trans, m, n, k, T(1), A.t.data_ptr<T>(), A.ld, B.t.data_ptr<T>(), B.ld,
                  T(0), out.data_ptr<T>(), n);
  } else {  // integer matmul: plain loops
    Tensor ac = a.contiguous(), bc = b.contiguous();
    const T *x = ac.data_ptr<T>(), *y = bc.data_ptr<T>();
    T* o = out.data_ptr<T>();
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        T s = 0;
        for (int64_t p = 0; p < k; ++p) s += x[i * k + p] * y[p * n + j];
        o[i * n + j] = s;
      }
  }
}

Tensor mm_impl(const Tensor& a, const Tensor& b) {
  EMBER_CHECK(a.dim() == 2 && b.dim() == 2, "mm: expected 2-D tensors but got shapes ", a.sizes(),
              " and ", b.sizes());
  EMBER_CHECK(a.size(1) == b.size(0), "mm: shapes ", a.sizes(), " and ", b.sizes(),
              " cannot be multiplied (", a.size(1), " != ", b.size(0), ")");
  check_float(a, b, "mm");
  const int64_t m = a.size(0), n = b.size(1);
  Tensor out = new_empty({m, n}, a.scalar_type());
  if (m == 0 || n == 0) return out;
  EMBER_DISPATCH_NUMERIC(a.scalar_type(), "mm", [&] { mm_kernel<scalar_t>(out, a, b); });
  return out;
}

// Gradients of a product's operands in the operand's own layout (PyTorch's mm_mat1_backward and
// mm_mat2_backward): for a column-major operand, such as the transposed weight linear() passes,
// the product is computed transposed, so the weight's gradient arrives row-major, like the weight,
// and AccumulateGrad keeps it without a transposing copy.
bool column_major(const Tensor& t) {
  return t.dim() == 2 && t.size(0) > 1 && t.size(1) > 1 && t.stride(0) == 1 &&
         t.stride(1) == t.size(0);
}
Tensor mat1_grad(const Tensor& g, const Tensor& x, const Tensor& y) {  // d(x·y)/dx
  return column_major(x) ? mm(y, g.t()).t() : mm(g, y.t());
}
Tensor mat2_grad(const Tensor& g, const Tensor& x, const Tensor& y) {  // d(x·y)/dy
  return column_major(y) ? mm(g.t(), x).t() : mm(x.t(), g);
}

struct Mm {
  static constexpr const char* name = "MmBackward0";
  SavedTensor a, b;
  auto saved() { return std::tie(a, b); }
  Tensor forward(const Tensor& x, const Tensor& y) {
    a = x, b = y;
    return mm_impl(x, y);
  }
  variable_list backward(const Tensor& g, const Node& n) {
    Tensor x = a.unpack(), y = b.unpack();
    return {n.should_compute_output(0) ? mat1_grad(g, x, y) : Tensor(),
            n.should_compute_output(1) ? mat2_grad(g, x, y) : Tensor()};
  }
};

Tensor bmm_impl(const Tensor& a, const Tensor& b) {
  EMBER_CHECK(a.dim() == 3 && b.dim() == 3, "bmm: expected 3-D tensors but got shapes ", a.sizes(),
              " and ", b.sizes());
  EMBER_CHECK(a.size(0) == b.size(0), "bmm: batch sizes differ: ", a.sizes(), " and ", b.sizes());
  EMBER_CHECK(a.size(2) == b.size(1), "bmm: shapes ", a.sizes(), " and ", b.sizes(),
              " cannot be multiplied (", a.size(2), " != ", b.size(1), ")");
  check_float(a, b, "bmm");
  EMBER_CHECK(a.is_floating_point(), "bmm: not implemented for dtype ", a.scalar_type());
  const int64_t batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
  Tensor out = new_empty({batch, m, n}, a.scalar_type());
  if (batch == 0 || m == 0 || n == 0) return out;
  GemmArg A = gemm_arg(a), B = gemm_arg(b);
  const int64_t sa = A.t.stride(0), sb = B.t.stride(0);
  EMBER_DISPATCH_FLOATING(a.scalar_type(), "bmm", [&] {
    kernels::gemm_batched(A.trans, B.trans, batch, m, n, k, scalar_t(1), A.t.data_ptr<scalar_t>(),
                          A.ld, sa, B.t.data_ptr<scalar_t>(), B.ld, sb, scalar_t(0),
                          out.data_ptr<scalar_t>(), n, m * n);
  });
  return out;
}

struct Bmm {
  static constexpr const char* name = "BmmBackward0";
  SavedTensor a, b;
  auto saved() { return std::tie(a, b); }
  Tensor forward(const Tensor& x, const Tensor& y) {
    a = x, b = y;
    return bmm_impl(x, y);
  }
  variable_list backward(const Tensor& g, const Node& n) {
    Tensor x = a.unpack(), y = b.unpack();
    return {n.should_compute_output(0) ? bmm(g, y.transpose(1, 2)) : Tensor(),
            n.should_compute_output(1) ? bmm(x.transpose(1, 2), g) : Tensor()};
  }
};

// beta * self + alpha * (m1 @ m2) in one GEMM (beta = 1 onto self broadcast to the output):
// nn::Linear's forward.
struct Addmm {
  static constexpr const char* name = "AddmmBackward0";
  double beta, alpha;
  SavedTensor a, b;
  auto saved() { return std::tie(a, b); }
  DimVector self_shape;
  Tensor forward(const Tensor& self, const Tensor& x, const Tensor& y) {
    EMBER_CHECK(x.dim() == 2 && y.dim() == 2, "addmm: expected 2-D matrices but got shapes ",
                x.sizes(), " and ", y.sizes());
    EMBER_CHECK(x.size(1) == y.size(0), "addmm: shapes ", x.sizes(), " and ", y.sizes(),
                " cannot be multiplied (", x.size(1), " != ", y.size(0), ")");
    check_float(x, y, "addmm");
    check_float(self, x, "addmm");
    EMBER_CHECK(x.is_floating_point(), "addmm: not implemented for dtype ", x.scalar_type());
    const int64_t m = x.size(0), n = y.size(1), k = x.size(1);
    a = x, b = y;
    self_shape = DimVector(self.sizes());
    Tensor out = new_empty({m, n}, x.scalar_type());
    if (m == 0 || n == 0) return out;
    {
      NoGradGuard g;
      out.copy_(self.expand({m, n}));
    }
    GemmArg A = gemm_arg(x), B = gemm_arg(y);
    EMBER_DISPATCH_FLOATING(x.scalar_type(), "addmm", [&] {
      kernels::gemm(A.trans, B.trans, m, n, k, scalar_t(alpha), A.t.data_ptr<scalar_t>(), A.ld,
                    B.t.data_ptr<scalar_t>(), B.ld, scalar_t(beta), out.data_ptr<scalar_t>(), n);
    });
    return out;
  }
  variable_list backward(const Tensor& g, const Node& n) {
    Tensor x = a.unpack(), y = b.unpack();
    Tensor gs, gx, gy;
    if (n.should_compute_output(0)) gs = sum_to(beta == 1 ? g : g * beta, self_shape);
    if (n.should_compute_output(1)) gx = mat1_grad(g, x, y);
    if (n.should_compute_output(2)) gy = mat2_grad(g, x, y);
    if (alpha != 1) {
      if (gx.defined()) gx = gx * alpha;
      if (gy.defined()) gy = gy * alpha;
    }
    return {gs, gx, gy};
  }
};

}  // namespace
}  // namespace ops

using namespace ops;  // NOLINT

Tensor mm(const Tensor& a, const Tensor& b) { return apply(Mm{}, a, b); }
Tensor bmm(const Tensor& a, const Tensor& b) { return apply(Bmm{}, a, b); }
Tensor addmm(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta,
             const Scalar& alpha) {
  return apply(Addmm{beta.toDouble(), alpha.toDouble()}, self, m1, m2);
}
Tensor mv(const Tensor& m, const Tensor& v) {
  EMBER_CHECK(m.dim() == 2 && v.dim() == 1, "mv: expected a 2-D matrix and a 1-D vector but got ",
              m.sizes(), " and ", v.sizes());
  EMBER_CHECK(m.size(1) == v.size(0), "mv: shapes ", m.sizes(), " and ", v.sizes(),
              " cannot be multiplied (", m.size(1), " != ", v.size(0), ")");
  return mm(m, v.unsqueeze(1)).squeeze(1);
}
Tensor dot(const Tensor& a, const Tensor& b) {
  EMBER_CHECK(a.dim() == 1 && b.dim() == 1, "dot: 1D tensors expected, but got ", a.dim(), "D and ",
              b.dim(), "D tensors");
  EMBER_CHECK(a.size(0) == b.size(0), "dot: inconsistent tensor size, expected tensor [", a.size(0),
              "] and src [", b.size(0), "] to have the same number of elements");
  return (a * b).sum();
}
Tensor outer(const Tensor& a, const Tensor& b) {
  EMBER_CHECK(a.dim() == 1 && b.dim() == 1, "outer: expected 1-D tensors but got ", a.sizes(),
              " and ", b.sizes());
  return a.unsqueeze(1) * b.unsqueeze(0);
}
Tensor einsum_ij_jk(const Tensor& a, const Tensor& b) {
  EMBER_CHECK(a.dim() == 2 && b.dim() == 2, "einsum_ij_jk: expected 2-D tensors but got shapes ",
              a.sizes(), " and ", b.sizes());
  EMBER_CHECK(a.size(1) == b.size(0), "einsum_ij_jk: shapes ", a.sizes(), " and ", b.sizes(),
              " cannot be multiplied (", a.size(1), " != ", b.size(0), ")");
  return mm(a, b);
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  const int64_t da = a.dim(), db = b.dim();
  EMBER_CHECK(da > 0 && db > 0,
              "matmul: both arguments to matmul need to be at least 1D, but "
              "they are ",
              da, "D and ", db, "D");
  if (da == 1 && db == 1) return dot(a, b);
  if (da == 2 && db == 1) return mv(a, b);
  if (da == 1 && db == 2) {
    EMBER_CHECK(a.size(0) == b.size(0), "matmul: shapes ", a.sizes(), " and ", b.sizes(),
                " cannot be multiplied (", a.size(0), " != ", b.size(0), ")");
    return mm(a.unsqueeze(0), b).squeeze(0);
  }
  if (da == 2 && db == 2) return mm(a, b);
  if (da >= 3 && db <= 2) {  // fold batch into rows: one big GEMM
    Tensor bb = db == 1 ? b.unsqueeze(1) : b;
    EMBER_CHECK(a.size(-1) == bb.size(0), "matmul: shapes ", a.sizes(), " and ", b.sizes(),
                " cannot be multiplied (", a.size(-1), " != ", bb.size(0), ")");
    DimVector out_shape(a.sizes());
    out_shape.back() = bb.size(1);
    Tensor r = mm(a.reshape({-1, a.size(-1)}), bb).view(out_shape);
    return db == 1 ? r.squeeze(-1) : r;
  }
  // General batched case with broadcasting of batch dims.
  Tensor x = da == 1 ? a.unsqueeze(0) : a;
  Tensor y = db == 1 ? b.unsqueeze(1) : b;
  EMBER_CHECK(x.size(-1) == y.size(-2), "matmul: shapes ", a.sizes(), " and ", b.sizes(),
              " cannot be multiplied (", x.size(-1), " != ", y.size(-2), ")");
  IntArrayRef xb(x.sizes().data(), x.dim() - 2), yb(y.sizes().data(), y.dim() - 2);
  DimVector batch = broadcast_shape(xb, yb, "matmul");
  int64_t nb = 1;
  for (auto s : batch) nb *= s;
  DimVector xs(batch), ys(batch);
  xs.push_back(x.size(-2)), xs.push_back(x.size(-1));
  ys.push_back(y.size(-2)), ys.push_back(y.size(-1));
  Tensor x3 = x.expand(xs).reshape({nb, x.size(-2), x.size(-1)});
  Tensor y3 = y.expand(ys).reshape({nb, y.size(-2), y.size(-1)});
  DimVector out_shape(batch);
  out_shape.push_back(x.size(-2)), out_shape.push_back(y.size(-1));
  Tensor r = bmm(x3, y3).view(out_shape);
  if (da == 1) r = r.squeeze(-2);
  if (db == 1) r = r.squeeze(-1);
  return r;
}

}  // namespace ember
