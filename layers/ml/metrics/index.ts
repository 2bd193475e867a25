export { accuracy } from './accuracy.ts';
export {
  type ClassificationReport,
  type ClassReport,
  type ClassScores,
  classificationReport,
  formatClassificationReport,
  formatFixed,
} from './classification-report.ts';
export { confusionMatrix } from './confusion-matrix.ts';
export { logLoss } from './log-loss.ts';
export { rocAuc } from './roc-auc.ts';
