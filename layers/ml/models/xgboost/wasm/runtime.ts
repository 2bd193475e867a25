/**
 * Compiles the fit's WebAssembly kernels and makes their memories. The project compiles against lib
 * ES2023 without DOM, which declares no `WebAssembly` global, so the slice of the API used is typed here.
 */
import { MlError } from '../../../errors.ts';
import { encodeModule } from '../../../wasm/encoder.ts';
import { type HistogramKernels, histogramKernels } from './histogram-kernels.ts';
import { type MarginKernels, marginKernels } from './margin-kernels.ts';
import { type PartitionKernel, partitionKernel } from './partition-kernel.ts';
import { type SortKernels, sortKernels } from './sort-kernels.ts';
import { type SplitKernel, splitKernel } from './split-kernel.ts';

export type Kernels = HistogramKernels & PartitionKernel & SplitKernel & MarginKernels & SortKernels;

/**
 * No `grow`: growing a memory detaches its old buffer, and one detach anywhere slows every typed-array
 * loop in the process (see workspace.ts).
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}

const PAGE_BYTES = 65536;
/** wasm32 addresses are 32-bit: 65536 pages. */
const MAX_PAGES = 65536;

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Compiled on first use, then shared by every fit in the process. */
let compiled: object | undefined;

/** A fixed-size memory of at least `bytes` bytes. */
export function createMemory(bytes: number): WasmMemory {
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  const tooLarge = (cause?: unknown) =>
    new MlError(
      `XGBoost: training needs ${bytes} bytes of WebAssembly memory, more than its 4 GiB address space allows`,
      { bytes },
      { cause },
    );
  if (pages > MAX_PAGES) throw tooLarge();
  try {
    return new wasm.Memory({ initial: pages, maximum: pages });
  } catch (error) {
    throw tooLarge(error);
  }
}

export function instantiateKernels(memory: WasmMemory): Kernels {
  compiled ??= new wasm.Module(
    encodeModule([
      ...histogramKernels(),
      partitionKernel(),
      splitKernel(),
      ...marginKernels(),
      ...sortKernels(),
    ]),
  );
  return new wasm.Instance(compiled, { env: { memory } }).exports as Kernels;
}
