import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  binomial,
  incompleteBeta,
  lnGamma,
  normalQuantile,
  rangeSeparation,
  ratioOfMeans,
  semFromRme,
  tCdf,
  tQuantile,
} from './stats.ts';

const close = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ${tol} of ${expected}`);

test('lnGamma matches known values', () => {
  close(lnGamma(1), 0, 1e-13);
  close(lnGamma(5), Math.log(24), 1e-12);
  close(lnGamma(0.5), 0.5 * Math.log(Math.PI), 1e-12); // Γ(1/2) = √π
  close(lnGamma(10.5), Math.log(1133278.3889487855), 1e-10); // Γ(10.5) = 1133278.388…
});

test('incompleteBeta: closed forms', () => {
  // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1−x)^b.
  close(incompleteBeta(0.3, 1, 1), 0.3, 1e-12);
  close(incompleteBeta(0.6, 3, 1), 0.216, 1e-12);
  close(incompleteBeta(0.2, 1, 4), 1 - 0.8 ** 4, 1e-12);
  assert.equal(incompleteBeta(0, 2, 3), 0);
  assert.equal(incompleteBeta(1, 2, 3), 1);
});

test('normalQuantile matches the normal table', () => {
  close(normalQuantile(0.975), 1.959964, 1e-6);
  close(normalQuantile(0.995), 2.575829, 1e-6);
  close(normalQuantile(0.05), -1.644854, 1e-6);
  close(normalQuantile(0.001), -3.090232, 1e-6);
  assert.equal(normalQuantile(0.5), 0);
});

test('tQuantile matches Student t tables', () => {
  // Two-sided 95 % column of any t table, plus a few others.
  const table: [p: number, df: number, t: number][] = [
    [0.975, 1, 12.7062],
    [0.975, 2, 4.3027],
    [0.975, 5, 2.5706],
    [0.975, 10, 2.2281],
    [0.975, 19, 2.093],
    [0.975, 30, 2.0423],
    [0.975, 100, 1.984],
    [0.95, 10, 1.8125],
    [0.995, 5, 4.0321],
    [0.995, 30, 2.75],
  ];
  for (const [p, df, t] of table) close(tQuantile(p, df), t, 1e-4, `t(${p}, ${df})`);
  // Large df: the Cornish–Fisher branch, continuous with the bisection branch and tending to z.
  close(tQuantile(0.975, 9999), tQuantile(0.975, 10000), 1e-7, 'branch seam');
  close(tQuantile(0.975, 1e9), 1.959964, 1e-6, 'df → ∞');
  // Symmetry, and the median.
  close(tQuantile(0.025, 7), -tQuantile(0.975, 7), 1e-12);
  assert.equal(tQuantile(0.5, 3), 0);
  // Non-integer df (Welch): between its integer neighbours.
  const t = tQuantile(0.975, 3.5);
  assert.ok(t < tQuantile(0.975, 3) && t > tQuantile(0.975, 4));
  assert.throws(() => tQuantile(1, 3), RangeError);
  assert.throws(() => tQuantile(0.9, 0), RangeError);
});

test('tCdf inverts tQuantile; df = ∞ is the normal distribution', () => {
  close(tCdf(2.228139, 10), 0.975, 1e-6);
  close(tCdf(-1, Infinity), 0.158655, 1e-6); // Φ(−1)
  close(tCdf(tQuantile(0.9, 4.2), 4.2), 0.9, 1e-10);
});

test('binomial', () => {
  assert.equal(binomial(6, 3), 20);
  assert.equal(binomial(8, 4), 70);
  assert.equal(binomial(14, 7), 3432);
  assert.equal(binomial(5, 0), 1);
  assert.equal(binomial(3, 4), 0);
});

test('semFromRme undoes tinybench: rme = t(0.975, n−1)·sem/mean·100', () => {
  // n = 10: t(0.975, 9) = 2.262157; mean 200, rme 2.262157 % → sem = 200·0.02262157/2.262157 = 2.
  close(semFromRme({ mean: 200, rme: 2.262157, n: 10 }), 2, 1e-5);
});

test('ratioOfMeans: 100 ±1 % vs 110 ±1 %, 50 samples each → slower, CI ≈ [1.0847, 1.1155]', () => {
  // By hand: sem/mean = 0.01 / t(0.975, 49) = 0.01 / 2.009575 = 0.0049762 on each side;
  // se(ln r) = √2 · 0.0049762 = 0.0070374; Welch df with equal parts = 2·49 = 98;
  // t(0.975, 98) = 1.984467; half-width = 0.013965;
  // CI = 1.1 · exp(±0.013965) = [1.08474, 1.11547].
  const r = ratioOfMeans({ mean: 100, rme: 1, n: 50 }, { mean: 110, rme: 1, n: 50 });
  close(r.ratio, 1.1, 1e-12);
  close(r.df, 98, 1e-9);
  close(r.seLog, 0.0070374, 1e-6);
  close(r.ci[0], 1.08474, 1e-5);
  close(r.ci[1], 1.11547, 1e-5);
  assert.ok(r.ci[0] > 1, 'whole interval above 1: slower');
});

test('ratioOfMeans: 100 ±2 % vs 101 ±2 %, 20 samples each → interval contains 1', () => {
  // sem/mean = 0.02 / t(0.975, 19) = 0.02 / 2.093024 = 0.0095556; se = √2·that = 0.0135136;
  // df = 38, t(0.975, 38) = 2.024394, half = 0.027357; ln 1.01 = 0.0099503;
  // CI = [exp(−0.017407), exp(0.037307)] = [0.98274, 1.03801].
  const r = ratioOfMeans({ mean: 100, rme: 2, n: 20 }, { mean: 101, rme: 2, n: 20 });
  close(r.ci[0], 0.98274, 1e-5);
  close(r.ci[1], 1.03801, 1e-5);
  assert.ok(r.ci[0] < 1 && r.ci[1] > 1);
});

test('ratioOfMeans: unequal spreads and counts use Welch–Satterthwaite df', () => {
  // base 100 ±1 % n=10: sb = 0.01 / t(0.975, 9) = 0.01 / 2.262157 = 0.0044206
  // head 120 ±4 % n=30: sh = 0.04 / t(0.975, 29) = 0.04 / 2.045230 = 0.0195577
  // v = sb² + sh² = 1.95417e-5 + 3.82504e-4 = 4.02046e-4, se = 0.0200511
  // df = v² / (sb⁴/9 + sh⁴/29) = 1.61641e-7 / (4.2431e-11 + 5.04525e-9) = 31.77
  // t(0.975, 31.77) = 2.03751, half = 0.040854; CI = 1.2·exp(±0.040854) = [1.15196, 1.25004].
  const r = ratioOfMeans({ mean: 100, rme: 1, n: 10 }, { mean: 120, rme: 4, n: 30 });
  close(r.df, 31.77, 0.01);
  close(r.ci[0], 1.15196, 1e-4);
  close(r.ci[1], 1.25004, 1e-4);
});

test('ratioOfMeans: swapping base and head gives the reciprocal interval; higher confidence is wider', () => {
  const a = { mean: 100, rme: 1, n: 50 };
  const b = { mean: 110, rme: 1, n: 50 };
  const ab = ratioOfMeans(a, b);
  const ba = ratioOfMeans(b, a);
  close(ba.ci[0], 1 / ab.ci[1], 1e-12);
  close(ba.ci[1], 1 / ab.ci[0], 1e-12);
  // 99 %: t(0.995, 98) = 2.626931, half = 0.018487 → [1.07985, 1.12052].
  const wide = ratioOfMeans(a, b, 0.99);
  close(wide.ci[0], 1.07985, 1e-5);
  close(wide.ci[1], 1.12052, 1e-5);
});

test('rangeSeparation: 4 vs 4 runs, every head run slower', () => {
  // Orderings of 8 runs into 4+4: C(8,4) = 70; one of them puts all head above all base.
  // Level 1 − 2/70 = 0.971429; interval = [13/12, 15/10]; ratio of medians 14/11.
  const r = rangeSeparation({ median: 11, min: 10, max: 12, n: 4 }, { median: 14, min: 13, max: 15, n: 4 });
  assert.equal(r.separated, 'head higher');
  close(r.level, 0.971429, 1e-6);
  close(r.p!, 2 / 70, 1e-12);
  close(r.interval[0], 13 / 12, 1e-12);
  close(r.interval[1], 1.5, 1e-12);
  close(r.ratio, 14 / 11, 1e-12);
});

test('rangeSeparation: overlapping runs, and 3 vs 3 reaching only 90 %', () => {
  const r = rangeSeparation({ median: 11, min: 10, max: 12, n: 3 }, { median: 11.5, min: 11, max: 13, n: 3 });
  assert.equal(r.separated, 'overlap');
  assert.equal(r.p, undefined);
  close(r.level, 0.9, 1e-12); // 1 − 2/C(6,3) = 1 − 2/20
  assert.ok(r.interval[0] < 1 && r.interval[1] > 1);
  const lower = rangeSeparation({ median: 11, min: 10, max: 12, n: 7 }, { median: 8, min: 7, max: 9, n: 7 });
  assert.equal(lower.separated, 'head lower');
  close(lower.level, 1 - 2 / 3432, 1e-12);
});
