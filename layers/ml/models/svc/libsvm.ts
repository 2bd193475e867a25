/**
 * Trains C-SVC models with the real libsvm (3.22, compiled to wasm by libsvm-js) and copies the result out
 * of the wasm heap into a {@link LibsvmModel}, freeing all wasm memory before returning.
 *
 * Why read the heap instead of libsvm-js's serializeModel(): its text prints rho, gamma and probA/probB
 * with %g (six digits), so a model reloaded from it is not the model libsvm trained.
 */
import { createRequire } from 'node:module';
import type { LibsvmWasmModule } from 'libsvm-js/out/wasm/libsvm.js';
import type { LibsvmSVMClass, default as loadSVMFactory } from 'libsvm-js/src/loadSVM.js';
import { MlError } from '../../errors.ts';
import type { LibsvmModel, SvcKernel } from './model.ts';

/**
 * emscripten binds `Module.printErr` from a global `printErr` when the module is evaluated. Node ≥ 18 has
 * fetch, so the loader first tries streaming compilation of a file path, fails, says so on stderr and
 * falls back to reading the file; we drop exactly those two lines and pass anything else on.
 */
const BENIGN_LOAD_MESSAGES = ['wasm streaming compile failed', 'falling back to ArrayBuffer instantiation'];

/**
 * Loaded with require, not import: the emscripten module is a thenable that resolves to itself, so any
 * `await` on it or on an import namespace exposing its `then` (vitest's CommonJS interop does) loops
 * forever. require is synchronous, which also keeps the printErr override scoped to the evaluation.
 */
function requireQuietly(): { readonly module: LibsvmWasmModule; readonly loadSVM: typeof loadSVMFactory } {
  const require = createRequire(import.meta.url);
  const scope = globalThis as { printErr?: (message: string) => void };
  const previous = scope.printErr;
  scope.printErr = (message: string): void => {
    if (!BENIGN_LOAD_MESSAGES.some((m) => String(message).startsWith(m))) console.warn(message);
  };
  const rejectionListeners = new Set(process.listeners('unhandledRejection'));
  try {
    return {
      module: require('libsvm-js/out/wasm/libsvm.js') as LibsvmWasmModule,
      loadSVM: require('libsvm-js/src/loadSVM.js') as typeof loadSVMFactory,
    };
  } finally {
    if (previous === undefined) delete scope.printErr;
    else scope.printErr = previous;
    dropListenersAddedSince(rejectionListeners);
  }
}

/**
 * The emscripten glue installs `process.on('unhandledRejection', () => process.exit(1))` when evaluated:
 * any forgotten promise anywhere in a process that merely loaded SVC would then exit 1 with no message.
 * Removing it restores Node's own behaviour (the error and its stack are printed).
 */
function dropListenersAddedSince(before: ReadonlySet<unknown>): void {
  for (const listener of process.listeners('unhandledRejection')) {
    if (!before.has(listener)) process.removeListener('unhandledRejection', listener);
  }
}

const { module: wasm, loadSVM } = requireQuietly();
await wasm.load();
const SVM: LibsvmSVMClass = loadSVM(wasm);

const KERNEL_CODE: Record<SvcKernel, string> = {
  linear: SVM.KERNEL_TYPES.LINEAR,
  poly: SVM.KERNEL_TYPES.POLYNOMIAL,
  rbf: SVM.KERNEL_TYPES.RBF,
  sigmoid: SVM.KERNEL_TYPES.SIGMOID,
};

/**
 * Byte offsets in libsvm 3.22's `struct svm_model` on wasm32 (4-byte pointers, 8-byte-aligned doubles):
 * the embedded `struct svm_parameter` takes the first 96 bytes.
 */
const MODEL = {
  svmType: 0,
  kernelType: 4,
  gamma: 16,
  C: 48,
  nrClass: 96,
  l: 100,
  SV: 104,
  svCoef: 108,
  rho: 112,
  probA: 116,
  probB: 120,
  label: 128,
  nSV: 132,
} as const;
/** `struct svm_node { int index; double value; }`: 16 bytes, value at 8; index -1 ends a row. */
const NODE_SIZE = 16;

/**
 * libsvm's probability training shuffles its internal 5-fold split with C rand(), whose state (musl:
 * one uint64 in static memory) otherwise carries over from fit to fit, so probA/probB would depend on
 * what the process trained before. libsvm-js exports no srand, so we write the state directly, as
 * scikit-learn seeds it from random_state. The address belongs to this exact wasm build; it is verified
 * read-only at load (see `locateRandState`) and probability training refuses to run if it moved.
 */
const RAND_STATE_ADDRESS = 7248;
const LCG_MULTIPLIER = 6364136223846793005n;
const U64 = (1n << 64n) - 1n;

export interface LibsvmTrainOptions {
  readonly kernel: SvcKernel;
  readonly degree: number;
  readonly gamma: number;
  readonly coef0: number;
  readonly C: number;
  readonly tol: number;
  readonly cacheSizeMb: number;
  readonly shrinking: boolean;
  readonly probability: boolean;
  readonly seed: number;
}

function randState(): bigint {
  return new BigUint64Array(wasm.HEAPU8.buffer, RAND_STATE_ADDRESS, 1)[0];
}

function setRandState(state: bigint): void {
  new BigUint64Array(wasm.HEAPU8.buffer, RAND_STATE_ADDRESS, 1)[0] = state & U64;
}

/**
 * Confirms, without writing, that RAND_STATE_ADDRESS holds musl's rand() state: untouched (0) on a fresh
 * module, and after one tiny probability fit equal to a few steps of musl's LCG from 0.
 */
function locateRandState(): boolean {
  const end = wasm.STATIC_BASE + wasm.STATIC_BUMP;
  if (RAND_STATE_ADDRESS < wasm.STATIC_BASE || RAND_STATE_ADDRESS + 8 > end) return false;
  if (randState() !== 0n) return false;
  const svm = new SVM({ kernel: KERNEL_CODE.linear, cost: 1, quiet: true, probabilityEstimates: true });
  try {
    const x = [[0], [0.1], [0.2], [0.3], [0.4], [0.6], [0.7], [0.8], [0.9], [1]];
    svm.train(x, [0, 0, 0, 1, 0, 1, 0, 1, 1, 1]);
  } finally {
    svm.free();
  }
  const after = randState();
  let s = 0n;
  for (let step = 0; step < 100_000; step++) {
    s = (LCG_MULTIPLIER * s + 1n) & U64;
    if (s === after) return true;
  }
  return false;
}

const randStateLocated = locateRandState();

/**
 * Trains on rows given row-major (`rows[i * nFeatures + f]`) with integer labels. Rows must be grouped so
 * that labels first appear in ascending order: libsvm orders classes by first appearance, scikit-learn's
 * copy sorts them, and the order decides pair orientation and vote ties.
 */
export function trainLibsvm(
  rows: Float64Array,
  labels: Int32Array,
  nFeatures: number,
  options: LibsvmTrainOptions,
): LibsvmModel {
  if (options.probability && !randStateLocated) {
    throw new MlError(
      'SVC: cannot seed libsvm probability training in this libsvm-js build (rand state not found); ' +
        'use probability=false',
    );
  }
  const n = labels.length;
  const samples: Float64Array[] = [];
  for (let i = 0; i < n; i++) samples.push(rows.subarray(i * nFeatures, (i + 1) * nFeatures));
  const svm = new SVM({
    type: SVM.SVM_TYPES.C_SVC,
    kernel: KERNEL_CODE[options.kernel],
    degree: options.degree,
    gamma: options.gamma,
    coef0: options.coef0,
    cost: options.C,
    tolerance: options.tol,
    cacheSize: options.cacheSizeMb,
    shrinking: options.shrinking,
    probabilityEstimates: options.probability,
    quiet: true,
  });
  try {
    // musl's srand(s) stores s - 1; storing the seed itself is just as reproducible and simpler.
    if (options.probability) setRandState(BigInt(options.seed >>> 0));
    svm.train(samples, labels);
    if (svm.model === null) throw new MlError('SVC: libsvm returned no model');
    return readModel(svm.model, nFeatures, options);
  } finally {
    svm.free();
  }
}

function readModel(ptr: number, nFeatures: number, options: LibsvmTrainOptions): LibsvmModel {
  const i32 = (addr: number): number => wasm.HEAP32[addr >> 2];
  const f64 = (addr: number): number => wasm.HEAPF64[addr >> 3];
  const k = i32(ptr + MODEL.nrClass);
  const l = i32(ptr + MODEL.l);
  const layoutOk =
    i32(ptr + MODEL.svmType) === 0 &&
    String(i32(ptr + MODEL.kernelType)) === KERNEL_CODE[options.kernel] &&
    f64(ptr + MODEL.gamma) === options.gamma &&
    f64(ptr + MODEL.C) === options.C &&
    k >= 2 &&
    l >= 1;
  if (!layoutOk) throw new MlError('SVC: unexpected libsvm model layout (libsvm-js build changed?)');

  const labels = new Int32Array(k);
  const nSV = new Int32Array(k);
  let total = 0;
  for (let c = 0; c < k; c++) {
    labels[c] = i32(i32(ptr + MODEL.label) + 4 * c);
    nSV[c] = i32(i32(ptr + MODEL.nSV) + 4 * c);
    total += nSV[c];
  }
  if (total !== l) throw new MlError('SVC: unexpected libsvm model layout (support vector counts)');

  const supportVectors = new Float64Array(l * nFeatures);
  const svTable = i32(ptr + MODEL.SV);
  for (let s = 0; s < l; s++) {
    // libsvm-js stores every feature, zeros included, but a sparse row would still read correctly.
    for (let node = i32(svTable + 4 * s); i32(node) !== -1; node += NODE_SIZE) {
      const index = i32(node);
      if (index < 1 || index > nFeatures) throw new MlError('SVC: unexpected libsvm support vector index');
      supportVectors[s * nFeatures + index - 1] = f64(node + 8);
    }
  }
  const svCoef = new Float64Array((k - 1) * l);
  const coefTable = i32(ptr + MODEL.svCoef);
  for (let j = 0; j < k - 1; j++) {
    const rowPtr = i32(coefTable + 4 * j);
    for (let s = 0; s < l; s++) svCoef[j * l + s] = f64(rowPtr + 8 * s);
  }
  const nPairs = (k * (k - 1)) / 2;
  const readPairs = (arrayPtr: number): Float64Array => {
    const out = new Float64Array(nPairs);
    for (let p = 0; p < nPairs; p++) out[p] = f64(arrayPtr + 8 * p);
    return out;
  };
  const probAPtr = i32(ptr + MODEL.probA);
  const probBPtr = i32(ptr + MODEL.probB);
  const hasProbability = options.probability && probAPtr !== 0 && probBPtr !== 0;
  return {
    kernel: options.kernel,
    degree: options.degree,
    gamma: options.gamma,
    coef0: options.coef0,
    nFeatures,
    labels,
    nSV,
    supportVectors,
    svCoef,
    rho: readPairs(i32(ptr + MODEL.rho)),
    probA: hasProbability ? readPairs(probAPtr) : undefined,
    probB: hasProbability ? readPairs(probBPtr) : undefined,
  };
}
