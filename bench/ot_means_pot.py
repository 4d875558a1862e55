#!/usr/bin/python3
"""Anchor for bench/ot-means.ts: OT-means as SPEC §7 describes it, in NumPy + POT (ot.emd),
written from the specification (not from the reference code), timed as a whole process.

Usage: /usr/bin/python3 bench/ot_means_pot.py FOLDER K N_ITERS IM_SIZE [METHOD]
Loads every image of FOLDER in sorted order as grey (0.2989 R + 0.587 G + 0.114 B) in
[-1, 1] (no resize: the images must already be IM_SIZE square), starts from 0.5·N(0, I),
runs N_ITERS iterations of the update (weisfeld: 5 Weiszfeld steps, each with its own exact
plan; mean: one plan) with the cost ‖c − x‖ / d in float64, and prints one JSON line:
{"w1": W1 between the final centroids and the data, "seconds": whole process, "solves": n}.
"""
import json
import os
import sys
import time

T0 = time.time()
import numpy as np  # noqa: E402
import ot  # noqa: E402
from PIL import Image  # noqa: E402


def load(folder, size):
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith(('.png', '.jpg', '.jpeg')))
    x = np.empty((len(names), size * size), dtype=np.float64)
    for i, n in enumerate(names):
        a = np.asarray(Image.open(os.path.join(folder, n)).convert('RGB'), dtype=np.float32) / 255.0
        g = 0.2989 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]
        x[i] = (g.reshape(-1) * 2 - 1)
    return x


def cost(c, x):
    sq = (c * c).sum(1)[:, None] + (x * x).sum(1)[None, :] - 2 * c @ x.T
    return np.sqrt(np.maximum(sq, 1e-10)) / x.shape[1]


def main():
    folder, k, iters, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    method = sys.argv[5] if len(sys.argv) > 5 else 'weisfeld'
    x = load(folder, size)
    n, d = x.shape
    rng = np.random.default_rng(0)
    c = 0.5 * rng.standard_normal((k, d))
    a, b = np.full(k, 1.0 / k), np.full(n, 1.0 / n)
    solves = 0
    for _ in range(iters):
        steps = 5 if method == 'weisfeld' else 1
        for _ in range(steps):
            C = cost(c, x)
            P = ot.emd(a, b, C, numItermax=10_000_000)
            solves += 1
            if method == 'weisfeld':
                W = P / np.maximum(C, 1e-6)
                c = (W @ x) / np.maximum(W.sum(1, keepdims=True), 1e-6)
            else:
                c = k * (P @ x)
    C = cost(c, x)
    P = ot.emd(a, b, C, numItermax=10_000_000)
    solves += 1
    print(json.dumps({'w1': float((P * C).sum() * d), 'seconds': time.time() - T0, 'solves': solves, 'n': n}))


if __name__ == '__main__':
    main()
