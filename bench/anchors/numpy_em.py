"""One EM iteration of a diagonal-covariance GMM in numpy, float64, GEMM form.

log(w_k N(x | mu_k, var_k)) = [x^2, x] @ [-0.5 / var; mu / var] + b_k: two matrix products
per chunk for the log-likelihoods, two for the statistics (R^T x, R^T x^2); logsumexp and
exp in between. Chunks of 16384 rows keep the [rows, K] intermediates small (the same bound
as the library's); the products stay large enough for BLAS to run at full speed.

Standalone: python3 numpy_em.py --n 200000 --d 60 --k 256 [--reps 3]
"""
import argparse
import json
import time

import numpy as np

LOG_2PI = np.log(2 * np.pi)
CHUNK = 16384
EPSILON = np.finfo(np.float64).eps


def e_step(x, weights, means, variances):
    """Statistics (n_k, sum r x, sum r x^2, sum log p) over the rows of x."""
    k, d = means.shape
    precisions = 1.0 / variances
    w_sq = (-0.5 * precisions).T  # [D, K]
    w_lin = (means * precisions).T  # [D, K]
    bias = np.log(weights) - 0.5 * (d * LOG_2PI + np.log(variances).sum(1) + (means**2 * precisions).sum(1))
    n_k = np.zeros(k)
    sum_x = np.zeros((k, d))
    sum_xx = np.zeros((k, d))
    log_likelihood = 0.0
    for start in range(0, x.shape[0], CHUNK):
        xc = x[start : start + CHUNK]
        xx = xc * xc
        r = xx @ w_sq
        r += xc @ w_lin
        r += bias
        top = r.max(axis=1, keepdims=True)
        r -= top
        np.exp(r, out=r)
        total = r.sum(axis=1, keepdims=True)
        r /= total
        log_likelihood += float((np.log(total) + top).sum())
        n_k += r.sum(axis=0)
        sum_x += r.T @ xc
        sum_xx += r.T @ xx
    return n_k, sum_x, sum_xx, log_likelihood


def em_iteration(x, weights, means, variances):
    """E-step, then the ML m-step of every parameter (the library's order and floors).
    Returns (weights, means, variances, average log-likelihood of the e-step)."""
    n_k, sum_x, sum_xx, log_likelihood = e_step(x, weights, means, variances)
    n = np.maximum(n_k, EPSILON)[:, None]
    new_means = sum_x / n
    new_variances = np.maximum(sum_xx / n - new_means**2, EPSILON)
    return n_k / x.shape[0], new_means, new_variances, log_likelihood / x.shape[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--n', type=int, default=200000)
    parser.add_argument('--d', type=int, default=60)
    parser.add_argument('--k', type=int, default=256)
    parser.add_argument('--reps', type=int, default=3)
    a = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((a.n, a.d))
    weights = np.full(a.k, 1.0 / a.k)
    means = x[rng.choice(a.n, a.k, replace=False)]
    variances = np.ones((a.k, a.d))
    times = []
    for _ in range(a.reps + 1):
        t = time.perf_counter()
        em_iteration(x, weights, means, variances)
        times.append(1000 * (time.perf_counter() - t))
    ms = float(np.median(times[1:]))
    print(json.dumps({'anchor': 'numpy', 'n': a.n, 'd': a.d, 'k': a.k, 'ms': ms, 'gflops': 8 * a.n * a.d * a.k / ms / 1e6}))


if __name__ == '__main__':
    main()
