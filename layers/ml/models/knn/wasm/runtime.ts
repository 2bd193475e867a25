/**
 * The slice of the WebAssembly JS API the kernels use. The project compiles against lib ES2023 without
 * DOM, which declares no `WebAssembly` global, so it is typed here rather than pulling in DOM types.
 */
import { MlError } from '../../../errors.ts';
import { type ScanKernels, scanModuleBytes } from './scan-kernel.ts';

/** Never grown (see TrainingPack.callSpace), so no buffer is ever detached. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

export const PAGE_BYTES = 65536;
/** wasm32 addresses are 32-bit: 65536 pages. */
const MAX_PAGES = 65536;

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Compiled once per (features, k): the kernels bake both in, and models in a search share them. */
const modules = new Map<string, object>();

function scanModule(d: number, k: number): object {
  const key = `${d}:${k}`;
  let module = modules.get(key);
  if (!module) {
    module = new wasm.Module(scanModuleBytes(d, k));
    modules.set(key, module);
  }
  return module;
}

export function scanKernels(memory: WasmMemory, d: number, k: number): ScanKernels {
  return new wasm.Instance(scanModule(d, k), { env: { memory } }).exports as ScanKernels;
}

function pagesFor(bytes: number): number {
  return Math.ceil(bytes / PAGE_BYTES);
}

function tooLarge(bytes: number, cause?: unknown): MlError {
  return new MlError(
    `KNN: the search needs ${bytes} bytes of WebAssembly memory, more than its 4 GiB address space`,
    { bytes },
    { cause },
  );
}

export function createMemory(bytes: number): WasmMemory {
  if (pagesFor(bytes) > MAX_PAGES) throw tooLarge(bytes);
  try {
    return new wasm.Memory({ initial: pagesFor(bytes) });
  } catch (error) {
    throw tooLarge(bytes, error);
  }
}
