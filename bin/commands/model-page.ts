import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudWatchMetricHistory } from '../../layers/aws/cloudwatch-metric-history.ts';
import type { Clock } from '../../layers/core/ports.ts';
import {
  collectModelPage,
  type ModelPageData,
  type ModelPageOptions,
} from '../../layers/core/reports/model-page/model-page-data.ts';
import { renderModelPage } from '../../layers/core/reports/model-page/render-model-page.ts';
import { UsageError } from '../errors.ts';
import { monitorSettingsOf } from '../stack/monitor-settings.ts';
import { missingService, openStack } from '../stack/session.ts';

const USAGE = 'usage: synergy model-page <model> [--out dir] [--hours n] [--period seconds] [--json]';

/** A model name becomes a directory name: nothing that could climb out of --out. */
const SAFE_MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0))
    throw new UsageError(`--${name} must be a positive number, got "${text}"`);
  return value;
}

function pageOptions(hours: string | undefined, period: string | undefined): ModelPageOptions {
  const lookbackHours = positive('hours', hours);
  const periodSeconds = positive('period', period);
  if (
    periodSeconds !== undefined &&
    !(periodSeconds === 10 || periodSeconds === 30 || periodSeconds % 60 === 0)
  ) {
    throw new UsageError(`--period must be 10, 30 or a multiple of 60 seconds, got ${periodSeconds}`);
  }
  return {
    ...(lookbackHours === undefined
      ? {}
      : { lookbackSeconds: Math.max(60, Math.round(lookbackHours * 3600)) }),
    ...(periodSeconds === undefined ? {} : { periodSeconds }),
  };
}

/**
 * `synergy model-page <model>`: renders the model's page from the stack — versions and aliases over time
 * from the registry, live accuracy and drift per feature from CloudWatch, the alarms now — and writes
 * `<dir>/models/<model>/index.html` (default dir `.synergy/reports`, where `synergy report` writes the run
 * reports it links to); prints the absolute path (`--json`: the path and what the page shows).
 */
export async function runModelPage(argv: string[], root = process.cwd()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      hours: { type: 'string' },
      period: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [modelName, ...extra] = positionals;
  if (modelName === undefined || extra.length > 0) throw new UsageError(USAGE);
  if (!SAFE_MODEL_NAME.test(modelName)) throw new UsageError(`not a model name: "${modelName}"`);
  const options = pageOptions(values.hours, values.period);
  const session = await openStack({ root, log: (line) => process.stderr.write(`${line}\n`) });
  let data: ModelPageData;
  try {
    // The stack this command started may run on a faster clock (its metrics are stamped in its time).
    const stackClock = session.embedded?.clock;
    const clock: Clock = { now: () => new Date(stackClock === undefined ? Date.now() : stackClock.now()) };
    data = await collectModelPage(
      {
        registry: session.registry,
        artifacts: session.artifacts,
        bucket: session.bucket,
        alarms: session.alarms,
        metrics: new CloudWatchMetricHistory(session.cloudwatch ?? missingService('CloudWatch')),
        clock,
        settings: monitorSettingsOf(session.config),
      },
      modelName,
      options,
    );
  } finally {
    await session.close();
  }
  const dir = resolve(root, values.out ?? join('.synergy', 'reports'), 'models', modelName);
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'index.html');
  await writeFile(path, renderModelPage(data));
  process.stdout.write(values.json ? `${JSON.stringify(pageJson(path, data))}\n` : `${path}\n`);
  return 0;
}

/** The `--json` object: where the page is and the numbers it shows. */
function pageJson(path: string, data: ModelPageData) {
  return {
    path,
    model: data.modelName,
    champion: data.champion ?? null,
    challenger: data.challenger ?? null,
    versions: data.versions.length,
    aliasMoves: data.history.moves.length,
    alarms: data.alarms.map((alarm) => ({ name: alarm.name, state: alarm.state ?? null })),
    range: data.range,
    points: {
      liveAccuracy: data.liveAccuracy.length,
      maxPsi: data.maxPsi.length,
      features: Object.fromEntries(data.features.map((f) => [f.name, f.points.length])),
    },
  };
}
