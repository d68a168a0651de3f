#!/usr/bin/python3
"""A micrograd-style scalar autograd engine and MLP in pure Python: the baseline for
bench/scalar_bench.cpp (BM_MlpBuildBackward).

It follows the structure of Karpathy's micrograd (engine.py, nn.py): each op builds a Value with a
`_backward` closure, and backward() runs a topological sort. It times the same work as the C++
benchmark: zero_grad, forward of a 2->16->16->1 MLP over 100 samples, sum of squared errors,
backward. Prints CPU microseconds per iteration, with Python's cycle collector on (the default,
what a micrograd user gets) and off during the timed step (the most favourable case for Python).

Usage: /usr/bin/python3 bench/micrograd_reference.py [--iters N]
"""

import argparse
import gc
import math
import random
import time


class Value:
    """A scalar and its gradient, with the graph that produced it."""

    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only constant exponents"
        out = Value(self.data**other, (self,), f"**{other}")

        def _backward():
            self.grad += (other * self.data ** (other - 1)) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(0 if self.data < 0 else self.data, (self,), "ReLU")

        def _backward():
            self.grad += (out.data > 0) * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t * t) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"


class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []


class Neuron(Module):
    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class Layer(Module):
    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP(Module):
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [
            Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))
        ]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


SAMPLES = 100


def dataset():
    """The same deterministic points as scalar_bench.cpp."""
    xs, ys = [], []
    for i in range(SAMPLES):
        x0, x1 = 2.0 * math.sin(0.37 * i), 1.5 * math.cos(0.91 * i)
        xs.append((x0, x1))
        ys.append(1.0 if x0 * x1 > 0 else -1.0)
    return xs, ys


def step(model, xs, ys):
    """One iteration of the benchmark: the same graph as BM_MlpBuildBackward."""
    model.zero_grad()
    loss = Value(0.0)
    for (x0, x1), y in zip(xs, ys):
        out = model([Value(x0), Value(x1)])[0]
        loss = loss + (out - y) ** 2
    loss.backward()
    return loss.data


def time_steps(model, xs, ys, iters, collect):
    """Mean and min CPU seconds per step (CPU time, as on the C++ side, so that other processes
    distort the ratio less). With collect=False the cycle collector is paused during each step and
    run (untimed) between steps: micrograd's closures form reference cycles (out._backward -> out),
    so with it on, much of the time goes to scanning the live graph."""
    times = []
    for _ in range(iters):
        if not collect:
            gc.disable()
        start = time.process_time()
        step(model, xs, ys)
        times.append(time.process_time() - start)
        gc.enable()
        if not collect:
            gc.collect()
    return sum(times) / len(times), min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=5, help="timed steps per mode (default 5)")
    args = parser.parse_args()
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    xs, ys = dataset()
    print(f"loss {step(model, xs, ys):.6f} ({len(model.parameters())} parameters)")  # warm-up
    for collect in (True, False):
        mean, best = time_steps(model, xs, ys, args.iters, collect)
        mode = "gc=on" if collect else "gc=off"
        print(f"micrograd_reference {mode}: {1e6 * mean:.1f} us/iter "
              f"(mean of {args.iters}, min {1e6 * best:.1f} us)")


if __name__ == "__main__":
    main()
