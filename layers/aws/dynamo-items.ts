/**
 * Key layout of the two tables (see README.md). Records are stored as top-level attributes next to these
 * keys, so an update can SET single fields and a read only has to drop the keys again.
 */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** Attributes that belong to the table layout, never to a record. */
const LAYOUT_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'entity'] as const;

export const RUN_META_SK = 'META';
export const CELL_PREFIX = 'CELL#';
/** Partition of the byCreated index: every run, sorted by `<createdAt>#<runId>`. */
export const RUNS_INDEX_PK = 'RUNS';
export const RUNS_BY_CREATED_INDEX = 'byCreated';

export const runKey = (runId: string): ItemKey => ({ pk: `RUN#${runId}`, sk: RUN_META_SK });
export const cellKey = (runId: string, cellId: string): ItemKey => ({
  pk: `RUN#${runId}`,
  sk: `${CELL_PREFIX}${cellId}`,
});
export const runsIndexSortKey = (createdAt: string, runId: string): string => `${createdAt}#${runId}`;

export const MODEL_META_SK = 'META';
export const VERSION_PREFIX = 'V#';
export const ALIAS_PREFIX = 'ALIAS#';
export const AUDIT_PREFIX = 'AUDIT#';
/** Nine digits: the sort key's string order is the version's numeric order up to 999 999 999. */
export const MAX_VERSION = 999_999_999;

export const modelPk = (modelName: string): string => `MODEL#${modelName}`;
export const versionKey = (modelName: string, version: number): ItemKey => ({
  pk: modelPk(modelName),
  sk: `${VERSION_PREFIX}${String(version).padStart(9, '0')}`,
});
export const aliasKey = (modelName: string, alias: string): ItemKey => ({
  pk: modelPk(modelName),
  sk: `${ALIAS_PREFIX}${alias}`,
});
export const auditKey = (modelName: string, at: string, id: string): ItemKey => ({
  pk: modelPk(modelName),
  sk: `${AUDIT_PREFIX}${at}#${id}`,
});
export const ROUTING_SK = 'ROUTING';
export const routingKey = (modelName: string): ItemKey => ({ pk: modelPk(modelName), sk: ROUTING_SK });
export const modelMetaKey = (modelName: string): ItemKey => ({ pk: modelPk(modelName), sk: MODEL_META_SK });

/**
 * The record an item stores. The tables are written only by these adapters, so the item's shape is the
 * record's by construction; the cast is confined to this one place.
 */
export function recordOf<T>(item: Readonly<Record<string, unknown>>): T {
  const record: Record<string, unknown> = { ...item };
  for (const attribute of LAYOUT_ATTRIBUTES) delete record[attribute];
  return record as T;
}
