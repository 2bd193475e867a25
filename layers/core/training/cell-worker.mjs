// Worker threads start as plain Node, so the TypeScript worker is loaded through tsx like bin/synergy.mjs.
// No top-level await: piscina first tries require(), which cannot load a module that awaits at the top.
import { register } from 'tsx/esm/api';

register();
const worker = import('./cell-worker.ts');

export default async function runTask(task) {
  return (await worker).runTask(task);
}
