#!/usr/bin/python3
"""Writes optim.json: PyTorch 1.13 optimizer trajectories, LR-scheduler sequences and
clip_grad results for tests/optim/*_test.cpp. Run with Debian's python3:
    /usr/bin/python3 tests/optim/golden/gen_optim.py
"""
import json, math, os
import torch

STEPS = 20
out = {"@generated": "by tests/optim/golden/gen_optim.py with torch " + torch.__version__}

def flat(ts): return [float(v) for t in ts for v in t.detach().reshape(-1).tolist()]

# ---- problems (the C++ tests build the same tensors from these numbers) -----------------------
ROSEN_X0 = [-1.5, 2.0]
LS_X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.75], [0.3, 0.6, -1.2],
        [1.0, -0.4, 0.2], [-0.7, 1.8, 0.9]]
LS_Y = [[1.0, -2.0], [0.5, 0.0], [-1.5, 2.5], [0.2, -0.3], [1.1, 0.9], [-0.6, 1.4]]
LS_W0 = [[0.1, -0.2, 0.3], [0.4, 0.0, -0.1]]
LS_B0 = [0.05, -0.05]

def rosenbrock(dtype):
    x = torch.tensor(ROSEN_X0, dtype=dtype, requires_grad=True)
    def loss():
        return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    return [x], loss

def lstsq(dtype):
    X = torch.tensor(LS_X, dtype=dtype); Y = torch.tensor(LS_Y, dtype=dtype)
    W = torch.tensor(LS_W0, dtype=dtype, requires_grad=True)
    b = torch.tensor(LS_B0, dtype=dtype, requires_grad=True)
    def loss():
        return ((X @ W.t() + b - Y) ** 2).mean()
    return [W, b], loss

PROBLEMS = {"rosenbrock": rosenbrock, "lstsq": lstsq}
OPTIMS = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW,
          "RMSprop": torch.optim.RMSprop, "Adagrad": torch.optim.Adagrad}
NO_FOREACH = {"SGD", "Adam", "AdamW", "RMSprop", "Adagrad"}

def run(opt_name, options, problem, dtype, groups=None):
    params, loss_fn = PROBLEMS[problem](dtype)
    kw = dict(options)
    if isinstance(kw.get("betas"), list): kw["betas"] = tuple(kw["betas"])
    if groups is None:
        opt = OPTIMS[opt_name](params, foreach=False, **kw)
    else:  # one group per parameter, each with its own overrides
        pg = [dict(params=[p], **{k: (tuple(v) if k == "betas" else v) for k, v in g.items()})
              for p, g in zip(params, groups)]
        opt = OPTIMS[opt_name](pg, foreach=False, **kw)
    traj, losses = [], []
    for _ in range(STEPS):
        opt.zero_grad()
        l = loss_fn()
        l.backward()
        losses.append(float(l))
        opt.step()
        traj.append(flat(params))
    return {"optimizer": opt_name, "options": options, "problem": problem,
            "dtype": "float64" if dtype == torch.float64 else "float32",
            "groups": groups, "initial": None, "losses": losses, "trajectory": traj}

CONFIGS = [
    ("SGD", {"lr": 1e-3}),
    ("SGD", {"lr": 1e-3, "momentum": 0.9}),
    ("SGD", {"lr": 1e-3, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 1e-3, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 1e-3, "weight_decay": 0.1}),
    ("SGD", {"lr": 1e-3, "momentum": 0.5, "weight_decay": 0.1, "nesterov": True}),
    ("Adam", {"lr": 1e-2}),
    ("Adam", {"lr": 1e-2, "amsgrad": True}),
    ("Adam", {"lr": 1e-2, "weight_decay": 0.1}),
    ("Adam", {"lr": 5e-2, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.01, "amsgrad": True}),
    ("AdamW", {"lr": 1e-2}),
    ("AdamW", {"lr": 1e-2, "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 5e-2, "betas": [0.85, 0.95], "eps": 1e-6}),
    ("RMSprop", {"lr": 1e-3}),
    ("RMSprop", {"lr": 1e-3, "centered": True}),
    ("RMSprop", {"lr": 1e-3, "momentum": 0.9}),
    ("RMSprop", {"lr": 1e-3, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.1, "momentum": 0.5,
                 "centered": True}),
    ("Adagrad", {"lr": 1e-1}),
    ("Adagrad", {"lr": 1e-1, "lr_decay": 0.05}),
    ("Adagrad", {"lr": 1e-1, "weight_decay": 0.1, "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 1e-1, "eps": 1e-6, "lr_decay": 0.01, "weight_decay": 0.05}),
]

cases = []
for name, options in CONFIGS:
    for problem in PROBLEMS:
        cases.append(run(name, options, problem, torch.float64))
    cases.append(run(name, options, "lstsq", torch.float32))
# Param groups: W and b with their own options.
cases.append(run("SGD", {"lr": 1e-2, "momentum": 0.9}, "lstsq", torch.float64,
                 groups=[{}, {"lr": 0.1, "momentum": 0.5}]))
cases.append(run("Adam", {"lr": 1e-2}, "lstsq", torch.float64,
                 groups=[{"lr": 0.05, "amsgrad": True}, {"betas": [0.5, 0.9]}]))
cases.append(run("RMSprop", {"lr": 1e-2}, "lstsq", torch.float64,
                 groups=[{"centered": True}, {"lr": 1e-3, "momentum": 0.9}]))
out["optimizers"] = cases

# ---- LR schedulers: lr of each group before each of 30 optimizer steps -------------------------
S = torch.optim.lr_scheduler
def sched_seq(make, n=30, lrs=(0.1, 0.02), opt="SGD", metrics=None):
    p = [torch.zeros(1, requires_grad=True) for _ in lrs]
    if opt == "SGD":
        o = torch.optim.SGD([{"params": [q], "lr": lr} for q, lr in zip(p, lrs)], lr=lrs[0],
                            momentum=0.9)
    else:
        o = torch.optim.Adam([{"params": [q], "lr": lr} for q, lr in zip(p, lrs)], lr=lrs[0])
    s = make(o)
    seq, mom = [], []
    for i in range(n):
        seq.append([g["lr"] for g in o.param_groups])
        mom.append([g["momentum"] if "momentum" in g else g["betas"][0] for g in o.param_groups])
        o.step()
        if metrics is None: s.step()
        else: s.step(metrics[i])
    return {"lrs": seq, "momentums": mom, "last_lr": s._last_lr}

plateau_metrics = [1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.8, 0.81, 0.82, 0.83, 0.84, 0.5, 0.5, 0.5,
                   0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.49999, 0.5, 0.5, 0.5, 0.5, 0.4, 0.5, 0.5, 0.5,
                   0.5]
sch = {}
sch["StepLR_7_0.5"] = sched_seq(lambda o: S.StepLR(o, 7, gamma=0.5))
sch["MultiStepLR_3_3_10_20_0.3"] = sched_seq(lambda o: S.MultiStepLR(o, [3, 3, 10, 20], gamma=0.3))
sch["ExponentialLR_0.9"] = sched_seq(lambda o: S.ExponentialLR(o, 0.9))
sch["CosineAnnealingLR_10_0.001"] = sched_seq(lambda o: S.CosineAnnealingLR(o, 10, eta_min=0.001))
sch["CosineAnnealingLR_7_0"] = sched_seq(lambda o: S.CosineAnnealingLR(o, 7))
sch["LinearLR_0.25_1_8"] = sched_seq(lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0,
                                                          total_iters=8))
sch["LinearLR_1_0.1_5"] = sched_seq(lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1,
                                                         total_iters=5))
sch["OneCycleLR_cos"] = sched_seq(lambda o: S.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=30))
sch["OneCycleLR_linear_three_phase"] = sched_seq(
    lambda o: S.OneCycleLR(o, max_lr=0.8, total_steps=31, pct_start=0.25, anneal_strategy="linear",
                           div_factor=10.0, final_div_factor=100.0, three_phase=True))
sch["OneCycleLR_adam_no_momentum"] = sched_seq(
    lambda o: S.OneCycleLR(o, max_lr=0.01, total_steps=30, cycle_momentum=False), opt="Adam")
sch["OneCycleLR_adam"] = sched_seq(
    lambda o: S.OneCycleLR(o, max_lr=0.01, total_steps=30, base_momentum=0.8, max_momentum=0.9),
    opt="Adam")
sch["ReduceLROnPlateau_min_rel"] = sched_seq(
    lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2), metrics=plateau_metrics)
sch["ReduceLROnPlateau_min_abs_cooldown"] = sched_seq(
    lambda o: S.ReduceLROnPlateau(o, factor=0.3, patience=1, threshold=0.05, threshold_mode="abs",
                                  cooldown=2, min_lr=[0.005, 0.001]), metrics=plateau_metrics)
sch["ReduceLROnPlateau_max_rel"] = sched_seq(
    lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.1, patience=0, threshold=0.1,
                                  min_lr=1e-4), metrics=plateau_metrics)
out["schedulers"] = sch
out["plateau_metrics"] = plateau_metrics

# ---- clip_grad ----------------------------------------------------------------------------------
def grads_case(max_norm, norm_type, clip_value=None):
    a = torch.tensor([[0.5, -1.5, 2.0], [3.0, -0.25, 1.0]], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([-4.0, 0.75], dtype=torch.float64, requires_grad=True)
    a.grad = torch.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, -1.5]], dtype=torch.float64)
    b.grad = torch.tensor([2.5, -0.5], dtype=torch.float64)
    if clip_value is not None:
        torch.nn.utils.clip_grad_value_([a, b], clip_value)
        total = None
    else:
        total = float(torch.nn.utils.clip_grad_norm_([a, b], max_norm, norm_type=norm_type))
    return {"total_norm": total, "grads": flat([a.grad, b.grad])}

clip = {}
for max_norm, nt in [(1.0, 2.0), (10.0, 2.0), (2.0, 1.0), (2.0, math.inf), (1.5, 3.0), (0.5, 0.5)]:
    clip["norm_%g_%g" % (max_norm, nt)] = dict(grads_case(max_norm, nt), max_norm=max_norm,
                                              norm_type=nt if nt != math.inf else "inf")
clip["value_1"] = dict(grads_case(None, None, clip_value=1.0), clip_value=1.0)
out["clip_grad"] = clip

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim.json")
with open(path, "w") as f:
    json.dump(out, f, indent=None, separators=(",", ":"))
    f.write("\n")
print("wrote", path, os.path.getsize(path), "bytes")
