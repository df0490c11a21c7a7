/** The project's seeded PRNG (src/match/prng.ts), for the benchmarks and the tests. */
export { prng } from '../../src/match/prng.js';
