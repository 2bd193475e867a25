/**
 * Expected values come from scikit-learn 1.2.1, computed by the script next to this file:
 *   /usr/bin/python3 test/ml/metrics/sklearn_metrics_reference.py
 * (its output lines are quoted in the comment above each constant).
 */
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../layers/ml/errors.ts';
import {
  accuracy,
  classificationReport,
  confusionMatrix,
  formatClassificationReport,
  formatFixed,
  logLoss,
  rocAuc,
} from '../../../layers/ml/metrics/index.ts';

const i32 = (xs: number[]) => Int32Array.from(xs);
const rows = (xs: number[][]) => Float64Array.from(xs.flat());

// Class 3 is never predicted (precision 0/0 → 0).
const yTrue = i32([0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 0, 1]);
const yPred = i32([0, 1, 0, 1, 2, 2, 2, 0, 2, 2, 0, 1]);
const names = ['Adelie', 'Chinstrap', 'Gentoo', 'a very long class name'];

describe('accuracy and confusion matrix', () => {
  it('match scikit-learn', () => {
    // acc 0.6666666666666666
    expect(accuracy(yTrue, yPred)).toBe(0.6666666666666666);
    // cm [[3, 1, 0, 0], [0, 2, 1, 0], [1, 0, 3, 0], [0, 0, 1, 0]]
    expect(confusionMatrix(yTrue, yPred, 4)).toEqual([
      [3, 1, 0, 0],
      [0, 2, 1, 0],
      [1, 0, 3, 0],
      [0, 0, 1, 0],
    ]);
  });

  it('reject mismatched lengths and out-of-range classes', () => {
    expect(() => accuracy(i32([0, 1]), i32([0]))).toThrow(DataError);
    expect(() => confusionMatrix(i32([0, 4]), i32([0, 1]), 4)).toThrow(DataError);
    expect(() => accuracy(i32([]), i32([]))).toThrow(DataError);
  });
});

describe('classification report', () => {
  it('per-class scores and averages match precision_recall_fscore_support(zero_division=0)', () => {
    const report = classificationReport(yTrue, yPred, 4, names);
    // [[0.75, 0.6666666666666666, 0.6, 0.0], [0.75, 0.6666666666666666, 0.75, 0.0],
    //  [0.75, 0.6666666666666666, 0.6666666666666665, 0.0]]
    const expected = {
      precision: [0.75, 0.6666666666666666, 0.6, 0],
      recall: [0.75, 0.6666666666666666, 0.75, 0],
      f1: [0.75, 0.6666666666666666, 0.6666666666666665, 0],
    };
    report.classes.forEach((c, k) => {
      expect(c.label).toBe(names[k]);
      expect(c.precision).toBeCloseTo(expected.precision[k], 15);
      expect(c.recall).toBeCloseTo(expected.recall[k], 15);
      expect(c.f1).toBeCloseTo(expected.f1[k], 15);
    });
    expect(report.classes.map((c) => c.support)).toEqual([4, 3, 4, 1]);
    expect(report.accuracy).toBeCloseTo(0.6666666666666666, 15);
    // macro (0.5041666666666667, 0.5416666666666666, 0.5208333333333333)
    expect(report.macroAvg.precision).toBeCloseTo(0.5041666666666667, 15);
    expect(report.macroAvg.recall).toBeCloseTo(0.5416666666666666, 15);
    expect(report.macroAvg.f1).toBeCloseTo(0.5208333333333333, 15);
    // weighted (0.6166666666666667, 0.6666666666666666, 0.6388888888888888)
    expect(report.weightedAvg.precision).toBeCloseTo(0.6166666666666667, 15);
    expect(report.weightedAvg.recall).toBeCloseTo(0.6666666666666666, 15);
    expect(report.weightedAvg.f1).toBeCloseTo(0.6388888888888888, 15);
    expect(report.macroAvg.support).toBe(12);
  });

  it('prints the text of classification_report', () => {
    const text = formatClassificationReport(classificationReport(yTrue, yPred, 4, names));
    expect(text).toBe(
      '                        precision    recall  f1-score   support\n\n                Adelie       0.75      0.75      0.75         4\n             Chinstrap       0.67      0.67      0.67         3\n                Gentoo       0.60      0.75      0.67         4\na very long class name       0.00      0.00      0.00         1\n\n              accuracy                           0.67        12\n             macro avg       0.50      0.54      0.52        12\n          weighted avg       0.62      0.67      0.64        12\n',
    );
  });

  it('prints "micro avg" when a class is absent from both truth and predictions (digits=3)', () => {
    const text = formatClassificationReport(classificationReport(yTrue, yPred, 5), 3);
    expect(text).toBe(
      '              precision    recall  f1-score   support\n\n           0      0.750     0.750     0.750         4\n           1      0.667     0.667     0.667         3\n           2      0.600     0.750     0.667         4\n           3      0.000     0.000     0.000         1\n           4      0.000     0.000     0.000         0\n\n   micro avg      0.667     0.667     0.667        12\n   macro avg      0.403     0.433     0.417        12\nweighted avg      0.617     0.667     0.639        12\n',
    );
  });

  it('rounds exact ties to even like Python (0.125 → 0.12)', () => {
    const text = formatClassificationReport(
      classificationReport(
        i32([0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]),
        i32([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]),
        2,
      ),
    );
    expect(text).toBe(
      '              precision    recall  f1-score   support\n\n           0       0.12      0.25      0.17         4\n           1       0.25      0.12      0.17         8\n\n    accuracy                           0.17        12\n   macro avg       0.19      0.19      0.17        12\nweighted avg       0.21      0.17      0.17        12\n',
    );
    // Python: format(0.375, '.2f') == '0.38', format(2.5, '.0f') == '2', format(0.995, '.2f') == '0.99'
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(0.995, 2)).toBe('0.99');
    expect(formatFixed(0.999, 2)).toBe('1.00');
  });
});

describe('ROC AUC', () => {
  it('binary, with tied scores, uses the score of class 1', () => {
    // aucb 0.8125  (roc_auc_score(y, scores))
    const scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.9, 0.2];
    const proba = rows(scores.map((s) => [1 - s, s]));
    expect(rocAuc(i32([0, 0, 1, 1, 0, 1, 1, 0]), proba, 2)).toBeCloseTo(0.8125, 14);
  });

  it("multiclass is one-vs-rest macro (multi_class='ovr', average='macro')", () => {
    // aucm 0.923611111111111
    const proba = rows([
      [0.6, 0.3, 0.1],
      [0.3, 0.4, 0.3],
      [0.2, 0.2, 0.6],
      [0.3, 0.4, 0.3],
      [0.3, 0.4, 0.3],
      [0.5, 0.25, 0.25],
      [0.1, 0.1, 0.8],
      [0.2, 0.6, 0.2],
      [0.3, 0.4, 0.3],
      [0.25, 0.25, 0.5],
    ]);
    expect(rocAuc(i32([0, 1, 2, 2, 1, 0, 2, 1, 0, 2]), proba, 3)).toBeCloseTo(0.923611111111111, 14);
  });

  it('refuses a class without positives and rows that are not probabilities', () => {
    const proba = rows([
      [0.5, 0.3, 0.2],
      [0.2, 0.5, 0.3],
    ]);
    expect(() => rocAuc(i32([0, 1]), proba, 3)).toThrow(DataError);
    expect(() =>
      rocAuc(
        i32([0, 1, 2]),
        rows([
          [1, 1, 1],
          [0, 1, 0],
          [0, 0, 1],
        ]),
        3,
      ),
    ).toThrow(DataError);
  });
});

describe('log loss', () => {
  it('clips to machine epsilon and renormalizes rows (scikit-learn 1.2 eps="auto")', () => {
    // ll 14.739348938133679
    const proba = rows([
      [1.0, 0.0, 0.0],
      [0.2, 0.2, 0.2],
      [0.0, 1.0, 0.0],
      [0.1, 0.3, 0.6],
      [0.5, 0.5, 0.0],
    ]);
    expect(logLoss(i32([0, 1, 0, 2, 2]), proba, 3)).toBeCloseTo(14.739348938133679, 12);
  });

  it('binary', () => {
    // llb 0.484485494851534
    const proba = rows([
      [0.9, 0.1],
      [0.2, 0.8],
      [0.6, 0.4],
      [0.5, 0.5],
    ]);
    expect(logLoss(i32([0, 1, 1, 0]), proba, 2)).toBeCloseTo(0.484485494851534, 14);
  });
});
