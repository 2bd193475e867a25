import { beforeAll, describe, expect, it } from 'vitest';
import type { Holdout } from '../../../layers/core/pipeline/holdout.ts';
import { isLabel, parseHoldout, scoreOnHoldout } from '../../../layers/core/pipeline/holdout.ts';
import {
  ArtifactIntegrityError,
  buildModelDocument,
  loadModelDocument,
  sha256Hex,
} from '../../../layers/core/pipeline/model-document.ts';
import { decidePromotion, runPromotionGate } from '../../../layers/core/pipeline/promotion-gate.ts';
import type { ModelVersionRecord } from '../../../layers/core/pipeline/records.ts';
import { prepareCsv } from '../../../layers/ml/data/prepare.ts';
import { createModel } from '../../../layers/ml/models/registry.ts';
import { Random } from '../../../layers/ml/random.ts';
import { FixedClock, MemoryArtifactStore, MemoryRegistry } from '../../support/memory-ports.ts';

describe('decidePromotion', () => {
  const gate = (newAccuracy: number, champion: number | undefined, margin = 0) =>
    decidePromotion({
      newVersion: 2,
      newAccuracy,
      margin,
      ...(champion === undefined ? {} : { champion: { version: 1, accuracy: champion } }),
    });

  it('promotes the first version', () => {
    const decision = gate(0.5, undefined);
    expect(decision.promote).toBe(true);
    expect(decision.reason).toContain('no champion');
  });

  it('promotes only a strictly better version by default', () => {
    expect(gate(0.8, 0.9).promote).toBe(false);
    expect(gate(0.9, 0.9).promote).toBe(false);
    expect(gate(0.91, 0.9).promote).toBe(true);
    expect(gate(0.8, 0.9).reason).toMatch(/v2 .*80\.00%.* does not beat champion v1 \(90\.00%\)/);
  });

  it('respects the margin', () => {
    expect(gate(0.9, 0.85, 0.1).promote).toBe(false);
    expect(gate(0.9, 0.85, 0.02).promote).toBe(true);
    expect(gate(0.9, 0.85, 0.1).reason).toContain('margin 10.00%');
  });
});

describe('isLabel', () => {
  it('matches numeric classes with numeric text as the CSV reader does, text classes by text', () => {
    expect(isLabel(1, '1.0')).toBe(true);
    expect(isLabel(1, 1)).toBe(true);
    expect(isLabel(1, '2')).toBe(false);
    expect(isLabel('1', 1)).toBe(true);
    expect(isLabel('yes', 'yes')).toBe(true);
    expect(isLabel('yes', 'Yes')).toBe(false);
    expect(isLabel('yes', null)).toBe(false);
  });
});

/** A CSV where the label is a function of `site` alone, plus a noise column. */
function siteCsv(
  columns: readonly string[],
  rule: Record<string, string>,
  rows: number,
  seed: number,
): string {
  const rng = new Random(seed);
  const sites = Object.keys(rule);
  const lines = [columns.join(',')];
  for (let i = 0; i < rows; i++) {
    const site = sites[i % sites.length];
    const noise = (rng.next() * 100).toFixed(2);
    const values: Record<string, string> = { site, noise, label: rule[site] };
    lines.push(columns.map((c) => values[c]).join(','));
  }
  return `${lines.join('\n')}\n`;
}

async function documentFrom(csv: string, runId: string): Promise<Uint8Array> {
  const prepared = await prepareCsv(csv, { target: 'label', folds: 2, seed: 1 });
  const model = createModel('DecisionTree', {}, 1);
  model.fit(prepared.train);
  return buildModelDocument({
    algorithm: 'DecisionTree',
    params: {},
    preprocessor: prepared.preprocessor.toJSON(),
    model: model.toJSON(),
    metrics: { testAccuracy: 1, cvAccuracy: 1, cvStd: 0 },
    runId,
  });
}

// The champion learned an older world (C → x, and a site D) with columns in another order; the
// candidate learned today's (C → z). Today's holdout: 3 records per site A, B, C.
const OLD_RULE = { A: 'x', B: 'y', C: 'x', D: 'y' };
const NEW_RULE = { A: 'x', B: 'y', C: 'z' };
const holdoutJsonl = ['A', 'B', 'C']
  .flatMap((site) =>
    [1, 2, 3].map((k) => JSON.stringify({ label: NEW_RULE[site as 'A'], site, noise: `${k}` })),
  )
  .join('\n');

describe('scoring on the holdout', () => {
  let champion: Uint8Array;
  let holdout: Holdout;

  beforeAll(async () => {
    champion = await documentFrom(siteCsv(['noise', 'site', 'label'], OLD_RULE, 80, 1), 'old-run');
    holdout = parseHoldout(new TextEncoder().encode(holdoutJsonl), 'label');
  });

  it('uses the version’s own preprocessor, and a label it never saw counts as wrong', () => {
    const loaded = loadModelDocument(champion);
    try {
      // Its features: noise + 4 site indicators (today's data would make 3).
      expect(loaded.preprocessor.nFeatures).toBe(5);
      const score = scoreOnHoldout(loaded, holdout);
      expect(score).toEqual({ accuracy: 6 / 9, correct: 6, records: 9, unreadable: 0 });
    } finally {
      loaded.classifier.dispose();
    }
  });

  it('counts a record its preprocessor cannot read as wrong', () => {
    const loaded = loadModelDocument(champion);
    try {
      const withBadNoise = {
        ...holdout,
        records: [...holdout.records, { site: 'A', noise: 'loud', label: 'x' }],
      };
      expect(scoreOnHoldout(loaded, withBadNoise)).toEqual({
        accuracy: 6 / 10,
        correct: 6,
        records: 10,
        unreadable: 1,
      });
    } finally {
      loaded.classifier.dispose();
    }
  });
});

describe('runPromotionGate', () => {
  const clock = new FixedClock();
  let artifacts: MemoryArtifactStore;
  let registry: MemoryRegistry;
  let holdout: Holdout;
  let candidate: ModelVersionRecord;
  let championBytes: Uint8Array;

  async function register(bytes: Uint8Array, runId: string): Promise<ModelVersionRecord> {
    const ref = { bucket: 'b', key: `models/sites/${runId}/model.json` };
    await artifacts.write(ref, bytes);
    return registry.createVersion({
      modelName: 'sites',
      algorithm: 'DecisionTree',
      params: {},
      artifact: { uri: `s3://b/${ref.key}`, sha256: sha256Hex(bytes), size: bytes.length },
      signature: { inputs: [], target: 'label', classes: [] },
      metrics: { testAccuracy: 1, cvAccuracy: 1, cvStd: 0 },
      lineage: { runId, trigger: 'manual', dataset: { uri: 's3://b/x.csv', digest: 'd' }, codeVersion: 't' },
    });
  }

  beforeAll(async () => {
    artifacts = new MemoryArtifactStore();
    registry = new MemoryRegistry(clock);
    championBytes = await documentFrom(siteCsv(['noise', 'site', 'label'], OLD_RULE, 80, 1), 'old-run');
    const champion = await register(championBytes, 'old-run');
    await registry.moveAlias({
      modelName: 'sites',
      alias: 'champion',
      version: champion.version,
      expectedRevision: undefined,
      reason: 'test',
      actor: 'test',
    });
    candidate = await register(
      await documentFrom(siteCsv(['site', 'label', 'noise'], NEW_RULE, 60, 2), 'new'),
      'new',
    );
    holdout = parseHoldout(new TextEncoder().encode(holdoutJsonl), 'label');
  });

  it('re-scores the candidate and the champion, each with its own artifact, and promotes the better', async () => {
    const gate = await runPromotionGate({ artifacts, registry }, candidate, holdout, 0);
    expect(gate).toMatchObject({
      promote: true,
      newAccuracy: 1,
      championVersion: 1,
      championAccuracy: 6 / 9,
    });
    expect(gate.reason).toMatch(/v2 \(holdout accuracy 100\.00%\) beats champion v1 \(66\.67%\)/);
  });

  it('refuses a champion whose artifact was changed after registration', async () => {
    const champion = await registry.getVersion('sites', 1);
    const ref = { bucket: 'b', key: 'models/sites/old-run/model.json' };
    const tampered = new TextDecoder().decode(championBytes).replace('"cvStd":0', '"cvStd":0.5');
    await artifacts.write(ref, tampered);
    const error = await runPromotionGate({ artifacts, registry }, candidate, holdout, 0).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ArtifactIntegrityError);
    expect((error as Error).message).toContain(`expected ${champion?.artifact.sha256}`);
    await artifacts.write(ref, championBytes);
  });
});
