// Page insights set optional fields only when known (never `key: undefined`),
// so a profile's page survives the codec round trip deepEqual.

/** Sets an optional field only when known, so the profile codec round-trips deepEqual. */
export function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
