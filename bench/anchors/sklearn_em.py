"""One EM iteration of scikit-learn's GaussianMixture(covariance_type='diag'), float64.

fit(max_iter=1) with weights_init/means_init/precisions_init would also run its
initialisation (an m-step from random or k-means responsibilities) and input checks, so the
anchor sets the fitted attributes and calls the two steps fit() itself runs per iteration:
_e_step (log-likelihoods, logsumexp, log-responsibilities) and _m_step (statistics,
parameters, Cholesky factors of the precisions). These are private methods (checked with
scikit-learn 1.2); their cost is exactly that of one iteration of fit().
"""
import numpy as np
from sklearn.mixture import GaussianMixture


def em_iteration(x, weights, means, variances):
    """Returns (weights, means, variances, average log-likelihood of the e-step)."""
    gm = GaussianMixture(n_components=len(weights), covariance_type='diag')
    gm.weights_ = weights.copy()
    gm.means_ = means.copy()
    gm.covariances_ = variances.copy()
    gm.precisions_cholesky_ = 1.0 / np.sqrt(variances)
    log_prob_norm, log_resp = gm._e_step(x)
    gm._m_step(x, log_resp)
    return gm.weights_, gm.means_, gm.covariances_, float(log_prob_norm)
