import type { MonitorResult } from '../../layers/core/monitoring/types.ts';
import { table } from './table.ts';

const num = (value: number | null): string => (value === null ? '—' : value.toFixed(4));

/** The monitor's answer for a terminal: drift per feature, the max PSI, violations, alarm states. */
export function formatMonitorResult(result: MonitorResult): string {
  const { report } = result;
  const lines = [
    `${report.model}: ${report.rows} captured rows ${report.window.from} → ${report.window.to}, baseline version ${report.baselineVersion}`,
  ];
  if (report.rows > 0) {
    const rows = report.features.map((feature) => [
      feature.name,
      feature.kind,
      num(feature.psi),
      num(feature.ks),
      num(feature.linf),
      num(feature.linfRobust),
      num(feature.js),
      String(feature.count),
      String(feature.missing),
    ]);
    if (report.predictions !== null) {
      const p = report.predictions;
      rows.push([
        '(predictions)',
        p.kind,
        num(p.psi),
        '—',
        num(p.linf),
        num(p.linfRobust),
        num(p.js),
        String(p.count),
        String(p.missing),
      ]);
    }
    lines.push(
      '',
      ...table(['Feature', 'Kind', 'PSI', 'KS', 'L∞', 'L∞ robust', 'JS', 'Rows', 'Missing'], rows),
    );
  }
  lines.push(
    '',
    `Max PSI ${report.maxPsi.toFixed(4)}${report.maxPsiFeature ? ` (${report.maxPsiFeature})` : ''}`,
  );
  for (const violation of report.violations) {
    lines.push(`  ${violation.constraintCheckType} ${violation.feature}: ${violation.description}`);
  }
  lines.push('', 'Alarms');
  for (const alarm of result.alarms) lines.push(`  ${alarm.name}  ${alarm.state}  ${alarm.reason}`);
  lines.push('', `Report: ${report.reportUri}`);
  return lines.join('\n');
}
