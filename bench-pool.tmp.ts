import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { trainInProcess } from './layers/core/training/train-in-process.ts';
const csv = readFileSync('/tmp/cs2000.csv', 'utf8');
const models = process.argv[2] ? process.argv[2].split(',') : undefined;
const reps = Number(process.argv[3] ?? 2);
for (let rep = 0; rep < reps; rep++) {
  for (const workers of [1, 2]) {
    const load = loadavg()[0].toFixed(2);
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const r = await trainInProcess(csv, { workers, models });
    const s = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    console.log(`rep ${rep} workers ${workers}: wall ${s.toFixed(2)} s cpu ${cpuS.toFixed(2)} s (cpu/wall ${(cpuS / s).toFixed(2)}) load1 ${load} | ` + r.leaderboard.map((e) => `${e.model} ${e.fitSeconds.toFixed(2)}`).join(', '));
  }
}
