/**
 * The packed-forest kernels as a WebAssembly module, emitted from TypeScript (the project has no WAT
 * toolchain). In JavaScript the same loops pay, per step, typed-array map, detachment and bounds checks
 * and register spills; here a step is a handful of instructions (wasm32 memory needs no bounds checks on
 * x64: guard pages).
 *
 * Memory (packed-forest.ts owns it): the header (forest-header.ts) at byte 0, then slot s at
 * SLOTS_AT + 8s: its `code` then its `child` (int32 each). A node test is `code < bounds[code & mask]`
 * (threshold-ranks.ts); a leaf has code < 0 and ~code is the element offset of its values.
 *
 * Walks run four lanes interleaved (a walk is a chain of dependent loads; four chains overlap their cache
 * misses), and a lane that reaches a leaf takes the next walk at once. Sums run in tree order, so they
 * round exactly as a plain tree-by-tree walk does.
 */
import { encodeModule, type FunctionDef, I32 } from '../../../wasm/encoder.ts';
import { ForestCode } from './forest-code.ts';

/** Walk lanes: enough chains in flight to overlap cache misses, few enough to stay in registers. */
const LANES = 4;

// Function indices, for `call` (the order of the module's function list below).
const RANK_ROW = 0;
const WALK_ROW = 1;
const ADD_LEAVES = 2;

/** The exported kernels; arguments are byte offsets into the memory unless named as counts. */
export interface ForestKernels {
  /** Bounds of the row at header `row` (f64) to `bounds`: rank, then spread over the slots. */
  rankRow(bounds: number): void;
  /** The row at header `row` through every tree: its bounds, leaves, and leaf value sums at `rowOut`. */
  predictRow(): void;
  /**
   * Rows [0, nRows) through the tree at slot `root`: leaf value offset of row i to int32 leaves[i]. Row
   * i's bounds start at element i << strideBits of `bounds`.
   */
  walkRows(root: number, nRows: number, bounds: number, strideBits: number, leaves: number): void;
  /**
   * For i in [0, n), in order: out[i·outStride + k] += values[leaves[i] + k], k < valueWidth (f64 out;
   * leaves int32 element offsets). outStride 0 sums every leaf into one row.
   */
  addLeaves(leaves: number, n: number, out: number, outStride: number): void;
}

/**
 * rankRow(bounds): the row's rank c per search by the lock-step binary searches of threshold-ranks.ts,
 * then slot s of search q gets clamp(c − slotStart, 0, slotLength) << shift.
 */
function rankRow(): FunctionDef {
  const bounds = 0;
  const c = new ForestCode(1);
  const [tables, starts, features, rounds, nRounds, nSearches] = [
    c.field('tables'),
    c.field('starts'),
    c.field('features'),
    c.field('rounds'),
    c.field('nRounds'),
    c.field('nSearches'),
  ];
  const [slotSearch, slotStart, slotLength, nSlots, shift] = [
    c.field('slotSearch'),
    c.field('slotStart'),
    c.field('slotLength'),
    c.field('nSlots'),
    c.field('shift'),
  ];
  const [row, position, wanted] = [c.field('row'), c.field('position'), c.field('wanted')];
  const q = c.local(I32);
  const r = c.local(I32);
  const s = c.local(I32);
  const step = c.local(I32);
  const running = c.local(I32);
  const p = c.local(I32);
  const rank = c.local(I32);
  const length = c.local(I32);
  // position[q] = starts[q]; wanted[q] = row[features[q]]
  c.forUpTo(q, nSearches, () => {
    c.localGet(q).address(position, 2);
    c.localGet(q).element(starts);
    c.i32Store(0);
    c.localGet(q).address(wanted, 3);
    c.localGet(q).element(features).address(row, 3).f64Load(0);
    c.f64Store(0);
  });
  c.forUpTo(r, nRounds, () => {
    c.localGet(r).i32Const(1).i32Shl().element(rounds).localSet(step);
    c.localGet(r).i32Const(1).i32Shl().i32Const(1).i32Add().element(rounds).localSet(running);
    // position[q] += tables[position[q] + step − 1] < wanted[q] ? step : 0, for the running searches.
    c.forUpTo(q, running, () => {
      c.localGet(q).address(position, 2);
      c.localGet(q).element(position).localTee(p);
      c.localGet(step).i32Const(0);
      c.localGet(p).localGet(step).i32Add().i32Const(-1).i32Add().address(tables, 3).f64Load(0);
      c.localGet(q).address(wanted, 3).f64Load(0);
      c.f64Lt().select().i32Add();
      c.i32Store(0);
    });
  });
  c.forUpTo(s, nSlots, () => {
    c.localGet(s).element(slotSearch).localSet(q);
    c.localGet(q).element(position).localGet(q).element(starts).i32Sub();
    c.localGet(s).element(slotStart).i32Sub().localSet(rank);
    c.localGet(s).element(slotLength).localSet(length);
    // rank = min(max(rank, 0), length)
    c.localGet(rank).i32Const(0).localGet(rank).i32Const(0).i32GtS().select().localSet(rank);
    c.localGet(length).localGet(rank).localGet(rank).localGet(length).i32GtS().select().localSet(rank);
    c.localGet(s).address(bounds, 2);
    c.localGet(rank).localGet(shift).i32Shl();
    c.i32Store(0);
  });
  return { name: 'rankRow', params: [I32], code: c };
}

/** walkRow(): the row with bounds at header `rowBounds` through every tree; leaf of tree t to rowLeaves[t]. */
function walkRow(): FunctionDef {
  const c = new ForestCode(0);
  const [roots, nTrees, bounds, leaves, mask, idle] = [
    c.field('roots'),
    c.field('nTrees'),
    c.field('rowBounds'),
    c.field('rowLeaves'),
    c.field('mask'),
    c.field('idle'),
  ];
  const next = c.local(I32);
  const done = c.local(I32);
  const code = c.local(I32);
  const lanes = Array.from({ length: LANES }, () => ({ node: c.local(I32), tree: c.local(I32) }));
  // A lane takes the next tree if any is left, else parks on the idle slot.
  const takeNextTree = (lane: { node: number; tree: number }) =>
    c
      .localGet(next)
      .localGet(nTrees)
      .i32LtS()
      .ifElse(
        () => {
          c.localGet(next).localSet(lane.tree);
          c.localGet(next).element(roots).localSet(lane.node);
          c.increment(next, 1);
        },
        () => {
          c.localGet(idle).localSet(lane.node);
        },
      );
  for (const lane of lanes) takeNextTree(lane);
  c.block(() => {
    c.loop(() => {
      c.localGet(done).localGet(nTrees).i32GeS().brIf(1);
      for (const lane of lanes) {
        c.nodeCode(lane.node).localTee(code).i32Const(0).i32LtS();
        c.ifElse(
          () => {
            c.localGet(lane.tree).address(leaves, 2);
            c.localGet(code).i32Const(-1).i32Xor().i32Store(0);
            c.increment(done, 1);
            takeNextTree(lane);
          },
          () => {
            c.nodeChild(lane.node);
            c.localGet(code).localGet(code).localGet(mask).i32And().element(bounds).i32LtS();
            c.i32Add().localSet(lane.node);
          },
        );
      }
      c.br(0);
    });
  });
  return { name: 'walkRow', params: [], code: c };
}

function addLeaves(): FunctionDef {
  const [leaves, n, out, outStride] = [0, 1, 2, 3];
  const c = new ForestCode(4);
  const [values, width] = [c.field('values'), c.field('valueWidth')];
  const i = c.local(I32);
  const k = c.local(I32);
  const from = c.local(I32);
  const to = c.local(I32);
  c.forUpTo(i, n, () => {
    c.localGet(i).element(leaves).address(values, 3).localSet(from);
    c.localGet(i).localGet(outStride).i32Mul().address(out, 3).localSet(to);
    c.forUpTo(k, width, () => {
      c.localGet(k).address(to, 3);
      c.localGet(k).address(to, 3).f64Load(0);
      c.localGet(k).address(from, 3).f64Load(0);
      c.f64Add().f64Store(0);
    });
  });
  return { name: 'addLeaves', params: [I32, I32, I32, I32], code: c };
}

function predictRow(): FunctionDef {
  const c = new ForestCode(0);
  const [bounds, leaves, nTrees, width, out] = [
    c.field('rowBounds'),
    c.field('rowLeaves'),
    c.field('nTrees'),
    c.field('valueWidth'),
    c.field('rowOut'),
  ];
  const k = c.local(I32);
  c.localGet(bounds).call(RANK_ROW);
  c.call(WALK_ROW);
  c.forUpTo(k, width, () => {
    c.localGet(k).address(out, 3).i32Const(0).f64ConvertI32S().f64Store(0);
  });
  c.localGet(leaves).localGet(nTrees).localGet(out).i32Const(0).call(ADD_LEAVES);
  return { name: 'predictRow', params: [], code: c };
}

function walkRows(): FunctionDef {
  const [root, nRows, bounds, strideBits, leaves] = [0, 1, 2, 3, 4];
  const c = new ForestCode(5);
  const [mask, idle] = [c.field('mask'), c.field('idle')];
  const next = c.local(I32);
  const end = c.local(I32);
  const done = c.local(I32);
  const code = c.local(I32);
  // A lane's row is the element offset of its bounds (row << strideBits).
  const lanes = Array.from({ length: LANES }, () => ({ node: c.local(I32), row: c.local(I32) }));
  c.localGet(nRows).localGet(strideBits).i32Shl().localSet(end);
  // A lane takes the next row if any is left, else parks on the idle slot (keeping a valid row).
  const takeNextRow = (lane: { node: number; row: number }) =>
    c
      .localGet(next)
      .localGet(end)
      .i32LtS()
      .ifElse(
        () => {
          c.localGet(root).localSet(lane.node);
          c.localGet(next).localSet(lane.row);
          c.localGet(next).i32Const(1).localGet(strideBits).i32Shl().i32Add().localSet(next);
        },
        () => {
          c.localGet(idle).localSet(lane.node);
        },
      );
  for (const lane of lanes) takeNextRow(lane);
  c.block(() => {
    c.loop(() => {
      c.localGet(done).localGet(nRows).i32GeS().brIf(1);
      for (const lane of lanes) {
        c.nodeCode(lane.node).localTee(code).i32Const(0).i32LtS();
        c.ifElse(
          () => {
            c.localGet(lane.row).localGet(strideBits).i32ShrS().address(leaves, 2);
            c.localGet(code).i32Const(-1).i32Xor().i32Store(0);
            c.increment(done, 1);
            takeNextRow(lane);
          },
          () => {
            c.nodeChild(lane.node);
            c.localGet(code);
            c.localGet(lane.row).localGet(code).localGet(mask).i32And().i32Add().element(bounds);
            c.i32LtS().i32Add().localSet(lane.node);
          },
        );
      }
      c.br(0);
    });
  });
  return { name: 'walkRows', params: [I32, I32, I32, I32, I32], code: c };
}

/** The module's bytes; it imports a memory of at least one page as `env.memory`. */
export function forestModuleBytes(): Uint8Array {
  // Order = function indices (RANK_ROW, WALK_ROW, ADD_LEAVES first: `call` targets).
  return encodeModule([rankRow(), walkRow(), addLeaves(), predictRow(), walkRows()], 1);
}
