// What the importer or the summariser could not show, as they worded it.
export function TraceWarnings({ warnings }: { warnings: readonly string[] }) {
  return (
    <ul className="trace-warnings" data-testid="trace-warnings">
      {warnings.map((w, i) => (
        <li key={i}>{w}</li>
      ))}
    </ul>
  );
}
