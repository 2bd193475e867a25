/** The model's page at the end of the story: versions and aliases over time, live metrics, the alarms. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectModelPage } from '../../layers/core/reports/model-page/model-page-data.ts';
import { renderModelPage } from '../../layers/core/reports/model-page/render-model-page.ts';
import { monitorSettingsOf } from '../stack/monitor-settings.ts';
import type { DemoContext } from './context.ts';

/** The demo lasts minutes: an hour of one-minute points shows its traffic, not a flat line. */
const PAGE_OPTIONS = { lookbackSeconds: 3600, periodSeconds: 60 } as const;

/** Writes `<reportsDir>/models/<model>/index.html` and returns its absolute path. */
export async function modelPageStep(context: DemoContext, modelName: string): Promise<string> {
  const { demo } = context;
  const data = await collectModelPage(
    {
      registry: demo.registry,
      artifacts: demo.artifacts,
      bucket: demo.bucket,
      alarms: demo.alarms,
      metrics: demo.metricHistory,
      clock: { now: () => new Date(demo.stack.clock.now()) },
      settings: monitorSettingsOf(demo.stack.config),
    },
    modelName,
    PAGE_OPTIONS,
  );
  const dir = join(context.reportsDir, 'models', modelName);
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'index.html');
  await writeFile(path, renderModelPage(data));
  context.narrator.say(`Model page (versions, aliases over time, max PSI and PSI per feature): ${path}`);
  return path;
}
