import { Random } from '../../ml/random.ts';

/**
 * A seeded construction-schedule dataset: one row per activity, observed at a mid-course checkpoint,
 * labelled `on_time` yes/no. The label comes from a documented noisy model of delay, so a model can
 * learn it but not perfectly:
 *
 *   slip = 0.06·(expected% − complete%)            behind plan at the checkpoint (the strongest signal)
 *        + 0.9·weather_days / √planned_duration     weather, diluted by a longer schedule
 *        + (project_type = infrastructure ? 0.05·weather_days : 0)   open-air work suffers more
 *        + 0.45·change_orders + 0.25·max(0, subcontractors − 3)      coordination load
 *        + 0.04·max(0, material_lead_time − 0.5·planned_duration)    materials arriving after mid-course
 *        − 0.05·(crew_size − crew_needed)           a bigger crew than the work needs absorbs slips
 *        + type and region effects + N(0, 0.8²) noise
 *   on_time = slip < 2.4 ? yes : no
 *
 * expected% is 50 (the checkpoint is half-way through the planned duration); crew_needed grows with the
 * planned duration. About 1% of feature cells are left empty, as site logs have gaps.
 */
export interface ScheduleAdherenceOptions {
  readonly rows: number;
  readonly seed?: number;
  /** Fraction of feature cells left empty (default 0.01). */
  readonly missingRate?: number;
}

export const SCHEDULE_ADHERENCE_HEADER = [
  'project_type',
  'region',
  'planned_duration_days',
  'percent_complete_at_checkpoint',
  'crew_size',
  'weather_days',
  'change_orders',
  'subcontractors',
  'material_lead_time_days',
  'on_time',
] as const;

const PROJECT_TYPES = { residential: -0.3, commercial: 0, industrial: 0.2, infrastructure: 0.4 } as const;
const REGIONS = { north: 0.25, south: -0.1, east: 0, west: -0.2, coastal: 0.35 } as const;
/** Weather days per 30 planned days, by region. */
const REGION_WEATHER = { north: 4, south: 2, east: 3, west: 1.5, coastal: 5 } as const;

function pick<T extends string>(rng: Random, values: readonly T[]): T {
  return values[rng.int(values.length)];
}

/** Knuth's Poisson draw: fine for the small means used here. */
function poisson(rng: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

export function generateScheduleAdherenceCsv(opts: ScheduleAdherenceOptions): string {
  const rng = new Random(opts.seed ?? 11);
  const missing = opts.missingRate ?? 0.01;
  const types = Object.keys(PROJECT_TYPES) as Array<keyof typeof PROJECT_TYPES>;
  const regions = Object.keys(REGIONS) as Array<keyof typeof REGIONS>;
  const lines: string[] = [SCHEDULE_ADHERENCE_HEADER.join(',')];
  for (let i = 0; i < opts.rows; i++) {
    const type = pick(rng, types);
    const region = pick(rng, regions);
    const planned = Math.max(3, Math.round(Math.exp(3.2 + 0.6 * rng.normal())));
    const crewNeeded = 3 + Math.round(planned / 8);
    const crew = Math.max(1, Math.round(crewNeeded * (0.6 + 0.8 * rng.next())));
    const weather = poisson(rng, (REGION_WEATHER[region] * planned) / 30);
    const changeOrders = poisson(rng, 0.8 + (type === 'commercial' ? 0.6 : 0));
    const subcontractors = 1 + poisson(rng, 2.2);
    const leadTime = Math.round(rng.next() * 60);
    // Progress at the checkpoint already reflects part of the slip: the two are correlated, as on site.
    const hidden =
      0.9 * (weather / Math.sqrt(planned)) +
      0.45 * changeOrders +
      0.25 * Math.max(0, subcontractors - 3) +
      0.04 * Math.max(0, leadTime - 0.5 * planned) -
      0.05 * (crew - crewNeeded) +
      (type === 'infrastructure' ? 0.05 * weather : 0) +
      PROJECT_TYPES[type] +
      REGIONS[region];
    const complete = Math.min(100, Math.max(0, Math.round(50 - 6 * hidden + 9 * rng.normal())));
    const slip = 0.06 * (50 - complete) + hidden + 0.8 * rng.normal();
    const label = slip < 2.4 ? 'yes' : 'no';

    const cells: Array<string | number> = [
      type,
      region,
      planned,
      complete,
      crew,
      weather,
      changeOrders,
      subcontractors,
      leadTime,
    ];
    const row = cells.map((c) => (rng.next() < missing ? '' : String(c)));
    row.push(label);
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}
