/**
 * ModelVersionCreated as EventBridge delivers it to a rule's target: source `synergy.registry`,
 * detail-type the event's type, detail the rest of the registry event (aws/eventbridge-events.ts puts
 * it). Only the fields the monitor reads are checked; anything else in the envelope is ignored.
 */
import { z } from 'zod';
import { REGISTRY_EVENT_SOURCE } from '../ports.ts';

export const modelVersionCreatedEventSchema = z.object({
  source: z.literal(REGISTRY_EVENT_SOURCE),
  'detail-type': z.literal('ModelVersionCreated'),
  detail: z.object({
    modelName: z.string().min(1),
    version: z.number().int().positive(),
  }),
});
