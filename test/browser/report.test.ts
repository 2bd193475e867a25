/**
 * A real run's report in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no
 * browser is ever downloaded): the charts have one mark per model, class pair and feature, the page logs
 * no error, and nothing is wider than the window at a phone's 390 px or a laptop's 1280 px. Screenshots
 * go to /tmp/report-shots/ (outside the repository) for a person to look at.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealRun } from '../core/reports/report-fixture.ts';
import { realRun, reportHtml } from '../core/reports/report-fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = '/tmp/report-shots';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`SKIPPED: the browser test needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium)`);
}

describe.skipIf(!hasChromium)('run report in Chromium', () => {
  let browser: Browser;
  let run: RealRun;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    run = await realRun();
    dir = await mkdtemp(join(tmpdir(), 'synergy-report-'));
    const file = join(dir, 'index.html');
    await writeFile(file, reportHtml(run));
    url = pathToFileURL(file).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    await mkdir(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Opens the report at `width` px, collecting console errors and page errors. */
  async function open(width: number): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()}`));
    await page.goto(url, { waitUntil: 'load' });
    return { page, errors };
  }

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
    const { page, errors } = await open(1280);
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
      const { page, errors } = await open(width);
      // Expressions, not functions: they run in the page, and this project compiles without the DOM types.
      const scrollWidth = Number(await page.evaluate('document.scrollingElement.scrollWidth'));
      expect(scrollWidth).toBeLessThanOrEqual(width + 1);
      // No chart is wider than the window either (a chart inside a scrolling box would not show above).
      const widest = Number(
        await page.evaluate(
          "Math.max(...[...document.querySelectorAll('svg.chart')].map((svg) => svg.getBoundingClientRect().right))",
        ),
      );
      expect(widest).toBeLessThanOrEqual(width + 1);
      if (width === 390) await page.screenshot({ path: join(SHOTS, 'report-390.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
