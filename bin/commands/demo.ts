import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Narrator } from '../demo/narrator.ts';
import { type DemoOptions, tellDemoStory } from '../demo/story.ts';
import type { DemoSummary } from '../demo/summary.ts';
import type { RunConfigFile } from '../demo/train-step.ts';
import { UsageError } from '../errors.ts';
import { readRunConfigFile } from '../stack/run-config-file.ts';
import { stateDirFor } from '../stack/session.ts';

/**
 * `synergy demo` (`npm run demo`): the whole loop on a fresh embedded stack of its own: generate a
 * construction-schedule dataset, train on it through the serverless pipeline, predict through the three
 * protocols, send normal then drifted traffic, run the monitor, watch the drift alarm start a retraining,
 * the promotion gate decide, a rollback restore the champion, and summarize with links to the reports.
 * `--json` prints one JSON object (DemoSummary) and nothing else.
 */
export async function runDemo(argv: string[], root = process.cwd()): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '11' },
      dir: { type: 'string' },
      out: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 200 || rows > 100_000) {
    throw new UsageError(`--rows must be an integer from 200 to 100000, got "${values.rows}"`);
  }
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, got "${values.seed}"`);
  const stateDir = stateDirFor(root);
  const options: DemoOptions = {
    root,
    rows,
    seed,
    dir: resolve(root, values.dir ?? join(stateDir, 'demo')),
    reportsDir: resolve(root, values.out ?? join(stateDir, 'reports')),
    config: values.config === undefined ? undefined : await readConfigAt(resolve(root, values.config)),
  };
  await mkdir(options.dir, { recursive: true });

  const narrator = new Narrator({
    quiet: values.json,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    rewriteProgress: process.stderr.isTTY === true,
  });
  narrator.print(
    `Synergy demo: ${rows.toLocaleString('en-US')} construction activities (seed ${seed}), from upload to rollback`,
  );
  narrator.print(
    'Synergy trains models with a serverless grid search, serves them over HTTPS, watches their traffic for drift and retrains them; here all of it runs on the embedded local AWS.',
  );
  const story = await tellDemoStory(options, narrator);
  const summary: DemoSummary = { ...story, seconds: narrator.elapsed() };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    narrator.print(
      `\nDone in ${summary.seconds.toFixed(1)} s; the stack has stopped. Open the reports above in a browser; the demo's state stays in ${story.stack.stateDir}`,
    );
    narrator.print(
      `(e.g. SYNERGY_STATE_DIR=${story.stack.stateDir} npx synergy models ${story.model} shows its versions and audit trail)`,
    );
  }
  return 0;
}

async function readConfigAt(path: string): Promise<RunConfigFile> {
  return { path, text: await readRunConfigFile(path) };
}
