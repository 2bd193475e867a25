/**
 * A model's page in headless Chromium (Debian's /usr/bin/chromium via playwright-core; no browser is
 * downloaded), rendered from a generated model's life (model-page-fixture.ts): a point per period on the
 * accuracy and max-PSI charts, a bar per alias holding, a small multiple per feature, no console error,
 * and nothing wider than the window at 390 px or 1280 px. Screenshots go to /tmp/model-page-shots/
 * (outside the repository) for a person to look at.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectModelPage,
  type ModelPageData,
} from '../../layers/core/reports/model-page/model-page-data.ts';
import { renderModelPage } from '../../layers/core/reports/model-page/render-model-page.ts';
import { generatedModel } from '../core/reports/model-page-fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = '/tmp/model-page-shots';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`SKIPPED: the browser test needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium)`);
}

describe.skipIf(!hasChromium)('model page in Chromium', () => {
  let browser: Browser;
  let data: ModelPageData;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    const world = await generatedModel();
    data = await collectModelPage(world.deps, world.modelName);
    dir = await mkdtemp(join(tmpdir(), 'synergy-model-page-'));
    const file = join(dir, 'index.html');
    await writeFile(file, renderModelPage(data));
    url = pathToFileURL(file).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    await mkdir(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Opens the page at `width` px, collecting console errors and page errors. */
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

  it('draws a point per period, a bar per alias holding and a chart per feature, without errors', async () => {
    const { page, errors } = await open(1280);
    const count = (selector: string) => page.locator(selector).count();
    expect(data.liveAccuracy.length).toBeGreaterThan(10);
    expect(await count('svg[data-chart="live-accuracy"] [data-point]')).toBe(data.liveAccuracy.length);
    expect(await count('svg[data-chart="max-psi"] [data-point]')).toBe(data.maxPsi.length);
    expect(await count('[data-chart="aliases"] [data-span]')).toBe(data.history.spans.length);
    expect(await count('[data-chart="aliases"] [data-span][data-alias="champion"]')).toBe(
      data.history.spans.filter((s) => s.alias === 'champion').length,
    );
    expect(await count('svg[data-chart^="feature-psi-"]')).toBe(data.features.length);
    expect(await count('svg[data-chart^="feature-psi-"] [data-point]')).toBe(
      data.features.reduce((sum, f) => sum + f.points.length, 0),
    );
    // Every chart is drawn at a real size, and every alias bar is visible (not collapsed to nothing).
    for (const chart of ['live-accuracy', 'max-psi', 'aliases', 'feature-psi-0']) {
      const box = await page.locator(`[data-chart="${chart}"]`).boundingBox();
      expect(box?.width, chart).toBeGreaterThan(chart.startsWith('feature') ? 150 : 300);
      expect(box?.height, chart).toBeGreaterThan(40);
    }
    const narrowest = Number(
      await page.evaluate(
        "Math.min(...[...document.querySelectorAll('[data-span]')].map((el) => el.getBoundingClientRect().width))",
      ),
    );
    expect(narrowest).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SHOTS, 'model-page-1280.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const width of [390, 1280]) {
    it(`does not overflow horizontally at ${width} px`, async () => {
      const { page, errors } = await open(width);
      // Expressions, not functions: they run in the page, and this project compiles without the DOM types.
      const scrollWidth = Number(await page.evaluate('document.scrollingElement.scrollWidth'));
      expect(scrollWidth).toBeLessThanOrEqual(width + 1);
      const widest = Number(
        await page.evaluate(
          "Math.max(...[...document.querySelectorAll('svg.chart, .timeline, .alarm, .multiples figure')].map((el) => el.getBoundingClientRect().right))",
        ),
      );
      expect(widest).toBeLessThanOrEqual(width + 1);
      // The time labels under the alias timeline do not overlap one another.
      const overlaps = Number(
        await page.evaluate(`(() => {
          const boxes = [...document.querySelectorAll('.timeline .axis span')]
            .map((el) => el.getBoundingClientRect()).filter((r) => r.width > 0).sort((a, b) => a.left - b.left);
          return boxes.slice(1).filter((r, i) => r.left < boxes[i].right).length;
        })()`),
      );
      expect(overlaps).toBe(0);
      if (width === 390) await page.screenshot({ path: join(SHOTS, 'model-page-390.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
