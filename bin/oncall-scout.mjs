#!/usr/bin/env node
// The engine is TypeScript run through tsx, so `npx oncall-scout` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli.ts');
process.exitCode = await main(process.argv.slice(2));
