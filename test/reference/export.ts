/**
 * Writes the reference splits of test/support/datasets.ts as CSV (features…, label) so
 * test/reference/sklearn_models.py can score scikit-learn on exactly the same numbers.
 * Usage: npx tsx test/reference/export.ts [outDir=/tmp/synergy-ref]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { toCsv } from '../../bench/matrices.ts';
import { referenceSplits } from '../support/datasets.ts';

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
