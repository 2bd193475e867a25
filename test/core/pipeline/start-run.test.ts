import { describe, expect, it } from 'vitest';
import { runIdForUpload, startRunFromUpload } from '../../../layers/core/pipeline/start-run.ts';
import { FixedClock, MemoryExperiments, MemoryOrchestrator } from '../../support/memory-ports.ts';

function ports() {
  return {
    experiments: new MemoryExperiments(),
    orchestrator: new MemoryOrchestrator(),
    clock: new FixedClock(),
  };
}

const upload = {
  bucket: 'data',
  key: 'incoming/site-delays/2026-01.csv',
  etag: '"9b2cf535f27731c974343645a3985328"',
};

describe('runIdForUpload', () => {
  it('is the same for the same object and differs for another version', () => {
    const id = runIdForUpload(upload, 'site-delays');
    expect(id).toMatch(/^site-delays-[0-9a-f]{20}$/);
    expect(runIdForUpload({ ...upload }, 'site-delays')).toBe(id);
    expect(runIdForUpload({ ...upload, etag: '"other"' }, 'site-delays')).not.toBe(id);
    expect(runIdForUpload({ ...upload, key: 'incoming/site-delays/2026-02.csv' }, 'site-delays')).not.toBe(
      id,
    );
  });

  it('keys on the version id when the bucket is versioned, not the etag', () => {
    const a = runIdForUpload({ ...upload, versionId: 'v1' }, 'd');
    expect(runIdForUpload({ ...upload, etag: '"same-bytes-again"', versionId: 'v1' }, 'd')).toBe(a);
    expect(runIdForUpload({ ...upload, versionId: 'v2' }, 'd')).not.toBe(a);
  });

  it('keeps to execution-name rules for any dataset name', () => {
    const id = runIdForUpload(upload, `Ünïcode data set (v2)/${'x'.repeat(100)}`);
    expect(id.length).toBeLessThanOrEqual(80);
    expect(id).toMatch(/^[A-Za-z0-9_-]{40}-[0-9a-f]{20}$/);
  });
});

describe('startRunFromUpload', () => {
  it('creates a PENDING run and starts one execution named by the run id, with a deterministic input', async () => {
    const deps = ports();
    const result = await startRunFromUpload(deps, upload);
    if ('skipped' in result) throw new Error(result.skipped);
    expect(result.started).toBe(true);
    const run = await deps.experiments.getRun(result.runId);
    expect(run).toMatchObject({
      status: 'PENDING',
      modelName: 'site-delays',
      stage: 'queued',
      trigger: { kind: 'upload', ...upload },
      executionArn: result.executionArn,
    });
    expect(JSON.parse(deps.orchestrator.executions.get(result.runId) ?? 'null')).toEqual({
      modelName: 'site-delays',
      trigger: { kind: 'upload', ...upload },
    });
  });

  it('starts nothing twice when S3 redelivers the event later', async () => {
    const deps = ports();
    const first = await startRunFromUpload(deps, upload);
    deps.clock.advance(60_000);
    const second = await startRunFromUpload(deps, upload);
    expect(first).toMatchObject({ started: true });
    expect(second).toMatchObject({ started: false });
    if ('skipped' in first || 'skipped' in second) throw new Error('unexpected skip');
    expect(second.runId).toBe(first.runId);
    expect(second.executionArn).toBe(first.executionArn);
    expect(deps.orchestrator.executions.size).toBe(1);
    expect(deps.experiments.runs.size).toBe(1);
    // The run keeps its first creation time.
    expect((await deps.experiments.getRun(first.runId))?.createdAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('skips keys that are not incoming/<dataset>/<file>.csv', async () => {
    const deps = ports();
    for (const key of [
      'incoming/site-delays/_config.json',
      'incoming/site-delays/nested/file.csv',
      'incoming/file.csv',
      'runs/x/prepared.bin',
      'incoming/site-delays/.csv',
    ]) {
      const result = await startRunFromUpload(deps, { ...upload, key });
      expect(result).toEqual({ skipped: expect.stringContaining(key) });
    }
    expect(deps.orchestrator.executions.size).toBe(0);
    expect(deps.experiments.runs.size).toBe(0);
  });
});
