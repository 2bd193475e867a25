import { Random } from '../../ml/random.ts';

/**
 * Generates a construction-activity dataset like the one the paper studies: one row per scheduled
 * activity, the target is whether it kept to its schedule. The label comes from a hidden delay model
 * (weather, late materials, change orders, crew shortfall, congestion, with interactions and noise), so
 * the problem is learnable but not trivial, and tree ensembles have something to find that a linear
 * model cannot. A few cells are left empty, as real site logs have gaps.
 */
export interface ConstructionOptions {
  readonly rows: number;
  readonly seed?: number;
  /** Fraction of feature cells left empty. */
  readonly missingRate?: number;
}

const ACTIVITIES = [
  'excavation',
  'foundation',
  'structural_steel',
  'concrete_pour',
  'mep_rough_in',
  'drywall',
  'roofing',
  'finishes',
] as const;
const RISK: Record<(typeof ACTIVITIES)[number], number> = {
  excavation: 0.6,
  foundation: 0.4,
  structural_steel: 0.5,
  concrete_pour: 0.7,
  mep_rough_in: 0.3,
  drywall: -0.2,
  roofing: 0.8,
  finishes: -0.4,
};
const CONTRACTORS = ['alpha_build', 'northline', 'keystone', 'meridian', 'summit'] as const;
const RELIABILITY: Record<(typeof CONTRACTORS)[number], number> = {
  alpha_build: -0.5,
  northline: 0.1,
  keystone: 0.6,
  meridian: -0.1,
  summit: 0.3,
};

export const CONSTRUCTION_HEADER = [
  'activity_type',
  'subcontractor',
  'planned_duration_days',
  'crew_size',
  'crew_required',
  'crew_shortfall_pct',
  'crew_experience_years',
  'rain_days_forecast',
  'rain_share_of_duration',
  'material_lead_time_days',
  'material_delay_days',
  'change_orders',
  'predecessor_delay_days',
  'site_congestion_index',
  'inspection_required',
  'budget_overrun_pct',
  'schedule_adherence',
] as const;

export function generateConstructionCsv(opts: ConstructionOptions): string {
  const rng = new Random(opts.seed ?? 7);
  const missing = opts.missingRate ?? 0.01;
  const lines: string[] = [CONSTRUCTION_HEADER.join(',')];
  for (let i = 0; i < opts.rows; i++) {
    const activity = ACTIVITIES[rng.int(ACTIVITIES.length)];
    const contractor = CONTRACTORS[rng.int(CONTRACTORS.length)];
    const planned = 2 + Math.round(Math.exp(1.5 + 0.8 * rng.normal()));
    const crewRequired = 3 + rng.int(15);
    const crew = Math.max(1, Math.round(crewRequired * (0.7 + 0.45 * rng.next())));
    const experience = Math.max(0, Math.round((8 + 5 * rng.normal()) * 10) / 10);
    const rain = Math.min(planned, Math.floor(rng.next() * rng.next() * (planned * 0.6 + 2)));
    const leadTime = 3 + rng.int(40);
    const materialDelay = rng.next() < 0.35 ? Math.round(rng.next() * leadTime * 0.5) : 0;
    const changeOrders = Math.floor(-Math.log(1 - rng.next() * 0.999) * 0.9);
    const predecessorDelay = rng.next() < 0.3 ? Math.round(rng.next() * 10) : 0;
    const congestion = Math.round(rng.next() * 100) / 10;
    const inspection = rng.next() < 0.4 ? 'yes' : 'no';
    const overrun = Math.round((rng.normal() * 6 + changeOrders * 3) * 10) / 10;

    const shortfall = Math.max(0, (crewRequired - crew) / crewRequired);
    const weatherSensitive =
      activity === 'roofing' || activity === 'concrete_pour' || activity === 'excavation';
    const materialHeavy =
      activity === 'structural_steel' || activity === 'concrete_pour' || activity === 'mep_rough_in';
    // Site delays compound through thresholds and interactions rather than adding up smoothly.
    const delayScore =
      0.3 * RISK[activity] +
      0.8 * RELIABILITY[contractor] +
      (weatherSensitive && rain / planned > 0.25 ? 1.5 : 0) +
      (shortfall > 0.15 ? 1.2 : 0) +
      (materialDelay > 5 ? (materialHeavy ? 1.1 : 0.3) : 0) +
      (changeOrders >= 2 ? 0.7 : 0) +
      (changeOrders >= 1 && congestion > 7 ? 0.9 : 0) +
      (predecessorDelay > 4 ? 0.9 : 0) +
      (inspection === 'yes' && planned < 5 ? 0.5 : 0) -
      (experience > 12 ? 0.6 : 0) +
      0.35 * rng.normal();
    const label = delayScore < 0.7 ? 'on_schedule' : delayScore < 1.8 ? 'minor_delay' : 'major_delay';

    const cells: Array<string | number> = [
      activity,
      contractor,
      planned,
      crew,
      crewRequired,
      Math.round(shortfall * 1000) / 10,
      experience,
      rain,
      Math.round((rain / planned) * 1000) / 1000,
      leadTime,
      materialDelay,
      changeOrders,
      predecessorDelay,
      congestion,
      inspection,
      overrun,
    ];
    const row = cells.map((c) => (rng.next() < missing ? '' : String(c)));
    row.push(label);
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}
