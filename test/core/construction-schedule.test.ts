import { describe, expect, it } from 'vitest';
import {
  CONSTRUCTION_HEADER,
  generateConstructionCsv,
} from '../../layers/core/demo/construction-schedule.ts';

describe('construction-schedule generator', () => {
  it('is deterministic in its seed and differs across seeds', () => {
    expect(generateConstructionCsv({ rows: 200, seed: 1 })).toBe(
      generateConstructionCsv({ rows: 200, seed: 1 }),
    );
    expect(generateConstructionCsv({ rows: 200, seed: 2 })).not.toBe(
      generateConstructionCsv({ rows: 200, seed: 1 }),
    );
  });

  it('has the header, one line per row, and all three classes in reasonable proportions', () => {
    const lines = generateConstructionCsv({ rows: 3000, seed: 7 }).trim().split('\n');
    expect(lines[0]).toBe(CONSTRUCTION_HEADER.join(','));
    expect(lines).toHaveLength(3001);
    const counts = new Map<string, number>();
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      expect(cells).toHaveLength(CONSTRUCTION_HEADER.length);
      const label = cells[cells.length - 1];
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['major_delay', 'minor_delay', 'on_schedule']);
    for (const n of counts.values()) expect(n / 3000).toBeGreaterThan(0.1);
  });
});
