import { LbbenchError } from '../errors.js';

// Lanczos approximation (g = 7, 9 terms) of ln Γ(x); accurate to ~15 digits for x > 0.
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;
const MAX_ITERATIONS = 500;
const EPSILON = 1e-15;
const TINY = 1e-300;

/** ln Γ(x) for x > 0 (Lanczos approximation, reflection formula below 0.5). */
export function logGamma(x: number): number {
  if (x < 0.5) {
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const shifted = x - 1;
  let series = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) {
    series += (LANCZOS_COEFFICIENTS[i] ?? 0) / (shifted + i);
  }
  const t = shifted + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}

/** Regularized lower incomplete gamma P(a, x) by its power series; converges fast for x < a + 1. */
function getGammaPBySeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Regularized upper incomplete gamma Q(a, x) by its continued fraction (modified Lentz); for x ≥ a + 1. */
function getGammaQByContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), for a > 0 and x ≥ 0. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) {
    throw new LbbenchError('LBB_INTERNAL', `regularizedGammaQ needs a > 0 and x ≥ 0, got a=${a}, x=${x}`);
  }
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  const q = x < a + 1 ? 1 - getGammaPBySeries(a, x) : getGammaQByContinuedFraction(a, x);
  return Math.min(1, Math.max(0, q));
}

/** P(X > x) for a chi-square variable with `df` degrees of freedom; 1 when df is 0 (no freedom, no evidence). */
export function chi2PValue(x: number, df: number): number {
  if (df <= 0 || x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

/** P(X ≤ x) for a chi-square variable with `df` ≥ 1 degrees of freedom. */
export function chi2Cdf(x: number, df: number): number {
  return 1 - chi2PValue(x, df);
}

/**
 * The p-quantile of the chi-square distribution with `df` ≥ 1 degrees of freedom, by bisection on {@link chi2Cdf}.
 * @throws LbbenchError when p is outside [0, 1) or df < 1.
 */
export function chi2Quantile(p: number, df: number): number {
  if (!(p >= 0 && p < 1) || !(df >= 1)) {
    throw new LbbenchError('LBB_INTERNAL', `chi2Quantile needs 0 ≤ p < 1 and df ≥ 1, got p=${p}, df=${df}`);
  }
  if (p === 0) return 0;
  let low = 0;
  let high = Math.max(1, df);
  while (chi2Cdf(high, df) < p) {
    low = high;
    high *= 2;
  }
  // The CDF is monotone, so bisection converges; 200 halvings reach float precision for any bracket.
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const middle = (low + high) / 2;
    if (chi2Cdf(middle, df) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
