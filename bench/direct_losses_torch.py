#!/usr/bin/python3
"""PyTorch side of bench/direct-losses.ts: seconds per iteration of direct image W1 and direct
patch SWD (p=16, s=1) with an FC generator (64 -> 128 -> 128 -> 4096, LeakyReLU 0.2, tanh) on
the 64x64 grey squares, 64 const codes, batch 64, Adam (lr 1e-3, betas (0.5, 0.9)).
W1: Euclidean cost by torch.cdist, exact plan by POT's ot.emd, loss sum(P * C).
Patch SWD: all 16x16 patches at stride 1 (F.unfold), 128 random unit directions, sorted
projections, mean absolute difference. Written from SPEC §5/§6, not from the reference code.
Usage: /usr/bin/python3 bench/direct_losses_torch.py w1|swd ITERATIONS  (prints s/iteration last)
"""
import sys, time
import numpy as np
import torch
import torch.nn.functional as F
import ot


def squares():
    ims = []
    for y in range(1, 53):
        for x in range(1, 53):
            a = -np.ones((64, 64), dtype=np.float32)
            a[y:y + 10, x:x + 10] = 1
            ims.append(a)
    return torch.from_numpy(np.stack(ims)).reshape(-1, 1, 64, 64)


def main():
    kind, iters = sys.argv[1], int(sys.argv[2])
    torch.manual_seed(0)
    data = squares()
    G = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.LeakyReLU(0.2), torch.nn.Linear(128, 128), torch.nn.LeakyReLU(0.2),
                            torch.nn.Linear(128, 4096), torch.nn.Tanh())
    z = torch.randn(64, 64)
    opt = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.9))

    def step():
        real = data[torch.randint(0, len(data), (64,))]
        fake = G(z).reshape(64, 1, 64, 64)
        if kind == 'w1':
            C = torch.cdist(fake.reshape(64, -1).double(), real.reshape(64, -1).double())
            P = ot.emd(np.full(64, 1 / 64), np.full(64, 1 / 64), C.detach().numpy())
            loss = (torch.from_numpy(P) * C).sum()
        else:
            fx = F.unfold(fake, 16, stride=1).permute(0, 2, 1).reshape(-1, 256)
            fy = F.unfold(real, 16, stride=1).permute(0, 2, 1).reshape(-1, 256)
            dirs = torch.randn(256, 128)
            dirs = dirs / dirs.norm(dim=0, keepdim=True)
            px = torch.sort(fx @ dirs, dim=0)[0]
            py = torch.sort(fy @ dirs, dim=0)[0]
            loss = (px - py).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

    step()
    t = time.perf_counter()
    for _ in range(iters):
        step()
    print((time.perf_counter() - t) / iters)


if __name__ == '__main__':
    main()
