/**
 * Fitting the learned models (pure): a listwise linear ranker (softmax over one question's
 * candidates, the relevant ones as targets) and a logistic model of P(the first quote answers),
 * both by full-batch gradient descent with Adam and a little L2. Deterministic: no randomness.
 */
import type { LinearModel } from "./rankingModel.js";
import { sigmoid } from "./rankingModel.js";

/** One question's candidates for the ranker: feature rows and which are relevant. */
export interface RankingGroup {
  rows: number[][];
  relevant: boolean[];
}

/** How fitting runs. */
export interface FitOptions {
  epochs: number;
  learningRate: number;
  l2: number;
}

/** Mean and standard deviation of each column (a constant column gets scale 1). */
export function standardisation(rows: readonly number[][], width: number): { mean: number[]; scale: number[] } {
  const mean = new Array<number>(width).fill(0);
  const square = new Array<number>(width).fill(0);
  for (const row of rows) for (let j = 0; j < width; j++) mean[j]! += row[j]! / rows.length;
  for (const row of rows) for (let j = 0; j < width; j++) square[j]! += (row[j]! - mean[j]!) ** 2 / rows.length;
  return { mean, scale: square.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

/** Adam over a parameter vector. */
class Adam {
  private readonly m: number[];
  private readonly v: number[];
  private t = 0;
  constructor(
    size: number,
    private readonly rate: number,
  ) {
    this.m = new Array<number>(size).fill(0);
    this.v = new Array<number>(size).fill(0);
  }
  step(params: number[], gradient: readonly number[]): void {
    this.t++;
    for (let i = 0; i < params.length; i++) {
      this.m[i] = 0.9 * this.m[i]! + 0.1 * gradient[i]!;
      this.v[i] = 0.999 * this.v[i]! + 0.001 * gradient[i]! ** 2;
      const mHat = this.m[i]! / (1 - 0.9 ** this.t);
      const vHat = this.v[i]! / (1 - 0.999 ** this.t);
      params[i]! -= (this.rate * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
  }
}

/** Fits a listwise linear ranker: maximises the softmax probability of each question's relevant candidates. */
export function fitRanker(features: readonly string[], groups: readonly RankingGroup[], options: FitOptions): LinearModel {
  const width = features.length;
  const { mean, scale } = standardisation(groups.flatMap((group) => group.rows), width);
  const standard = groups.map((group) => ({ rows: group.rows.map((row) => row.map((x, j) => (x - mean[j]!) / scale[j]!)), relevant: group.relevant }));
  const weights = new Array<number>(width).fill(0);
  const adam = new Adam(width, options.learningRate);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const gradient = weights.map((w) => options.l2 * w);
    for (const group of standard) {
      const scores = group.rows.map((row) => row.reduce((sum, x, j) => sum + x * weights[j]!, 0));
      const top = Math.max(...scores);
      const exp = scores.map((s) => Math.exp(s - top));
      const all = exp.reduce((a, b) => a + b, 0);
      const positive = exp.reduce((sum, e, i) => sum + (group.relevant[i] ? e : 0), 0);
      // d(−log(positive/all))/ds_i = p_i − q_i, with p the softmax over all and q over the relevant ones.
      group.rows.forEach((row, i) => {
        const d = exp[i]! / all - (group.relevant[i] ? exp[i]! / positive : 0);
        for (let j = 0; j < width; j++) gradient[j]! += (d * row[j]!) / standard.length;
      });
    }
    adam.step(weights, gradient);
  }
  return { features: [...features], mean, scale, weights, bias: 0 };
}

/** Fits a logistic model of a yes/no outcome (optionally weighting rows). */
export function fitLogistic(features: readonly string[], rows: readonly number[][], labels: readonly boolean[], options: FitOptions): LinearModel {
  const width = features.length;
  const { mean, scale } = standardisation(rows, width);
  const standard = rows.map((row) => row.map((x, j) => (x - mean[j]!) / scale[j]!));
  const params = new Array<number>(width + 1).fill(0);
  const adam = new Adam(width + 1, options.learningRate);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const gradient = params.map((w, j) => (j < width ? options.l2 * w : 0));
    standard.forEach((row, i) => {
      const p = sigmoid(row.reduce((sum, x, j) => sum + x * params[j]!, params[width]!));
      const d = (p - (labels[i] ? 1 : 0)) / standard.length;
      for (let j = 0; j < width; j++) gradient[j]! += d * row[j]!;
      gradient[width]! += d;
    });
    adam.step(params, gradient);
  }
  return { features: [...features], mean, scale, weights: params.slice(0, width), bias: params[width]! };
}

/** Expected calibration error and the reliability table (equal-width bins of predicted probability). */
export function calibration(predicted: readonly number[], outcomes: readonly boolean[], bins = 10): { ece: number; table: { from: number; to: number; count: number; predicted: number; observed: number }[] } {
  const table = Array.from({ length: bins }, (_, b) => ({ from: b / bins, to: (b + 1) / bins, count: 0, predicted: 0, observed: 0 }));
  predicted.forEach((p, i) => {
    const bin = table[Math.min(bins - 1, Math.floor(p * bins))]!;
    bin.count++;
    bin.predicted += p;
    bin.observed += outcomes[i] ? 1 : 0;
  });
  let ece = 0;
  for (const bin of table) {
    if (bin.count === 0) continue;
    bin.predicted /= bin.count;
    bin.observed /= bin.count;
    ece += (bin.count / predicted.length) * Math.abs(bin.predicted - bin.observed);
  }
  return { ece, table };
}
