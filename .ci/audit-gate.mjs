#!/usr/bin/env node
// `npm audit --omit=dev --audit-level=high` with an allow-list: npm has none, so this runs the audit
// as JSON and fails on every high or critical advisory that .ci/audit-allowlist.json does not list
// with a reason. Runs in the GitHub ci workflow only (npm's audit endpoint is unreachable here).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const BLOCKING = new Set(['high', 'critical']);

/** Allow-list entries, each required to say why the advisory does not apply. */
export function readAllowlist(text) {
  const { advisories } = JSON.parse(text);
  for (const entry of advisories) {
    if (typeof entry.url !== 'string' || typeof entry.reason !== 'string' || entry.reason.trim() === '') {
      throw new Error(`audit allow-list entry needs a url and a reason: ${JSON.stringify(entry)}`);
    }
  }
  return advisories;
}

/** High/critical advisories of an `npm audit --json` report (v2) that the allow-list does not cover. */
export function blockingAdvisories(report, allowlist) {
  if (report.error) throw new Error(`npm audit failed: ${JSON.stringify(report.error)}`);
  const allowed = new Set(allowlist.map((entry) => entry.url));
  const found = new Map();
  for (const vulnerability of Object.values(report.vulnerabilities ?? {})) {
    // `via` holds advisories (objects) and names of vulnerable dependencies (strings, reported on their own).
    for (const via of vulnerability.via) {
      if (typeof via === 'object' && BLOCKING.has(via.severity) && !allowed.has(via.url)) {
        found.set(via.url, { package: via.name, severity: via.severity, title: via.title, url: via.url });
      }
    }
  }
  return [...found.values()];
}

function main() {
  const allowlist = readAllowlist(readFileSync(new URL('audit-allowlist.json', import.meta.url), 'utf8'));
  const audit = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8' });
  const blocking = blockingAdvisories(JSON.parse(audit.stdout), allowlist);
  for (const a of blocking) console.log(`${a.severity}: ${a.package}: ${a.title} ${a.url}`);
  console.log(`${blocking.length} high/critical advisories not in .ci/audit-allowlist.json`);
  process.exit(blocking.length === 0 ? 0 : 1);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) main();
