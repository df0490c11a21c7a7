import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Paths and loaders for the CT log fixtures in test/fixtures/ctlog. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ctlog');
export const NAVIGLI = join(FIXTURES, 'static-ct', 'navigli2025h2');
export const NAVIGLI_SIZE = 1034;

export function fixture(rel: string): Buffer {
  return readFileSync(join(FIXTURES, rel));
}
export function fixtureJson(rel: string): any {
  return JSON.parse(fixture(rel).toString('utf8'));
}

/** Icarus key from the v3 log list sample. */
export const ICARUS_KEY = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAETtK8v7MICve56qTHHDhhBOuV4IlUaESxZryCfk9QbG9co/CqPvTsgPDbCpp6oFtyAHwlDhnvr7JijXRD9Cb2FA==';
export const SKYLIGHT_KEY = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEPIcer7RB32jt4bTEbhgUKLKvOctFD+I2hoDItFxUBlJiGFvftBuRk3fO7e1T7gC2ekyfL7XoO2oN/ObcZyc4EA==';
export const TESSERACT_VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';
