/**
 * The runnable copy aws-local-stepfunctions executes: real Retry timing unless scaled, AWS's Task timeout
 * default instead of the library's 60 s, and each Distributed Map turned into a Task that keeps the
 * Map's Retry, Catch, paths and transitions while its handler gets the ItemReader/ItemProcessor/ResultWriter.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../local/stepfunctions/json.ts';
import {
  buildRunnableMachine,
  MAX_TASK_TIMEOUT_SECONDS,
} from '../../../local/stepfunctions/runnable-machine.ts';
import { trainingDefinition } from './support/training-definition.ts';

function statesOf(definition: unknown): Record<string, JsonObject> {
  return (definition as { States: Record<string, JsonObject> }).States;
}

describe('buildRunnableMachine', () => {
  it('keeps Retry intervals as written by default and gives Tasks AWS’s (unbounded) timeout', () => {
    const original = trainingDefinition(3);
    const runnable = buildRunnableMachine(original as JsonObject, { waitTimeScale: 1 });
    const prep = statesOf(runnable.definition).Prep;
    expect(prep.Retry).toEqual(statesOf(original).Prep.Retry);
    expect(prep.TimeoutSeconds).toBe(MAX_TASK_TIMEOUT_SECONDS);
    expect(prep.Resource).toMatch(/^arn:aws:lambda:/);
    expect(statesOf(original).Prep.Resource).toEqual({ 'Fn::GetAtt': ['prep', 'Arn'] });
  });

  it('scales Retry intervals (default IntervalSeconds included) when asked', () => {
    const definition: JsonObject = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: { 'Fn::GetAtt': ['t', 'Arn'] },
          Retry: [
            { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxDelaySeconds: 10 },
            { ErrorEquals: ['X'] },
          ],
          End: true,
        },
      },
    };
    const runnable = buildRunnableMachine(definition, { waitTimeScale: 0.01 });
    expect(statesOf(runnable.definition).T.Retry).toEqual([
      { ErrorEquals: ['States.ALL'], IntervalSeconds: 0.02, MaxDelaySeconds: 0.1 },
      { ErrorEquals: ['X'], IntervalSeconds: 0.01 },
    ]);
  });

  it('runs the Distributed Map as a Task of the same name with the Map’s Retry, Catch, paths and Next', () => {
    const original = trainingDefinition(5);
    const runnable = buildRunnableMachine(original as JsonObject, { waitTimeScale: 1 });
    const cells = statesOf(runnable.definition).Cells;
    const source = statesOf(original).Cells;
    expect(cells.Type).toBe('Task');
    expect(cells.Catch).toEqual(source.Catch);
    expect(cells.ResultPath).toBe('$.cells');
    expect(cells.Next).toBe('SelectBest');
    expect(cells).not.toHaveProperty('ItemReader');
    expect(runnable.distributedMapNames).toEqual(new Set(['Cells']));

    const route = runnable.routes.get('Cells');
    expect(route?.kind).toBe('distributedMap');
    if (route?.kind !== 'distributedMap') return;
    expect(route.spec.maxConcurrency).toBe(5);
    expect(route.spec.label).toBe('Cells');
    expect(route.spec.itemReader?.parameters).toEqual({
      'Bucket.$': '$.plan.manifest.bucket',
      'Key.$': '$.plan.manifest.key',
    });
    expect(route.spec.resultWriter?.parameters).toEqual({
      'Bucket.$': '$.plan.results.bucket',
      'Prefix.$': '$.plan.results.prefix',
    });
    expect([...route.spec.processor.routes.keys()]).toEqual(['TrainCell']);
    // Inline Map states stay in the root run scope, where the library looks their handlers up by name.
    expect([...runnable.routes.keys()]).toEqual(
      expect.arrayContaining([
        'Prep',
        'Plan',
        'SelectBest',
        'Refit',
        'Evaluate',
        'Register',
        'Promote',
        'Finish',
        'RecordFailure',
      ]),
    );
    expect(runnable.routes.has('TrainCell')).toBe(false);
  });
});
