import { checkLabels } from './checks.ts';
import { confusionMatrix } from './confusion-matrix.ts';

export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface ClassReport extends ClassScores {
  readonly label: string;
}

export interface ClassificationReport {
  readonly classes: readonly ClassReport[];
  readonly accuracy: number;
  /**
   * False when some class occurs in neither the truth nor the predictions: scikit-learn then prints a
   * "micro avg" row instead of "accuracy" (for single-label data its three scores all equal accuracy).
   */
  readonly everyClassSeen: boolean;
  readonly macroAvg: ClassScores;
  readonly weightedAvg: ClassScores;
}

/** scikit-learn 1.2's F-score from precision and recall, in the same operation order. */
function f1(precision: number, recall: number): number {
  const denom = precision + recall;
  return (2 * precision * recall) / (denom === 0 ? 1 : denom);
}

/**
 * Per-class precision, recall, F1 and support with averages, as scikit-learn's
 * classification_report(y_true, y_pred, labels=range(nClasses), target_names=labels, zero_division=0):
 * every class is reported, including classes absent from both, and 0/0 counts as 0.
 */
export function classificationReport(
  yTrue: Int32Array,
  yPred: Int32Array,
  nClasses: number,
  labels?: readonly string[],
): ClassificationReport {
  const n = checkLabels('classificationReport', nClasses, yTrue, yPred);
  if (labels !== undefined && labels.length !== nClasses) {
    throw new RangeError(`classificationReport: ${labels.length} labels for ${nClasses} classes`);
  }
  const m = confusionMatrix(yTrue, yPred, nClasses);
  const classes: ClassReport[] = [];
  let correct = 0;
  let everyClassSeen = true;
  for (let c = 0; c < nClasses; c++) {
    const tp = m[c][c];
    let predicted = 0;
    let support = 0;
    for (let k = 0; k < nClasses; k++) {
      predicted += m[k][c];
      support += m[c][k];
    }
    correct += tp;
    if (predicted === 0 && support === 0) everyClassSeen = false;
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    classes.push({ label: labels?.[c] ?? String(c), precision, recall, f1: f1(precision, recall), support });
  }
  const average = (pick: (s: ClassScores) => number, weighted: boolean): number => {
    let num = 0;
    let den = 0;
    for (const s of classes) {
      const w = weighted ? s.support : 1;
      num += pick(s) * w;
      den += w;
    }
    return den === 0 ? 0 : num / den;
  };
  const avg = (weighted: boolean): ClassScores => ({
    precision: average((s) => s.precision, weighted),
    recall: average((s) => s.recall, weighted),
    f1: average((s) => s.f1, weighted),
    support: n,
  });
  return {
    classes,
    accuracy: correct / n,
    everyClassSeen,
    macroAvg: avg(false),
    weightedAvg: avg(true),
  };
}

/** Python's `format(x, '.{digits}f')`: rounds the exact binary value, ties to even (toFixed ties up). */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return String(x);
  const exact = Math.abs(x).toFixed(100); // the double's exact decimal expansion
  const point = exact.indexOf('.');
  let kept = exact.slice(0, point) + exact.slice(point + 1, point + 1 + digits);
  const dropped = exact.slice(point + 1 + digits);
  const lastKeptOdd = Number(kept[kept.length - 1]) % 2 === 1;
  const tie = dropped[0] === '5' && /^0*$/.test(dropped.slice(1));
  if (dropped[0] > '5' || (dropped[0] === '5' && (!tie || lastKeptOdd))) kept = incrementDecimal(kept);
  const intLength = kept.length - digits;
  const text = digits > 0 ? `${kept.slice(0, intLength)}.${kept.slice(intLength)}` : kept;
  return x < 0 || Object.is(x, -0) ? `-${text}` : text;
}

function incrementDecimal(digits: string): string {
  const out = digits.split('');
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== '9') {
      out[i] = String(Number(out[i]) + 1);
      return out.join('');
    }
    out[i] = '0';
  }
  return `1${out.join('')}`;
}

function pad(s: string, width: number): string {
  const length = [...s].length;
  return length >= width ? s : ' '.repeat(width - length) + s;
}

/** The text of scikit-learn's classification_report, column for column. */
export function formatClassificationReport(report: ClassificationReport, digits = 2): string {
  const lastHeading = 'weighted avg';
  const width = Math.max(...report.classes.map((c) => [...c.label].length), lastHeading.length, digits);
  const num = (x: number): string => ` ${pad(formatFixed(x, digits), 9)}`;
  const row = (name: string, s: ClassScores): string =>
    `${pad(name, width)} ${num(s.precision)}${num(s.recall)}${num(s.f1)} ${pad(String(s.support), 9)}\n`;
  let text = `${pad('', width)} ${['precision', 'recall', 'f1-score', 'support'].map((h) => ` ${pad(h, 9)}`).join('')}`;
  text += '\n\n';
  for (const c of report.classes) text += row(c.label, c);
  text += '\n';
  const total = report.macroAvg.support;
  if (report.everyClassSeen) {
    text += `${pad('accuracy', width)} ${' '.repeat(20)}${num(report.accuracy)} ${pad(String(total), 9)}\n`;
  } else {
    const a = report.accuracy;
    text += row('micro avg', { precision: a, recall: a, f1: a, support: total });
  }
  text += row('macro avg', report.macroAvg);
  text += row(lastHeading, report.weightedAvg);
  return text;
}
