#!/usr/bin/env python3
"""Reference values for crates/numerics/src/firm_dynamics.rs and stats.rs (the stylised
facts' estimators), computed with NumPy and SciPy on the data the Rust tests draw from the
same SplitMix64 stream.

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install numpy scipy
    /tmp/ref/bin/python tools/reference/firm_dynamics.py

Printed with repr(): paste into the tests with this file named as their source.
"""
import math

import numpy as np
from scipy import optimize, special, stats

MASK = (1 << 64) - 1


class SplitMix64:
    """clusterlab_numerics::stats::SplitMix64 (Steele, Lea & Flood 2014)."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def next_f64(self):
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)


def uniforms(seed, n):
    g = SplitMix64(seed)
    return np.array([g.next_f64() + 0.5 / 9007199254740992.0 for _ in range(n)])


def pareto(seed, n, alpha):
    return (1.0 - uniforms(seed, n)) ** (-1.0 / alpha)


def laplace(seed, n):
    u = uniforms(seed, 2 * n)
    e = -np.log(1.0 - u[0::2])
    return np.where(u[1::2] < 0.5, -e, e)


def gaussian(seed, n):
    u = uniforms(seed, 2 * n)
    return np.sqrt(-2.0 * np.log(u[0::2])) * np.cos(2.0 * math.pi * u[1::2])


def hill(x, k):
    v = np.sort(x[x > 0])
    n = len(v)
    threshold = v[n - k - 1]
    return k / np.sum(np.log(v[n - k:] / threshold))


def plfit(x, min_tail=2):
    """Clauset's plfit.m, continuous case, transcribed: every distinct value but the largest
    as x_min; KS distance max |i/m - (1 - (xmin/z)^zeta)|, i = 0..m-1."""
    v = np.sort(x[x > 0])
    best = None
    for xmin in np.unique(v)[:-1]:
        z = v[v >= xmin]
        m = len(z)
        if m < min_tail:
            break
        zeta = m / np.sum(np.log(z / xmin))
        cx = np.arange(m) / m
        cf = 1.0 - (xmin / z) ** zeta
        d = np.max(np.abs(cf - cx))
        if best is None or d < best[3]:
            best = (xmin, m, zeta, d)
    return best


def subbotin_profile(x, b):
    """The location maximising the likelihood for shape b, and the log-likelihood there."""
    n = len(x)

    def s(mu):
        return np.mean(np.abs(x - mu) ** b)

    lo, hi = np.min(x), np.max(x)
    if b >= 1.0:
        mu = optimize.minimize_scalar(s, bounds=(lo, hi), method="bounded",
                                      options={"xatol": 1e-13}).x
    else:
        # Concave between data points: the minimum is at one of them.
        mu = min(x, key=s)
    a = s(mu) ** (1.0 / b)
    ll = -n * (math.log(2) + math.log(a) + math.log(b) / b + special.gammaln(1 + 1 / b) + 1 / b)
    return mu, a, ll


def subbotin(x):
    res = optimize.minimize_scalar(lambda lb: -subbotin_profile(x, math.exp(lb))[2],
                                   bounds=(math.log(0.1), math.log(20)), method="bounded",
                                   options={"xatol": 1e-12})
    b = math.exp(res.x)
    mu, a, ll = subbotin_profile(x, b)
    beta, loc, scale = stats.gennorm.fit(x)
    return dict(shape=b, scale=a, location=mu, log_likelihood=ll,
                gennorm_shape=beta, gennorm_loc=loc, gennorm_a=scale / beta ** (1 / beta))


def main():
    print("uniforms(1, 2)[0] =", repr(uniforms(1, 2)[0]))
    print("pareto(7, 1, 1.2)[0] =", repr(pareto(7, 1, 1.2)[0]))
    print("hill(pareto(7, 2000, 1.2), 200) =", repr(hill(pareto(7, 2000, 1.2), 200)))
    u, body = uniforms(21, 3000), uniforms(22, 3000)
    mix = np.where(np.arange(3000) % 2 == 0, (1.0 - u) ** (-1.0 / 1.5), 0.1 + 0.9 * body)
    print("plfit(mixture) (x_min, tail, zeta, D) =", tuple(map(repr, plfit(mix))))
    print("kurtosis(laplace(3, 500)) =", repr(stats.kurtosis(laplace(3, 500), fisher=False, bias=True)))
    print("gammaln(0.1), gammaln(1 + 1/0.7), gammaln(1 + 1/1.5) =",
          repr(special.gammaln(0.1)), repr(special.gammaln(1 + 1 / 0.7)), repr(special.gammaln(1 + 1 / 1.5)))
    print("subbotin(laplace(8, 2000)) =", subbotin(laplace(8, 2000)))
    print("subbotin(gaussian(9, 2000)) =", subbotin(gaussian(9, 2000)))
    x = np.arange(1, 11, dtype=float)
    y = 2.0 + 0.5 * x + 0.3 * gaussian(12, 10)
    r = stats.linregress(x, y)
    print("linregress: slope, intercept, stderr, r^2 =", repr(r.slope), repr(r.intercept),
          repr(r.stderr), repr(r.rvalue ** 2))
    print("spearmanr =", repr(stats.spearmanr([1, 2, 2, 3, 5, 4, 7], [2, 1, 4, 4, 6, 9, 8]).statistic))
    t = np.arange(40, dtype=float)
    curve = lambda t, k, r, m: k / (1 + np.exp(-r * (t - m)))
    noisy = curve(t, 0.7, 0.3, 18.0) + 0.02 * gaussian(13, 40)
    p, _ = optimize.curve_fit(curve, t, noisy, p0=[0.7, 0.3, 18.0], xtol=1e-14, ftol=1e-14)
    print("curve_fit (ceiling, rate, midpoint) =", tuple(map(repr, p)))
    # Student's t interval of the mean and the ratio-of-means interval (stats.rs).
    v = np.array([0.31, 0.27, 0.45, 0.38, 0.29, 0.33])
    lo, hi = stats.t.interval(0.95, len(v) - 1, loc=v.mean(), scale=stats.sem(v))
    print("t interval of", list(v), "=", repr(v.mean()), repr(lo), repr(hi))
    a = np.array([0.20, 0.25, 0.18, 0.30, 0.22])
    b = np.array([0.05, 0.08, 0.04, 0.10, 0.06])
    r = a.mean() / b.mean()
    d = a - r * b
    half = stats.t.ppf(0.975, len(a) - 1) * d.std(ddof=1) / math.sqrt(len(a)) / b.mean()
    print("ratio of means and its interval =", repr(r), repr(r - half), repr(r + half))


def subbotin_at(x, mu):
    """Shape and scale by maximum likelihood with the location given."""
    n = len(x)

    def negll(lb):
        b = math.exp(lb)
        a = np.mean(np.abs(x - mu) ** b) ** (1.0 / b)
        return n * (math.log(2) + math.log(a) + math.log(b) / b + special.gammaln(1 + 1 / b) + 1 / b)

    res = optimize.minimize_scalar(negll, bounds=(math.log(0.1), math.log(20)), method="bounded",
                                   options={"xatol": 1e-12})
    b = math.exp(res.x)
    return dict(shape=b, scale=np.mean(np.abs(x - mu) ** b) ** (1.0 / b), log_likelihood=-res.fun)


def main_location():
    x = laplace(8, 2000)
    print("subbotin_at(laplace(8, 2000), median) =", subbotin_at(x, np.median(x)))
    print("subbotin_at(gaussian(9, 2000), 0) =", subbotin_at(gaussian(9, 2000), 0.0))


if __name__ == "__main__":
    main()
    main_location()
