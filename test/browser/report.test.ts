/**
 * A real run's report in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no
 * browser is ever downloaded): the charts have one mark per model, class pair and feature, the page logs
 * no error, and nothing is wider than the window at a phone's 390 px or a laptop's 1280 px. Screenshots
 * go to /tmp/report-shots/ (outside the repository) for a person to look at.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealRun } from '../core/reports/report-fixture.ts';
import { realRun, reportHtml } from '../core/reports/report-fixture.ts';
import { hasChromium, horizontalExtent, type PageInChromium, pageInChromium } from './support.ts';

const SHOTS = '/tmp/report-shots';

describe.skipIf(!hasChromium)('run report in Chromium', () => {
  let chromium: PageInChromium;
  let run: RealRun;

  beforeAll(async () => {
    run = await realRun();
    chromium = await pageInChromium(reportHtml(run), 'synergy-report-');
    await mkdir(SHOTS, { recursive: true });
  });

  afterAll(() => chromium?.close());

  async function evaluation() {
    return run.world.artifacts.readJson({
      bucket: 'synergy-data',
      key: `runs/${run.runId}/evaluation.json`,
    }) as Promise<{
      classes: unknown[];
      featureNames: string[];
      leaderboard: unknown[];
    }>;
  }

  it('draws one bar per model, classes² heatmap cells and one bar per feature, without errors', async () => {
    const { page, errors } = await chromium.open(1280);
    const document = await evaluation();
    const count = (selector: string) => page.locator(selector).count();
    expect(document.leaderboard.length).toBeGreaterThan(1);
    expect(await count('svg[data-chart="accuracy"] [data-bar]')).toBe(document.leaderboard.length);
    expect(document.classes.length).toBe(3);
    expect(await count('svg[data-chart="confusion"] [data-cell]')).toBe(document.classes.length ** 2);
    expect(await count('svg[data-chart="importances"] [data-bar]')).toBe(document.featureNames.length);
    expect(await count('svg[data-chart="cv-spread"] [data-config]')).toBeGreaterThan(0);
    // Every chart is drawn at a real size (not collapsed to nothing by the layout).
    for (const chart of ['accuracy', 'confusion', 'importances', 'cv-spread', 'stages']) {
      const box = await page.locator(`svg[data-chart="${chart}"]`).boundingBox();
      expect(box?.width, chart).toBeGreaterThan(200);
      expect(box?.height, chart).toBeGreaterThan(40);
    }
    await page.screenshot({ path: join(SHOTS, 'report-1280.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const width of [390, 1280]) {
    it(`does not overflow horizontally at ${width} px`, async () => {
      const { page, errors } = await chromium.open(width);
      const extent = await horizontalExtent(page, 'svg.chart');
      expect(extent.scrollWidth).toBeLessThanOrEqual(width + 1);
      expect(extent.widest).toBeLessThanOrEqual(width + 1);
      if (width === 390) await page.screenshot({ path: join(SHOTS, 'report-390.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
