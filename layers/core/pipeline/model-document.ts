/**
 * The registered artifact: one JSON document holding everything serving needs — the fitted model, the
 * preprocessor that feeds it, the input signature and the metrics it was registered with. Its sha256 is
 * stored in the registry and checked on every load, so a tampered or truncated artifact is refused.
 */
import { createHash } from 'node:crypto';
import type { ClassLabel } from '../../ml/data/labels.ts';
import { Preprocessor } from '../../ml/data/preprocessor.ts';
import type { PreprocessorJSON } from '../../ml/data/preprocessor-json.ts';
import { parsePreprocessorJSON } from '../../ml/data/preprocessor-json.ts';
import type { Classifier, ModelJSON, ModelName } from '../../ml/models/classifier.ts';
import { MODEL_NAMES } from '../../ml/models/classifier.ts';
import { loadFittedModel } from '../../ml/models/loaders.ts';
import * as z from '../../ml/zod.ts';
import { SynergyError } from '../errors.ts';
import type { InputSignature, SignatureColumn } from './records.ts';

export const MODEL_DOCUMENT_FORMAT = 'synergy-model';
export const MODEL_DOCUMENT_FORMAT_VERSION = 1;

export interface ModelDocumentMetrics {
  readonly testAccuracy: number;
  readonly cvAccuracy: number;
  readonly cvStd: number;
}

export interface ModelDocument {
  readonly format: typeof MODEL_DOCUMENT_FORMAT;
  readonly formatVersion: typeof MODEL_DOCUMENT_FORMAT_VERSION;
  readonly algorithm: ModelName;
  readonly params: Readonly<Record<string, unknown>>;
  readonly target: string;
  readonly classes: readonly ClassLabel[];
  readonly featureNames: readonly string[];
  readonly signature: InputSignature;
  readonly preprocessor: PreprocessorJSON;
  readonly model: ModelJSON;
  readonly metrics: ModelDocumentMetrics;
  readonly runId: string;
}

/** What a document is built from; target, classes, feature names and signature come from the preprocessor. */
export interface ModelDocumentInput {
  readonly algorithm: ModelName;
  readonly params: Readonly<Record<string, unknown>>;
  readonly preprocessor: PreprocessorJSON;
  readonly model: ModelJSON;
  readonly metrics: ModelDocumentMetrics;
  readonly runId: string;
}

/** A model document that is malformed or inconsistent; the message names the field. */
export class ModelDocumentError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'ModelDocumentError';
  }
}

/** The artifact's bytes are not the ones registered: tampered, truncated or swapped. */
export class ArtifactIntegrityError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'ArtifactIntegrityError';
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * What a serving record must look like. Every input is optional because the preprocessor imputes any
 * missing field as in training (median for numbers; the missing indicator, or no indicator, for levels).
 */
export function signatureOf(preprocessor: PreprocessorJSON): InputSignature {
  const inputs = preprocessor.inputs.map(
    (input): SignatureColumn =>
      input.kind === 'numeric'
        ? { name: input.name, type: 'number', optional: true }
        : { name: input.name, type: 'string', levels: [...input.levels], optional: true },
  );
  return { inputs, target: preprocessor.target, classes: [...preprocessor.classes] };
}

export function modelDocumentOf(input: ModelDocumentInput): ModelDocument {
  const { preprocessor } = input;
  return {
    format: MODEL_DOCUMENT_FORMAT,
    formatVersion: MODEL_DOCUMENT_FORMAT_VERSION,
    algorithm: input.algorithm,
    params: input.params,
    target: preprocessor.target,
    classes: [...preprocessor.classes],
    featureNames: [...preprocessor.featureNames],
    signature: signatureOf(preprocessor),
    preprocessor,
    model: input.model,
    metrics: input.metrics,
    runId: input.runId,
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * JSON with every object's keys sorted, so the same content gives the same bytes (and sha256) however it
 * was assembled: params that went through DynamoDB or zod come back in another key order.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (!isPlainObject(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = inner[key];
    return sorted;
  });
}

/** The document's bytes as stored and hashed. */
export function buildModelDocument(input: ModelDocumentInput): Uint8Array {
  const document = modelDocumentOf(input);
  checkConsistent(document);
  return new TextEncoder().encode(canonicalJson(document));
}

const classLabel = z.union([z.string(), z.number()]);
const finite = z.number().check(z.refine(Number.isFinite, { error: 'must be a finite number' }));
const nonEmptyString = z.string().check(z.minLength(1));

/** The envelope every ModelJSON shares (the model's loader checks its state). */
export const modelJsonSchema = z.object({
  format: nonEmptyString,
  formatVersion: z.int(),
  model: z.enum(MODEL_NAMES),
  params: z.record(z.string(), z.unknown()),
  nFeatures: z.int().check(z.minimum(1)),
  nClasses: z.int().check(z.minimum(2)),
  state: z.unknown(),
});

const signatureSchema = z.strictObject({
  inputs: z.array(
    z.strictObject({
      name: nonEmptyString,
      type: z.enum(['number', 'string']),
      levels: z.optional(z.array(z.string())),
      optional: z.boolean(),
    }),
  ),
  target: nonEmptyString,
  classes: z.array(classLabel),
});

const documentSchema = z.strictObject({
  format: z.literal(MODEL_DOCUMENT_FORMAT),
  formatVersion: z.literal(MODEL_DOCUMENT_FORMAT_VERSION),
  algorithm: z.enum(MODEL_NAMES),
  params: z.record(z.string(), z.unknown()),
  target: nonEmptyString,
  classes: z.array(classLabel).check(z.minLength(2)),
  featureNames: z.array(z.string()).check(z.minLength(1)),
  signature: signatureSchema,
  preprocessor: z.unknown(),
  model: modelJsonSchema,
  metrics: z.strictObject({ testAccuracy: finite, cvAccuracy: finite, cvStd: finite }),
  runId: nonEmptyString,
});

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function inconsistent(field: string, reason: string): never {
  throw new ModelDocumentError(`model document: ${field}: ${reason}`, { field });
}

/** The parts must describe one model: the preprocessor's outputs are the model's inputs. */
function checkConsistent(document: ModelDocument): void {
  const { preprocessor, model } = document;
  if (model.model !== document.algorithm) {
    inconsistent('model.model', `is ${model.model} but algorithm is ${document.algorithm}`);
  }
  if (preprocessor.target !== document.target) inconsistent('preprocessor.target', 'differs from target');
  if (!sameList(preprocessor.classes, document.classes))
    inconsistent('preprocessor.classes', 'differ from classes');
  if (!sameList(preprocessor.featureNames, document.featureNames)) {
    inconsistent('preprocessor.featureNames', 'differ from featureNames');
  }
  if (model.nFeatures !== document.featureNames.length) {
    inconsistent(
      'model.nFeatures',
      `is ${model.nFeatures} but there are ${document.featureNames.length} features`,
    );
  }
  if (model.nClasses !== document.classes.length) {
    inconsistent('model.nClasses', `is ${model.nClasses} but there are ${document.classes.length} classes`);
  }
  if (
    document.signature.target !== document.target ||
    !sameList(document.signature.classes, document.classes)
  ) {
    inconsistent('signature', 'target or classes differ from the document');
  }
}

/** Refuses bytes whose sha256 is not the registered one, naming both digests. */
export function verifySha256(bytes: Uint8Array, expectedSha256: string, what = 'model artifact'): void {
  const actual = sha256Hex(bytes);
  if (actual !== expectedSha256.toLowerCase()) {
    throw new ArtifactIntegrityError(
      `${what}: sha256 mismatch: expected ${expectedSha256}, got ${actual} (the artifact was changed after registration)`,
      { expected: expectedSha256, actual },
    );
  }
}

/** Parses (and, given `expectedSha256`, first verifies) a document's bytes. */
export function parseModelDocument(bytes: Uint8Array, expectedSha256?: string): ModelDocument {
  if (expectedSha256 !== undefined) verifySha256(bytes, expectedSha256);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new ModelDocumentError('model document: not valid UTF-8 JSON', {}, { cause: error });
  }
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    inconsistent(formatPath(issue.path), issue.message);
  }
  let preprocessor: PreprocessorJSON;
  try {
    preprocessor = parsePreprocessorJSON(parsed.data.preprocessor);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModelDocumentError(
      `model document: preprocessor: ${reason}`,
      { field: 'preprocessor' },
      { cause: error },
    );
  }
  const document: ModelDocument = { ...parsed.data, preprocessor };
  checkConsistent(document);
  return document;
}

export interface LoadedModel {
  readonly document: ModelDocument;
  readonly preprocessor: Preprocessor;
  /** Holds wasm memory for SVC: the caller disposes it when done. */
  readonly classifier: Classifier;
  readonly classes: readonly ClassLabel[];
  readonly signature: InputSignature;
}

/** Bytes → a ready preprocessor and classifier (verified against `expectedSha256` when given). */
export function loadModelDocument(bytes: Uint8Array, expectedSha256?: string): LoadedModel {
  const document = parseModelDocument(bytes, expectedSha256);
  let classifier: Classifier;
  try {
    classifier = loadFittedModel(document.model);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModelDocumentError(`model document: model: ${reason}`, { field: 'model' }, { cause: error });
  }
  return {
    document,
    preprocessor: new Preprocessor(document.preprocessor),
    classifier,
    classes: document.classes,
    signature: document.signature,
  };
}
