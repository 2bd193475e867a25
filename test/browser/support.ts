/**
 * Headless Chromium for the page tests: Debian's /usr/bin/chromium driven by playwright-core (no browser is
 * ever downloaded), a page written to a temporary file and opened at a chosen width with its errors
 * collected.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** Whether the browser tests can run here; they are skipped, loudly, where they cannot. */
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`SKIPPED: the browser test needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium)`);
}

export interface OpenedPage {
  readonly page: Page;
  /** Console errors, page errors and failed requests, as they happen. */
  readonly errors: string[];
}

export interface PageInChromium {
  /** Opens the page in a new tab `width` px wide. */
  open(width: number): Promise<OpenedPage>;
  /** Closes the browser and removes the temporary file. */
  close(): Promise<void>;
}

/** Writes `html` to a temporary `index.html` (in a directory named from `prefix`) and launches Chromium. */
export async function pageInChromium(html: string, prefix: string): Promise<PageInChromium> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  const file = join(dir, 'index.html');
  try {
    await writeFile(file, html);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const url = pathToFileURL(file).href;
    return {
      async open(width) {
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        const errors: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(message.text());
        });
        page.on('pageerror', (error) => errors.push(error.message));
        page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()}`));
        await page.goto(url, { waitUntil: 'load' });
        return { page, errors };
      },
      async close() {
        await browser.close();
        await removeDir();
      },
    };
  } catch (error) {
    await removeDir();
    throw error;
  }
}

/**
 * How far the page reaches to the right: its scroll width, and the right edge of the widest element
 * matching `selector` (a chart inside a scrolling box would not show in the scroll width).
 */
export async function horizontalExtent(
  page: Page,
  selector: string,
): Promise<{ scrollWidth: number; widest: number }> {
  // Expressions, not functions: they run in the page, and this project compiles without the DOM types.
  const scrollWidth = Number(await page.evaluate('document.scrollingElement.scrollWidth'));
  const widest = Number(
    await page.evaluate(
      `Math.max(...[...document.querySelectorAll(${JSON.stringify(selector)})].map((el) => el.getBoundingClientRect().right))`,
    ),
  );
  return { scrollWidth, widest };
}
