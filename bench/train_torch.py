# Anchor for bench/train.ts: seconds per training iteration of the paper's Figure 5 / Figure 7
# recipe written directly in PyTorch (our own minimal loop, same shapes and schedule: FC
# generator, critic FC-nf=1024 or CNN-GAP=True, WGAN-GP lambda 10 with alpha per sample, critic
# step every iteration, generator step every 5, batch 64 of 64x64 grey, Adam(0.5, 0.9)).
# Usage: /usr/bin/python3 bench/train_torch.py <fc|cnn> <iterations>   → prints wall and CPU seconds/iteration
import sys, time
import torch
import torch.nn as nn

arch, iters = sys.argv[1], int(sys.argv[2])
torch.manual_seed(0)
S, B, Z, M = 64, 64, 64, 64
G = nn.Sequential(nn.Linear(Z, 128), nn.LeakyReLU(0.2), nn.Linear(128, S * S), nn.Tanh())
if arch == 'fc':
    D = nn.Sequential(nn.Flatten(), nn.Linear(S * S, 1024), nn.LeakyReLU(0.2), nn.Linear(1024, 1024), nn.LeakyReLU(0.2),
                      nn.Linear(1024, 1024), nn.LeakyReLU(0.2), nn.Linear(1024, 1))
else:
    D = nn.Sequential(nn.Conv2d(1, 64, 3, 2, 0), nn.ReLU(), nn.Conv2d(64, 128, 3, 2, 0), nn.ReLU(),
                      nn.Conv2d(128, 256, 3, 2, 0), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(256, 1, bias=False))
oG = torch.optim.Adam(G.parameters(), lr=1e-4, betas=(0.5, 0.9))
oD = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.9))
codes = torch.randn(M, Z)
data = (torch.rand(2704, 1, S, S) > 0.97).float() * 2 - 1

def step(it):
    real = data[torch.randint(0, 2704, (B,))]
    fake = G(codes).view(B, 1, S, S).detach()
    w1 = D(real).mean() - D(fake).mean()
    a = torch.rand(B, 1, 1, 1)
    xh = (a * real + (1 - a) * fake).requires_grad_(True)
    g, = torch.autograd.grad(D(xh).sum(), xh, create_graph=True)
    gp = 10 * ((g.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
    oD.zero_grad(); (-w1 + gp).backward(); oD.step()
    if it % 5 == 0:
        oG.zero_grad(); (-D(G(codes).view(B, 1, S, S)).mean()).backward(); oG.step()

step(0)
t, c = time.perf_counter(), time.process_time()
for i in range(1, iters + 1):
    step(i)
print((time.perf_counter() - t) / iters, (time.process_time() - c) / iters)
