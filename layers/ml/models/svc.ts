/**
 * Support vector classifier: scikit-learn's SVC, trained by the real libsvm compiled to wasm (libsvm-js).
 * Training happens in wasm; the fitted model is copied out and evaluated in TypeScript with libsvm's own
 * prediction rules (see svc/model.ts), so no wasm memory outlives `fit`.
 */
import type { ModelSpec } from './classifier.ts';
import { trainLibsvm } from './svc/libsvm.ts';
import { parseSvcParams, type SvcParams, svcParamsSchema } from './svc/params.ts';
import { SvcClassifier, svcFromJSON } from './svc/svc-classifier.ts';

export { parseSvcParams, resolveGamma, type SvcParams, svcParamsSchema } from './svc/params.ts';

export const svcSpec: ModelSpec<SvcParams> = {
  name: 'SVC',
  params: svcParamsSchema,
  create: (params, seed) => new SvcClassifier(parseSvcParams(params), seed, trainLibsvm),
  fromJSON: (json) => svcFromJSON(json, trainLibsvm),
};
