#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so `npx synergy` works right after `npm install`
// with no build step and always runs the source in the tree.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every client that Node 20 support ends in 2027; the deploy target is Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./cli.ts');
