/**
 * Executions persisted as one JSON file each under `<stateDir>/executions/<machine>/<name>.json`, so a
 * restarted process lists them and recovers the ones left RUNNING. Each save writes the latest snapshot
 * to a temporary file and renames it over the old one (a reader never sees half a file); saves that
 * arrive while a write is in flight collapse into one follow-up write.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseStateMachineArn } from './arns.ts';
import { LocalStepFunctionsError } from './errors.ts';
import type { StoredHistoryEvent } from './history.ts';
import type { JsonValue } from './json.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** The top-level state an execution was in, with the input it entered with (for recovery's Catch). */
export interface OpenState {
  readonly name: string;
  readonly type: string;
  readonly input: JsonValue;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  status: ExecutionStatus;
  /** Epoch milliseconds. */
  readonly startDate: number;
  stopDate?: number;
  readonly input: string;
  output?: string;
  error?: string;
  cause?: string;
  openState?: OpenState;
  readonly events: StoredHistoryEvent[];
}

interface FileQueue {
  writing: Promise<void>;
  pending: string | undefined;
}

export class ExecutionStore {
  private readonly root: string;
  private readonly queues = new Map<string, FileQueue>();
  private readonly createdDirectories = new Set<string>();
  private failure: unknown;

  constructor(stateDir: string) {
    this.root = join(stateDir, 'executions');
  }

  /** Every persisted execution (startup only, hence synchronous). */
  loadAll(): ExecutionRecord[] {
    const records: ExecutionRecord[] = [];
    mkdirSync(this.root, { recursive: true });
    for (const machine of readdirSync(this.root, { withFileTypes: true })) {
      if (!machine.isDirectory()) continue;
      const directory = join(this.root, machine.name);
      for (const file of readdirSync(directory)) {
        if (!file.endsWith('.json')) continue;
        const path = join(directory, file);
        try {
          records.push(JSON.parse(readFileSync(path, 'utf8')) as ExecutionRecord);
        } catch (error) {
          throw new LocalStepFunctionsError(
            `cannot read the persisted execution ${path}`,
            { path },
            { cause: error },
          );
        }
      }
    }
    return records;
  }

  save(record: ExecutionRecord): void {
    const path = this.pathOf(record);
    const snapshot = JSON.stringify(record);
    const queue = this.queues.get(path);
    if (queue) {
      queue.pending = snapshot;
      return;
    }
    const entry: FileQueue = { writing: Promise.resolve(), pending: undefined };
    this.queues.set(path, entry);
    entry.writing = this.drain(path, snapshot, entry);
  }

  /** Resolves when every save so far is on disk; rejects if one failed. */
  async flush(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()].map((queue) => queue.writing));
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      throw new LocalStepFunctionsError('persisting an execution failed', {}, { cause: failure });
    }
  }

  private async drain(path: string, first: string, queue: FileQueue): Promise<void> {
    let snapshot: string | undefined = first;
    while (snapshot !== undefined) {
      try {
        const temporary = `${path}.${process.pid}.tmp`;
        await writeFile(temporary, snapshot);
        await rename(temporary, path);
      } catch (error) {
        this.failure ??= error;
      }
      snapshot = queue.pending;
      queue.pending = undefined;
    }
    this.queues.delete(path);
  }

  private pathOf(record: ExecutionRecord): string {
    const directory = join(this.root, parseStateMachineArn(record.stateMachineArn).name);
    if (!this.createdDirectories.has(directory)) {
      mkdirSync(directory, { recursive: true });
      this.createdDirectories.add(directory);
    }
    return join(directory, `${record.name}.json`);
  }
}
