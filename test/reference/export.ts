/**
 * Writes the reference splits of test/support/datasets.ts as CSV (features…, label) so
 * test/reference/sklearn_models.py can score scikit-learn on exactly the same numbers.
 * Usage: npx tsx test/reference/export.ts [outDir=/tmp/synergy-ref]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { LabelledMatrix } from '../../layers/ml/data/matrix.ts';
import { referenceSplits } from '../support/datasets.ts';

function toCsv(m: LabelledMatrix): string {
  const lines: string[] = [];
  for (let i = 0; i < m.nRows; i++) {
    const cells: string[] = [];
    for (let j = 0; j < m.nFeatures; j++) cells.push(String(m.values[j * m.nRows + i]));
    cells.push(String(m.y[i]));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

const out = process.argv[2] ?? '/tmp/synergy-ref';
for (const [name, load] of Object.entries(referenceSplits)) {
  const split = load();
  mkdirSync(`${out}/${name}`, { recursive: true });
  writeFileSync(`${out}/${name}/train.csv`, toCsv(split.train));
  writeFileSync(`${out}/${name}/test.csv`, toCsv(split.test));
  console.log(
    `${out}/${name}: train ${split.train.nRows}, test ${split.test.nRows}, classes ${split.classes.join('|')}`,
  );
}
