// libtorch's tensor printing (ATen's Formatting.cpp algorithm): a common format and scale chosen
// from the values' magnitudes, matrices in column blocks, N-d tensors as (i,j,.,.) slices.
#include "ember/tensor/print.h"

#include <cmath>
#include <iomanip>
#include <iostream>

#include "ember/autograd/grad_mode.h"
#include "ember/ops.h"

namespace ember {

namespace {

struct FormatGuard {
  explicit FormatGuard(std::ostream& os) : os_(os), saved_(nullptr) { saved_.copyfmt(os); }
  ~FormatGuard() { os_.copyfmt(saved_); }
  std::ostream& os_;
  std::ios saved_;
};

std::tuple<double, int64_t> print_format(std::ostream& os, const double* p, int64_t size) {
  if (size == 0) return {1., 0};
  bool int_mode = true;
  for (int64_t i = 0; i < size; ++i)
    if (std::isfinite(p[i]) && p[i] != std::ceil(p[i])) {
      int_mode = false;
      break;
    }
  int64_t offset = 0;
  while (offset < size && !std::isfinite(p[offset])) ++offset;
  double exp_min = 1, exp_max = 1;
  if (offset != size) {
    exp_min = std::fabs(p[offset]);
    exp_max = std::fabs(p[offset]);
    for (int64_t i = offset; i < size; ++i) {
      const double z = std::fabs(p[i]);
      if (std::isfinite(z)) {
        if (z < exp_min) exp_min = z;
        if (p[i] > exp_max) exp_max = z;
      }
    }
    exp_min = exp_min != 0 ? std::floor(std::log10(exp_min)) + 1 : 1;
    exp_max = exp_max != 0 ? std::floor(std::log10(exp_max)) + 1 : 1;
  }
  double scale = 1;
  int64_t sz = 11;
  if (int_mode) {
    if (exp_max > 9) {
      os << std::scientific << std::setprecision(4);
    } else {
      sz = static_cast<int64_t>(exp_max) + 1;
      os << std::defaultfloat;
    }
  } else if (exp_max - exp_min > 4) {
    if (std::fabs(exp_max) > 99 || std::fabs(exp_min) > 99) sz += 1;
    os << std::scientific << std::setprecision(4);
  } else if (exp_max > 5 || exp_max < 0) {
    sz = 7;
    scale = std::pow(10, exp_max - 1);
    os << std::fixed << std::setprecision(4);
  } else {
    sz = exp_max == 0 ? 7 : static_cast<int64_t>(exp_max) + 6;
    os << std::fixed << std::setprecision(4);
  }
  return {scale, sz};
}

void print_scale(std::ostream& os, double scale) {
  FormatGuard g(os);
  os << std::defaultfloat << scale << " *" << '\n';
}

void indent(std::ostream& os, int64_t n) {
  for (int64_t i = 0; i < n; ++i) os << ' ';
}

// `m` is a contiguous 2-D double tensor.
void print_matrix(std::ostream& os, const Tensor& m, int64_t linesize, int64_t ind) {
  auto [scale, sz] = print_format(os, m.data_ptr<double>(), m.numel());
  indent(os, ind);
  const int64_t rows = m.size(0), cols = m.size(1);
  const int64_t per_line = std::max<int64_t>((linesize - ind) / (sz + 1), 1);
  int64_t first = 0, last = -1;
  const double* p = m.data_ptr<double>();
  while (first < cols) {
    last = first + per_line <= cols ? first + per_line - 1 : cols - 1;
    if (per_line < cols) {
      if (first != 0) os << '\n';
      os << "Columns " << first + 1 << " to " << last + 1;
      indent(os, ind);
    }
    if (scale != 1) {
      print_scale(os, scale);
      indent(os, ind);
    }
    for (int64_t l = 0; l < rows; ++l) {
      for (int64_t c = first; c <= last; ++c) {
        os << std::setw(sz) << p[l * cols + c] / scale;
        if (c == last) {
          os << '\n';
          if (l != rows - 1) {
            indent(os, ind);
            if (scale != 1) os << ' ';
          }
        } else {
          os << ' ';
        }
      }
    }
    first = last + 1;
  }
}

void print_nd(std::ostream& os, const Tensor& t, int64_t linesize) {
  const int64_t nd = t.dim();
  std::vector<int64_t> counter(nd - 2, 0);
  counter[0] = -1;
  bool start = true;
  while (true) {
    bool finished = false;
    for (int64_t i = 0; i < nd - 2; ++i) {
      if (++counter[i] >= t.size(i)) {
        if (i == nd - 3) {
          finished = true;
          break;
        }
        counter[i] = 0;
      } else {
        break;
      }
    }
    if (finished) break;
    if (start)
      start = false;
    else
      os << '\n';
    os << '(';
    Tensor s = t;
    for (int64_t i = 0; i < nd - 2; ++i) {
      s = s.select(0, counter[i]);
      os << counter[i] + 1 << ',';
    }
    os << ".,.) = " << '\n';
    print_matrix(os, s.contiguous(), linesize, 1);
  }
}

}  // namespace

std::ostream& print(std::ostream& os, const Tensor& t, int64_t linesize) {
  FormatGuard guard(os);
  if (!t.defined()) return os << "[ Tensor (undefined) ]";
  Tensor d;
  {
    NoGradGuard ng;
    d = t.to(kDouble).contiguous();
  }
  if (d.dim() == 0) {
    os << std::defaultfloat << *d.data_ptr<double>() << '\n';
    os << "[ " << t.toString() << "{}";
  } else if (d.dim() == 1) {
    if (d.numel() > 0) {
      auto [scale, sz] = print_format(os, d.data_ptr<double>(), d.numel());
      if (scale != 1) print_scale(os, scale);
      const double* p = d.data_ptr<double>();
      for (int64_t i = 0; i < d.size(0); ++i) os << std::setw(sz) << p[i] / scale << '\n';
    }
    os << "[ " << t.toString() << "{" << d.size(0) << "}";
  } else if (d.dim() == 2) {
    if (d.numel() > 0) print_matrix(os, d, linesize, 0);
    os << "[ " << t.toString() << "{" << d.size(0) << "," << d.size(1) << "}";
  } else {
    if (d.numel() > 0) print_nd(os, d, linesize);
    os << "[ " << t.toString() << "{" << d.size(0);
    for (int64_t i = 1; i < d.dim(); ++i) os << "," << d.size(i);
    os << "}";
  }
  return os << " ]";
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return print(os, t, 80); }

void Tensor::print() const { std::cout << *this << '\n'; }

}  // namespace ember
