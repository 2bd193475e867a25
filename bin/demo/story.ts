/**
 * The whole story on a fresh embedded stack: train → predict three ways → normal traffic → drifted
 * traffic → monitor → alarm → retraining → gate → rollback → what happened. Returns the summary; the
 * caller prints it (text or JSON). The stack is stopped before this returns, whatever happened.
 */
import { join } from 'node:path';
import type { DemoContext, ServingContext } from './context.ts';
import { DEMO_MODEL, DEMO_PARAMS, demoParamValues } from './demo-settings.ts';
import { type DemoStack, freshStateDir, startDemoStack } from './demo-stack.ts';
import { driftedTrafficStep, type MonitoredPhase, normalTrafficStep } from './drift-steps.ts';
import { modelPageStep } from './model-page-step.ts';
import type { MonitorAnswer } from './monitor-call.ts';
import { topFeatures } from './monitor-call.ts';
import type { Narrator } from './narrator.ts';
import { predictStep } from './predict-step.ts';
import { retrainStep } from './retrain-step.ts';
import { rollbackStep } from './rollback-step.ts';
import { gateOutcome, readEvaluation, runSeconds } from './run-outcome.ts';
import type { DemoRunSummary, DemoSummary, MonitorSummary } from './summary.ts';
import { championHistory, formatSummary } from './summary.ts';
import { type RunConfigFile, trainStep } from './train-step.ts';

export interface DemoOptions {
  readonly root: string;
  readonly rows: number;
  readonly seed: number;
  /** Absolute: the CSV goes here, the stack's state under `<dir>/stack`. */
  readonly dir: string;
  /** Absolute: reports are saved as `<reportsDir>/<runId>/index.html`. */
  readonly reportsDir: string;
  /** Uploaded as the dataset's `_config.json` (default: none, the paper's grid). */
  readonly config: RunConfigFile | undefined;
}

function monitorSummary(phase: MonitoredPhase): MonitorSummary {
  const { report }: MonitorAnswer = phase.monitor;
  return {
    rows: report.rows,
    maxPsi: report.maxPsi,
    maxPsiFeature: report.maxPsiFeature ?? null,
    topFeatures: topFeatures(phase.monitor, 4).map((feature) => ({ name: feature.name, psi: feature.psi })),
    driftAlarm: phase.driftAlarm.state,
    reportUri: report.reportUri,
  };
}

/** Every run of the demo's model, oldest first, with what it produced. */
async function runSummaries(
  demo: DemoStack,
  reports: ReadonlyMap<string, string>,
): Promise<DemoRunSummary[]> {
  const runs = (await demo.experiments.listRuns({ modelName: DEMO_MODEL, limit: 50 })).reverse();
  return Promise.all(
    runs.map(async (run) => {
      const evaluation = run.status === 'SUCCEEDED' ? await readEvaluation(demo.artifacts, run) : undefined;
      const gate = await gateOutcome(demo.stack.clients.sfn, run);
      return {
        runId: run.runId,
        trigger: run.trigger.kind,
        status: run.status,
        seconds: runSeconds(run),
        rows: run.dataset?.rows ?? null,
        cells: run.cellsTotal ?? null,
        bestModel: evaluation?.best.model ?? run.result?.bestModel ?? null,
        testAccuracy: evaluation?.best.testAccuracy ?? run.result?.testAccuracy ?? null,
        version: run.result?.modelVersion ?? null,
        promoted: run.result?.promoted ?? false,
        gateReason: gate?.reason ?? null,
        report: reports.get(run.runId) ?? null,
      };
    }),
  );
}

async function stackStep(narrator: Narrator, options: DemoOptions): Promise<DemoStack> {
  const stateDir = join(options.dir, 'stack');
  await freshStateDir(stateDir);
  const demo = await startDemoStack({
    root: options.root,
    stateDir,
    params: demoParamValues(),
    log: (line) => narrator.log(line),
  });
  narrator.say('S3, DynamoDB, Step Functions, Lambda sandboxes, CloudWatch, EventBridge and the HTTP API,');
  narrator.say('in this process, from serverless.yml; the handlers are the ones that deploy to AWS.');
  narrator.say(`State: ${stateDir} (emptied by each demo; a running \`synergy dev\` is not touched)`);
  for (const param of DEMO_PARAMS) narrator.say(`--param ${param.name}=${param.value}: ${param.why}`);
  return demo;
}

export async function tellDemoStory(
  options: DemoOptions,
  narrator: Narrator,
): Promise<Omit<DemoSummary, 'seconds'>> {
  narrator.section('Start the embedded AWS stack');
  const demo = await stackStep(narrator, options);
  try {
    const context: DemoContext = { demo, narrator, reportsDir: options.reportsDir };

    narrator.section('Train: generate data, upload, follow the serverless run');
    const trained = await trainStep(context, {
      rows: options.rows,
      seed: options.seed,
      dir: options.dir,
      config: options.config,
    });

    narrator.section('Predict through the three protocols');
    const predicted = await predictStep(context);
    const serving: ServingContext = { ...context, endpoint: predicted.endpoint };

    narrator.section('Traffic like the training data → monitor');
    const normal = await normalTrafficStep(serving);

    narrator.section('Drifted traffic → monitor → drift alarm');
    const drifted = await driftedTrafficStep(serving);

    narrator.section('Retraining, started by the alarm');
    const retrained = await retrainStep(context, trained.run);

    narrator.section('Rollback');
    const version = retrained.run.result?.modelVersion;
    if (version === undefined) throw new Error(`run ${retrained.run.runId} registered no version`);
    const rollback = await rollbackStep(serving, {
      version,
      promoted: retrained.run.result?.promoted ?? false,
    });

    narrator.section('The model page');
    const modelPage = await modelPageStep(context, DEMO_MODEL);

    narrator.section('What happened');
    const reports = new Map([
      [trained.run.runId, trained.report],
      [retrained.run.runId, retrained.report],
    ]);
    const [runs, versions, champion, audit, alarms] = await Promise.all([
      runSummaries(demo, reports),
      demo.registry.listVersions(DEMO_MODEL),
      demo.registry.getAlias(DEMO_MODEL, 'champion'),
      demo.registry.listAudit(DEMO_MODEL),
      demo.alarms.describe(drifted.monitor.alarms.map((alarm) => alarm.name)),
    ]);
    const summary: Omit<DemoSummary, 'seconds'> = {
      model: DEMO_MODEL,
      data: { rows: options.rows, seed: options.seed, csv: trained.csvPath },
      stack: { stateDir: demo.stateDir, params: demoParamValues() },
      runConfig: {
        file: options.config?.path ?? null,
        models: trained.run.config?.models.length ?? null,
        folds: trained.run.config?.folds ?? null,
        cells: trained.run.cellsTotal ?? null,
      },
      runs,
      predictions: predicted.answers.map((answer) => ({
        protocol: answer.protocol,
        call: answer.call,
        version: answer.version ?? null,
        labels: answer.predictions.map((row) => row.label),
      })),
      traffic: {
        normal: { rows: normal.traffic.rows, requests: normal.traffic.requests },
        drifted: { rows: drifted.traffic.rows, requests: drifted.traffic.requests },
      },
      monitoring: { normal: monitorSummary(normal), drifted: monitorSummary(drifted) },
      alarms: alarms.map((alarm) => ({ name: alarm.name, state: alarm.state, reason: alarm.reason })),
      rollback: {
        promotedByGate: rollback.promotedByGate,
        promotedByHand: rollback.promotedByHand ?? null,
        from: rollback.from,
        to: rollback.to,
        servedAfterPromotion: rollback.servedAfterPromotion ?? null,
        servedAfterRollback: rollback.servedAfterRollback ?? null,
      },
      champion: champion?.version ?? null,
      championHistory: championHistory(audit),
      versions: [...versions]
        .sort((a, b) => a.version - b.version)
        .map((v) => ({
          version: v.version,
          algorithm: v.algorithm,
          testAccuracy: v.metrics.testAccuracy,
          runId: v.lineage.runId,
          trigger: v.lineage.trigger,
        })),
      reports: [...reports.values()],
      modelPage,
      steps: [],
    };
    for (const line of formatSummary(summary)) narrator.say(line);
    narrator.endSection();
    return { ...summary, steps: narrator.steps };
  } finally {
    narrator.log('Stopping the stack…');
    await demo.close();
  }
}
