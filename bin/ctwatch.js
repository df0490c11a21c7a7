#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm run build`, which `npm ci` runs via `prepare`).
import { cli } from '../dist/src/cli/main.js';

await cli(process.argv.slice(2));
