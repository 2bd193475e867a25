/**
 * Step 6: the alarm's state change reached EventBridge, whose rule invoked the retrain function; it
 * started a run with trigger `drift`. Followed to the end: its best model and the promotion gate's call.
 */
import type { RunRecord } from '../../layers/core/pipeline/records.ts';
import type { RunEvaluation } from '../format/run-result.ts';
import { formatParams } from '../format/train-result.ts';
import type { DemoContext } from './context.ts';
import { DEMO_MODEL } from './demo-settings.ts';
import { DemoRunFailedError } from './errors.ts';
import { type GateOutcome, gateOutcome, readEvaluation, runSeconds, saveReport } from './run-outcome.ts';
import { followVisibly } from './run-progress.ts';
import { waitFor } from './wait.ts';

export interface RetrainedRun {
  readonly run: RunRecord;
  readonly evaluation: RunEvaluation | undefined;
  readonly gate: GateOutcome | undefined;
  readonly report: string;
}

function describeGate(run: RunRecord, gate: GateOutcome | undefined): string {
  if (gate === undefined) return run.result?.promoted ? 'promoted' : 'not promoted';
  return `${gate.promoted ? 'PROMOTED' : 'NOT promoted'}: ${gate.reason}`;
}

export async function retrainStep(context: DemoContext, trainedOn: RunRecord): Promise<RetrainedRun> {
  const { demo, narrator } = context;
  const started = await waitFor(
    'the retraining run the drift alarm starts',
    async () => {
      const runs = await demo.experiments.listRuns({ modelName: DEMO_MODEL, limit: 20 });
      return runs.find((run) => run.trigger.kind === 'drift');
    },
    { timeoutMs: 60_000, hint: 'see the retrain log in the state directory' },
  );
  narrator.say(
    'The alarm state change went to EventBridge; its rule for ALARM invoked the retrain function, which started:',
  );
  narrator.say(`Run ${started.runId} (trigger drift): the latest dataset plus any labelled feedback rows`);
  const run = await followVisibly(context, started.runId);
  if (run.status !== 'SUCCEEDED') throw new DemoRunFailedError(run);
  const evaluation = await readEvaluation(demo.artifacts, run);
  const gate = await gateOutcome(demo.stack.clients.sfn, run);
  narrator.say(`Run ${run.status} in ${runSeconds(run).toFixed(1)} s`);
  if (evaluation !== undefined) {
    const { best } = evaluation;
    narrator.say(
      `Best: ${best.model} ${formatParams(best.params)}: test accuracy ${best.testAccuracy.toFixed(4)}`,
    );
  }
  narrator.say(
    `Registered as v${run.result?.modelVersion ?? '?'}; promotion gate: ${describeGate(run, gate)}`,
  );
  if (!run.result?.promoted && run.dataset?.digest === trainedOn.dataset?.digest) {
    narrator.say(
      '  (no ground-truth feedback was uploaded, so it trained on the same rows: same data, same seed, the same model)',
    );
  }
  const report = await saveReport(demo, run.runId, context.reportsDir);
  narrator.say(`Report: ${report}`);
  return { run, evaluation, gate, report };
}
