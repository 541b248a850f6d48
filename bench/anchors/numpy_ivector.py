"""The i-vector algebra of bob.learn.em's ivector.py in numpy float64, batched over utterances
(BLAS products over chunks of CHUNK utterances, LAPACK solves and inverses of each chunk),
as the anchor of bench/ivector.mjs. Reads the problem from a folder of float64 files written by
the bench (n [U, C], f [U, C, D]: first moments about the UBM's means, s [U, C, D]: second
moments about them, t [C, D, R], sigma [C, D]) and prints JSON: the median milliseconds of the
extraction of every utterance and of one T-matrix EM iteration (e-step sums and m-step), and
the i-vectors of the first utterances and the new T's first values, to compare.

  python3 numpy_ivector.py FOLDER U C D R REPS
"""
import json
import os
import sys
import time

import numpy as np


def load(folder, name, shape):
    return np.fromfile(os.path.join(folder, name), dtype='<f8').reshape(shape)


# Utterances per chunk: A for a chunk ([chunk, R, R] float64) stays near 300 MB at R 400.
CHUNK = 256


def precision_terms(t, sigma):
    # T_c^T Sigma_c^-1 T_c per Gaussian, [C, R, R], as C BLAS products
    return np.matmul((t / sigma[:, :, None]).transpose(0, 2, 1), t)


def posteriors(n, f, t, sigma, terms):
    u, c = n.shape
    r = t.shape[2]
    a = (n @ terms.reshape(c, r * r)).reshape(u, r, r)
    a[:, np.arange(r), np.arange(r)] += 1
    b = f.reshape(u, -1) @ (t / sigma[:, :, None]).reshape(-1, r)
    return a, b


def extract(n, f, t, sigma):
    terms = precision_terms(t, sigma)
    out = []
    for at in range(0, len(n), CHUNK):
        a, b = posteriors(n[at:at + CHUNK], f[at:at + CHUNK], t, sigma, terms)
        out.append(np.linalg.solve(a, b[..., None])[..., 0])
    return np.concatenate(out)


def em_iteration(n, f, s, t, sigma, floor=1e-10):
    c, d, r = t.shape
    terms = precision_terms(t, sigma)
    acc_a = np.zeros((c, r * r))  # sum N_c E[w w^T]
    acc_c = np.zeros((c * d, r))  # sum F~_c w^T
    for at in range(0, len(n), CHUNK):
        nc, fc = n[at:at + CHUNK], f[at:at + CHUNK]
        a, b = posteriors(nc, fc, t, sigma, terms)
        cov = np.linalg.inv(a)
        w = (cov @ b[..., None])[..., 0]
        eww = cov + w[:, :, None] * w[:, None, :]
        acc_a += nc.T @ eww.reshape(len(nc), r * r)
        acc_c += fc.reshape(len(nc), -1).T @ w
    acc_a = acc_a.reshape(c, r, r)
    acc_c = acc_c.reshape(c, d, r)
    new_t = np.linalg.solve(acc_a, acc_c.transpose(0, 2, 1)).transpose(0, 2, 1)
    explained = np.einsum('cdr,cdr->cd', acc_c, new_t)
    new_sigma = np.maximum(floor, (s.sum(0) - explained) / n.sum(0)[:, None])
    return new_t, new_sigma


def timed(fn, reps):
    times, out = [], None
    for _ in range(reps):
        start = time.perf_counter()
        out = fn()
        times.append(1000 * (time.perf_counter() - start))
    return sorted(times)[len(times) // 2], out


def main():
    folder, u, c, d, r, reps = sys.argv[1], *map(int, sys.argv[2:7])
    n, f, s = load(folder, 'n', (u, c)), load(folder, 'f', (u, c, d)), load(folder, 's', (u, c, d))
    t, sigma = load(folder, 't', (c, d, r)), load(folder, 'sigma', (c, d))
    extract_ms, ivectors = timed(lambda: extract(n, f, t, sigma), reps)
    em_ms, (new_t, _) = timed(lambda: em_iteration(n, f, s, t, sigma), reps)
    print(json.dumps({'extractMs': extract_ms, 'emMs': em_ms, 'ivectors': ivectors[:4].tolist(), 'newT': new_t.ravel()[:200].tolist(),
                      'numpy': np.__version__, 'threads': os.cpu_count()}))


if __name__ == '__main__':
    main()
