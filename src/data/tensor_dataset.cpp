// Row gathering for tensor-backed datasets and the Stack collation helper (their loops are
// kernels/cpu/copy.h's).
#include "ember/data/datasets/tensor.h"
#include "ember/data/transforms/stack.h"
#include "ember/data/transforms/tensor.h"
#include "ember/ops.h"
#include "kernels/cpu/copy.h"

namespace ember::data {

namespace datasets::detail {

Tensor gather_rows(const Tensor& t, ArrayRef<size_t> indices, const char* who) {
  if (!t.defined()) return {};
  EMBER_ASSERT(t.is_contiguous() && t.dim() >= 1);
  const auto n = static_cast<size_t>(t.size(0));
  for (const size_t i : indices)
    EMBER_CHECK(i < n, who, ": index ", i, " is out of range for a dataset of size ", n);
  DimVector shape(t.sizes());
  shape[0] = static_cast<int64_t>(indices.size());
  Tensor out = empty(shape, t.options());
  if (n == 0 || indices.empty()) return out;
  const size_t row_bytes = static_cast<size_t>(t.nbytes()) / n;
  kernels::gather_rows(static_cast<char*>(out.data_ptr()), static_cast<const char*>(t.data_ptr()),
                       indices.data(), static_cast<int64_t>(indices.size()), row_bytes);
  return out;
}

void check_tensor_pair(Tensor& data, Tensor& target, const char* who) {
  EMBER_CHECK(data.defined(), who, ": data tensor is undefined");
  EMBER_CHECK(data.dim() >= 1, who, ": data must have at least one dimension (examples along dim ",
              "0), got a 0-dim tensor");
  if (target.defined()) {
    EMBER_CHECK(target.dim() >= 1, who,
                ": target must have at least one dimension (examples along dim 0), got a 0-dim "
                "tensor");
    EMBER_CHECK(target.size(0) == data.size(0), who, ": data has ", data.size(0),
                " examples (shape ", data.sizes(), ") but target has ", target.size(0), " (shape ",
                target.sizes(), ")");
    target = target.detach().contiguous();
  }
  data = data.detach().contiguous();
}

}  // namespace datasets::detail

namespace transforms::detail {

Tensor stack_examples(std::vector<Tensor>& tensors, const char* what) {
  size_t undefined = 0;
  for (const Tensor& t : tensors) undefined += !t.defined();
  if (!tensors.empty() && undefined == tensors.size()) return {};
  EMBER_CHECK(undefined == 0, "Stack: ", undefined, " of ", tensors.size(), " examples have no ",
              what, " tensor; either all or none must have one");
  return stack(tensors);
}

Tensor normalize_stacked(const Tensor& batch, const Tensor& mean, const Tensor& stddev) {
  if (batch.scalar_type() != kFloat || !batch.is_contiguous() || batch.dim() < 4) return {};
  if (mean.scalar_type() != kFloat || stddev.scalar_type() != kFloat || mean.dim() != 3 ||
      stddev.dim() != 3 || !mean.is_contiguous() || !stddev.is_contiguous())
    return {};
  const int64_t channels = batch.size(-3);
  const int64_t cm = mean.numel(), cs = stddev.numel();
  if ((cm != 1 && cm != channels) || (cs != 1 && cs != channels)) return {};
  if (batch.requires_grad()) return {};
  const int64_t inner = batch.size(-1) * batch.size(-2);
  const int64_t outer = channels ? batch.numel() / (channels * inner) : 0;
  Tensor out = empty(batch.sizes(), batch.options());
  kernels::normalize_channels(out.data_ptr<float>(), batch.data_ptr<float>(),
                              mean.data_ptr<float>(), cm, stddev.data_ptr<float>(), cs, outer,
                              channels, inner);
  return out;
}

}  // namespace transforms::detail

}  // namespace ember::data
