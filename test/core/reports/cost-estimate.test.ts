import { describe, expect, it } from 'vitest';
import type { FunctionMemory } from '../../../layers/core/reports/cost-estimate.ts';
import { estimateRunCost, LIST_PRICES, TRANSITIONS } from '../../../layers/core/reports/cost-estimate.ts';
import {
  FunctionMemoryError,
  functionMemoryFromStack,
  parseFunctionMemory,
} from '../../../layers/core/reports/function-memory.ts';

const MEMORY: FunctionMemory = {
  prep: 1024,
  plan: 512,
  train: 2048,
  selectBest: 512,
  evaluate: 1024,
  register: 1024,
  promote: 1024,
  finishRun: 256,
};

describe('estimateRunCost', () => {
  it('adds up GB-seconds, requests and transitions as worked out by hand', () => {
    const cost = estimateRunCost({
      memoryMb: MEMORY,
      cellFitMs: [1000, 3000],
      refitMs: [500],
      stageMs: { prep: 2000, select: 100 },
      promoteRan: false,
    });
    // Cells 4 s × 2 GB = 8; refit 0.5 s × 2 GB = 1; prep 2 s × 1 GB = 2; select 0.1 s × 0.5 GB = 0.05.
    expect(cost.gbSeconds).toBeCloseTo(11.05, 10);
    expect(cost.computeDollars).toBeCloseTo(11.05 * 0.0000133334, 15);
    // 2 cells + 1 refit + prep + select + finish.
    expect(cost.requests).toBe(6);
    expect(cost.requestDollars).toBeCloseTo(6 * 0.0000002, 15);
    // 10 fixed states + 2 cells + 1 refit.
    expect(cost.transitions).toBe(13);
    expect(cost.transitionDollars).toBeCloseTo(13 * 0.000025, 15);
    expect(cost.totalDollars).toBeCloseTo(11.05 * 0.0000133334 + 6 * 0.0000002 + 13 * 0.000025, 15);
    expect(cost.lines.map((l) => [l.label, l.invocations, l.memoryMb])).toEqual([
      ['CV cells', 2, 2048],
      ['Refits', 1, 2048],
      ['Stage prep', 1, 1024],
      ['Stage select', 1, 512],
      ['Finish', 1, 256],
    ]);
  });

  it('counts the Promote state and its invocation only when it ran', () => {
    const base = { memoryMb: MEMORY, cellFitMs: [10], refitMs: [10], promoteRan: false };
    const skipped = estimateRunCost({ ...base, stageMs: {} });
    const promoted = estimateRunCost({ ...base, stageMs: { promote: 1000 }, promoteRan: true });
    expect(promoted.transitions - skipped.transitions).toBe(TRANSITIONS.promote);
    expect(promoted.requests - skipped.requests).toBe(1);
    expect(promoted.gbSeconds - skipped.gbSeconds).toBeCloseTo(1, 10);
  });

  it('states that it is an estimate and what it leaves out', () => {
    const cost = estimateRunCost({
      memoryMb: MEMORY,
      cellFitMs: [],
      refitMs: [],
      stageMs: {},
      promoteRan: false,
    });
    expect(cost.prices).toBe(LIST_PRICES);
    expect(cost.assumptions.join(' ')).toMatch(/S3.*DynamoDB/);
    expect(cost.assumptions.join(' ')).toMatch(/lower bound/);
  });
});

describe('function memory', () => {
  it('parses the FUNCTION_MEMORY_MB object and names a missing or bad function', () => {
    expect(parseFunctionMemory(JSON.stringify({ ...MEMORY, predict: 1769 }))).toEqual(MEMORY);
    const { train: _train, ...withoutTrain } = MEMORY;
    expect(() => parseFunctionMemory(JSON.stringify(withoutTrain))).toThrow(/train/);
    expect(() => parseFunctionMemory(JSON.stringify({ ...MEMORY, plan: 64 }))).toThrow(FunctionMemoryError);
    expect(() => parseFunctionMemory('{')).toThrow(/not JSON/);
    expect(() => parseFunctionMemory(undefined)).toThrow(/not set/);
  });

  it('reads the sizes from the stack configuration', () => {
    const functions = Object.fromEntries(Object.entries(MEMORY).map(([k, v]) => [k, { memorySizeMb: v }]));
    expect(functionMemoryFromStack({ ...functions, predict: { memorySizeMb: 1769 } })).toEqual(MEMORY);
  });
});
