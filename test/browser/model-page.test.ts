/**
 * A model's page in headless Chromium (Debian's /usr/bin/chromium via playwright-core; no browser is
 * downloaded), rendered from a generated model's life (model-page-fixture.ts): a point per period on the
 * accuracy and max-PSI charts, a bar per alias holding, a small multiple per feature, no console error,
 * and nothing wider than the window at 390 px or 1280 px. Screenshots go to /tmp/model-page-shots/
 * (outside the repository) for a person to look at.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectModelPage,
  type ModelPageData,
} from '../../layers/core/reports/model-page/model-page-data.ts';
import { renderModelPage } from '../../layers/core/reports/model-page/render-model-page.ts';
import { generatedModel } from '../core/reports/model-page-fixture.ts';
import { hasChromium, horizontalExtent, type PageInChromium, pageInChromium } from './support.ts';

const SHOTS = '/tmp/model-page-shots';

describe.skipIf(!hasChromium)('model page in Chromium', () => {
  let chromium: PageInChromium;
  let data: ModelPageData;

  beforeAll(async () => {
    const world = await generatedModel();
    data = await collectModelPage(world.deps, world.modelName);
    chromium = await pageInChromium(renderModelPage(data), 'synergy-model-page-');
    await mkdir(SHOTS, { recursive: true });
  });

  afterAll(() => chromium?.close());

  it('draws a point per period, a bar per alias holding and a chart per feature, without errors', async () => {
    const { page, errors } = await chromium.open(1280);
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
    // Expressions, not functions: they run in the page, and this project compiles without the DOM types.
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
      const { page, errors } = await chromium.open(width);
      const extent = await horizontalExtent(page, 'svg.chart, .timeline, .alarm, .multiples figure');
      expect(extent.scrollWidth).toBeLessThanOrEqual(width + 1);
      expect(extent.widest).toBeLessThanOrEqual(width + 1);
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
