// electron-builder's `-c.a.b=value` command-line overrides, as the workflows pass them.

/** The overrides in a command's text as the config object they stand for. */
export function configOverrides(commandText: string): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const [, path, value] of commandText.matchAll(/-c\.([\w.]+)=(\$\{\{[^}]*\}\}|[^\s"]+)/g)) {
    const keys = path.split('.');
    let target = overrides;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[keys.at(-1)] = value === 'true' ? true : value === 'false' ? false : value;
  }
  return overrides;
}
