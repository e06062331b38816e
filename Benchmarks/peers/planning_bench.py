#!/usr/bin/env python3
"""The Python equivalents of qflow-bench's issue-20 statistics calls (SciPy / statsmodels / NumPy), timed in one
process. Prints one line per call: its case name, a tab, microseconds per call. Run with the peers' venv
(../shared/bench/run-peers.sh setup installs scipy and statsmodels there); qflow-bench runs it beside R."""
import math
import time
import warnings

import numpy as np
from scipy import stats
from scipy.stats.contingency import odds_ratio
import statsmodels.api as sm
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_effectsize
from statsmodels.stats.diagnostic import acorr_breusch_godfrey
from statsmodels.stats.stattools import durbin_watson

warnings.simplefilter("ignore")


def tm(name, reps, fn):
    fn()
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    print(f"{name}\t{1e6 * (time.perf_counter() - t0) / reps}", flush=True)


p1, p2 = 229 / 233, 221 / 233
h = proportion_effectsize(p1, p2)
tm("power_proportions (normal)", 3000, lambda: NormalIndPower().power(effect_size=h, nobs1=233, alpha=0.05))
tm("sample size, two proportions", 300,
   lambda: NormalIndPower().solve_power(effect_size=h, power=0.8, alpha=0.05))


def mcnemar_power(n, p01, p10, alpha=0.05):
    psi = p01 + p10
    total = 0.0
    for d in range(1, n + 1):
        b = np.arange(d + 1)
        pv = np.minimum(1, 2 * stats.binom.cdf(np.minimum(b, d - b), d, 0.5))
        total += stats.binom.pmf(d, n, psi) * stats.binom.pmf(b, d, p01 / psi)[pv <= alpha].sum()
    return total


tm("power_mcnemar (exact, 200 pairs)", 5, lambda: mcnemar_power(200, 0.15, 0.05))


def welch_power(delta, sd1, sd2, n1, n2, alpha=0.05):
    va, vb = sd1 ** 2 / n1, sd2 ** 2 / n2
    df = (va + vb) ** 2 / (va ** 2 / (n1 - 1) + vb ** 2 / (n2 - 1))
    return stats.nct.sf(stats.t.isf(alpha / 2, df), df, abs(delta) / math.sqrt(va + vb))


tm("power_welch", 3000, lambda: welch_power(5, 8, 12, 30, 45))
tm("sample size, Welch", 100, lambda: TTestIndPower().solve_power(effect_size=1, power=0.8, alpha=0.05))
table = np.array([[229, 4], [221, 12]])
tm("conditional OR + exact CI", 100, lambda: odds_ratio(table, kind="conditional").confidence_interval())

x = 50 + 10 * np.sin(np.arange(60) * 1.7) + np.arange(60) % 7
y = 46 + 12 * np.cos(np.arange(70) * 1.3) + np.arange(70) % 5


def hodges_lehmann(a, b):
    # SciPy has no Hodges–Lehmann interval: the median of the pairwise differences, and the interval by inverting
    # the asymptotic Mann–Whitney test (continuity-corrected) over the sorted distinct differences by bisection,
    # as R's wilcox.test(conf.int = TRUE, exact = FALSE) does with uniroot.
    d = np.unique(np.subtract.outer(a, b).ravel())
    est = np.median(np.subtract.outer(a, b))
    half = len(a) * len(b) / 2

    def side(shift):  # +1: rejected with a above b, -1: rejected with a below b, 0: not rejected
        u = stats.mannwhitneyu(a - shift, b, alternative="two-sided", use_continuity=True, method="asymptotic")
        return 0 if u.pvalue >= 0.05 else (1 if u.statistic > half else -1)

    def first(pred):
        lo, hi = 0, len(d) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if pred(d[mid]):
                hi = mid
            else:
                lo = mid + 1
        return d[lo]

    return est, first(lambda v: side(v) < 1), first(lambda v: side(v) == -1)


tm("Hodges–Lehmann + CI (60 vs 70)", 50, lambda: hodges_lehmann(x, y))

ev = np.array([171, 168, 175, 170, 166, 172, 169, 174, 171, 167, 173, 170, 186, 188, 185, 190, 189, 192, 191, 190,
               194, 193, 195, 196])
yy = ev / 200
tt = np.arange(24)
D = (tt >= 12).astype(float)
s = D * (tt - 12)
X = sm.add_constant(np.column_stack([tt, D, s]))


def its():
    # The same outputs as qflow's call (see the R script in PlanningBench.swift): HAC and OLS standard errors, t, p
    # and intervals, the post-intervention slope, fitted and counterfactual lines, Durbin–Watson, lag-1
    # autocorrelation and Breusch–Godfrey of order 2.
    ols = sm.OLS(yy, X).fit()
    hac = ols.get_robustcov_results(cov_type="HAC", maxlags=2, use_correction=False)
    w = np.array([0, 1, 0, 1])
    post, post_se = w @ hac.params, math.sqrt(w @ hac.cov_params() @ w)
    tvalues, pvalues, ci = hac.tvalues, hac.pvalues, hac.conf_int()
    e = ols.resid
    cf = ols.params[0] + ols.params[1] * tt
    r1 = np.sum(e[1:] * e[:-1]) / np.sum(e ** 2)
    return (tvalues, pvalues, ci, ols.bse, post / post_se, ols.fittedvalues, cf, durbin_watson(e), r1,
            acorr_breusch_godfrey(ols, nlags=2))


tm("ITS, 24 months, Newey–West", 300, its)

xl = np.array([14210, 14262, 14180, 14301, 14255, 14190, 14320, 14240, 14270, 14205, 14290, 14060])
nl = np.full(12, 15000)


def laney_anhoj():
    p = xl.sum() / nl.sum()
    sg = np.sqrt(p * (1 - p) / nl)
    z = (xl / nl - p) / sg
    sz = np.mean(np.abs(np.diff(z))) / 1.128
    upper, lower = p + 3 * sg * sz, p - 3 * sg * sz
    pc = stats.chi2.sf(np.sum(z ** 2), 11)
    r = np.sign(xl / nl - p)
    r = r[r != 0]
    runs = np.diff(np.flatnonzero(np.diff(np.concatenate(([0], r, [0])) != 0)))
    crossings = np.count_nonzero(np.diff(r))
    limit = stats.binom.ppf(0.05, len(r) - 1, 0.5)
    return upper, lower, pc, runs.max() > round(math.log2(len(r))) + 3, crossings < limit


tm("Laney p′ + dispersion + Anhøj", 3000, laney_anhoj)
