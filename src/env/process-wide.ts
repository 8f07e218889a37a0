/**
 * One value per process, however many copies of vlmcar are loaded: the installed package (dist/) imported by
 * a plugin and the sources run by the CLI through tsx are two module graphs, and their registries must still
 * be one table.
 */
export function processWide<T>(key: string, create: () => T): T {
  const store = globalThis as Record<symbol, unknown>;
  const symbol = Symbol.for(key);
  if (!(symbol in store)) store[symbol] = create();
  return store[symbol] as T;
}
