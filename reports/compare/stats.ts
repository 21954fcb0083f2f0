// The statistics behind a comparison of two results files. A results file
// keeps summaries, not raw samples, so each test here works from what the
// file has:
//
// - micro (tinybench): mean, rme and sample count. tinybench's rme is
//   t(0.975, n−1)·sem/mean·100, so the standard error of the mean comes back
//   exactly as sem = mean·rme/100 / t(0.975, n−1). Two means compare by
//   Welch's t on the log scale (`ratioOfMeans`).
// - cold start: median, min and max of a few fresh processes. Min and max are
//   enough for the most extreme outcome of the Wilcoxon–Mann–Whitney rank-sum
//   test: every head run beyond every base run (`rangeSeparation`).
//
// No dependency: Student's t quantile is computed here (incomplete beta by
// continued fraction, checked against table values in stats.test.ts).

// ---------------------------------------------------------------- special functions

/** ln Γ(x) for x > 0: Lanczos approximation (g = 7, 9 terms), ~15 significant digits. */
export function lnGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  }
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < c.length; i++) sum += c[i]! / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    // Even step.
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    // Odd step.
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the
  // symmetry I_x(a,b) = 1 − I_{1−x}(b,a) on the other side.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Standard normal quantile: Acklam's rational approximation (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p < pLow || p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log(p < pLow ? p : 1 - p));
    const x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    return p < pLow ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** P(T ≤ t) for Student's t with df degrees of freedom (df > 0, need not be an integer: Welch's df is not). */
export function tCdf(t: number, df: number): number {
  if (!Number.isFinite(df)) return 0.5 * (1 + erf(t / Math.SQRT2));
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5); // P(T > |t|)
  return t >= 0 ? 1 - tail : tail;
}

// erf for the df = ∞ (normal) case of tCdf: erf(x) = sign(x)·P(1/2, x²), the
// regularized lower incomplete gamma function, summed as its power series.
function erf(x: number): number {
  const s = Math.sign(x);
  const z = x * x;
  if (z === 0) return 0;
  if (z > 30) return s;
  let term = 1 / 0.5;
  let sum = term;
  for (let n = 1; n < 500; n++) {
    term *= z / (0.5 + n);
    sum += term;
    if (term < sum * 1e-16) break;
  }
  return s * sum * Math.exp(-z + 0.5 * Math.log(z) - lnGamma(0.5));
}

/**
 * Quantile of Student's t: the t with P(T ≤ t) = p. For df ≥ 1e4 the
 * Cornish–Fisher expansion around the normal quantile (error far below 1e-9
 * there); otherwise bisection on tCdf (monotone, so it cannot miss).
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new RangeError(`tQuantile(${p}, ${df}): need 0 < p < 1 and df > 0`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  const z = normalQuantile(p);
  if (df >= 1e4) {
    const z3 = z ** 3;
    const z5 = z ** 5;
    const z7 = z ** 7;
    return (
      z +
      (z3 + z) / (4 * df) +
      (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
      (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
    );
  }
  // Bracket [0, hi] with tCdf(hi) ≥ p, then bisect: tCdf is monotone, 200 halvings reach machine precision.
  let lo = 0;
  let hi = Math.max(1, 2 * z);
  while (tCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** n choose k, as a float (exact for the small counts used here). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) r = (r * (n - Math.min(k, n - k) + i)) / i;
  return r;
}

// ---------------------------------------------------------------- tests used by the comparison

/** A sample mean as tinybench reports it. */
export interface MeanSummary {
  mean: number;
  /** Relative margin of error of the mean at 95 %, percent: t(0.975, n−1)·sem/mean·100. */
  rme: number;
  /** Number of samples the mean is over. */
  n: number;
}

/** Standard error of the mean from tinybench's rme (which always uses the 97.5 % t quantile, df = n − 1). */
export function semFromRme(s: MeanSummary): number {
  return (Math.abs(s.mean) * s.rme) / 100 / tQuantile(0.975, s.n - 1);
}

export interface RatioInterval {
  /** head / base. */
  ratio: number;
  /** Confidence interval for the ratio of the true means. */
  ci: [number, number];
  /** Welch–Satterthwaite degrees of freedom used for the t quantile. */
  df: number;
  /** Standard error of ln(ratio). */
  seLog: number;
}

/**
 * Confidence interval for head.mean / base.mean: Welch's t on the log scale
 * with delta-method standard errors.
 *
 *   ln r = ln m_h − ln m_b,  se(ln m) ≈ sem/m  (delta method),
 *   se = √(se_b² + se_h²),   df = se⁴ / (se_b⁴/(n_b−1) + se_h⁴/(n_h−1))  (Welch–Satterthwaite),
 *   CI = exp(ln r ± t((1+c)/2, df)·se).
 *
 * Why the log scale rather than a symmetric delta-method interval for the
 * ratio itself: the interval stays positive, is asymmetric the way a ratio's
 * uncertainty is, and swapping base and head gives exactly the reciprocal
 * interval, so "A vs B" and "B vs A" always agree. Why Welch: the two runs'
 * variances differ (different samples counts, different noise). The delta
 * method needs small relative errors (sem/mean ≲ 0.1), which tinybench runs
 * have: rme is typically well under 10 %.
 *
 * What it does not cover: the sem is the within-run sampling error of the
 * mean. Run-to-run effects (CPU frequency, JIT decisions, a noisy neighbour)
 * are outside it, and tinybench's samples are serially correlated, so with
 * hundreds of thousands of samples a difference of a fraction of a percent
 * can be "significant" yet not reproduce. The answer is "larger than this
 * run's sampling noise"; a practical threshold on top of it (regressions())
 * decides what matters.
 */
export function ratioOfMeans(base: MeanSummary, head: MeanSummary, confidence = 0.95): RatioInterval {
  const seB = semFromRme(base) / base.mean;
  const seH = semFromRme(head) / head.mean;
  const varSum = seB ** 2 + seH ** 2;
  const se = Math.sqrt(varSum);
  const df = varSum === 0 ? Infinity : varSum ** 2 / (seB ** 4 / (base.n - 1) + seH ** 4 / (head.n - 1));
  const ln = Math.log(head.mean / base.mean);
  const half = tQuantile((1 + confidence) / 2, df) * se;
  return { ratio: head.mean / base.mean, ci: [Math.exp(ln - half), Math.exp(ln + half)], df, seLog: se };
}

/** A few runs summarized as median, min and max (cold start). */
export interface RangeSummary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export interface SeparationResult {
  /** head.median / base.median. */
  ratio: number;
  /** [head.min / base.max, head.max / base.min]: the smallest and largest pairwise ratio. */
  interval: [number, number];
  /** Exact confidence of that interval: 1 − 2/C(n_b+n_h, n_b). */
  level: number;
  /** Two-sided p-value of complete separation when it occurred (else undefined: the test has nothing finer to say). */
  p?: number;
  separated: 'head higher' | 'head lower' | 'overlap';
}

/**
 * Rank-sum (Wilcoxon–Mann–Whitney) test from min and max only.
 *
 * If base and head come from the same continuous distribution, all
 * C(n_b+n_h, n_b) orderings of the pooled runs are equally likely, and just
 * one puts every head run above every base run (U = 0): P = 1/C each side.
 * min and max tell exactly whether that happened. The matching interval, the
 * Hodges–Lehmann-type interval for a shift in log time with k = 1, runs from
 * the smallest to the largest pairwise ratio, [h.min/b.max, h.max/b.min], and
 * covers the true ratio with probability exactly 1 − 2/C under a scale-shift
 * model (head = θ·base in distribution); it excludes 1 exactly when the runs
 * separate. No normality assumption, which matters with 3 to 7 samples of a
 * skewed timing.
 *
 * The price: only complete separation counts, so it is conservative, and
 * 3 vs 3 runs can never reach 95 % (level 0.9); the caller then says "not
 * tested" instead of reporting a 90 % interval as if it were 95 %.
 */
export function rangeSeparation(base: RangeSummary, head: RangeSummary): SeparationResult {
  const c = binomial(base.n + head.n, base.n);
  const level = 1 - 2 / c;
  const separated = head.min > base.max ? 'head higher' : head.max < base.min ? 'head lower' : 'overlap';
  return {
    ratio: head.median / base.median,
    interval: [head.min / base.max, head.max / base.min],
    level,
    ...(separated !== 'overlap' ? { p: 2 / c } : {}),
    separated,
  };
}
