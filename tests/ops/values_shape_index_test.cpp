// Values vs PyTorch (golden/ops.json): shape ops (views and copies), indexing (index_select ...
// topk, operator[], index() with Slice/None/Ellipsis/tensors/masks), and in-place variants
// (add_ ... copy_, +=, index_put_) including their aliasing through views.
#include "ops/ops_test_util.h"

namespace ember::testing {

using X = const GoldenInputs&;
using indexing::Ellipsis;
using indexing::None;

namespace {

std::vector<GoldenCase> shape_cases() {
  return {
      {"sh.view",
       [](X x) -> Outs {
         return {x("a").view({2, 6})};
       }},
      {"sh.view_infer",
       [](X x) -> Outs {
         return {view(x("d"), {-1, 4})};
       }},
      {"sh.reshape_t", [](X x) -> Outs { return {x("a").t().reshape({12})}; }},
      {"sh.reshape_infer",
       [](X x) -> Outs {
         return {reshape(x("d"), {4, -1})};
       }},
      {"sh.reshape_0d",
       [](X x) -> Outs {
         return {x("s0").reshape({1, 1})};
       }},
      {"sh.flatten", [](X x) -> Outs { return {x("d").flatten()}; }},
      {"sh.flatten_12", [](X x) -> Outs { return {flatten(x("d"), 1)}; }},
      {"sh.flatten_01", [](X x) -> Outs { return {x("d").flatten(0, 1)}; }},
      {"sh.unflatten",
       [](X x) -> Outs {
         return {x("a").unflatten(1, {2, 2})};
       }},
      {"sh.unflatten_infer",
       [](X x) -> Outs {
         return {unflatten(x("d"), -1, {-1, 2})};
       }},
      {"sh.squeeze", [](X x) -> Outs { return {x("b2134").squeeze()}; }},
      {"sh.squeeze_dim", [](X x) -> Outs { return {squeeze(x("b2134"), 1)}; }},
      {"sh.squeeze_noop", [](X x) -> Outs { return {x("b2134").squeeze(0)}; }},
      {"sh.unsqueeze", [](X x) -> Outs { return {unsqueeze(x("a"), 1)}; }},
      {"sh.unsqueeze_neg", [](X x) -> Outs { return {x("a").unsqueeze(-1)}; }},
      {"sh.permute",
       [](X x) -> Outs {
         return {permute(x("d"), {2, 0, 1})};
       }},
      {"sh.permute_neg",
       [](X x) -> Outs {
         return {x("d").permute({-1, -2, 0}).contiguous()};
       }},
      {"sh.transpose", [](X x) -> Outs { return {transpose(x("d"), 0, 2)}; }},
      {"sh.transpose_neg", [](X x) -> Outs { return {x("d").transpose(-1, 1)}; }},
      {"sh.expand",
       [](X x) -> Outs {
         return {x("c31").expand({3, 4})};
       }},
      {"sh.expand_new",
       [](X x) -> Outs {
         return {expand(x("b4"), {2, 3, 4})};
       }},
      {"sh.expand_keep",
       [](X x) -> Outs {
         return {x("c31").expand({2, -1, 5})};
       }},
      {"sh.broadcast_to",
       [](X x) -> Outs {
         return {broadcast_to(x("e14"), {3, 4})};
       }},
      {"sh.broadcast_tensors",
       [](X x) -> Outs {
         return broadcast_tensors({x("c31"), x("e14")});
       }},
      {"sh.repeat",
       [](X x) -> Outs {
         return {x("m23").repeat({2, 3})};
       }},
      {"sh.repeat_new",
       [](X x) -> Outs {
         return {repeat(x("v3"), {2, 2})};
       }},
      {"sh.as_strided",
       [](X x) -> Outs {
         return {as_strided(x("a"), {2, 2}, {1, 4}, 1)};
       }},
      {"sh.contiguous_t", [](X x) -> Outs { return {contiguous(x("a").t())}; }},
      {"sh.clone", [](X x) -> Outs { return {clone(x("a").t())}; }},
      {"sh.cat",
       [](X x) -> Outs {
         return {cat({x("a"), x("a2")})};
       }},
      {"sh.cat_1",
       [](X x) -> Outs {
         return {cat({x("a"), x("c31"), x("a2")}, 1)};
       }},
      {"sh.cat_neg",
       [](X x) -> Outs {
         return {cat({x("d"), x("d").slice(2, 0, 1)}, -1)};
       }},
      {"sh.cat_promote",
       [](X x) -> Outs {
         return {cat({x("i"), x("a")})};
       }},
      {"sh.cat_empty",
       [](X x) -> Outs {
         return {cat({x("a"), empty({0, 4}, dtype(kFloat))})};
       }},
      {"sh.concat",
       [](X x) -> Outs {
         return {concat({x("v3"), x("b4")})};
       }},
      {"sh.stack",
       [](X x) -> Outs {
         return {stack({x("a"), x("a2")})};
       }},
      {"sh.stack_1",
       [](X x) -> Outs {
         return {stack({x("a"), x("a2"), x("a")}, 1)};
       }},
      {"sh.stack_last",
       [](X x) -> Outs {
         return {stack({x("v3"), x("v3") * 2}, -1)};
       }},
      {"sh.hstack",
       [](X x) -> Outs {
         return {hstack({x("a"), x("c31")})};
       }},
      {"sh.hstack_1d",
       [](X x) -> Outs {
         return {hstack({x("v3"), x("b4")})};
       }},
      {"sh.vstack",
       [](X x) -> Outs {
         return {vstack({x("a"), x("e14"), x("b4")})};
       }},
      {"sh.split", [](X x) -> Outs { return split(x("ab5"), 2); }},
      {"sh.split_dim", [](X x) -> Outs { return x("a").split(3, 1); }},
      {"sh.split_sizes",
       [](X x) -> Outs {
         return split(x("d"), IntArrayRef({1, 3}), 2);
       }},
      {"sh.chunk", [](X x) -> Outs { return chunk(x("ab5"), 3); }},
      {"sh.chunk_dim", [](X x) -> Outs { return x("a").chunk(2, 1); }},
      {"sh.chunk_more", [](X x) -> Outs { return chunk(x("v3"), 5); }},
      {"sh.unbind", [](X x) -> Outs { return unbind(x("a")); }},
      {"sh.unbind_1", [](X x) -> Outs { return x("d").unbind(1); }},
      {"sh.narrow", [](X x) -> Outs { return {x("a").narrow(1, 1, 2)}; }},
      {"sh.narrow_neg", [](X x) -> Outs { return {narrow(x("d"), -2, -2, 2)}; }},
      {"sh.slice", [](X x) -> Outs { return {x("a").slice(1, 1, 3)}; }},
      {"sh.slice_step",
       [](X x) -> Outs { return {slice(x("a"), 1, std::nullopt, std::nullopt, 2)}; }},
      {"sh.slice_neg", [](X x) -> Outs { return {x("a").slice(0, -2)}; }},
      {"sh.slice_clamp", [](X x) -> Outs { return {x("a").slice(0, 1, 100)}; }},
      {"sh.slice_open", [](X x) -> Outs { return {slice(x("d"), 1, 1, std::nullopt)}; }},
      {"sh.select", [](X x) -> Outs { return {select(x("a"), 1, 2)}; }},
      {"sh.select_neg", [](X x) -> Outs { return {x("d").select(-1, -1)}; }},
      {"sh.flip", [](X x) -> Outs { return {x("a").flip({0})}; }},
      {"sh.flip_2",
       [](X x) -> Outs {
         return {flip(x("d"), {0, 2})};
       }},
      {"sh.flip_neg", [](X x) -> Outs { return {x("a").flip({-1})}; }},
  };
}

std::vector<GoldenCase> index_cases() {
  return {
      {"ix.index_select", [](X x) -> Outs { return {x("a").index_select(0, x("idx"))}; }},
      {"ix.index_select_1", [](X x) -> Outs { return {index_select(x("d"), 2, x("idx"))}; }},
      {"ix.gather", [](X x) -> Outs { return {x("a").gather(1, x("g_idx"))}; }},
      {"ix.gather_0", [](X x) -> Outs { return {gather(x("a"), 0, x("s_idx"))}; }},
      {"ix.scatter",
       [](X x) -> Outs {
         return {x("a").scatter(1, tensor({{3, 0}, {1, 2}, {0, 3}}), x("src34"))};
       }},
      {"ix.scatter_0",
       [](X x) -> Outs {
         return {scatter(x("a"), 0, tensor({{2, 1, 0, 1}}), x("src24"))};
       }},
      {"ix.scatter_value",
       [](X x) -> Outs {
         return {x("a").scatter(1, tensor({{0}, {2}, {3}}), 9.0)};
       }},
      {"ix.scatter_add",
       [](X x) -> Outs { return {x("a").scatter_add(0, x("s_idx"), x("src24"))}; }},
      {"ix.scatter_add_1",
       [](X x) -> Outs { return {scatter_add(x("a"), 1, x("g_idx"), x("src34"))}; }},
      {"ix.index_add",
       [](X x) -> Outs {
         return {x("a").index_add(0, tensor({2, 0, 2}), x("src34"))};
       }},
      {"ix.index_add_1",
       [](X x) -> Outs {
         return {index_add(x("a"), 1, tensor({1, 1}), x("src34").slice(1, 0, 2))};
       }},
      {"ix.masked_select", [](X x) -> Outs { return {x("a").masked_select(x("m"))}; }},
      {"ix.masked_select_bcast", [](X x) -> Outs { return {masked_select(x("d"), x("m4"))}; }},
      {"ix.nonzero", [](X x) -> Outs { return {nonzero(x("m"))}; }},
      {"ix.nonzero_int", [](X x) -> Outs { return {x("i").nonzero()}; }},
      {"ix.nonzero_1d", [](X x) -> Outs { return {nonzero(x("m4"))}; }},
      {"ix.diag_mat", [](X x) -> Outs { return {diag(x("a"))}; }},
      {"ix.diag_mat_off", [](X x) -> Outs { return {x("a").diag(1)}; }},
      {"ix.diag_mat_neg", [](X x) -> Outs { return {diag(x("a"), -1)}; }},
      {"ix.diag_vec", [](X x) -> Outs { return {x("v3").diag()}; }},
      {"ix.diag_vec_off", [](X x) -> Outs { return {diag(x("v3"), -2)}; }},
      {"ix.tril", [](X x) -> Outs { return {tril(x("a"))}; }},
      {"ix.tril_off", [](X x) -> Outs { return {x("a").tril(1)}; }},
      {"ix.triu", [](X x) -> Outs { return {x("a").triu()}; }},
      {"ix.triu_off", [](X x) -> Outs { return {triu(x("d"), -1)}; }},
      {"ix.one_hot", [](X x) -> Outs { return {one_hot(x("labels"))}; }},
      {"ix.one_hot_n", [](X x) -> Outs { return {one_hot(x("labels"), 6)}; }},
      {"ix.one_hot_2d", [](X x) -> Outs { return {one_hot(x("s_idx"), 3)}; }},
      {"ix.sort", [](X x) -> Outs { return outs(sort(x("a"))); }},
      {"ix.sort_desc", [](X x) -> Outs { return outs(x("a").sort(0, true)); }},
      {"ix.sort_3d", [](X x) -> Outs { return outs(sort(x("d"), 1)); }},
      {"ix.topk", [](X x) -> Outs { return outs(x("a").topk(2)); }},
      {"ix.topk_small", [](X x) -> Outs { return outs(topk(x("d"), 2, 1, false)); }},
      {"ix.topk_0", [](X x) -> Outs { return outs(topk(x("a"), 3, 0)); }},
      {"ix.argsort", [](X x) -> Outs { return {argsort(x("a"))}; }},
      {"ix.argsort_desc", [](X x) -> Outs { return {argsort(x("d"), 2, true)}; }},
      {"ix.getitem_int", [](X x) -> Outs { return {x("a")[1]}; }},
      {"ix.getitem_neg", [](X x) -> Outs { return {x("d")[-1]}; }},
      {"ix.getitem_tensor", [](X x) -> Outs { return {x("a")[x("idx")]}; }},
      {"ix.getitem_mask", [](X x) -> Outs { return {x("a")[x("m")]}; }},
      {"ix.index_slice_0",
       [](X x) -> Outs {
         return {x("a").index({Slice(), 0})};
       }},
      {"ix.index_slices",
       [](X x) -> Outs {
         return {x("a").index({Slice(1, None), Slice(None, None, 2)})};
       }},
      {"ix.index_int_int",
       [](X x) -> Outs {
         return {x("d").index({1, 2})};
       }},
      {"ix.index_none",
       [](X x) -> Outs {
         return {x("a").index({None, 0})};
       }},
      {"ix.index_ellipsis",
       [](X x) -> Outs {
         return {x("d").index({Ellipsis, 1})};
       }},
      {"ix.index_tensor_dim1",
       [](X x) -> Outs {
         return {x("a").index({Slice(), x("idx")})};
       }},
      {"ix.index_two_tensors",
       [](X x) -> Outs {
         return {x("a").index({x("idx"), tensor({0, 3, 1})})};
       }},
      {"ix.index_mask_row",
       [](X x) -> Outs {
         return {x("a").index({tensor({true, false, true})})};
       }},
      {"ix.index_neg_tensor", [](X x) -> Outs { return {x("a")[x("idx_neg")]}; }},
  };
}

// In-place ops on a clone, often through a view: the result is the base tensor.
std::vector<GoldenCase> inplace_cases() {
  return {
      {"ip.add_row",
       [](X x) -> Outs {
         Tensor t = x("a");
         t[1].add_(1.5);
         return {t};
       }},
      {"ip.mul_col",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.select(1, 1).mul_(2);
         return {t};
       }},
      {"ip.sub_t",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.t().sub_(x("c31").reshape({1, 3}));
         return {t};
       }},
      {"ip.div_tensor",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.div_(x("pos"));
         return {t};
       }},
      {"ip.div_bcast_view",
       [](X x) -> Outs {
         Tensor t = x("d");
         t.slice(1, 1).div_(x("b4"));
         return {t};
       }},
      {"ip.add_alpha",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.add_(x("b4"), -3);
         return {t};
       }},
      {"ip.sub_scalar",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.sub_(0.25, 2);
         return {t};
       }},
      {"ip.clamp_narrow",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.narrow(1, 1, 2).clamp_(-0.3, 0.3);
         return {t};
       }},
      {"ip.clamp_min_",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.clamp_min_(0.0);
         return {t};
       }},
      {"ip.clamp_max_",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.clamp_max_(0.0);
         return {t};
       }},
      {"ip.zero_slice",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.slice(1, std::nullopt, std::nullopt, 2).zero_();
         return {t};
       }},
      {"ip.fill_select",
       [](X x) -> Outs {
         Tensor t = x("d");
         t.select(2, 3).fill_(4.5);
         return {t};
       }},
      {"ip.fill_tensor",
       [](X x) -> Outs {
         Tensor t = x("a");
         t[0].fill_(x("s0"));
         return {t};
       }},
      {"ip.copy_bcast",
       [](X x) -> Outs {
         Tensor t = x("d");
         t[1].copy_(x("b4"));
         return {t};
       }},
      {"ip.copy_dtype",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.copy_(x("i"));
         return {t};
       }},
      {"ip.copy_t",
       [](X x) -> Outs {
         Tensor t = zeros({4, 3}, dtype(kFloat));
         t.copy_(x("a").t());
         return {t};
       }},
      {"ip.copy_overlap",
       [](X x) -> Outs {
         Tensor t = x("sq");
         t.copy_(t.t().clone());
         return {t};
       }},
      {"ip.iadd",
       [](X x) -> Outs {
         Tensor t = x("a");
         t += x("b4");
         return {t};
       }},
      {"ip.isub",
       [](X x) -> Outs {
         Tensor t = x("a");
         t -= 1;
         return {t};
       }},
      {"ip.imul",
       [](X x) -> Outs {
         Tensor t = x("a");
         t *= x("c31");
         return {t};
       }},
      {"ip.idiv",
       [](X x) -> Outs {
         Tensor t = x("a");
         t /= 2;
         return {t};
       }},
      {"ip.iadd_view_shared",
       [](X x) -> Outs {
         Tensor t = x("a");
         Tensor v = t.view({12});
         v += 1;
         return {t, v};
       }},
      {"ip.iadd_int",
       [](X x) -> Outs {
         Tensor t = x("i");
         t += x("j4");
         t *= 2;
         return {t};
       }},
      {"ip.float_iadd_int",
       [](X x) -> Outs {
         Tensor t = x("a");
         t += x("i");
         return {t};
       }},
      {"ip.expand_src",
       [](X x) -> Outs {
         Tensor t = zeros({3, 4}, dtype(kFloat));
         t.add_(x("c31").expand({3, 4}));
         return {t};
       }},
      {"ip.chain",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.mul_(2).add_(1).clamp_(std::nullopt, 1.0);
         return {t};
       }},
      {"ip.unary_inplace",
       [](X x) -> Outs {
         Tensor t = x("pos");
         t.sqrt_().log_().neg_().exp_();
         return {t};
       }},
      {"ip.abs_tanh_",
       [](X x) -> Outs {
         Tensor t = x("a");
         t[0].abs_();
         t[1].tanh_();
         t[2].sigmoid_();
         return {t};
       }},
      {"ip.relu_view",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.t().slice(0, 1).relu_();
         return {t};
       }},
      {"ip.masked_fill_",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.masked_fill_(x("m"), 1.0);
         return {t};
       }},
      {"ip.scatter_",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.scatter_(1, x("g_idx").slice(1, 0, 1), x("src34"));
         return {t};
       }},
      {"ip.scatter_value_",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.scatter_(0, tensor({{1, 0, 2, 1}}), -1.0);
         return {t};
       }},
      {"ip.scatter_add_",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.scatter_add_(0, x("s_idx"), x("src24"));
         return {t};
       }},
      {"ip.index_put_slice",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.index_put_({Slice(), 0}, 5.0);
         return {t};
       }},
      {"ip.index_put_mask",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.index_put_({x("m")}, 0.0);
         return {t};
       }},
      {"ip.index_put_tensor",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.index_put_({tensor({0, 2})}, x("b4"));
         return {t};
       }},
      {"ip.index_put_range",
       [](X x) -> Outs {
         Tensor t = x("d");
         t.index_put_({1, Slice(1, None)}, x("src24"));
         return {t};
       }},
      {"ip.index_put_adv",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.index_put_({tensor({0, 2}), tensor({1, 3})}, tensor({7.0f, 8.0f}));
         return {t};
       }},
      {"ip.addcmul_",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.addcmul_(x("a2"), x("b4"), 2);
         return {t};
       }},
      {"ip.addcdiv_",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.addcdiv_(x("a2"), x("pos"), 0.5);
         return {t};
       }},
      {"ip.lerp_",
       [](X x) -> Outs {
         Tensor t = x("a");
         t.lerp_(x("a2"), 0.25);
         return {t};
       }},
      {"ip.pow_",
       [](X x) -> Outs {
         Tensor t = x("pos");
         t.pow_(2.5);
         return {t};
       }},
      {"ip.squeeze_",
       [](X x) -> Outs {
         Tensor t = x("b2134");
         t.squeeze_(1);
         t.unsqueeze_(0);
         t.transpose_(0, 3);
         return {t};
       }},
  };
}

std::vector<GoldenCase> make_shape_index_cases() {
  std::vector<GoldenCase> c = shape_cases();
  for (auto* more : {index_cases, inplace_cases})
    for (GoldenCase& g : more()) c.push_back(std::move(g));
  return c;
}

}  // namespace

const std::vector<GoldenCase>& shape_index_cases() {
  static const std::vector<GoldenCase> c = make_shape_index_cases();
  return c;
}

INSTANTIATE_TEST_SUITE_P(ShapeIndex, GoldenTest, ::testing::ValuesIn(shape_index_cases()),
                         golden_case_name);

}  // namespace ember::testing
