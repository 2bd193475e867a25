/**
 * The prepared dataset as one compact binary object, written once by the prep step and read by every
 * cell: the scaled train and test matrices, their labels, and the CV fold of each training row.
 *
 * Layout (little-endian):
 *   0   8 bytes  magic "SYNRGYDS"
 *   8   u32      header length in bytes
 *   12  …        header: UTF-8 JSON (format version, names, shapes, section offsets), zero-padded to 8
 *   …            sections, each starting on an 8-byte boundary: train values (f64, column-major),
 *                train labels (i32), test values (f64), test labels (i32), fold of each training row (i32)
 *
 * Sections are aligned so a reader gets typed-array views straight over the bytes it downloaded (no
 * copy of a matrix that may be hundreds of MB), and the encoder hands back views of the matrices it was
 * given, so a big dataset streams to S3 without ever being copied into one buffer.
 */

import { ModelFormatError, ParamsError } from '../errors.ts';
import * as z from '../zod.ts';
import type { Fold } from './folds.ts';
import type { ClassLabel } from './labels.ts';
import type { LabelledMatrix } from './matrix.ts';

export interface PreparedDataset {
  readonly target: string;
  readonly featureNames: readonly string[];
  readonly classes: readonly ClassLabel[];
  readonly train: LabelledMatrix;
  readonly test: LabelledMatrix;
  /** The CV folds over the training rows, exactly as searchFolds gave them. */
  readonly folds: readonly Fold[];
}

export const DATASET_FORMAT = 'synergy.dataset';
export const DATASET_FORMAT_VERSION = 1;

const MAGIC = new TextEncoder().encode('SYNRGYDS');
const PREAMBLE_BYTES = MAGIC.length + 4;
const ALIGN = 8;

const SECTION_NAMES = ['trainValues', 'trainLabels', 'testValues', 'testLabels', 'foldOfRow'] as const;
type SectionName = (typeof SECTION_NAMES)[number];

const count = z.int().check(z.minimum(0));
const sectionSchema = z.strictObject({ offset: count, byteLength: count });
const headerSchema = z.strictObject({
  format: z.literal(DATASET_FORMAT),
  formatVersion: z.int(),
  target: z.string(),
  featureNames: z.array(z.string()),
  classes: z.array(z.union([z.string(), z.number()])),
  trainRows: count,
  testRows: count,
  folds: count,
  sections: z.strictObject({
    trainValues: sectionSchema,
    trainLabels: sectionSchema,
    testValues: sectionSchema,
    testLabels: sectionSchema,
    foldOfRow: sectionSchema,
  }),
  byteLength: count,
});
type DatasetHeader = z.infer<typeof headerSchema>;

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function bytesOf(array: Float64Array | Int32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new ModelFormatError('dataset binary: only little-endian hosts are supported');
  }
}

/**
 * The fold number of every training row. Only folds whose validation sets partition the rows and whose
 * training sets are the ascending complement (what stratifiedKFold/kFold build) can be stored as one
 * number per row, so anything else is refused rather than silently changed.
 */
function foldAssignment(folds: readonly Fold[], nRows: number): Int32Array {
  const assignment = new Int32Array(nRows).fill(-1);
  folds.forEach((fold, f) => {
    let previous = -1;
    for (const row of fold.validation) {
      if (row <= previous || row >= nRows || assignment[row] !== -1) {
        throw new ParamsError(
          'dataset binary: fold validation sets must be ascending and partition the rows',
          {
            fold: f,
            row,
          },
        );
      }
      assignment[row] = f;
      previous = row;
    }
  });
  const unassigned = assignment.indexOf(-1);
  if (unassigned >= 0) {
    throw new ParamsError(`dataset binary: training row ${unassigned} is in no fold's validation set`, {
      row: unassigned,
    });
  }
  folds.forEach((fold, f) => {
    let previous = -1;
    for (const row of fold.train) {
      if (row <= previous || assignment[row] === f) {
        throw new ParamsError(
          "dataset binary: a fold's training rows must be the ascending complement of its validation rows",
          { fold: f, row },
        );
      }
      previous = row;
    }
    if (fold.train.length + fold.validation.length !== nRows) {
      throw new ParamsError(
        "dataset binary: a fold's training rows must be the ascending complement of its validation rows",
        { fold: f },
      );
    }
  });
  return assignment;
}

function checkMatrix(name: string, m: LabelledMatrix, nFeatures: number, nClasses: number): void {
  if (m.nFeatures !== nFeatures || m.values.length !== m.nRows * nFeatures || m.y.length !== m.nRows) {
    throw new ParamsError(`dataset binary: ${name} matrix shape does not match ${nFeatures} features`, {
      matrix: name,
    });
  }
  if (m.nClasses !== nClasses) {
    throw new ParamsError(`dataset binary: ${name} has ${m.nClasses} classes, expected ${nClasses}`, {
      matrix: name,
    });
  }
}

/**
 * Encodes a prepared dataset. Returns the object as a list of chunks: a small preamble and padding, and
 * views (not copies) of the given arrays, to be written in order.
 */
export function encodeDataset(dataset: PreparedDataset): Uint8Array[] {
  assertLittleEndian();
  const { train, test, folds } = dataset;
  const nFeatures = dataset.featureNames.length;
  const nClasses = dataset.classes.length;
  checkMatrix('train', train, nFeatures, nClasses);
  checkMatrix('test', test, nFeatures, nClasses);
  const foldOfRow = foldAssignment(folds, train.nRows);
  const arrays: Record<SectionName, Float64Array | Int32Array> = {
    trainValues: train.values,
    trainLabels: train.y,
    testValues: test.values,
    testLabels: test.y,
    foldOfRow,
  };

  // Offsets depend on the header's length, which depends on the offsets: lay the sections out relative
  // to the end of the header, then fix the header size and lay them out again (digits can only grow once).
  const layout = (sectionsStart: number) => {
    let at = sectionsStart;
    const sections = {} as Record<SectionName, { offset: number; byteLength: number }>;
    for (const name of SECTION_NAMES) {
      sections[name] = { offset: at, byteLength: arrays[name].byteLength };
      at = alignUp(at + arrays[name].byteLength);
    }
    const header: DatasetHeader = {
      format: DATASET_FORMAT,
      formatVersion: DATASET_FORMAT_VERSION,
      target: dataset.target,
      featureNames: [...dataset.featureNames],
      classes: [...dataset.classes],
      trainRows: train.nRows,
      testRows: test.nRows,
      folds: folds.length,
      sections,
      byteLength: at,
    };
    return new TextEncoder().encode(JSON.stringify(header));
  };
  let headerBytes = layout(0);
  for (;;) {
    const start = alignUp(PREAMBLE_BYTES + headerBytes.length);
    const next = layout(start);
    if (alignUp(PREAMBLE_BYTES + next.length) === start) {
      headerBytes = next;
      break;
    }
    headerBytes = next;
  }

  const preamble = new Uint8Array(alignUp(PREAMBLE_BYTES + headerBytes.length));
  preamble.set(MAGIC, 0);
  new DataView(preamble.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  preamble.set(headerBytes, PREAMBLE_BYTES);
  const chunks: Uint8Array[] = [preamble];
  for (const name of SECTION_NAMES) {
    const bytes = bytesOf(arrays[name]);
    if (bytes.length > 0) chunks.push(bytes);
    const padding = alignUp(bytes.length) - bytes.length;
    if (padding > 0) chunks.push(new Uint8Array(padding));
  }
  return chunks;
}

function readHeader(bytes: Uint8Array): DatasetHeader {
  if (bytes.length < PREAMBLE_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new ModelFormatError('dataset binary: bad magic (not a Synergy prepared dataset)');
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(
    MAGIC.length,
    true,
  );
  if (PREAMBLE_BYTES + headerLength > bytes.length) {
    throw new ModelFormatError(
      `dataset binary: truncated (header of ${headerLength} bytes, object of ${bytes.length})`,
      { headerLength, byteLength: bytes.length },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(
      new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)),
    );
  } catch (error) {
    throw new ModelFormatError('dataset binary: the header is not valid JSON', {}, { cause: error });
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version !== DATASET_FORMAT_VERSION) {
    throw new ModelFormatError(
      `dataset binary: format version ${version} is not supported (expected ${DATASET_FORMAT_VERSION})`,
      { formatVersion: version },
    );
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFormatError(
      `dataset binary: header ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      {
        field: issue.path.join('.'),
      },
    );
  }
  if (parsed.data.byteLength > bytes.length) {
    throw new ModelFormatError(
      `dataset binary: truncated (${bytes.length} of ${parsed.data.byteLength} bytes)`,
      { expected: parsed.data.byteLength, byteLength: bytes.length },
    );
  }
  return parsed.data;
}

/**
 * Where a section's elements are: the downloaded bytes themselves when the section's address is aligned
 * for its element size (the usual case: a fresh buffer starts aligned), else an aligned copy.
 */
function sectionMemory(
  bytes: Uint8Array,
  header: DatasetHeader,
  name: SectionName,
  bytesPerElement: number,
  length: number,
): { readonly buffer: ArrayBufferLike; readonly byteOffset: number } {
  const { offset, byteLength } = header.sections[name];
  if (byteLength !== length * bytesPerElement || offset + byteLength > bytes.length) {
    throw new ModelFormatError(`dataset binary: section ${name} does not match the header's shapes`, {
      section: name,
      offset,
      byteLength,
    });
  }
  const start = bytes.byteOffset + offset;
  if (start % bytesPerElement === 0) return { buffer: bytes.buffer, byteOffset: start };
  return { buffer: bytes.slice(offset, offset + byteLength).buffer, byteOffset: 0 };
}

function float64Section(
  bytes: Uint8Array,
  header: DatasetHeader,
  name: SectionName,
  length: number,
): Float64Array {
  const { buffer, byteOffset } = sectionMemory(bytes, header, name, Float64Array.BYTES_PER_ELEMENT, length);
  return new Float64Array(buffer, byteOffset, length);
}

function int32Section(
  bytes: Uint8Array,
  header: DatasetHeader,
  name: SectionName,
  length: number,
): Int32Array {
  const { buffer, byteOffset } = sectionMemory(bytes, header, name, Int32Array.BYTES_PER_ELEMENT, length);
  return new Int32Array(buffer, byteOffset, length);
}

function checkLabels(y: Int32Array, below: number, what: string): void {
  for (let i = 0; i < y.length; i++) {
    if (!(y[i] >= 0 && y[i] < below)) {
      throw new ModelFormatError(
        `dataset binary: ${what} ${y[i]} at row ${i} is out of range 0..${below - 1}`,
      );
    }
  }
}

/** Folds from each row's fold number; train and validation come out ascending, as stratifiedKFold's. */
function foldsFromAssignment(foldOfRow: Int32Array, k: number): Fold[] {
  const n = foldOfRow.length;
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[foldOfRow[i]]++;
  const validations = Array.from(sizes, (size) => new Int32Array(size));
  const trains = Array.from(sizes, (size) => new Int32Array(n - size));
  const v = new Int32Array(k);
  const t = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const own = foldOfRow[i];
    validations[own][v[own]++] = i;
    for (let f = 0; f < k; f++) if (f !== own) trains[f][t[f]++] = i;
  }
  return validations.map((validation, f) => ({ train: trains[f], validation }));
}

/** Decodes encodeDataset's bytes; throws ModelFormatError on a wrong magic, version or a truncated object. */
export function decodeDataset(bytes: Uint8Array): PreparedDataset {
  assertLittleEndian();
  const header = readHeader(bytes);
  const nFeatures = header.featureNames.length;
  const nClasses = header.classes.length;
  const trainValues = float64Section(bytes, header, 'trainValues', header.trainRows * nFeatures);
  const trainLabels = int32Section(bytes, header, 'trainLabels', header.trainRows);
  const testValues = float64Section(bytes, header, 'testValues', header.testRows * nFeatures);
  const testLabels = int32Section(bytes, header, 'testLabels', header.testRows);
  const foldOfRow = int32Section(bytes, header, 'foldOfRow', header.trainRows);
  checkLabels(trainLabels, nClasses, 'train label');
  checkLabels(testLabels, nClasses, 'test label');
  checkLabels(foldOfRow, header.folds, 'fold number');
  return {
    target: header.target,
    featureNames: header.featureNames,
    classes: header.classes,
    train: { nRows: header.trainRows, nFeatures, values: trainValues, y: trainLabels, nClasses },
    test: { nRows: header.testRows, nFeatures, values: testValues, y: testLabels, nClasses },
    folds: foldsFromAssignment(foldOfRow, header.folds),
  };
}
