"""The Python anchors as a child process of bench/run.mjs: one JSON request per line on
stdin, one JSON answer per line on stdout, so the bench can interleave Python runs with
its own and time both on the same data.

  {"cmd": "info"}                                         versions and BLAS threads
  {"cmd": "load", "path": "x.f32", "n": N, "d": D}        samples (float32 file, kept as float64)
  {"cmd": "run", "anchor": "numpy" | "sklearn", "init": "init-K.f64", "k": K}
      one EM iteration from the parameters in init (float64: weights, means, variances);
      answers {"ms", "avgLL", "meanChecksum"}
"""
import json
import platform
import sys
import time

import numpy as np
import sklearn

import numpy_em
import sklearn_em

ANCHORS = {'numpy': numpy_em.em_iteration, 'sklearn': sklearn_em.em_iteration}


def info():
    try:
        from threadpoolctl import threadpool_info

        pools = [{k: p.get(k) for k in ('internal_api', 'num_threads', 'version')} for p in threadpool_info()]
    except ImportError:
        pools = []
    return {'python': platform.python_version(), 'numpy': np.__version__, 'sklearn': sklearn.__version__, 'threadpools': pools}


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
                _, new_means, _, avg_ll = ANCHORS[req['anchor']](x, weights, means, variances)
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
