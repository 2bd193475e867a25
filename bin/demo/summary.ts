/**
 * The end of the story: what happened, read back from the stack (runs and their triggers, versions, the
 * champion's history from the audit trail, the alarms), as the `--json` object and as text.
 */
import type { AuditRecord, RunRecord } from '../../layers/core/pipeline/records.ts';
import type { AlarmStatus } from '../../layers/core/ports.ts';
import { table } from '../format/table.ts';
import type { StepTime } from './narrator.ts';

export interface DemoRunSummary {
  readonly runId: string;
  readonly trigger: RunRecord['trigger']['kind'];
  readonly status: RunRecord['status'];
  readonly seconds: number;
  readonly rows: number | null;
  readonly cells: number | null;
  readonly bestModel: string | null;
  readonly testAccuracy: number | null;
  readonly version: number | null;
  readonly promoted: boolean;
  /** The promotion gate's reason, when the execution recorded it. */
  readonly gateReason: string | null;
  /** Absolute path of the saved report. */
  readonly report: string | null;
}

export interface MonitorSummary {
  readonly rows: number;
  readonly maxPsi: number;
  readonly maxPsiFeature: string | null;
  readonly topFeatures: readonly { readonly name: string; readonly psi: number }[];
  readonly driftAlarm: AlarmStatus['state'];
  readonly reportUri: string;
}

export interface ChampionMove {
  readonly at: string;
  readonly from: number | null;
  readonly to: number;
  readonly actor: string;
  readonly reason: string;
}

export interface DemoSummary {
  readonly model: string;
  readonly data: { readonly rows: number; readonly seed: number; readonly csv: string };
  readonly stack: { readonly stateDir: string; readonly params: Readonly<Record<string, string>> };
  /** The first run's config: the `--config` file (null: the defaults), models, folds and CV cells. */
  readonly runConfig: {
    readonly file: string | null;
    readonly models: number | null;
    readonly folds: number | null;
    readonly cells: number | null;
  };
  readonly runs: readonly DemoRunSummary[];
  readonly predictions: readonly {
    readonly protocol: string;
    readonly call: string;
    readonly version: number | null;
    readonly labels: readonly string[];
  }[];
  readonly traffic: {
    readonly normal: { readonly rows: number; readonly requests: number };
    readonly drifted: { readonly rows: number; readonly requests: number };
  };
  readonly monitoring: { readonly normal: MonitorSummary; readonly drifted: MonitorSummary };
  readonly alarms: readonly { readonly name: string; readonly state: string; readonly reason: string }[];
  readonly rollback: {
    readonly promotedByGate: boolean;
    readonly promotedByHand: number | null;
    readonly from: number;
    readonly to: number;
    readonly servedAfterPromotion: number | null;
    readonly servedAfterRollback: number | null;
  };
  readonly champion: number | null;
  readonly championHistory: readonly ChampionMove[];
  readonly versions: readonly {
    readonly version: number;
    readonly algorithm: string;
    readonly testAccuracy: number;
    readonly runId: string;
    readonly trigger: string;
  }[];
  readonly reports: readonly string[];
  /** The model's page (versions and aliases over time, live metrics). */
  readonly modelPage: string;
  readonly steps: readonly StepTime[];
  readonly seconds: number;
}

export function championHistory(audit: readonly AuditRecord[]): ChampionMove[] {
  return audit
    .filter(
      (entry) => entry.action === 'AliasMoved' && entry.alias === 'champion' && entry.version !== undefined,
    )
    .map((entry) => ({
      at: entry.at,
      from: entry.fromVersion ?? null,
      to: entry.version ?? 0,
      actor: entry.actor,
      reason: entry.reason,
    }));
}

const version = (value: number | null) => (value === null ? '—' : `v${value}`);

/** The summary as text (the total time is printed after the stack has stopped). */
export function formatSummary(summary: Omit<DemoSummary, 'seconds' | 'steps'>): string[] {
  const lines: string[] = [];
  lines.push('Runs');
  lines.push(
    ...table(
      ['Run', 'Trigger', 'Status', 'Rows', 'Cells', 'Best model', 'Test acc', 'Version', 'Promoted', 's'],
      summary.runs.map((run) => [
        run.runId,
        run.trigger,
        run.status,
        run.rows === null ? '—' : String(run.rows),
        run.cells === null ? '—' : String(run.cells),
        run.bestModel ?? '—',
        run.testAccuracy === null ? '—' : run.testAccuracy.toFixed(4),
        version(run.version),
        run.promoted ? 'yes' : 'no',
        run.seconds.toFixed(1),
      ]),
    ).map((line) => `  ${line}`),
  );
  for (const run of summary.runs) {
    if (run.gateReason !== null) lines.push(`  gate, ${run.runId}: ${run.gateReason}`);
  }
  lines.push('', 'Versions');
  for (const v of summary.versions) {
    lines.push(
      `  v${v.version}  ${v.algorithm}  test accuracy ${v.testAccuracy.toFixed(4)}  (run ${v.runId}, trigger ${v.trigger})`,
    );
  }
  lines.push('', `Champion history (audit trail), champion now ${version(summary.champion)}`);
  for (const move of summary.championHistory) {
    lines.push(`  ${move.at}  ${version(move.from)} → v${move.to}  by ${move.actor}: ${move.reason}`);
  }
  lines.push('', 'Monitoring');
  for (const [phase, monitor] of [
    ['normal traffic ', summary.monitoring.normal],
    ['drifted traffic', summary.monitoring.drifted],
  ] as const) {
    lines.push(
      `  ${phase}  ${String(monitor.rows).padStart(5)} rows  max PSI ${monitor.maxPsi.toFixed(3)}${monitor.maxPsiFeature ? ` (${monitor.maxPsiFeature})` : ''}  drift alarm ${monitor.driftAlarm}`,
    );
  }
  lines.push('', 'Alarms now');
  for (const alarm of summary.alarms) lines.push(`  ${alarm.name}  ${alarm.state}`);
  lines.push('', 'Reports');
  for (const report of summary.reports) lines.push(`  ${report}`);
  lines.push(`  ${summary.modelPage}   (the model page)`);
  return lines;
}
