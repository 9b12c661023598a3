// Types for tests/audit-gate.test.ts; the gate stays plain JavaScript so the ci workflow runs it
// with Node alone, before any `npm ci`.
export interface AllowlistEntry {
  url: string;
  reason: string;
}
export interface BlockingAdvisory {
  package: string;
  severity: string;
  title: string;
  url: string;
}
export function readAllowlist(text: string): AllowlistEntry[];
export function blockingAdvisories(report: unknown, allowlist: AllowlistEntry[]): BlockingAdvisory[];
