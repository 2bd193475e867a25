/**
 * libsvm's model file format (what svm_save_model writes and svm_load_model reads), written with
 * shortest round-trip number formatting instead of libsvm's %g / %.8g, so that reading it back gives the
 * same doubles and therefore the same predictions. Support vectors are written densely (1-based indices).
 */
import { ModelFormatError } from '../../errors.ts';
import type { LibsvmModel, SvcKernel } from './model.ts';
import { totalSupportVectors } from './model.ts';

/** libsvm's kernel_type names (its "polynomial" is scikit-learn's "poly"). */
const KERNEL_NAMES: Record<SvcKernel, string> = {
  linear: 'linear',
  poly: 'polynomial',
  rbf: 'rbf',
  sigmoid: 'sigmoid',
};
const KERNEL_BY_NAME = new Map(Object.entries(KERNEL_NAMES).map(([k, name]) => [name, k as SvcKernel]));

export function formatModelText(model: LibsvmModel): string {
  const num = (x: number): string => String(x);
  const list = (xs: ArrayLike<number>): string => Array.from(xs, num).join(' ');
  const lines = ['svm_type c_svc', `kernel_type ${KERNEL_NAMES[model.kernel]}`];
  if (model.kernel === 'poly') lines.push(`degree ${model.degree}`);
  if (model.kernel !== 'linear') lines.push(`gamma ${num(model.gamma)}`);
  if (model.kernel === 'poly' || model.kernel === 'sigmoid') lines.push(`coef0 ${num(model.coef0)}`);
  const k = model.labels.length;
  const l = totalSupportVectors(model);
  lines.push(`nr_class ${k}`, `total_sv ${l}`, `rho ${list(model.rho)}`, `label ${list(model.labels)}`);
  if (model.probA !== undefined && model.probB !== undefined) {
    lines.push(`probA ${list(model.probA)}`, `probB ${list(model.probB)}`);
  }
  lines.push(`nr_sv ${list(model.nSV)}`, 'SV');
  const d = model.nFeatures;
  for (let s = 0; s < l; s++) {
    const cells: string[] = [];
    for (let j = 0; j < k - 1; j++) cells.push(num(model.svCoef[j * l + s]));
    for (let f = 0; f < d; f++) cells.push(`${f + 1}:${num(model.supportVectors[s * d + f])}`);
    lines.push(cells.join(' '));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Parses a C-SVC model in libsvm's text format for `nFeatures` features and class labels in
 * `0..nClasses-1`; missing sparse entries are zeros. Throws ModelFormatError on anything inconsistent.
 */
export function parseModelText(text: string, nFeatures: number, nClasses: number): LibsvmModel {
  const fail = (why: string): never => {
    throw new ModelFormatError(`SVC: bad libsvm model text: ${why}`);
  };
  const lines = text.split('\n');
  const header = new Map<string, string[]>();
  let cursor = 0;
  for (; cursor < lines.length && lines[cursor] !== 'SV'; cursor++) {
    const [key, ...rest] = lines[cursor].trim().split(/\s+/);
    if (key === '') continue;
    if (header.has(key)) fail(`duplicate "${key}"`);
    header.set(key, rest);
  }
  if (cursor === lines.length) fail('no "SV" section');

  const word = (key: string): string => {
    const v = header.get(key);
    if (v === undefined || v.length !== 1) return fail(`"${key}" must have one value`);
    return v[0];
  };
  const numbers = (key: string, count: number, integer = false): Float64Array => {
    const v = header.get(key) ?? fail(`missing "${key}"`);
    if (v.length !== count) fail(`"${key}" must have ${count} values`);
    return Float64Array.from(v, (s) => parseNumber(s, key, integer, fail));
  };

  if (word('svm_type') !== 'c_svc') fail('svm_type must be c_svc');
  const kernelName = word('kernel_type');
  const kernel = KERNEL_BY_NAME.get(kernelName) ?? fail(`unsupported kernel_type "${kernelName}"`);
  const degree = kernel === 'poly' ? numbers('degree', 1, true)[0] : 3;
  const gamma = kernel === 'linear' ? 0 : numbers('gamma', 1)[0];
  const coef0 = kernel === 'poly' || kernel === 'sigmoid' ? numbers('coef0', 1)[0] : 0;
  const k = numbers('nr_class', 1, true)[0];
  if (k < 2 || k > nClasses) fail(`nr_class must be in 2..${nClasses}`);
  const l = numbers('total_sv', 1, true)[0];
  if (l < 1) fail('total_sv must be positive');
  const nPairs = (k * (k - 1)) / 2;
  const rho = numbers('rho', nPairs);
  const labels = Int32Array.from(numbers('label', k, true));
  if (labels.some((c, i) => c < 0 || c >= nClasses || labels.indexOf(c) !== i)) {
    fail(`labels must be distinct class indices in 0..${nClasses - 1}`);
  }
  const hasProbability = header.has('probA') || header.has('probB');
  const probA = hasProbability ? numbers('probA', nPairs) : undefined;
  const probB = hasProbability ? numbers('probB', nPairs) : undefined;
  const nSV = Int32Array.from(numbers('nr_sv', k, true));
  if (nSV.reduce((a, b) => a + b, 0) !== l) fail('nr_sv must sum to total_sv');

  const svLines = lines.slice(cursor + 1).filter((line) => line.trim() !== '');
  if (svLines.length !== l) fail(`expected ${l} support vectors, got ${svLines.length}`);
  const svCoef = new Float64Array((k - 1) * l);
  const supportVectors = new Float64Array(l * nFeatures);
  svLines.forEach((line, s) => {
    const cells = line.trim().split(/\s+/);
    if (cells.length < k - 1) fail(`support vector ${s + 1} lacks coefficients`);
    for (let j = 0; j < k - 1; j++) svCoef[j * l + s] = parseNumber(cells[j], 'sv_coef', false, fail);
    let previous = 0;
    for (const cell of cells.slice(k - 1)) {
      const colon = cell.indexOf(':');
      const index = colon > 0 ? parseNumber(cell.slice(0, colon), 'SV index', true, fail) : Number.NaN;
      if (!(index > previous && index <= nFeatures)) fail(`support vector ${s + 1}: bad index in "${cell}"`);
      supportVectors[s * nFeatures + index - 1] = parseNumber(cell.slice(colon + 1), 'SV value', false, fail);
      previous = index;
    }
  });
  return { kernel, degree, gamma, coef0, nFeatures, labels, nSV, supportVectors, svCoef, rho, probA, probB };
}

function parseNumber(s: string, what: string, integer: boolean, fail: (why: string) => never): number {
  const x = s.trim() === '' ? Number.NaN : Number(s);
  if (!Number.isFinite(x) || (integer && !Number.isInteger(x))) fail(`"${s}" is not a valid ${what}`);
  return x;
}
