import { describe, expect, it } from 'vitest';
import {
  generateScheduleAdherenceCsv,
  SCHEDULE_ADHERENCE_HEADER,
} from '../../../layers/core/demo/schedule-adherence.ts';
import { trainInProcess } from '../../../layers/core/training/train-in-process.ts';

describe('generateScheduleAdherenceCsv', () => {
  it('is seeded: same seed, same bytes; another seed, other rows', () => {
    const a = generateScheduleAdherenceCsv({ rows: 300, seed: 3 });
    expect(generateScheduleAdherenceCsv({ rows: 300, seed: 3 })).toBe(a);
    expect(generateScheduleAdherenceCsv({ rows: 300, seed: 4 })).not.toBe(a);
  });

  it('has the documented columns and a balanced-enough on_time label', () => {
    const lines = generateScheduleAdherenceCsv({ rows: 2000 }).trim().split('\n');
    expect(lines[0]).toBe(SCHEDULE_ADHERENCE_HEADER.join(','));
    expect(lines).toHaveLength(2001);
    const yes = lines.slice(1).filter((line) => line.endsWith(',yes')).length / 2000;
    expect(yes).toBeGreaterThan(0.3);
    expect(yes).toBeLessThan(0.7);
  });

  it('is learnable but noisy: a model beats the majority class and stays below perfect', async () => {
    const csv = generateScheduleAdherenceCsv({ rows: 1000 });
    const result = await trainInProcess(csv, {
      models: ['LogisticRegression'],
      grids: { LogisticRegression: { C: [1] } },
    });
    const majority = Math.max(...Object.values(result.data.summary.classCounts)) / 1000;
    expect(result.best.testAccuracy).toBeGreaterThan(majority + 0.15);
    expect(result.best.testAccuracy).toBeLessThan(0.98);
  });

  it("trains on the paper's two-column format (one feature, one label)", async () => {
    const rows = generateScheduleAdherenceCsv({ rows: 400, missingRate: 0 })
      .trim()
      .split('\n')
      .map((line) => {
        const cells = line.split(',');
        return `${cells[3]},${cells[cells.length - 1]}`;
      });
    const result = await trainInProcess(`${rows.join('\n')}\n`, {
      models: ['DecisionTree'],
      grids: { DecisionTree: { max_depth: [3] } },
    });
    expect(result.data.featureNames).toEqual(['percent_complete_at_checkpoint']);
    expect(result.best.testAccuracy).toBeGreaterThan(0.6);
  });
});
