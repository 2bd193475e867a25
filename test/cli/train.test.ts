import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateConstructionCsv } from '../../layers/core/demo/construction-schedule.ts';

const cli = new URL('../../bin/synergy.mjs', import.meta.url).pathname;

function synergy(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
}

function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'synergy-cli-'));
}

describe('synergy train', () => {
  const dir = workDir();
  const csv = join(dir, 'construction.csv');
  writeFileSync(csv, generateConstructionCsv({ rows: 400, seed: 3 }));
  const config = join(dir, 'grid.json');
  writeFileSync(
    config,
    JSON.stringify({ grids: { DecisionTree: { max_depth: [2, 4] }, KNN: { n_neighbors: [3, 5] } } }),
  );

  it('--json prints exactly one object with the promised shape, best = highest test accuracy', () => {
    const res = synergy(['train', csv, '--models', 'KNN,DecisionTree', '--config', config, '--json']);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]) as {
      best: { model: string; testAccuracy: number };
      leaderboard: Array<{
        model: string;
        params: Record<string, unknown>;
        cvAccuracy: number;
        testAccuracy: number;
        fitSeconds: number;
      }>;
      seconds: number;
    };
    expect(Object.keys(out)).toEqual(['best', 'leaderboard', 'seconds']);
    // Paper order, whatever order they were asked in.
    expect(out.leaderboard.map((e) => e.model)).toEqual(['DecisionTree', 'KNN']);
    for (const e of out.leaderboard) {
      expect(Object.keys(e)).toEqual(['model', 'params', 'cvAccuracy', 'testAccuracy', 'fitSeconds']);
      expect(e.cvAccuracy).toBeGreaterThan(0.4);
      expect(e.testAccuracy).toBeGreaterThan(0.4);
    }
    expect([2, 4]).toContain(out.leaderboard[0].params.max_depth);
    expect([3, 5]).toContain(out.leaderboard[1].params.n_neighbors);
    const top = Math.max(...out.leaderboard.map((e) => e.testAccuracy));
    expect(out.best.testAccuracy).toBe(top);
    expect(out.best.model).toBe(out.leaderboard.find((e) => e.testAccuracy === top)?.model);
  });

  it('is deterministic: the same CSV and seed give the same scores and the same model artifact', () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const args = ['train', csv, '--models', 'DecisionTree', '--config', config, '--json', '--seed', '9'];
    const first = synergy([...args, '--out', a]);
    const second = synergy([...args, '--out', b]);
    expect(first.status).toBe(0);
    const strip = (s: string) => {
      const o = JSON.parse(s) as { leaderboard: Array<Record<string, unknown>> };
      return o.leaderboard.map(({ fitSeconds: _f, ...rest }) => rest);
    };
    expect(strip(second.stdout)).toEqual(strip(first.stdout));
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
  });

  it('human output shows the leaderboard, confusion matrix and classification report', () => {
    const res = synergy(['train', csv, '--models', 'DecisionTree', '--config', config]);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/Model\s+Best params\s+CV accuracy\s+Test accuracy\s+Fit s/);
    expect(res.stdout).toContain('Confusion matrix');
    expect(res.stdout).toMatch(/precision\s+recall\s+f1-score\s+support/);
    expect(res.stdout).toMatch(/^Best: DecisionTree /m);
  });
});

describe('synergy train: bad input exits 2 with one line naming the problem', () => {
  const dir = workDir();
  const cases: Array<[string, string, RegExp]> = [
    [
      'junk in a numeric column',
      'x,y\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n7,a\n8,b\n9,a\n1O,b\n11,a\n12,b\n13,a\n14,b\n15,a\n16,b\n17,a\n18,b\n19,a\n20,b\n21,a\n22,b\n23,a\n24,b\n25,a\n26,b\n27,a\n28,b\n29,a\n30,b\n',
      /row 11.*column "x"/,
    ],
    ['a ragged row', 'x,y\n1,a\n2,b,3\n', /row 3/],
    ['one class only', 'x,y\n1,a\n2,a\n3,a\n', /class/i],
  ];
  for (const [name, text, pattern] of cases) {
    it(name, () => {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.csv`);
      writeFileSync(file, text);
      const res = synergy(['train', file]);
      expect(res.status).toBe(2);
      expect(res.stdout).toBe('');
      const lines = res.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
    });
  }

  it('an unknown model names the model and the choices', () => {
    const res = synergy([
      'train',
      new URL('../fixtures/cli/tiny.csv', import.meta.url).pathname,
      '--models',
      'Prophet',
    ]);
    expect(res.status).toBe(2);
    expect(res.stderr.trim()).toMatch(/unknown model "Prophet".*LogisticRegression/);
  });

  it('a missing file', () => {
    const res = synergy(['train', join(dir, 'nope.csv')]);
    expect(res.status).toBe(2);
    expect(res.stderr.trim()).toMatch(/cannot read .*nope\.csv/);
  });

  it('an invalid grid value names the model and field', () => {
    const cfg = join(dir, 'bad-grid.json');
    writeFileSync(cfg, JSON.stringify({ grids: { DecisionTree: { max_depth: [-1] } } }));
    const res = synergy([
      'train',
      new URL('../fixtures/cli/tiny.csv', import.meta.url).pathname,
      '--config',
      cfg,
    ]);
    expect(res.status).toBe(2);
    expect(res.stderr.trim()).toMatch(/DecisionTree.*max_depth/);
  });
});
