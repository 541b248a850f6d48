"""One EM iteration of a diagonal-covariance GMM in PyTorch, GEMM form, on the GPU.

The same work as numpy_em.py (log-likelihoods as [x^2, x] @ W + b, logsumexp,
responsibilities, R^T x and R^T x^2, then the m-step of every parameter), float32 by default
(the dtype the tf.js backends use), on CUDA when available. Chunks of 262144 rows bound the
[rows, K] intermediates (1 GiB at K = 512 in float32). Timed with torch.cuda.synchronize():
median of --reps after one warm-up. Prints one JSON line.

  python3 torch_em.py --n 1000000 --d 60 --k 512 [--dtype float64] [--device cpu]
"""
import argparse
import json
import math
import statistics
import time

import torch

CHUNK = 262144


def em_iteration(x, weights, means, variances):
    """Returns (weights, means, variances, average log-likelihood of the e-step)."""
    n, d = x.shape
    precisions = 1.0 / variances
    w_sq = (-0.5 * precisions).T.contiguous()
    w_lin = (means * precisions).T.contiguous()
    bias = torch.log(weights) - 0.5 * (d * math.log(2 * math.pi) + torch.log(variances).sum(1) + (means**2 * precisions).sum(1))
    n_k = torch.zeros_like(weights)
    sum_x = torch.zeros_like(means)
    sum_xx = torch.zeros_like(means)
    log_likelihood = torch.zeros((), dtype=x.dtype, device=x.device)
    for start in range(0, n, CHUNK):
        xc = x[start : start + CHUNK]
        xx = xc * xc
        logp = torch.addmm(bias, xx, w_sq)
        logp.addmm_(xc, w_lin)
        lse = torch.logsumexp(logp, dim=1, keepdim=True)
        r = logp.sub_(lse).exp_()
        log_likelihood += lse.sum()
        n_k += r.sum(0)
        sum_x += r.T @ xc
        sum_xx += r.T @ xx
    eps = torch.finfo(x.dtype).eps
    nk = n_k.clamp_min(eps)[:, None]
    new_means = sum_x / nk
    new_variances = (sum_xx / nk - new_means**2).clamp_min(eps)
    return n_k / n, new_means, new_variances, float(log_likelihood) / n


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--n', type=int, default=1_000_000)
    p.add_argument('--d', type=int, default=60)
    p.add_argument('--k', type=int, default=512)
    p.add_argument('--reps', type=int, default=5)
    p.add_argument('--dtype', choices=['float32', 'float64'], default='float32')
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    a = p.parse_args()
    dtype = getattr(torch, a.dtype)
    device = torch.device(a.device)
    g = torch.Generator(device=device).manual_seed(0)
    centres = 8 * torch.rand((64, a.d), generator=g, device=device, dtype=dtype) - 4
    labels = torch.randint(0, 64, (a.n,), generator=g, device=device)
    x = centres[labels] + torch.randn((a.n, a.d), generator=g, device=device, dtype=dtype)
    weights = torch.full((a.k,), 1.0 / a.k, device=device, dtype=dtype)
    means = x[torch.linspace(0, a.n - 1, a.k, device=device).long()].clone()
    variances = torch.ones((a.k, a.d), device=device, dtype=dtype)

    def sync():
        if device.type == 'cuda':
            torch.cuda.synchronize()

    times = []
    for _ in range(a.reps + 1):
        sync()
        t = time.perf_counter()
        *_, avg_ll = em_iteration(x, weights, means, variances)
        sync()
        times.append(1000 * (time.perf_counter() - t))
    ms = statistics.median(times[1:])
    print(json.dumps({
        'anchor': 'torch', 'device': torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu',
        'torch': torch.__version__, 'dtype': a.dtype, 'n': a.n, 'd': a.d, 'k': a.k,
        'ms': ms, 'samples_ms': times[1:], 'gflops': 8 * a.n * a.d * a.k / ms / 1e6, 'avgLL': avg_ll,
    }))


if __name__ == '__main__':
    main()
