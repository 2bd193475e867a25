/**
 * The header at byte 0 of a packed forest's WebAssembly memory: int32 fields (byte offsets of the other
 * regions, counts, constants) that packed-forest.ts writes once and the kernels read, so a kernel call
 * passes no layout. Slots follow the header at SLOTS_AT.
 */
const FIELDS = [
  // Threshold ranking (ThresholdRanks.search): per search its table start, feature; the rounds.
  'tables',
  'starts',
  'features',
  'rounds',
  'nRounds',
  'nSearches',
  // Slots of the row bounds: per slot its search, chunk start and length; bounds are shifted by `shift`.
  'slotSearch',
  'slotStart',
  'slotLength',
  'nSlots',
  'shift',
  // Scratch of ranking one row: the row (f64), positions (int32), wanted values (f64).
  'row',
  'position',
  'wanted',
  // Walking: roots of the trees, the slot mask of a code, the idle slot.
  'roots',
  'nTrees',
  'mask',
  'idle',
  // One row's bounds and leaves; leaf values (f64) and their width; one row's sums (f64).
  'rowBounds',
  'rowLeaves',
  'values',
  'valueWidth',
  'rowOut',
] as const;

export type HeaderField = (typeof FIELDS)[number];

/** Byte offset of a header field. */
export function headerOffset(field: HeaderField): number {
  return 4 * FIELDS.indexOf(field);
}

/** Byte offset of slot 0: after the header, on a cache line boundary. */
export const SLOTS_AT = Math.ceil((4 * FIELDS.length) / 64) * 64;
