// Factories and random sampling. Random draws follow PyTorch 1.13's CPU algorithms (mt19937,
// uniform from 24/53 random bits, Box–Muller in blocks of 16 for contiguous tensors, randperm by
// Fisher–Yates) so that manual_seed(s) reproduces PyTorch's numbers.
#include "ember/tensor/factories.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "ember/autograd/grad_mode.h"
#include "ops/iter.h"

namespace ember {

using ops::new_empty;

namespace {
Tensor finish(Tensor t, const TensorOptions& o) {
  EMBER_CHECK(o.device().is_cpu(), "factory: device ", o.device(),
              " is not available (ember was built for CPU only)");
  if (o.requires_grad()) t.set_requires_grad(true);
  return t;
}

template <class T>
T uniform_real(Generator& g, T from, T to) {
  if constexpr (std::is_same_v<T, double>) {
    const uint64_t v = g.random64() & ((uint64_t(1) << 53) - 1);
    return static_cast<double>(v) * (1.0 / static_cast<double>(uint64_t(1) << 53)) * (to - from) +
           from;
  } else {
    const uint32_t v = g.random() & ((1u << 24) - 1);
    return static_cast<float>(v) * (1.0f / static_cast<float>(1u << 24)) * (to - from) + from;
  }
}

double normal_double(Generator& g, double mean, double std) {
  if (g.next_double_normal_) {
    double r = *g.next_double_normal_;
    g.next_double_normal_.reset();
    return r * std + mean;
  }
  const double u1 = uniform_real<double>(g, 0, 1);
  const double u2 = uniform_real<double>(g, 0, 1);
  const double r = std::sqrt(-2.0 * std::log1p(-u2));
  const double theta = 2.0 * std::numbers::pi * u1;
  g.next_double_normal_ = r * std::sin(theta);
  return r * std::cos(theta) * std + mean;
}

template <class T>
void normal_fill_16(T* data, T mean, T std) {
  for (int j = 0; j < 8; ++j) {
    const T u1 = 1 - data[j];
    const T u2 = data[j + 8];
    const T radius = std::sqrt(-2 * std::log(u1));
    // 2π rounded to T, times u2 in T: PyTorch's AVX2 kernel (the one x86-64 builds run) for
    // float; for double the same as its generic kernel.
    const T theta = static_cast<T>(2.0 * std::numbers::pi) * u2;
    data[j] = radius * std::cos(theta) * std + mean;
    data[j + 8] = radius * std::sin(theta) * std + mean;
  }
}

template <class T>
void normal_fill(T* data, int64_t n, T mean, T std, Generator& g) {
  for (int64_t i = 0; i < n; ++i) data[i] = uniform_real<T>(g, 0, 1);
  for (int64_t i = 0; i + 16 <= n; i += 16) normal_fill_16(data + i, mean, std);
  if (n % 16 != 0) {
    T* tail = data + n - 16;
    for (int i = 0; i < 16; ++i) tail[i] = uniform_real<T>(g, 0, 1);
    normal_fill_16(tail, mean, std);
  }
}

// Calls fill(p, n) on `t`'s elements in memory order, the order PyTorch's TensorIterator gives a
// fresh strided output: through a view with dims sorted by decreasing stride (contiguous for
// permuted dense layouts), or a contiguous buffer copied back.
template <class T, class F>
void fill_in_memory_order(const Tensor& t, F fill) {
  Tensor m = t.detach();
  if (!m.is_contiguous()) {
    std::vector<int64_t> perm(static_cast<size_t>(m.dim()));
    std::iota(perm.begin(), perm.end(), int64_t(0));
    std::stable_sort(perm.begin(), perm.end(),
                     [&](int64_t a, int64_t b) { return m.stride(a) > m.stride(b); });
    m = m.permute(perm);
  }
  Tensor c = m.is_contiguous() ? m : new_empty(m.sizes(), m.scalar_type());
  fill(c.data_ptr<T>(), c.numel());
  if (!c.is_same(m)) m.copy_(c);
}

void fill_normal(Tensor& t, double mean, double std, Generator& g) {
  EMBER_DISPATCH_FLOATING(t.scalar_type(), "normal_", [&] {
    const int64_t n = t.numel();
    if (n >= 16 && t.is_contiguous()) {
      normal_fill<scalar_t>(t.data_ptr<scalar_t>(), n, static_cast<scalar_t>(mean),
                            static_cast<scalar_t>(std), g);
    } else {  // PyTorch's serial path: one Box-Muller normal (with its cached spare) at a time
      fill_in_memory_order<scalar_t>(t, [&](scalar_t* p, int64_t m) {
        for (int64_t i = 0; i < m; ++i) p[i] = static_cast<scalar_t>(normal_double(g, mean, std));
      });
    }
  });
}

void fill_uniform(Tensor& t, double from, double to, Generator& g) {
  EMBER_DISPATCH_FLOATING(t.scalar_type(), "uniform_", [&] {
    fill_in_memory_order<scalar_t>(t, [&](scalar_t* p, int64_t n) {
      for (int64_t i = 0; i < n; ++i)
        p[i] = uniform_real<scalar_t>(g, static_cast<scalar_t>(from), static_cast<scalar_t>(to));
    });
  });
}

void fill_randint(Tensor& t, int64_t low, int64_t high, Generator& g) {
  EMBER_CHECK(low < high, "random_: expects 'from' to be less than 'to', but got from=", low,
              " >= to=", high);
  const uint64_t range = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
  EMBER_DISPATCH_ALL(t.scalar_type(), "randint", [&] {
    const bool wide = range >= (uint64_t(1) << 32) &&
                      (std::is_same_v<scalar_t, int64_t> || std::is_floating_point_v<scalar_t>);
    fill_in_memory_order<scalar_t>(t, [&](scalar_t* p, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        const uint64_t v = wide ? g.random64() : g.random();
        p[i] = static_cast<scalar_t>(static_cast<int64_t>(v % range) + low);
      }
    });
  });
}
}  // namespace

Tensor empty(IntArrayRef size, const TensorOptions& o) {
  return finish(new_empty(size, o.dtype(), "empty"), o);
}
Tensor zeros(IntArrayRef size, const TensorOptions& o) {
  Tensor t = new_empty(size, o.dtype(), "zeros");
  std::memset(t.data_ptr(), 0, t.nbytes());
  return finish(t, o);
}
Tensor ones(IntArrayRef size, const TensorOptions& o) {
  return full(size, 1, o.has_dtype() ? o : o.dtype(get_default_dtype()));
}
Tensor full(IntArrayRef size, const Scalar& v, const TensorOptions& o) {
  const ScalarType t = o.has_dtype()     ? o.dtype()
                       : v.is_boolean()  ? kBool
                       : v.is_integral() ? kLong
                                         : get_default_dtype();
  Tensor r = new_empty(size, t, "full");
  {
    NoGradGuard g;
    r.fill_(v);
  }
  return finish(r, o);
}
Tensor eye(int64_t n, const TensorOptions& o) { return eye(n, n, o); }
Tensor eye(int64_t n, int64_t m, const TensorOptions& o) {
  EMBER_CHECK(n >= 0 && m >= 0, "eye: n and m must be non-negative, got ", n, " and ", m);
  Tensor t = zeros({n, m}, o.dtype());
  EMBER_DISPATCH_ALL(t.scalar_type(), "eye", [&] {
    scalar_t* p = t.data_ptr<scalar_t>();
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = scalar_t(1);
  });
  return finish(t, o);
}
Tensor arange(const Scalar& end, const TensorOptions& o) { return arange(0, end, 1, o); }
Tensor arange(const Scalar& start, const Scalar& end, const TensorOptions& o) {
  return arange(start, end, 1, o);
}
Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, const TensorOptions& o) {
  const bool fp = start.is_floating_point() || end.is_floating_point() || step.is_floating_point();
  const ScalarType t = o.has_dtype() ? o.dtype() : fp ? get_default_dtype() : kLong;
  const double s = start.toDouble(), e = end.toDouble(), st = step.toDouble();
  EMBER_CHECK(st != 0, "arange: step must be nonzero");
  EMBER_CHECK((st > 0 && e >= s) || (st < 0 && e <= s),
              "arange: upper bound and larger bound "
              "inconsistent with step sign (start=",
              start, ", end=", end, ", step=", step, ")");
  const int64_t n = static_cast<int64_t>(std::ceil((e - s) / st));
  Tensor r = new_empty({n}, t, "arange");
  EMBER_DISPATCH_ALL(t, "arange", [&] {
    scalar_t* p = r.data_ptr<scalar_t>();
    if (!fp && is_integral(t)) {
      const int64_t is = start.toLong(), ist = step.toLong();
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<scalar_t>(is + i * ist);
    } else {
      // PyTorch's kernel: start + step * i in double, which its build contracts to an FMA.
      for (int64_t i = 0; i < n; ++i)
        p[i] = static_cast<scalar_t>(std::fma(st, static_cast<double>(i), s));
    }
  });
  return finish(r, o);
}
Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& o) {
  EMBER_CHECK(steps >= 0, "linspace: number of steps must be non-negative, got ", steps);
  const ScalarType t = o.dtype();
  Tensor r = new_empty({steps}, t);
  const int64_t half = steps / 2;
  EMBER_DISPATCH_ALL(t, "linspace", [&] {
    // As PyTorch's CPU kernel: start, end and step in the output type (double for integers), the
    // first half counting up from start and the second half down from end, each a fused
    // multiply-add in PyTorch's build. (Outputs of >= 2 SIMD vectors take PyTorch's vector path,
    // whose rounding depends on the CPU; this is its scalar path.)
    using step_t = std::conditional_t<std::is_integral_v<scalar_t>, double, scalar_t>;
    const auto s = static_cast<step_t>(start.to<scalar_t>());
    const auto e = static_cast<step_t>(end.to<scalar_t>());
    const step_t step = steps > 1 ? (e - s) / static_cast<step_t>(steps - 1) : step_t(0);
    scalar_t* p = r.data_ptr<scalar_t>();
    for (int64_t i = 0; i < steps; ++i)
      p[i] =
          static_cast<scalar_t>(i < half ? std::fma(step, static_cast<step_t>(i), s)
                                         : std::fma(-step, static_cast<step_t>(steps - i - 1), e));
  });
  return finish(r, o);
}

Tensor rand(IntArrayRef size, const TensorOptions& o) { return rand(size, default_generator(), o); }
Tensor randn(IntArrayRef size, const TensorOptions& o) {
  return randn(size, default_generator(), o);
}
Tensor rand(IntArrayRef size, Generator& gen, const TensorOptions& o) {
  Tensor t = new_empty(size, o.dtype(), "rand");
  fill_uniform(t, 0, 1, gen);
  return finish(t, o);
}
Tensor randn(IntArrayRef size, Generator& gen, const TensorOptions& o) {
  Tensor t = new_empty(size, o.dtype(), "randn");
  fill_normal(t, 0, 1, gen);
  return finish(t, o);
}
Tensor normal(double mean, double std, IntArrayRef size, const TensorOptions& o) {
  EMBER_CHECK(std >= 0.0, "normal expects std >= 0.0, but found std ", std);  // PyTorch's words
  Tensor t = new_empty(size, o.dtype(), "normal");
  fill_normal(t, mean, std, default_generator());
  return finish(t, o);
}
Tensor randint(int64_t high, IntArrayRef size, const TensorOptions& o) {
  return randint(0, high, size, o);
}
Tensor randint(int64_t low, int64_t high, IntArrayRef size, const TensorOptions& o) {
  Tensor t = new_empty(size, o.has_dtype() ? o.dtype() : kLong);
  fill_randint(t, low, high, default_generator());
  return finish(t, o);
}
Tensor randperm(int64_t n, const TensorOptions& o) {
  EMBER_CHECK(n >= 0, "randperm: n must be non-negative, got ", n);
  Tensor r = new_empty({n}, o.has_dtype() ? o.dtype() : kLong);
  Generator& g = default_generator();
  EMBER_DISPATCH_NUMERIC(r.scalar_type(), "randperm", [&] {
    scalar_t* p = r.data_ptr<scalar_t>();
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<scalar_t>(i);
    for (int64_t i = 0; i + 1 < n; ++i) {
      const int64_t z = g.random() % (n - i);
      std::swap(p[i], p[z + i]);
    }
  });
  return finish(r, o);
}
Tensor bernoulli(const Tensor& p) {
  EMBER_CHECK(p.is_floating_point(),
              "bernoulli: expected a floating point tensor of "
              "probabilities, got ",
              p.scalar_type());
  Tensor pc = p.contiguous();
  Tensor r = new_empty(p.sizes(), p.scalar_type());
  Generator& g = default_generator();
  EMBER_DISPATCH_FLOATING(p.scalar_type(), "bernoulli", [&] {
    const scalar_t* pp = pc.data_ptr<scalar_t>();
    scalar_t* o = r.data_ptr<scalar_t>();
    // Checked before drawing, so a refused call leaves the generator as it was. PyTorch's
    // message (its bernoulli_distribution check), with the op, the value and its index.
    for (int64_t i = 0; i < r.numel(); ++i)
      EMBER_CHECK(pp[i] >= 0 && pp[i] <= 1,
                  "bernoulli: Expected p_in >= 0 && p_in <= 1 to be true, but got false (p = ",
                  static_cast<double>(pp[i]), " at flat index ", i, " of shape ", p.sizes(), ")");
    for (int64_t i = 0; i < r.numel(); ++i)
      o[i] = uniform_real<double>(g, 0, 1) < static_cast<double>(pp[i]) ? 1 : 0;
  });
  return r;
}
Tensor multinomial(const Tensor& probs, int64_t num_samples, bool replacement) {
  EMBER_CHECK(probs.dim() == 1 || probs.dim() == 2,
              "multinomial: prob_dist must be 1 or 2 dim, "
              "got shape ",
              probs.sizes());
  Tensor p2 = (probs.dim() == 1 ? probs.unsqueeze(0) : probs).to(kDouble).contiguous();
  const int64_t rows = p2.size(0), n = p2.size(1);
  EMBER_CHECK(replacement || num_samples <= n,
              "multinomial: cannot sample n_sample > "
              "prob_dist.size(-1) samples without replacement");
  Tensor out = new_empty({rows, num_samples}, kLong);
  Generator& g = default_generator();
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<double> w(p2.data_ptr<double>() + r * n, p2.data_ptr<double>() + (r + 1) * n);
    for (int64_t s = 0; s < num_samples; ++s) {
      double total = 0;
      for (double v : w) {
        EMBER_CHECK(v >= 0 && std::isfinite(v),
                    "multinomial: probability tensor contains either "
                    "`inf`, `nan` or element < 0");
        total += v;
      }
      EMBER_CHECK(total > 0,
                  "multinomial: invalid multinomial distribution (sum of probabilities "
                  "<= 0)");
      double u = uniform_real<double>(g, 0, 1) * total, c = 0;
      int64_t k = 0;
      for (; k < n - 1; ++k) {
        c += w[k];
        if (u < c) break;
      }
      out.data_ptr<int64_t>()[r * num_samples + s] = k;
      if (!replacement) w[k] = 0;
    }
  }
  return probs.dim() == 1 ? out.squeeze(0) : out;
}

Tensor& Tensor::normal_(double mean, double std) {
  EMBER_CHECK(std >= 0.0, "normal expects std >= 0.0, but found std ", std);  // PyTorch's words
  fill_normal(*this, mean, std, default_generator());
  impl()->storage()->bump_version();
  return *this;
}
Tensor& Tensor::uniform_(double from, double to) {
  fill_uniform(*this, from, to, default_generator());
  impl()->storage()->bump_version();
  return *this;
}
Tensor& Tensor::bernoulli_(double p) {
  EMBER_CHECK(p >= 0 && p <= 1, "bernoulli_ expects p to be in [0, 1], but got p=", p);
  Generator& g = default_generator();
  EMBER_DISPATCH_ALL(scalar_type(), "bernoulli_", [&] {
    fill_in_memory_order<scalar_t>(*this, [&](scalar_t* o, int64_t n) {
      for (int64_t i = 0; i < n; ++i) o[i] = uniform_real<double>(g, 0, 1) < p ? 1 : 0;
    });
  });
  impl()->storage()->bump_version();
  return *this;
}
Tensor& Tensor::random_(int64_t from, int64_t to) {
  fill_randint(*this, from, to, default_generator());
  impl()->storage()->bump_version();
  return *this;
}

namespace {
TensorOptions like(const Tensor& t, const TensorOptions& o) {
  TensorOptions r = o;
  if (!o.has_dtype()) r = r.dtype(t.scalar_type());
  return r;
}

// PyTorch's memory_format=preserve: strides whose dims, sorted by stride (size-1 dims aside),
// tile memory without gaps or overlaps are kept by the *_like factories (and so their random
// draws land in the same memory order).
bool non_overlapping_and_dense(const Tensor& t) {
  std::vector<int64_t> perm;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (t.size(d) != 1) perm.push_back(d);
  std::stable_sort(perm.begin(), perm.end(),
                   [&](int64_t a, int64_t b) { return t.stride(a) < t.stride(b); });
  int64_t expected = 1;
  for (int64_t d : perm) {
    if (t.stride(d) != expected) return false;
    expected *= t.size(d);
  }
  return true;
}
}  // namespace
Tensor empty_like(const Tensor& t, const TensorOptions& o) {
  const TensorOptions lo = like(t, o);
  if (t.is_contiguous() || !non_overlapping_and_dense(t)) return empty(t.sizes(), lo);
  auto storage = intrusive_ptr<StorageImpl>::make(t.numel() * element_size(lo.dtype()));
  return finish(Tensor(intrusive_ptr<TensorImpl>::make(std::move(storage), lo.dtype(), t.sizes(),
                                                       t.strides(), 0)),
                lo);
}
namespace {
// An empty_like result filled by `fill` before requires_grad is set.
template <class F>
Tensor filled_like(const Tensor& t, const TensorOptions& o, F fill) {
  Tensor r = empty_like(t, like(t, o).requires_grad(false));
  {
    NoGradGuard g;
    fill(r);
  }
  return finish(r, o);
}
}  // namespace
Tensor zeros_like(const Tensor& t, const TensorOptions& o) {
  return filled_like(t, o, [](Tensor& r) { r.zero_(); });
}
Tensor ones_like(const Tensor& t, const TensorOptions& o) {
  return filled_like(t, o, [](Tensor& r) { r.fill_(1); });
}
Tensor full_like(const Tensor& t, const Scalar& v, const TensorOptions& o) {
  return filled_like(t, o, [&](Tensor& r) { r.fill_(v); });
}
Tensor rand_like(const Tensor& t, const TensorOptions& o) {
  return filled_like(t, o, [](Tensor& r) { fill_uniform(r, 0, 1, default_generator()); });
}
Tensor randn_like(const Tensor& t, const TensorOptions& o) {
  return filled_like(t, o, [](Tensor& r) { fill_normal(r, 0, 1, default_generator()); });
}
Tensor randint_like(const Tensor& t, int64_t low, int64_t high, const TensorOptions& o) {
  return filled_like(t, o, [&](Tensor& r) { fill_randint(r, low, high, default_generator()); });
}

Tensor from_blob(void* data, IntArrayRef sizes, const TensorOptions& o) {
  return from_blob(data, sizes, contiguous_strides(sizes), o);
}
Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, const TensorOptions& o) {
  const int64_t n = compute_numel(sizes, "from_blob");
  auto storage = intrusive_ptr<StorageImpl>::make(data, n * element_size(o.dtype()), nullptr);
  return finish(
      Tensor(intrusive_ptr<TensorImpl>::make(std::move(storage), o.dtype(), sizes, strides, 0)), o);
}
Tensor from_blob(void* data, IntArrayRef sizes, const std::function<void(void*)>& deleter,
                 const TensorOptions& o) {
  const int64_t n = compute_numel(sizes, "from_blob");
  auto storage = intrusive_ptr<StorageImpl>::make(data, n * element_size(o.dtype()), deleter);
  return finish(Tensor(intrusive_ptr<TensorImpl>::make(std::move(storage), o.dtype(), sizes,
                                                       contiguous_strides(sizes), 0)),
                o);
}

// ---- tensor(...) ------------------------------------------------------------------------------
detail::ListInit::ListInit(std::initializer_list<ListInit> l) {
  if (l.size() == 0) {  // `{}`: a zero-size dim of the default dtype, as libtorch
    shape_ = {0};
    type_ = get_default_dtype();
    return;
  }
  const ListInit& first = *l.begin();
  type_ = first.type_;
  shape_.push_back(static_cast<int64_t>(l.size()));
  for (int64_t s : first.shape_) shape_.push_back(s);
  for (const ListInit& e : l) {
    EMBER_CHECK(e.shape_ == first.shape_ && e.is_scalar_ == first.is_scalar_,
                "tensor: Expected all sub-lists to have sizes ", IntArrayRef(first.shape_),
                " but got ", IntArrayRef(e.shape_));
    type_ = promote_types(type_, e.type_);
    values_.insert(values_.end(), e.values_.begin(), e.values_.end());
  }
}

Tensor detail::tensor_from_data(const void* data, ScalarType src, int64_t n, ScalarType dst,
                                const TensorOptions& o) {
  Tensor r = new_empty({n}, dst);
  EMBER_DISPATCH_ALL(dst, "tensor", [&] {
    using dst_t = scalar_t;
    dst_t* p = r.data_ptr<dst_t>();
    EMBER_DISPATCH_ALL(src, "tensor", [&] {
      const scalar_t* q = static_cast<const scalar_t*>(data);
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<dst_t>(q[i]);
    });
  });
  return finish(r, o);
}

Tensor tensor(detail::ListInit values, const TensorOptions& o) {
  const ScalarType t = o.has_dtype() ? o.dtype() : values.inferred_dtype();
  Tensor r = new_empty(values.shape(), t);
  const std::vector<Scalar>& v = values.values();
  EMBER_DISPATCH_ALL(t, "tensor", [&] {
    scalar_t* p = r.data_ptr<scalar_t>();
    for (size_t i = 0; i < v.size(); ++i) p[i] = v[i].to<scalar_t>();
  });
  return finish(r, o);
}

Tensor scalar_tensor(const Scalar& v, const TensorOptions& o) {
  const ScalarType t = o.has_dtype() ? o.dtype() : get_default_dtype();
  Tensor r = new_empty({}, t);
  EMBER_DISPATCH_ALL(t, "scalar_tensor", [&] { *r.data_ptr<scalar_t>() = v.to<scalar_t>(); });
  return finish(r, o);
}

}  // namespace ember
