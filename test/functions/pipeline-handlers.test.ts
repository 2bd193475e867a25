/**
 * The task handlers in a row on a small upload, with in-memory ports through the wiring's test seam: each
 * handler's output is the next one's input as the state machine composes it, and a trained cell records
 * the Lambda request id that ran it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateConstructionCsv } from '../../layers/core/demo/construction-schedule.ts';
import { cvCellSchema, type PrepOutput, prepOutputSchema } from '../../layers/core/pipeline/messages.ts';
import { lambdaContext } from './lambda-context.ts';
import { stubLambdaEnv } from './lambda-env.ts';
import { type MemoryDeps, memoryDeps } from './memory-deps.ts';
import { sampleEvent } from './sample-events.ts';

stubLambdaEnv();
const { setDepsForTest } = await import('../../layers/aws/wiring.ts');
const prep = await import('../../functions/prep.ts');
const plan = await import('../../functions/plan.ts');
const train = await import('../../functions/train.ts');

let deps: MemoryDeps;
let runState: Record<string, unknown>;
let prepOutput: PrepOutput;

beforeAll(async () => {
  deps = memoryDeps();
  setDepsForTest(deps);
  runState = await sampleEvent('prep');
  const { bucket, key } = (runState.request as { trigger: { bucket: string; key: string } }).trigger;
  deps.artifacts.put({ bucket, key }, generateConstructionCsv({ rows: 120, seed: 3 }));
  deps.artifacts.put(
    { bucket, key: 'incoming/construction/_config.json' },
    JSON.stringify({ models: ['LogisticRegression'], grids: { LogisticRegression: { C: [1] } }, folds: 2 }),
  );
  prepOutput = prepOutputSchema.parse(await prep.handler(runState, lambdaContext('prep')));
});

describe('prep → plan → train through the handlers', () => {
  it('prep writes the prepared dataset under the run and marks the run RUNNING', async () => {
    expect(prepOutput.dataset.key).toBe(`runs/${runState.runId}/prepared.bin`);
    expect(prepOutput.trainRows + prepOutput.testRows).toBe(120);
    expect((await deps.experiments.getRun(String(runState.runId)))?.status).toBe('RUNNING');
  });

  it('plan turns the state after prep into a manifest of one cell per fold', async () => {
    const output = await plan.handler({ ...runState, prep: prepOutput }, lambdaContext('plan'));
    expect(output).toMatchObject({ cells: 2, configurations: 1 });
    const manifest = cvCellSchema.array().parse(await deps.artifacts.readJson(output.manifest));
    expect(manifest.map((cell) => [cell.model, cell.fold])).toEqual([
      ['LogisticRegression', 0],
      ['LogisticRegression', 1],
    ]);
  });

  it('train records the cell with the invocation request id as its worker', async () => {
    const output = await plan.handler({ ...runState, prep: prepOutput }, lambdaContext('plan'));
    const [cell] = cvCellSchema.array().parse(await deps.artifacts.readJson(output.manifest));
    const context = lambdaContext('train');
    const result = await train.handler({ runId: runState.runId, dataset: prepOutput.dataset, cell }, context);
    expect(result).toMatchObject({ kind: 'cv', cellId: `LogisticRegression#${cell.paramsKey}#0` });
    const [record] = await deps.experiments.listCells(String(runState.runId));
    expect(record).toMatchObject({ worker: context.awsRequestId, status: 'done', fold: 0 });
  });
});
