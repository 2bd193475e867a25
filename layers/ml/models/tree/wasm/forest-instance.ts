/**
 * Memory and instances for the packed-forest kernels. The project compiles against lib ES2023 without DOM,
 * which declares no `WebAssembly` global, so the slice used is typed here.
 */
import { MlError } from '../../../errors.ts';
import { type ForestKernels, forestModuleBytes } from './forest-kernels.ts';

/** Never grown (see PackedForest.ensureRoom), so no buffer is ever detached. */
export interface ForestMemory {
  readonly buffer: ArrayBuffer;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => ForestMemory;
}

const PAGE_BYTES = 65536;
/** wasm32 addresses are 32-bit: 65536 pages. */
const MAX_PAGES = 65536;

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Compiled on first use, shared by every forest (the kernels bake nothing forest-specific in). */
let compiled: object | undefined;

export function forestKernels(memory: ForestMemory): ForestKernels {
  compiled ??= new wasm.Module(forestModuleBytes());
  return new wasm.Instance(compiled, { env: { memory } }).exports as ForestKernels;
}

function pagesFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / PAGE_BYTES));
}

function tooLarge(bytes: number, cause?: unknown): MlError {
  return new MlError(
    `PackedForest: the forest needs ${bytes} bytes of WebAssembly memory, more than its 4 GiB address space`,
    { bytes },
    { cause },
  );
}

export function createForestMemory(bytes: number): ForestMemory {
  if (pagesFor(bytes) > MAX_PAGES) throw tooLarge(bytes);
  try {
    return new wasm.Memory({ initial: pagesFor(bytes) });
  } catch (error) {
    throw tooLarge(bytes, error);
  }
}
