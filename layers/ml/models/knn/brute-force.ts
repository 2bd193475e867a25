/**
 * Exact k-nearest-neighbour search by brute force. The hot loop is a WebAssembly SIMD kernel
 * (wasm/scan-kernel.ts, f64x2: two (query, row) pairs per instruction, 4 queries × 4 rows per register
 * tile); this file owns its memory and drives it:
 *
 * - The training rows live in the kernel's memory for the model's lifetime, packed in groups of 4
 *   feature-interleaved, with ‖b‖² per row; queries are copied in per call, interleaved in blocks of 4.
 * - Candidates rank by ‖b‖² − 2a·b (the squared Euclidean distance minus the query's constant ‖a‖²);
 *   each query keeps a sorted top-k list, and a tile of keys reaches the insertion code only when one
 *   of them beats its query's current k-th, which after the first few hundred rows is rare.
 * - The training set is walked in chunks that fit the L2 cache; every query visits a chunk before the
 *   next is loaded, so the training data streams from memory once per chunk, not once per query.
 *   Queries go in batches of bounded size, so the memory a call needs does not grow with its row count.
 *
 * The k survivors then get their exact distance Σ(a−b)² (so duplicates are at distance exactly 0) and
 * are ordered by (distance, training index): ties go to the lower training index, which is what
 * scikit-learn's algorithm='brute' returned on every reference split we compared (its k-d tree, picked
 * by 'auto' for few features, may break exact ties differently).
 */
import type { FeatureMatrix } from '../../data/matrix.ts';
import { createMemory, scanKernels, type WasmMemory } from './wasm/runtime.ts';
import {
  BLOCK_QUERIES,
  GROUP_ROWS,
  ROW_PADDING,
  SCRATCH_BYTES,
  type ScanKernels,
} from './wasm/scan-kernel.ts';

/** Training bytes per cache chunk: 2048 rows × 20 features × 8 bytes = 320 KiB, inside a 512 KiB L2. */
const CHUNK_BYTES = 320 * 1024;
/** Queries per batch: bounds the kernel memory a call needs (≈ 16384 × (8d + 12k) bytes). */
const BATCH_QUERIES = 16384;
/**
 * Query blocks per kernel call. V8 runs a wasm function's first calls in its baseline compiler (about
 * 3× slower here) and switches to optimized code only at a later call, so no single call may be a
 * large share of the work.
 */
const SLAB_BLOCKS = 256;

export interface Neighbours {
  /** `nQueries × k` training row indices, nearest first. */
  readonly indices: Int32Array;
  /** `nQueries × k` Euclidean distances, matching `indices`. */
  readonly distances: Float64Array;
}

/**
 * The training rows inside the kernel's memory, laid out as wasm/scan-kernel.ts expects: packed rows
 * from byte 0, then ‖b‖² per row, a small scratch area, then the per-call region (queries and lists).
 */
export class TrainingPack {
  readonly paddedRows: number;
  readonly normsOffset: number;
  readonly scratchOffset: number;
  private readonly callOffset: number;
  private memory: WasmMemory;
  private readonly kernelsByK = new Map<number, ScanKernels>();
  private f64View: Float64Array;
  private i32View: Int32Array;

  /** Packs element (row t, feature j) = `values[t·rowStride + j·featureStride]` of a dense matrix. */
  constructor(
    values: Float64Array,
    readonly nRows: number,
    readonly nFeatures: number,
    rowStride: number,
    featureStride: number,
  ) {
    const d = nFeatures;
    this.paddedRows = Math.ceil(nRows / ROW_PADDING) * ROW_PADDING;
    this.normsOffset = this.paddedRows * d * 8;
    this.scratchOffset = this.normsOffset + this.paddedRows * 8;
    this.callOffset = this.scratchOffset + SCRATCH_BYTES;
    this.memory = createMemory(this.callOffset);
    this.f64View = new Float64Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
    const packed = this.f64View;
    const norms = this.normsOffset / 8;
    packed.fill(Number.POSITIVE_INFINITY, norms + nRows, norms + this.paddedRows);
    for (let t = 0; t < nRows; t++) {
      const base = packedIndex(t, d);
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = values[t * rowStride + j * featureStride];
        packed[base + j * GROUP_ROWS] = v;
        s += v * v;
      }
      packed[norms + t] = s;
    }
  }

  /** A view of the memory as f64; renewed when the memory has been replaced by a larger one. */
  f64(): Float64Array {
    if (this.f64View.buffer !== this.memory.buffer) this.f64View = new Float64Array(this.memory.buffer);
    return this.f64View;
  }

  i32(): Int32Array {
    if (this.i32View.buffer !== this.memory.buffer) this.i32View = new Int32Array(this.memory.buffer);
    return this.i32View;
  }

  /**
   * Makes `bytes` of per-call space available and returns its offset (the contents are stale). More
   * space means a new, larger memory with the training rows copied over, not `memory.grow()`: growing
   * detaches the old ArrayBuffer, and a single detach anywhere makes V8 add a detach check to every
   * typed-array access in the process from then on (measured: XGBoost's fit 20–35 % slower).
   */
  callSpace(bytes: number): number {
    const needed = this.callOffset + bytes;
    if (needed > this.memory.buffer.byteLength) {
      const larger = createMemory(needed);
      new Uint8Array(larger.buffer).set(new Uint8Array(this.memory.buffer, 0, this.callOffset));
      this.memory = larger;
      this.kernelsByK.clear();
    }
    return this.callOffset;
  }

  kernels(k: number): ScanKernels {
    let kernels = this.kernelsByK.get(k);
    if (!kernels) {
      kernels = scanKernels(this.memory, this.nFeatures, k);
      this.kernelsByK.set(k, kernels);
    }
    return kernels;
  }
}

/** f64 index of training row `t`'s first feature (the next features follow every GROUP_ROWS slots). */
function packedIndex(t: number, d: number): number {
  return Math.floor(t / GROUP_ROWS) * GROUP_ROWS * d + (t % GROUP_ROWS);
}

/** Packs a row-major `nRows × nFeatures` training matrix. */
export function packTraining(rows: Float64Array, nRows: number, nFeatures: number): TrainingPack {
  return new TrainingPack(rows, nRows, nFeatures, nFeatures, 1);
}

/** Packs a column-major training matrix as it comes (no row-major copy first). */
export function packColumns(x: FeatureMatrix): TrainingPack {
  return new TrainingPack(x.values, x.nRows, x.nFeatures, 1, x.nRows);
}

/** Row-major copy of the packed training rows (for serialization). */
export function unpackTraining(pack: TrainingPack): Float64Array {
  const d = pack.nFeatures;
  const packed = pack.f64();
  const out = new Float64Array(pack.nRows * d);
  for (let t = 0; t < pack.nRows; t++) {
    const base = packedIndex(t, d);
    for (let j = 0; j < d; j++) out[t * d + j] = packed[base + j * GROUP_ROWS];
  }
  return out;
}

/**
 * Replaces one query's k survivors (`ids[base … base+k-1]`) with their exact Euclidean distances in
 * `dist`, then sorts both by (distance, index).
 */
function finish(
  packed: Float64Array,
  d: number,
  query: Float64Array,
  q: number,
  ids: Int32Array,
  dist: Float64Array,
  base: number,
  k: number,
): void {
  for (let r = 0; r < k; r++) {
    let o = packedIndex(ids[base + r], d);
    let s = 0;
    for (let j = 0; j < d; j++, o += GROUP_ROWS) {
      const diff = query[q + j] - packed[o];
      s += diff * diff;
    }
    dist[base + r] = Math.sqrt(s);
  }
  for (let r = 1; r < k; r++) {
    const v = dist[base + r];
    const t = ids[base + r];
    let p = base + r;
    while (p > base && (dist[p - 1] > v || (dist[p - 1] === v && ids[p - 1] > t))) {
      dist[p] = dist[p - 1];
      ids[p] = ids[p - 1];
      p--;
    }
    dist[p] = v;
    ids[p] = t;
  }
}

/** Searches queries `[q0, q0+n)` of the row-major `queries` into `out`, rows `q0…` of it. */
function searchBatch(
  pack: TrainingPack,
  queries: Float64Array,
  q0: number,
  n: number,
  k: number,
  out: Neighbours,
): void {
  const d = pack.nFeatures;
  const nBlocks = Math.ceil(n / BLOCK_QUERIES);
  // A short last block repeats its last query; those lists are computed and ignored.
  const slots = nBlocks * BLOCK_QUERIES;
  const queryBytes = slots * d * 8;
  const keyBytes = slots * k * 8;
  const base = pack.callSpace(queryBytes + keyBytes + slots * k * 4);
  const keysAt = base + queryBytes;
  const idsAt = keysAt + keyBytes;
  const mem = pack.f64();
  const mem32 = pack.i32();
  for (let s = 0; s < slots; s++) {
    const q = q0 + Math.min(s, n - 1);
    const o = base / 8 + (s - (s % BLOCK_QUERIES)) * d + (s % BLOCK_QUERIES);
    for (let j = 0; j < d; j++) mem[o + j * BLOCK_QUERIES] = queries[q * d + j];
  }
  mem.fill(Number.POSITIVE_INFINITY, keysAt / 8, keysAt / 8 + slots * k);
  mem32.fill(-1, idsAt / 4, idsAt / 4 + slots * k);
  const kernels = pack.kernels(k);
  const chunkRows = Math.max(ROW_PADDING, Math.floor(CHUNK_BYTES / (d * 8) / ROW_PADDING) * ROW_PADDING);
  for (let row0 = 0; row0 < pack.paddedRows; row0 += chunkRows) {
    const row1 = Math.min(pack.paddedRows, row0 + chunkRows);
    for (let b = 0; b < nBlocks; b += SLAB_BLOCKS) {
      kernels.scanBlocks(
        base + b * BLOCK_QUERIES * d * 8,
        Math.min(SLAB_BLOCKS, nBlocks - b),
        keysAt + b * BLOCK_QUERIES * k * 8,
        idsAt + b * BLOCK_QUERIES * k * 4,
        pack.normsOffset,
        pack.scratchOffset,
        row0,
        row1,
      );
    }
  }
  out.indices.set(mem32.subarray(idsAt / 4, idsAt / 4 + n * k), q0 * k);
  for (let q = q0; q < q0 + n; q++) finish(mem, d, queries, q * d, out.indices, out.distances, q * k, k);
}

/** The k nearest training rows of every row of the row-major `nQueries × nFeatures` matrix. */
export function nearestNeighbours(
  pack: TrainingPack,
  queries: Float64Array,
  nQueries: number,
  k: number,
): Neighbours {
  const out = { indices: new Int32Array(nQueries * k), distances: new Float64Array(nQueries * k) };
  for (let q0 = 0; q0 < nQueries; q0 += BATCH_QUERIES) {
    searchBatch(pack, queries, q0, Math.min(BATCH_QUERIES, nQueries - q0), k, out);
  }
  return out;
}

/** Result arrays for {@link nearestNeighboursOfRow}, allocated once per fitted model. */
export interface RowScratch {
  readonly indices: Int32Array;
  readonly distances: Float64Array;
}

export function rowScratch(k: number): RowScratch {
  return { indices: new Int32Array(k), distances: new Float64Array(k) };
}

/**
 * The k nearest training rows of one query, left in `scratch` (nearest first): the serving path,
 * which allocates nothing once the first call has sized the kernel memory.
 */
export function nearestNeighboursOfRow(
  pack: TrainingPack,
  row: Float64Array,
  k: number,
  scratch: RowScratch,
): void {
  const d = pack.nFeatures;
  const base = pack.callSpace(d * 8 + k * 12);
  const keysAt = base + d * 8;
  const idsAt = keysAt + k * 8;
  const mem = pack.f64();
  const mem32 = pack.i32();
  for (let j = 0; j < d; j++) mem[base / 8 + j] = row[j];
  mem.fill(Number.POSITIVE_INFINITY, keysAt / 8, keysAt / 8 + k);
  mem32.fill(-1, idsAt / 4, idsAt / 4 + k);
  pack.kernels(k).scanRow(base, 1, keysAt, idsAt, pack.normsOffset, pack.scratchOffset, 0, pack.paddedRows);
  for (let r = 0; r < k; r++) scratch.indices[r] = mem32[idsAt / 4 + r];
  finish(mem, d, row, 0, scratch.indices, scratch.distances, 0, k);
}
