/** JSON values as state machines see them, and the few helpers every module here needs. */
export type JsonPrimitive = null | boolean | number | string;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep copy through JSON: definitions and payloads are JSON by contract, so nothing is lost. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Parses text that must be JSON (execution input, persisted records); the caller maps the failure. */
export function parseJson(text: string): JsonValue {
  return JSON.parse(text) as JsonValue;
}
