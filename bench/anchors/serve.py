"""The Python anchors as a child process of bench/run.mjs: one JSON request per line on
stdin, one JSON answer per line on stdout, so the bench can interleave Python runs with
its own and time both on the same data.

  {"cmd": "info"}                                         versions and BLAS threads
  {"cmd": "load", "path": "x.f32", "n": N, "d": D}        samples (float32 file, kept as float64)
  {"cmd": "run", "anchor": "numpy" | "sklearn" | "torch", "init": "init-K.f64", "k": K,
   "covariance": "diag" | "full" | "tied" | "spherical"}
      one EM iteration from the parameters in init (float64: weights, means, variances; other
      covariance types start from covariance_em.covariances_of the variances; numpy is diag
      only, torch diag, full and tied); answers {"ms", "avgLL", "meanChecksum"}

PyTorch is optional (python3-torch): "info" says whether it imported; it runs on the CPU with
as many threads as the machine has cores.
"""
import json
import os
import platform
import sys
import time

import numpy as np
import sklearn

import numpy_em
import sklearn_em

try:
    import torch

    import covariance_em
    import torch_em

    torch.set_num_threads(os.cpu_count())
except ImportError:
    torch = None


def diagonal(em_iteration):
    def run(x, weights, means, variances, covariance_type):
        if covariance_type != 'diag':
            raise ValueError(f'this anchor has diagonal covariances only, not {covariance_type}')
        _, new_means, _, avg_ll = em_iteration(x, weights, means, variances)
        return new_means, avg_ll

    return run


def sklearn_any(x, weights, means, variances, covariance_type):
    if covariance_type == 'diag':
        return diagonal(sklearn_em.em_iteration)(x, weights, means, variances, 'diag')
    covariances = covariance_em.covariances_of(variances, covariance_type)
    return covariance_em.sklearn_iteration(x, weights, means, covariances, covariance_type)


def torch_any(x, weights, means, variances, covariance_type):
    if torch is None:
        raise ValueError('PyTorch is not installed (apt-get install -y python3-torch)')
    x32 = torch_x(x)
    if covariance_type == 'diag':
        tensors = [torch.tensor(a, dtype=torch.float32) for a in (weights, means, variances)]
        _, new_means, _, avg_ll = torch_em.em_iteration(x32, *tensors)
        return new_means.numpy(), avg_ll
    covariances = covariance_em.covariances_of(variances, covariance_type)
    return covariance_em.torch_iteration(x32, weights, means, covariances, covariance_type)


_x32 = {}


def torch_x(x):
    """The samples as a float32 tensor, converted once per load."""
    if id(x) not in _x32:
        _x32.clear()
        _x32[id(x)] = torch.from_numpy(x.astype(np.float32))
    return _x32[id(x)]


ANCHORS = {'numpy': diagonal(numpy_em.em_iteration), 'sklearn': sklearn_any, 'torch': torch_any}


def info():
    try:
        from threadpoolctl import threadpool_info

        pools = [{k: p.get(k) for k in ('internal_api', 'num_threads', 'version')} for p in threadpool_info()]
    except ImportError:
        pools = []
    return {
        'python': platform.python_version(), 'numpy': np.__version__, 'sklearn': sklearn.__version__,
        'torch': torch.__version__ if torch else None, 'torchThreads': torch.get_num_threads() if torch else None,
        'threadpools': pools,
    }


def main():
    x = None
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if req['cmd'] == 'info':
                out = info()
            elif req['cmd'] == 'load':
                x = np.fromfile(req['path'], dtype=np.float32).reshape(req['n'], req['d']).astype(np.float64)
                out = {'ok': True}
            elif req['cmd'] == 'run':
                k, d = req['k'], x.shape[1]
                p = np.fromfile(req['init'], dtype=np.float64)
                weights, means, variances = p[:k], p[k : k + k * d].reshape(k, d), p[k + k * d :].reshape(k, d)
                t = time.perf_counter()
                covariance_type = req.get('covariance', 'diag')
                new_means, avg_ll = ANCHORS[req['anchor']](x, weights, means, variances, covariance_type)
                ms = 1000 * (time.perf_counter() - t)
                out = {'ms': ms, 'avgLL': avg_ll, 'meanChecksum': float(new_means.sum())}
            else:
                out = {'error': f"unknown command {req['cmd']}"}
        except Exception as error:  # reported to the bench, which shows it
            out = {'error': repr(error)}
        sys.stdout.write(json.dumps(out) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
