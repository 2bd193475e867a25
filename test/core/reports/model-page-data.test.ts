/**
 * The model page's data: the alias history rebuilt from a hand-built audit trail (pipeline moves, a
 * promotion by hand, a rollback, a routing change, and a trail that disagrees with the stored alias), and
 * collectModelPage on the in-memory ports: versions, alarms, the metric queries it asks (the alarms'
 * statistics and dimension sets, epoch-aligned periods), features from the champion's baseline or else the
 * latest drift report, and its refusals.
 */
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../layers/core/errors.ts';
import { versionStatisticsKey } from '../../../layers/core/monitoring/monitoring-keys.ts';
import type { AliasRecord, AuditRecord } from '../../../layers/core/pipeline/records.ts';
import { aliasHistory, moveKind } from '../../../layers/core/reports/model-page/alias-history.ts';
import {
  chartPeriod,
  collectModelPage,
  ModelPageOptionsError,
} from '../../../layers/core/reports/model-page/model-page-data.ts';
import { MemoryAlarms } from '../../support/memory-alarms.ts';
import { FixedClock, MemoryArtifactStore, MemoryRegistry } from '../../support/memory-ports.ts';
import { MONITOR_SETTINGS as SETTINGS } from '../../support/monitor-settings.ts';
import { BUCKET, generatedModel, MemoryMetricHistory, newVersion } from './model-page-fixture.ts';

const audit = (at: string, fields: Partial<AuditRecord>): AuditRecord => ({
  modelName: 'm',
  at,
  id: at,
  action: 'AliasMoved',
  reason: '',
  actor: 'run/r',
  ...fields,
});

const alias = (name: 'champion' | 'challenger', version: number, updatedAt: string): AliasRecord => ({
  modelName: 'm',
  alias: name,
  version,
  revision: 1,
  updatedAt,
});

describe('aliasHistory', () => {
  const trail: AuditRecord[] = [
    audit('2026-01-01T00:00:00.000Z', {
      action: 'VersionCreated',
      version: 1,
      reason: 'registered by run r1',
    }),
    audit('2026-01-01T00:00:01.000Z', {
      alias: 'challenger',
      version: 1,
      actor: 'run/r1',
      reason: 'registered by run r1',
    }),
    audit('2026-01-01T00:00:02.000Z', {
      alias: 'champion',
      version: 1,
      actor: 'run/r1',
      reason: 'promoted by run r1: first',
    }),
    audit('2026-01-02T00:00:00.000Z', {
      alias: 'challenger',
      version: 2,
      fromVersion: 1,
      actor: 'run/r2',
      reason: 'registered by run r2',
    }),
    audit('2026-01-03T00:00:00.000Z', {
      alias: 'champion',
      version: 2,
      fromVersion: 1,
      actor: 'alice',
      reason: 'looks better',
    }),
    audit('2026-01-03T06:00:00.000Z', {
      action: 'RoutingChanged',
      actor: 'synergy-cli',
      reason: 'champion 90%, challenger 10%',
    }),
    audit('2026-01-04T00:00:00.000Z', {
      alias: 'champion',
      version: 1,
      fromVersion: 2,
      actor: 'synergy-cli',
      reason: 'rollback from v2: errors',
    }),
  ];

  it('rebuilds each alias holding, closed by the next move, with how it happened', () => {
    const history = aliasHistory([...trail].reverse(), {
      champion: alias('champion', 1, '2026-01-04T00:00:00.000Z'),
      challenger: alias('challenger', 2, '2026-01-02T00:00:00.000Z'),
    });
    expect(history.notes).toEqual([]);
    expect(history.moves.map((m) => `${m.alias}:${m.fromVersion ?? '-'}>${m.version}:${m.kind}`)).toEqual([
      'challenger:->1:pipeline',
      'champion:->1:pipeline',
      'challenger:1>2:pipeline',
      'champion:1>2:manual',
      'champion:2>1:rollback',
    ]);
    expect(history.spans.map((s) => [s.alias, s.version, s.from, s.to, s.kind, s.actor])).toEqual([
      ['champion', 1, '2026-01-01T00:00:02.000Z', '2026-01-03T00:00:00.000Z', 'pipeline', 'run/r1'],
      ['champion', 2, '2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z', 'manual', 'alice'],
      ['champion', 1, '2026-01-04T00:00:00.000Z', undefined, 'rollback', 'synergy-cli'],
      ['challenger', 1, '2026-01-01T00:00:01.000Z', '2026-01-02T00:00:00.000Z', 'pipeline', 'run/r1'],
      ['challenger', 2, '2026-01-02T00:00:00.000Z', undefined, 'pipeline', 'run/r2'],
    ]);
    expect(history.routing).toEqual([
      { at: '2026-01-03T06:00:00.000Z', actor: 'synergy-cli', routing: 'champion 90%, challenger 10%' },
    ]);
  });

  it('trusts the stored alias over an incomplete trail, and says so', () => {
    const history = aliasHistory(trail, {
      champion: alias('champion', 3, '2026-01-05T00:00:00.000Z'),
    });
    const champion = history.spans.filter((s) => s.alias === 'champion');
    expect(champion.at(-2)?.to).toBe('2026-01-05T00:00:00.000Z');
    expect(champion.at(-1)).toMatchObject({
      version: 3,
      kind: 'unrecorded',
      from: '2026-01-05T00:00:00.000Z',
    });
    expect(history.notes.join('\n')).toMatch(/champion is v3.*ends at v1/);
    expect(history.notes.join('\n')).toMatch(/challenger to v2, but the alias does not exist/);
  });

  it('classifies moves by reason first, then actor', () => {
    expect(moveKind({ actor: 'run/x', reason: 'Rollback from v3' })).toBe('rollback');
    expect(moveKind({ actor: 'run/x', reason: 'promoted by run x' })).toBe('pipeline');
    expect(moveKind({ actor: 'synergy-cli', reason: 'rolled forward' })).toBe('manual');
  });
});

describe('collectModelPage', () => {
  it('assembles versions, alias history, alarms and the metric series of a generated model', async () => {
    const world = await generatedModel();
    const data = await collectModelPage(world.deps, world.modelName);

    expect(data.versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);
    expect(data.versions[0]).toMatchObject({
      algorithm: 'GradientBoosting',
      trigger: 'accuracy',
      runId: 'run-0004',
      aliases: ['champion', 'challenger'],
    });
    expect(data.versions.slice(1).every((v) => v.aliases.length === 0)).toBe(true);
    expect(data.champion).toBe(4);
    expect(
      data.history.moves.filter((m) => m.kind === 'rollback').map((m) => [m.fromVersion, m.version]),
    ).toEqual([[3, 2]]);
    expect(data.history.moves.filter((m) => m.kind === 'manual').map((m) => m.actor)).toEqual([
      'synergy-cli',
    ]);
    expect(data.history.routing).toHaveLength(1);
    expect(data.alarms.map((a) => [a.signal, a.state])).toEqual([
      ['drift', 'ALARM'],
      ['accuracy', 'OK'],
    ]);

    // One query for accuracy, one for max PSI, one per baseline feature, all in one call.
    expect(world.metrics.asked).toHaveLength(1);
    const queries = world.metrics.asked[0];
    expect(queries.map((q) => [q.metricName, q.stat, q.dimensions.feature])).toEqual([
      ['LiveAccuracy', 'Minimum', undefined],
      ['MaxPSI', 'Maximum', undefined],
      ...world.features.map((f) => ['FeaturePSI', 'Maximum', f]),
    ]);
    for (const q of queries) {
      expect(q.namespace).toBe('Synergy');
      expect(q.dimensions.service).toBe('synergy');
      expect(q.dimensions.model).toBe(world.modelName);
      expect(q.periodSeconds).toBe(SETTINGS.alarmPeriodSeconds);
      expect(q.from.getTime() % (q.periodSeconds * 1000)).toBe(0);
      expect(q.to.toISOString()).toBe(data.generatedAt);
    }
    expect(data.featureSource).toEqual({ kind: 'baseline', version: 4 });
    expect(data.features.map((f) => f.name)).toEqual(world.features);

    // Hourly monitor runs for a week minus the quiet hours; feedback every six hours.
    expect(data.maxPsi).toHaveLength(7 * 24 - world.quietHours);
    expect(world.feedbackUploads).toBeGreaterThan(20);
    expect(data.liveAccuracy).toHaveLength(world.feedbackUploads);
    for (const feature of data.features) expect(feature.points).toHaveLength(data.maxPsi.length);
    // MaxPSI is the max over the features, period by period (the fixture measures each with measureDrift).
    data.maxPsi.forEach((point, i) => {
      expect(point.value).toBeCloseTo(Math.max(...data.features.map((f) => f.points[i].value)), 12);
    });
    // The generated drift starts on day 4: the page sees max PSI cross the threshold only late in the week.
    const firstBreach = data.maxPsi.findIndex((p) => p.value > SETTINGS.driftPsiThreshold);
    expect(firstBreach).toBeGreaterThan(data.maxPsi.length / 2);
    expect(data.maxPsi.at(-1)?.value).toBeGreaterThan(SETTINGS.driftPsiThreshold);
  });

  it('takes the features from the latest drift report when the champion has no baseline', async () => {
    const clock = new FixedClock(new Date('2026-02-01T00:00:00.000Z'));
    const registry = new MemoryRegistry(clock);
    const artifacts = new MemoryArtifactStore();
    const metrics = new MemoryMetricHistory();
    await registry.createVersion(newVersion('m', 'r1'));
    await registry.moveAlias({
      modelName: 'm',
      alias: 'champion',
      version: 1,
      expectedRevision: undefined,
      reason: 'first',
      actor: 'run/r1',
    });
    const report = (features: string[]) =>
      JSON.stringify({ features: features.map((name) => ({ name, psi: 0.1 })) });
    artifacts.put(
      { bucket: BUCKET, key: 'monitoring/m/reports/2026/01/30/120000-drift.json' },
      report(['old']),
    );
    artifacts.put(
      { bucket: BUCKET, key: 'monitoring/m/reports/2026/01/31/090000-drift.json' },
      report(['a', 'b']),
    );
    artifacts.put(
      { bucket: BUCKET, key: 'monitoring/m/reports/2026/01/31/083000-drift.json' },
      report(['older']),
    );
    const deps = {
      registry,
      artifacts,
      bucket: BUCKET,
      alarms: new MemoryAlarms(clock),
      metrics,
      clock,
      settings: SETTINGS,
    };

    const data = await collectModelPage(deps, 'm');
    expect(data.features.map((f) => f.name)).toEqual(['a', 'b']);
    expect(data.featureSource).toEqual({
      kind: 'drift-report',
      uri: `s3://${BUCKET}/monitoring/m/reports/2026/01/31/090000-drift.json`,
    });
    expect(data.features.every((f) => f.points.length === 0)).toBe(true);
    expect(data.alarms.every((a) => a.state === undefined)).toBe(true);

    // With a baseline in place, the baseline wins.
    const world = await generatedModel();
    const statistics = await world.artifacts.readBytes({
      bucket: BUCKET,
      key: versionStatisticsKey(world.modelName, 4),
    });
    artifacts.put({ bucket: BUCKET, key: versionStatisticsKey('m', 1) }, statistics);
    expect((await collectModelPage(deps, 'm')).featureSource).toEqual({ kind: 'baseline', version: 1 });
  });

  it('says why there are no features when neither a baseline nor a report exists', async () => {
    const clock = new FixedClock();
    const registry = new MemoryRegistry(clock);
    await registry.createVersion(newVersion('m', 'r1'));
    const deps = {
      registry,
      artifacts: new MemoryArtifactStore(),
      bucket: BUCKET,
      alarms: new MemoryAlarms(clock),
      metrics: new MemoryMetricHistory(),
      clock,
      settings: SETTINGS,
    };
    const data = await collectModelPage(deps, 'm');
    expect(data.champion).toBeUndefined();
    expect(data.features).toEqual([]);
    expect(data.featureSource).toEqual({
      kind: 'none',
      reason: 'the model has no champion, and no drift report exists',
    });
    await expect(collectModelPage(deps, 'unknown')).rejects.toBeInstanceOf(NotFoundError);
    await expect(collectModelPage(deps, 'm', { periodSeconds: 0 })).rejects.toBeInstanceOf(
      ModelPageOptionsError,
    );
    await expect(collectModelPage(deps, 'm', { lookbackSeconds: 1.5 })).rejects.toBeInstanceOf(
      ModelPageOptionsError,
    );
  });

  it('widens the period so a long range stays within 1440 points', async () => {
    expect(chartPeriod(14 * 86_400, 3600)).toBe(3600);
    expect(chartPeriod(14 * 86_400, 60)).toBe(840);
    expect(chartPeriod(90 * 86_400, 3600)).toBe(5400);
    const world = await generatedModel();
    const data = await collectModelPage(world.deps, world.modelName, {
      lookbackSeconds: 2 * 86_400,
      periodSeconds: 600,
    });
    expect(data.range.periodSeconds).toBe(600);
    expect(Date.parse(data.range.to) - Date.parse(data.range.from)).toBeGreaterThanOrEqual(2 * 86_400_000);
    // Ten-minute periods over two days: each hourly run is its own point, none from before the range.
    expect(data.maxPsi.length).toBe(48);
  });
});
