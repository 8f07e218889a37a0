/**
 * Connections to the Redis server behind the queue. The URL is checked and the server pinged once, with a
 * short timeout, before anything else: an unreachable server is a clear error naming the URL rather than a
 * client that retries in silence. Connections opened after that retry for ever, so a worker outlives a Redis
 * restart.
 */
import { Redis } from "ioredis";

/** Raised when the queue's URL is malformed or its Redis server does not answer. */
export class QueueConnectionError extends Error {
  override name = "QueueConnectionError";
}

/** Checks the URL's form: redis://host:port[/db] or rediss:// (TLS). */
export function checkQueueUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueConnectionError(
      `--queue ${url} is not a URL; write redis://HOST:PORT (e.g. redis://127.0.0.1:6379)`,
    );
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new QueueConnectionError(
      `--queue ${url} is not a Redis URL; write redis://HOST:PORT (or rediss:// for TLS)`,
    );
  }
  return parsed;
}

/** Pings the server once; throws QueueConnectionError naming the URL when it cannot be reached in time. */
export async function checkQueueReachable(url: string, timeoutMs = 5000): Promise<void> {
  checkQueueUrl(url);
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // Errors also arrive as events; without a listener ioredis would print them.
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new QueueConnectionError(
      `cannot reach the queue's Redis server at ${url} (${(error as Error).message}); ` +
        "start it (redis-server --port PORT --bind ADDRESS) or check the host and port, see docs/DISTRIBUTED.md",
    );
  } finally {
    probe.disconnect();
  }
}

/**
 * A long-lived connection. BullMQ's workers need `maxRetriesPerRequest: null` (their blocking calls must wait
 * out a reconnect instead of failing); the rest of the queue code uses the same kind of connection.
 */
export function openRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  redis.on("error", () => {
    // Reconnects are automatic; commands wait for them. The first check (checkQueueReachable) reports a
    // server that was never there.
  });
  return redis;
}
