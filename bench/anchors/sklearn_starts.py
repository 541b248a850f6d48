"""scikit-learn GaussianMixture (diag) fitted from its default start on each data set of the
start-quality benchmark: one JSON line per fit, {set, seed, average} (the average
log-likelihood per sample of the training data), and the best of n_init restarts per set.

python3 sklearn_starts.py FOLDER   (FOLDER holds set-<i>.npy and sets.json from bench/startQuality.mjs)
"""
import json
import sys
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

warnings.simplefilter("ignore", ConvergenceWarning)

folder = sys.argv[1]
sets = json.load(open(f"{folder}/sets.json"))
for s in sets:
    x = np.load(f"{folder}/set-{s['index']}.npy")
    def fit(seed, n_init=1):
        gm = GaussianMixture(s["k"], covariance_type="diag", random_state=seed, max_iter=500, tol=1e-8, reg_covar=1e-6, n_init=n_init)
        gm.fit(x)
        return float(gm.score(x))
    for seed in range(s["seeds"]):
        print(json.dumps({"set": s["index"], "seed": seed, "average": fit(seed)}), flush=True)
    print(json.dumps({"set": s["index"], "best": max(fit(100 + r, 10) for r in range(2))}), flush=True)
