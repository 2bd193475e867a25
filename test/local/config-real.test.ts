import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../../local/config/stack-config.ts';
import { createFunctionResolver } from '../../local/lambda/resolve-function.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const cacheDir = mkdtempSync(join(tmpdir(), 'synergy-print-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** The function keys the training state machine's Task states use (serverless.yml must define each). */
const TASK_FUNCTIONS = [
  'prep',
  'plan',
  'train',
  'selectBest',
  'evaluate',
  'register',
  'promote',
  'finishRun',
  'recordFailure',
];

describe("the project's serverless.yml", () => {
  it('prints and derives a stack the local runtime can run', async () => {
    const config = await loadStackConfig({ root: ROOT, cacheDir });
    expect(config.stage).toBe('local');
    expect(Object.keys(config.functions)).toEqual(expect.arrayContaining(['startRun', ...TASK_FUNCTIONS]));

    const startRun = config.functions.startRun;
    expect(startRun.s3Events).toEqual([
      expect.objectContaining({ bucket: config.dataBucket, prefix: 'incoming/', suffix: '.csv' }),
    ]);
    const [training] = config.stateMachines;
    expect(startRun.environment.TRAINING_STATE_MACHINE_ARN).toBe(training.arn);
    expect(training.arn).toBe(`arn:aws:states:${config.region}:000000000000:stateMachine:${training.name}`);

    // Every Task resource of the definition maps to a function of the config.
    const resolve = createFunctionResolver(config.functions);
    const states = training.definition.States as Record<string, Record<string, unknown>>;
    const used = new Set<string>();
    const collect = (machineStates: Record<string, Record<string, unknown>>) => {
      for (const state of Object.values(machineStates)) {
        if (state.Type === 'Task') used.add(resolve(state.Resource, state.Parameters));
        const processor = state.ItemProcessor as
          | { States: Record<string, Record<string, unknown>> }
          | undefined;
        if (processor) collect(processor.States);
      }
    };
    collect(states);
    expect([...used].sort()).toEqual([...TASK_FUNCTIONS].sort());

    // Every table env var names a table the stack creates.
    const tableNames = new Set(config.tables.map((table) => table.name));
    for (const fn of Object.values(config.functions)) {
      for (const [name, value] of Object.entries(fn.environment)) {
        if (name.endsWith('_TABLE')) expect(tableNames, `${fn.key}.${name}`).toContain(value);
      }
    }
  });
});
