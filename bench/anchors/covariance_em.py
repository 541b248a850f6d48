"""One EM iteration per covariance type ('diag', 'full', 'tied', 'spherical'): scikit-learn
(float64) and PyTorch float32 in GEMM form, the anchors of bench/covariances.mjs.

scikit-learn: the fitted attributes are set and the two steps fit() runs per iteration are
called (_e_step, _m_step; see sklearn_em.py), reg_covar 1e-6 as tfjs-em's regCovar.

PyTorch: the GEMM form of torch_em.py generalised, float32, chunks of 32768 rows. Full
covariances: log N from features [x x^T, x] (D^2 + D per row) against each Gaussian's
[-P/2, P mu] (P its precision), and the statistics R^T [x x^T, x]: two GEMMs of N D^2 K.
Tied: x^T P x once per row and x P mu_k as a GEMM. Second moments are raw (E[xx^T] - mu mu^T),
as a GEMM-form EM has them. On this kind of machine the per-Gaussian whitened form
(matmul of x by each inverse Cholesky factor) was 1.7x slower, so the anchor is its
fastest form.
"""
import math

import numpy as np
import torch
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky

CHUNK = 32768
REG_COVAR = 1e-6


def sklearn_iteration(x, weights, means, covariances, covariance_type):
    """Returns (new means, average log-likelihood of the e-step)."""
    gm = GaussianMixture(n_components=len(weights), covariance_type=covariance_type, reg_covar=REG_COVAR)
    gm.weights_, gm.means_, gm.covariances_ = weights.copy(), means.copy(), covariances.copy()
    gm.precisions_cholesky_ = _compute_precision_cholesky(gm.covariances_, covariance_type)
    log_prob_norm, log_resp = gm._e_step(x)
    gm._m_step(x, log_resp)
    return gm.means_, float(log_prob_norm)


def _pass(x, k, log_prob, second):
    """One pass over x in chunks: log_prob(xc) -> ([rows, K] log-weighted likelihoods, what
    second needs of the chunk), second(xc, r, that) -> the chunk's second-order statistics.
    Returns (n_k, R^T x, sum of second, average log-likelihood)."""
    n, d = x.shape
    n_k, sum_x, sum_second = torch.zeros(k), torch.zeros(k, d), 0
    log_likelihood = 0.0
    for start in range(0, n, CHUNK):
        xc = x[start : start + CHUNK]
        logp, kept = log_prob(xc)
        lse = torch.logsumexp(logp, dim=1, keepdim=True)
        r = logp.sub_(lse).exp_()
        log_likelihood += float(lse.sum())
        n_k += r.sum(0)
        sum_x += r.T @ xc
        sum_second = sum_second + second(xc, r, kept)
    return n_k.clamp_min(torch.finfo(x.dtype).eps), sum_x, sum_second, log_likelihood / n


def _bias(weights, means, pm, logdet, d):
    return torch.log(weights) - 0.5 * (d * math.log(2 * math.pi) + logdet + (means * pm).sum(1))


def _full(x, weights, means, covariances):
    d, k = x.shape[1], len(weights)
    precisions = torch.linalg.inv(covariances)
    logdet = 2 * torch.log(torch.diagonal(torch.linalg.cholesky(covariances), dim1=1, dim2=2)).sum(1)
    w_sq = (-0.5 * precisions).reshape(k, d * d).T.contiguous()
    pm = torch.einsum('kde,ke->kd', precisions, means)
    bias, w_lin = _bias(weights, means, pm, logdet, d), pm.T.contiguous()

    def log_prob(xc):
        xx = (xc[:, :, None] * xc[:, None, :]).reshape(-1, d * d)
        return torch.addmm(bias, xx, w_sq).addmm_(xc, w_lin), xx

    nk, sum_x, sum_xx, avg_ll = _pass(x, k, log_prob, lambda xc, r, xx: r.T @ xx)
    new_means = sum_x / nk[:, None]
    new_cov = sum_xx.reshape(k, d, d) / nk[:, None, None] - new_means[:, :, None] * new_means[:, None, :]
    return new_means, new_cov + REG_COVAR * torch.eye(d), avg_ll


def _tied(x, weights, means, covariance):
    d, k = x.shape[1], len(weights)
    precision = torch.linalg.inv(covariance)
    logdet = 2 * torch.log(torch.diagonal(torch.linalg.cholesky(covariance))).sum()
    pm = means @ precision
    bias, w_lin = _bias(weights, means, pm, logdet, d), pm.T.contiguous()

    def log_prob(xc):
        return torch.addmm(bias, xc, w_lin).sub_(0.5 * ((xc @ precision) * xc).sum(1, keepdim=True)), None

    nk, sum_x, sum_xx, avg_ll = _pass(x, k, log_prob, lambda xc, r, _: xc.T @ xc)
    new_means = sum_x / nk[:, None]
    new_cov = (sum_xx - new_means.T @ (nk[:, None] * new_means)) / x.shape[0]
    return new_means, new_cov + REG_COVAR * torch.eye(d), avg_ll


def torch_iteration(x, weights, means, covariances, covariance_type):
    """x: a float32 tensor; the parameters float64 arrays. Returns (new means, average log-likelihood)."""
    as_tensor = lambda a: torch.tensor(a, dtype=x.dtype)
    step = {'full': _full, 'tied': _tied}[covariance_type]
    new_means, _, avg_ll = step(x, as_tensor(weights), as_tensor(means), as_tensor(covariances))
    return new_means.numpy(), avg_ll


def covariances_of(variances, covariance_type):
    """The start's covariances in scikit-learn's layout, from diagonal variances [K, D]:
    full diag(v_k); tied diag(mean_k v_k); spherical mean_d v_k; diag v."""
    if covariance_type == 'full':
        return np.stack([np.diag(v) for v in variances])
    if covariance_type == 'tied':
        return np.diag(variances.mean(0))
    if covariance_type == 'spherical':
        return variances.mean(1)
    return variances
