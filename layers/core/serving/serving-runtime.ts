/**
 * What the serving use case keeps between requests: the loaded models and the registry lookups, one set
 * per ServingDeps (the predict function builds its deps once per container, so once per container).
 */
import { AliasResolver } from './alias-resolver.ts';
import type { ServingDeps } from './deps.ts';
import { ModelCache } from './model-cache.ts';

/** What lives as long as the deps: loaded models and registry lookups. */
export interface ServingRuntime {
  readonly resolver: AliasResolver;
  readonly models: ModelCache;
}

const runtimes = new WeakMap<ServingDeps, ServingRuntime>();

export function runtimeOf(deps: ServingDeps): ServingRuntime {
  let runtime = runtimes.get(deps);
  if (runtime === undefined) {
    runtime = { resolver: new AliasResolver(deps), models: new ModelCache(deps) };
    runtimes.set(deps, runtime);
  }
  return runtime;
}

/** Drops the loaded models of `deps` (disposing SVC's wasm memory): tests, a local server stopping. */
export function releaseServing(deps: ServingDeps): void {
  runtimes.get(deps)?.models.clear();
  runtimes.delete(deps);
}
