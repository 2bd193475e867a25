/**
 * The parts of `serverless print --format json` the local runtime reads, as zod schemas. Loose objects:
 * everything else in the print (IAM, packaging, plugins…) is deploy-only and passes through untouched.
 */
import { z } from 'zod';

const unknownRecord = z.record(z.string(), z.unknown());

export const s3EventSchema = z.union([
  z.string(),
  z.looseObject({
    bucket: z.unknown(),
    event: z.string().optional(),
    rules: z.array(z.record(z.string(), z.unknown())).optional(),
    existing: z.boolean().optional(),
  }),
]);

/** `enabled` as printed: a boolean, or a string when it comes from a param (`${param:…}`). */
const printedBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')]);

export const scheduleEventSchema = z.union([
  z.string(),
  z.looseObject({
    rate: z.union([z.unknown().array().min(1), z.string()]),
    enabled: printedBoolean.optional(),
    name: z.string().optional(),
    description: z.string().optional(),
    input: z.union([z.string(), unknownRecord]).optional(),
    inputPath: z.string().optional(),
    inputTransformer: unknownRecord.optional(),
    method: z.string().optional(),
  }),
]);
export type PrintedScheduleEvent = z.infer<typeof scheduleEventSchema>;

export const eventBridgeEventSchema = z.looseObject({
  eventBus: z.unknown().optional(),
  pattern: unknownRecord.optional(),
  schedule: z.string().optional(),
  enabled: printedBoolean.optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  input: unknownRecord.optional(),
  inputPath: z.string().optional(),
  inputTransformer: unknownRecord.optional(),
});
export type PrintedEventBridgeEvent = z.infer<typeof eventBridgeEventSchema>;

export const printedFunctionSchema = z.looseObject({
  handler: z.string({ error: 'a handler is required (image functions cannot run locally)' }),
  name: z.string().optional(),
  memorySize: z.coerce.number().int().positive().optional(),
  timeout: z.coerce.number().positive().optional(),
  reservedConcurrency: z.coerce.number().int().nonnegative().optional(),
  environment: unknownRecord.optional(),
  events: z.array(unknownRecord).optional(),
});
export type PrintedFunction = z.infer<typeof printedFunctionSchema>;

export const printedStateMachineSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  definition: z.union([unknownRecord, z.string()]),
});
export type PrintedStateMachine = z.infer<typeof printedStateMachineSchema>;

export const cloudFormationResourceSchema = z.looseObject({
  Type: z.string(),
  Properties: unknownRecord.optional(),
});
export type PrintedResource = z.infer<typeof cloudFormationResourceSchema>;

export const printedConfigSchema = z.looseObject({
  service: z.union([z.string(), z.looseObject({ name: z.string() })]),
  provider: z.looseObject({
    name: z.literal('aws', { error: 'only provider aws can run locally' }),
    stage: z.string(),
    region: z.string().optional(),
    runtime: z.string().optional(),
    memorySize: z.coerce.number().int().positive().optional(),
    timeout: z.coerce.number().positive().optional(),
    environment: unknownRecord.optional(),
    s3: z.record(z.string(), z.looseObject({ name: z.unknown().optional() })).optional(),
    httpApi: z
      .looseObject({
        payload: z.union([z.string(), z.number()]).optional(),
        authorizers: z.record(z.string(), unknownRecord).optional(),
      })
      .optional(),
  }),
  custom: z.looseObject({ esbuild: unknownRecord.optional() }).optional(),
  functions: z.record(z.string(), printedFunctionSchema).optional(),
  stepFunctions: z
    .looseObject({ stateMachines: z.record(z.string(), printedStateMachineSchema).optional() })
    .optional(),
  resources: z
    .looseObject({ Resources: z.record(z.string(), cloudFormationResourceSchema).optional() })
    .optional(),
});
export type PrintedServerlessConfig = z.infer<typeof printedConfigSchema>;
