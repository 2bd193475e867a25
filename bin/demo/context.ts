import type { DemoStack } from './demo-stack.ts';
import type { Endpoint } from './endpoint.ts';
import type { Narrator } from './narrator.ts';

/** What the demo's steps share. */
export interface DemoContext {
  readonly demo: DemoStack;
  readonly narrator: Narrator;
  /** Reports are saved as `<reportsDir>/<runId>/index.html`. */
  readonly reportsDir: string;
}

export interface ServingContext extends DemoContext {
  readonly endpoint: Endpoint;
}
