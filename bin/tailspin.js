#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx tailspin` works straight after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../runner/host-node/cli.ts');
