// The npm audit gate of the ci workflow (.ci/audit-gate.mjs), on reports shaped as
// `npm audit --json` (auditReportVersion 2) prints them: it cannot reach npm's audit endpoint here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'vitest';
import { blockingAdvisories, readAllowlist } from '../.ci/audit-gate.mjs';

const advisory = (name: string, severity: string, ghsa: string) => ({
  source: 1,
  name,
  dependency: name,
  title: `${name} is vulnerable`,
  url: `https://github.com/advisories/${ghsa}`,
  severity,
  range: '<1.0.0',
});

const report = {
  auditReportVersion: 2,
  vulnerabilities: {
    leaf: { name: 'leaf', severity: 'critical', isDirect: false, via: [advisory('leaf', 'critical', 'GHSA-aaaa')], effects: ['parent'] },
    // Vulnerable only through `leaf`: reported once, as leaf's advisory.
    parent: { name: 'parent', severity: 'critical', isDirect: true, via: ['leaf'], effects: [] },
    mild: { name: 'mild', severity: 'moderate', isDirect: true, via: [advisory('mild', 'moderate', 'GHSA-bbbb')], effects: [] },
    bad: { name: 'bad', severity: 'high', isDirect: true, via: [advisory('bad', 'high', 'GHSA-cccc')], effects: [] },
  },
};

test('high and critical advisories fail the gate, moderate ones do not', () => {
  const blocking = blockingAdvisories(report, []);
  assert.deepEqual(blocking.map((a) => a.url).sort(), ['https://github.com/advisories/GHSA-aaaa', 'https://github.com/advisories/GHSA-cccc']);
});

test('an allow-listed advisory no longer fails the gate; an entry without a reason is refused', () => {
  const allowlist = readAllowlist(
    JSON.stringify({ advisories: [{ url: 'https://github.com/advisories/GHSA-aaaa', reason: 'only its CLI is affected; we import the library' }] }),
  );
  assert.deepEqual(
    blockingAdvisories(report, allowlist).map((a) => a.package),
    ['bad'],
  );
  assert.throws(() => readAllowlist(JSON.stringify({ advisories: [{ url: 'https://github.com/advisories/GHSA-aaaa', reason: ' ' }] })), /reason/);
});

test('an audit that failed to run fails the gate instead of passing empty', () => {
  assert.throws(() => blockingAdvisories({ error: { code: 'E405', summary: 'Method Not Allowed' } }, []), /npm audit failed/);
});

test('the committed allow-list is well formed', () => {
  assert.doesNotThrow(() => readAllowlist(readFileSync(new URL('../.ci/audit-allowlist.json', import.meta.url), 'utf8')));
});
