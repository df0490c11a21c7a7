#!/usr/bin/env node
/**
 * Builds the dashboard bundle into dist/web/: index.html, app.js (Preact + views, minified ES
 * module), app.css, favicon.svg. Prints each file's size and the gzipped total, and fails when the
 * total passes the 200 KB budget (issue 15). `--watch` rebuilds on change (development).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist/web');
const BUDGET = 200 * 1024;

/** @type {import('esbuild').BuildOptions} */
const options = {
  absWorkingDir: root,
  entryPoints: { app: 'web/src/main.tsx' },
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: 'web/tsconfig.json',
  outdir: out,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
};

function copyStatic() {
  for (const f of ['index.html', 'app.css', 'favicon.svg']) fs.copyFileSync(path.join(root, 'web', f), path.join(out, f));
}

function report() {
  let raw = 0;
  let gz = 0;
  const rows = [];
  for (const f of fs.readdirSync(out).sort()) {
    const buf = fs.readFileSync(path.join(out, f));
    const g = zlib.gzipSync(buf, { level: 9 }).length;
    raw += buf.length;
    gz += g;
    rows.push(`  ${f.padEnd(12)} ${(buf.length / 1024).toFixed(1).padStart(7)} KB  ${(g / 1024).toFixed(1).padStart(6)} KB gzipped`);
  }
  console.log(`dist/web:\n${rows.join('\n')}\n  total        ${(raw / 1024).toFixed(1).padStart(7)} KB  ${(gz / 1024).toFixed(1).padStart(6)} KB gzipped (budget ${BUDGET / 1024} KB)`);
  return gz;
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
if (process.argv.includes('--watch')) {
  const ctx = await esbuild.context({ ...options, plugins: [{ name: 'static', setup: (b) => b.onEnd(() => (copyStatic(), report())) }] });
  await ctx.watch();
} else {
  await esbuild.build(options);
  copyStatic();
  const gz = report();
  if (gz > BUDGET) {
    console.error(`dist/web is ${(gz / 1024).toFixed(1)} KB gzipped, over the ${BUDGET / 1024} KB budget`);
    process.exit(1);
  }
}
