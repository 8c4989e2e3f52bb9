import { scaled } from './support/budget';

/**
 * Synthesis records the release commit (`GLIDEPATH_RELEASE_COMMIT`, else `git rev-parse HEAD`) in
 * every deployment stack; tests pin it so templates and snapshots do not change with each commit.
 */
process.env.GLIDEPATH_RELEASE_COMMIT ??= '0123456789abcdef0123456789abcdef01234567';

// jest.config.js's two minutes, scaled by the load when the suite starts (test/support/budget.ts).
jest.setTimeout(scaled(120_000));
