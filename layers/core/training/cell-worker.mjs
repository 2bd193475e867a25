// Worker threads start as plain Node, so the TypeScript worker is loaded through tsx like bin/synergy.mjs.
// No top-level await: piscina first tries require(), which cannot load a module that awaits at the top.
import { register } from 'tsx/esm/api';

register();
const worker = import('./cell-worker.ts');
// A failed load surfaces in the first task's result; without this it would also kill the thread.
worker.catch(() => {});

export default async function runTask(task) {
  return (await worker).runTask(task);
}
