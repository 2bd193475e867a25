#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so `npx synergy` works right after `npm install`
// with no build step and always runs the source in the tree.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
