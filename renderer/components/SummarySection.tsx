// One collapsible section of the summary panel, open by default.
import type { ReactNode } from 'react';

export function Section({ title, count, children, testId }: { title: string; count?: number; children: ReactNode; testId?: string }) {
  return (
    <details className="summary-section" open data-testid={testId}>
      <summary>
        {title}
        {count !== undefined && <span className="count">{count}</span>}
      </summary>
      {children}
    </details>
  );
}
