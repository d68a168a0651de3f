// The optimizer update kernels of optim.h: SGD, Adam/AdamW, RMSprop and Adagrad, each one loop
// over a parameter's memory, compiled for float and double.
#include "kernels/cpu/optim.h"

#include <algorithm>
#include <cmath>
#include <type_traits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kernels/cpu/parallel.h"

namespace ember::kernels {
namespace {

// Estimated elementary operations (parallel.h's unit) of one element's update.
constexpr int64_t kSgdCost = 4;
constexpr int64_t kAdamCost = 16;
constexpr int64_t kRmspropCost = 16;
constexpr int64_t kAdagradCost = 12;

/// Rules with a square root run over chunks of this many elements, with a stack buffer for the
/// roots, so the roots can run vectorised between two plain loops.
constexpr int64_t kChunk = 256;

/// Calls body(begin, len) for consecutive chunks of [0, n); parallel_for shares the chunks out
/// when the parameter is large enough for `cost` operations per element. Each range runs a
/// private copy of `body`: when it captures by value, the compiler can keep the captured
/// constants in registers (read through references, any store to the parameter might change
/// them). Adam and RMSprop capture by value (a third faster on small parameters); Adagrad's loop
/// measured faster capturing by reference.
template <class F>
void for_chunks(int64_t n, int64_t cost, const F& body) {
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  parallel_for(0, chunks, grain_for(cost * kChunk), [&](int64_t b, int64_t e) {
    F local = body;
    for (int64_t c = b; c < e; ++c) {
      const int64_t begin = c * kChunk;
      local(begin, std::min(kChunk, n - begin));
    }
  });
}

/// x[i] = √x[i]. A loop calling std::sqrt stays scalar under GCC's default -fmath-errno (it keeps
/// a library call for negative inputs, to set errno), which makes Adam's loop 4x slower; the
/// SSE2 instructions give the same correctly rounded results four (two) at a time.
template <class T>
void sqrt_in_place(T* x, int64_t n) {
  int64_t i = 0;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<T, float>) {
    for (; i + 4 <= n; i += 4) _mm_storeu_ps(x + i, _mm_sqrt_ps(_mm_loadu_ps(x + i)));
  } else {
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(x + i, _mm_sqrt_pd(_mm_loadu_pd(x + i)));
  }
#endif
  for (; i < n; ++i) x[i] = std::sqrt(x[i]);
}

/// Calls f(std::bool_constant<flag>{}...): runtime options become compile-time ones, so each
/// combination gets a loop without branches, which vectorises.
template <bool... kFlags, class F>
void with_flags(F&& f) {
  f(std::bool_constant<kFlags>{}...);
}
template <bool... kFlags, class F, class... Rest>
void with_flags(F&& f, bool flag, Rest... rest) {
  if (flag) {
    with_flags<kFlags..., true>(f, rest...);
  } else {
    with_flags<kFlags..., false>(f, rest...);
  }
}

template <class T, bool kWeightDecay, bool kDecoupled, bool kAmsgrad>
void adam_loop(T* p, const T* grad, T* m, T* v, T* v_max, int64_t n, double lr, double beta1,
               double beta2, double eps, double weight_decay, double bias_correction1,
               double bias_correction2_sqrt) {
  const T b1 = beta1, b2 = beta2, one_minus_b1 = 1 - beta1, one_minus_b2 = 1 - beta2;
  const T l2 = weight_decay, decay = 1 - lr * weight_decay, epsilon = eps;
  const T step_size = lr / bias_correction1;
  const T bc2_sqrt = bias_correction2_sqrt;
  for_chunks(n, kAdamCost, [=](int64_t begin, int64_t len) {
    T root[kChunk];
    T *pc = p + begin, *mc = m + begin, *vc = v + begin;
    T* v_maxc = kAmsgrad ? v_max + begin : nullptr;  // (no offset on a null pointer)
    const T* gc = grad + begin;
    for (int64_t i = 0; i < len; ++i) {
      T g = gc[i];
      if constexpr (kWeightDecay && kDecoupled) pc[i] *= decay;    // param.mul_(1 − lr·wd)
      if constexpr (kWeightDecay && !kDecoupled) g += l2 * pc[i];  // grad.add(param, alpha=wd)
      mc[i] = mc[i] * b1 + one_minus_b1 * g;      // exp_avg.mul_(β1).add_(g, 1 − β1)
      vc[i] = vc[i] * b2 + one_minus_b2 * g * g;  // exp_avg_sq...addcmul_(g, g, 1 − β2)
      if constexpr (kAmsgrad) v_maxc[i] = v_maxc[i] < vc[i] ? vc[i] : v_maxc[i];
      root[i] = kAmsgrad ? v_maxc[i] : vc[i];
    }
    sqrt_in_place(root, len);
    for (int64_t i = 0; i < len; ++i) {
      const T denom = root[i] / bc2_sqrt + epsilon;
      pc[i] -= step_size * mc[i] / denom;  // param.addcdiv_(exp_avg, denom, −step_size)
    }
  });
}

template <class T, bool kCentered, bool kMomentum>
void rmsprop_loop(T* p, const T* grad, T* square_avg, T* grad_avg, T* buf, int64_t n, double lr,
                  double alpha, double eps, double weight_decay, double momentum) {
  const T lr_t = lr, a = alpha, one_minus_alpha = 1 - alpha;
  const T epsilon = eps, wd = weight_decay, mom = momentum;
  const bool decay = weight_decay != 0;
  for_chunks(n, kRmspropCost, [=](int64_t begin, int64_t len) {
    T avg[kChunk];
    T *pc = p + begin, *sq = square_avg + begin;
    T* ga = kCentered ? grad_avg + begin : nullptr;
    T* bc = kMomentum ? buf + begin : nullptr;
    const T* gc = grad + begin;
    for (int64_t i = 0; i < len; ++i) {
      const T g = decay ? gc[i] + wd * pc[i] : gc[i];
      sq[i] = sq[i] * a + one_minus_alpha * g * g;  // square_avg.mul_(α).addcmul_(g, g, 1 − α)
      if constexpr (kCentered) {
        ga[i] = ga[i] * a + one_minus_alpha * g;  // grad_avg.mul_(α).add_(g, 1 − α)
        avg[i] = sq[i] - ga[i] * ga[i];           // square_avg.addcmul(ḡ, ḡ, −1)
      } else {
        avg[i] = sq[i];
      }
    }
    sqrt_in_place(avg, len);
    for (int64_t i = 0; i < len; ++i) {
      const T g = decay ? gc[i] + wd * pc[i] : gc[i];
      const T d = avg[i] + epsilon;
      if constexpr (kMomentum) {
        bc[i] = bc[i] * mom + g / d;  // buf.mul_(momentum).addcdiv_(g, avg)
        pc[i] -= lr_t * bc[i];
      } else {
        pc[i] -= lr_t * g / d;  // param.addcdiv_(g, avg, −lr)
      }
    }
  });
}

template <class T, bool kWeightDecay>
void adagrad_loop(T* p, const T* grad, T* sum, int64_t n, double lr, double lr_decay,
                  double weight_decay, double eps, int64_t step) {
  const T clr = lr / (1 + static_cast<double>(step - 1) * lr_decay);
  const T wd = weight_decay, epsilon = eps;
  for_chunks(n, kAdagradCost, [&](int64_t begin, int64_t len) {
    T root[kChunk];
    T *pc = p + begin, *sc = sum + begin;
    const T* gc = grad + begin;
    for (int64_t i = 0; i < len; ++i) {
      T g = gc[i];
      if constexpr (kWeightDecay) g += wd * pc[i];
      sc[i] += g * g;  // state_sum.addcmul_(g, g, value=1)
      root[i] = sc[i];
    }
    sqrt_in_place(root, len);
    for (int64_t i = 0; i < len; ++i) {
      T g = gc[i];
      if constexpr (kWeightDecay) g += wd * pc[i];
      pc[i] -= clr * g / (root[i] + epsilon);  // param.addcdiv_(g, std, −clr)
    }
  });
}

}  // namespace

template <class T>
void sgd_update(T* p, const T* grad, T* buf, int64_t n, double lr, double momentum,
                double dampening, double weight_decay, bool nesterov, bool first) {
  const T lr_t = lr, mom = momentum, wd = weight_decay;
  const T one_minus_dampening = 1 - dampening;
  with_flags(
      [&](auto kWeightDecay, auto kMomentum, auto kNesterov, auto kFirst) {
        parallel_for(0, n, grain_for(kSgdCost), [=](int64_t begin, int64_t end) {
#pragma omp simd
          for (int64_t i = begin; i < end; ++i) {
            T g = grad[i];
            if constexpr (kWeightDecay) g += wd * p[i];
            if constexpr (kMomentum) {
              buf[i] = kFirst ? g : mom * buf[i] + one_minus_dampening * g;
              g = kNesterov ? g + mom * buf[i] : buf[i];
            }
            p[i] -= lr_t * g;
          }
        });
      },
      wd != 0, buf != nullptr, nesterov, first);
}

template <class T>
void adam_update(T* p, const T* grad, T* m, T* v, T* v_max, int64_t n, double lr, double beta1,
                 double beta2, double eps, double weight_decay, bool decoupled, bool amsgrad,
                 double bias_correction1, double bias_correction2_sqrt) {
  // AdamW multiplies by 1 − lr·wd even when wd is 0 (PyTorch does), Adam skips a zero L2 term.
  with_flags(
      [&](auto wd, auto dec, auto ams) {
        adam_loop<T, wd, dec, ams>(p, grad, m, v, v_max, n, lr, beta1, beta2, eps, weight_decay,
                                   bias_correction1, bias_correction2_sqrt);
      },
      decoupled || weight_decay != 0, decoupled, amsgrad);
}

template <class T>
void rmsprop_update(T* p, const T* grad, T* square_avg, T* grad_avg, T* buf, int64_t n, double lr,
                    double alpha, double eps, double weight_decay, double momentum, bool centered) {
  with_flags(
      [&](auto c, auto mom) {
        rmsprop_loop<T, c, mom>(p, grad, square_avg, grad_avg, buf, n, lr, alpha, eps, weight_decay,
                                momentum);
      },
      centered, momentum > 0);
}

template <class T>
void adagrad_update(T* p, const T* grad, T* sum, int64_t n, double lr, double lr_decay,
                    double weight_decay, double eps, int64_t step) {
  with_flags(
      [&](auto wd) { adagrad_loop<T, wd>(p, grad, sum, n, lr, lr_decay, weight_decay, eps, step); },
      weight_decay != 0);
}

#define EMBER_OPTIM_KERNELS(T)                                                                    \
  template void sgd_update<T>(T*, const T*, T*, int64_t, double, double, double, double, bool,    \
                              bool);                                                              \
  template void adam_update<T>(T*, const T*, T*, T*, T*, int64_t, double, double, double, double, \
                               double, bool, bool, double, double);                               \
  template void rmsprop_update<T>(T*, const T*, T*, T*, T*, int64_t, double, double, double,      \
                                  double, double, bool);                                          \
  template void adagrad_update<T>(T*, const T*, T*, int64_t, double, double, double, double,      \
                                  int64_t);
EMBER_OPTIM_KERNELS(float)
EMBER_OPTIM_KERNELS(double)
#undef EMBER_OPTIM_KERNELS

}  // namespace ember::kernels
