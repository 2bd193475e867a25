/**
 * Writes a model's page to `reports/models/<model>/index.html` in the data bucket: collect, render,
 * write. Idempotent: a later call overwrites it with what the stack holds then.
 */
import type { ObjectRef } from '../../ports.ts';
import { collectModelPage, type ModelPageDeps, type ModelPageOptions } from './model-page-data.ts';
import { modelPageKey } from './model-page-keys.ts';
import { renderModelPage } from './render-model-page.ts';

/** The page's HTML, rendered from the stack (what the CLI writes locally). */
export async function renderModelPageFor(
  deps: ModelPageDeps,
  modelName: string,
  options: ModelPageOptions = {},
  signal?: AbortSignal,
): Promise<string> {
  return renderModelPage(await collectModelPage(deps, modelName, options, signal));
}

export async function writeModelPage(
  deps: ModelPageDeps,
  modelName: string,
  options: ModelPageOptions = {},
  signal?: AbortSignal,
): Promise<ObjectRef> {
  const html = await renderModelPageFor(deps, modelName, options, signal);
  const ref: ObjectRef = { bucket: deps.bucket, key: modelPageKey(modelName) };
  await deps.artifacts.write(ref, html, { contentType: 'text/html; charset=utf-8' });
  return ref;
}
