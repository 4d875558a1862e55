"""POT side of bench/ot.ts (run by /usr/bin/python3; never at test or run time).

  ot_pot.py make DIR            write the benchmark's .npy inputs into DIR
  ot_pot.py w1 A.npy B.npy CAP  time ot.dist + ot.emd2 in-process (CAP: numItermax, 0 = default)
  ot_pot.py patchswd            time a PyTorch patch SWD loss forward+backward (p=16, s=1,
                                64 vs 64 grey 64x64, 128 directions), written from SPEC 5/6
Prints one JSON line.
"""
import gzip, json, os, sys, time, warnings
import numpy as np

def make(d):
    rng = np.random.default_rng(0)
    def mixture(n, dim, k=50, noise=0.3, seed=1):
        r = np.random.default_rng(seed)
        protos = r.uniform(-1, 1, (k, dim)).astype(np.float32)
        lab = r.integers(0, k, n)
        return np.clip(protos[lab] + noise * r.standard_normal((n, dim)).astype(np.float32), -1, 1)
    np.save(os.path.join(d, 'x64_4096.npy'), mixture(64, 4096, seed=2))
    np.save(os.path.join(d, 'y10k_4096.npy'), mixture(10000, 4096, seed=3))
    fm = '/usr/share/datasets/fashion-mnist'
    if os.path.exists(os.path.join(fm, 'train-images-idx3-ubyte.gz')):
        with gzip.open(os.path.join(fm, 'train-images-idx3-ubyte.gz')) as f:
            train = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
        with gzip.open(os.path.join(fm, 't10k-images-idx3-ubyte.gz')) as f:
            test = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
        np.save(os.path.join(d, 'y60k_784.npy'), (train.astype(np.float32) / 127.5 - 1))
        np.save(os.path.join(d, 'x64_784.npy'), (test[:64].astype(np.float32) / 127.5 - 1))
        # Real images at d=4096: the 10,000 test images against 64 training images, grey 64x64
        # (bilinear upscaling, as a folder of them read with --im_size 64 would give).
        def up(a):
            import torch
            t = torch.from_numpy(a.reshape(-1, 1, 28, 28).astype(np.float32) / 127.5 - 1)
            return torch.nn.functional.interpolate(t, size=(64, 64), mode='bilinear', align_corners=False).reshape(len(a), -1).numpy()
        try:
            np.save(os.path.join(d, 'y10k_fm4096.npy'), up(test))
            np.save(os.path.join(d, 'x64_fm4096.npy'), up(train[:64]))
        except ImportError:  # no PyTorch: that case is left out
            pass
        fmnist = True
    else:  # Debian's dataset-fashion-mnist is not installed: a mixture of the same size instead
        np.save(os.path.join(d, 'y60k_784.npy'), mixture(60000, 784, seed=4))
        np.save(os.path.join(d, 'x64_784.npy'), mixture(64, 784, seed=5))
        fmnist = False
    for n in (2000, 4000, 8000):
        np.save(os.path.join(d, f'a{n}.npy'), rng.standard_normal((n, 64)).astype(np.float32))
        np.save(os.path.join(d, f'b{n}.npy'), (rng.standard_normal((n, 64)) + 0.1).astype(np.float32))
    print(json.dumps({"ok": True, "fmnist": fmnist}))

def w1(a, b, cap):
    import ot
    x = np.load(a).reshape(len(np.load(a, mmap_mode='r')), -1).astype(np.float64)
    y = np.load(b).reshape(len(np.load(b, mmap_mode='r')), -1).astype(np.float64)
    t = time.perf_counter()
    C = ot.dist(x, y, metric='euclidean')
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        kw = {} if cap == 0 else {'numItermax': cap}
        cost = ot.emd2(np.full(len(x), 1 / len(x)), np.full(len(y), 1 / len(y)), C, **kw)
    sec = time.perf_counter() - t
    print(json.dumps({"seconds": sec, "cost": float(cost), "warning": "; ".join(str(x.message) for x in w)[:200]}))

def patchswd():
    import torch
    torch.manual_seed(0)
    x = (torch.rand(64, 1, 64, 64) * 2 - 1).requires_grad_(True)
    y = torch.rand(64, 1, 64, 64) * 2 - 1
    t = time.perf_counter()
    px = torch.nn.functional.unfold(x, 16, stride=1).permute(0, 2, 1).reshape(-1, 256)
    py = torch.nn.functional.unfold(y, 16, stride=1).permute(0, 2, 1).reshape(-1, 256)
    dirs = torch.randn(128, 256)
    dirs = dirs / dirs.norm(dim=1, keepdim=True)
    sx = torch.sort(px @ dirs.T, dim=0)[0]
    sy = torch.sort(py @ dirs.T, dim=0)[0]
    loss = (sx - sy).abs().mean()
    loss.backward()
    sec = time.perf_counter() - t
    print(json.dumps({"seconds": sec, "value": float(loss), "threads": torch.get_num_threads()}))

if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'make': make(sys.argv[2])
    elif cmd == 'w1': w1(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == 'patchswd': patchswd()
