import { FramewiseError } from '@framewise/core/errors';
import type { RedisOptions } from 'ioredis';
import { z } from 'zod';

/** The connection part of the backend's and the worker's option schemas. */
export const BullmqConnectionSchema = z.object({
  connection: z.union([z.string(), z.record(z.string(), z.unknown())], {
    error: 'must be a redis:// URL or ioredis options',
  }),
  queue: z.string().optional(),
  prefix: z.string().optional(),
});
/** Where the BullMQ backend and its workers meet: one Redis and one queue name. */
export interface BullmqConnectionOptions {
  /** Redis: a `redis://` or `rediss://` URL, or ioredis options. */
  readonly connection: string | RedisOptions;
  /** Queue name (letters, digits, `-`, `_`); default `framewise`. Producers and workers must agree. */
  readonly queue?: string;
  /**
   * Redis key prefix (letters, digits, `-`, `_`, and `{}` for a Redis Cluster hash tag such as
   * `{transcode}`, which keeps every key of the queue in one slot); default `framewise`.
   */
  readonly prefix?: string;
}

/** The resolved connection settings. */
export interface ResolvedConnection {
  readonly redis: RedisOptions;
  readonly queue: string;
  readonly prefix: string;
  /** Prefix of the keys Framewise keeps beside BullMQ's (dedupe claims, cancellations). */
  readonly keys: string;
  /** Channel on which cancellation of running jobs is announced to workers. */
  readonly cancelChannel: string;
  /** Channel on which tenant holds and releases are announced to workers. */
  readonly controlChannel: string;
}

const NAME = /^[A-Za-z0-9_-]{1,100}$/;
const PREFIX = /^[A-Za-z0-9_{}-]{1,100}$/;

/**
 * Resolve connection options: parse a Redis URL, check the queue name and prefix.
 *
 * @throws `INVALID_CONFIG` naming the bad URL, queue or prefix.
 */
export function resolveConnection(options: BullmqConnectionOptions): ResolvedConnection {
  const queue = options.queue ?? 'framewise';
  const prefix = options.prefix ?? 'framewise';
  for (const [field, value, rule, allowed] of [
    ['queue', queue, NAME, 'letters, digits, "-" or "_"'],
    ['prefix', prefix, PREFIX, 'letters, digits, "-", "_", "{" or "}"'],
  ] as const) {
    if (!rule.test(value))
      throw new FramewiseError('INVALID_CONFIG', `BullMQ ${field} ${JSON.stringify(value)} must be 1-100 ${allowed}`, {
        details: { [field]: value },
      });
  }
  const redis = typeof options.connection === 'string' ? parseRedisUrl(options.connection) : options.connection;
  return {
    // BullMQ's workers block on Redis: they need commands that never give up while reconnecting.
    redis: { ...redis, maxRetriesPerRequest: null },
    queue,
    prefix,
    keys: `${prefix}:${queue}:fw`,
    cancelChannel: `${prefix}:${queue}:fw:cancel`,
    controlChannel: `${prefix}:${queue}:fw:control`,
  };
}

function parseRedisUrl(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FramewiseError('INVALID_CONFIG', `Redis URL ${JSON.stringify(url)} is not a URL`, { details: { url } });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new FramewiseError(
      'INVALID_CONFIG',
      `Redis URL ${JSON.stringify(url)} must start with redis:// or rediss://`,
      {
        details: { url },
      },
    );
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new FramewiseError('INVALID_CONFIG', `Redis URL ${JSON.stringify(url)} names a bad database`, {
      details: { url },
    });
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    db,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
