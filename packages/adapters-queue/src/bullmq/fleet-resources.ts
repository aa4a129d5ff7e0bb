import { FramewiseError } from '@framewise/core/errors';
import type { Redis } from 'ioredis';

/**
 * Fleet-wide resource limits in Redis. `<keys>:res:cap` maps a resource name to its capacity for
 * the whole fleet; `<keys>:res:leases:<name>` (lease id → expiry, Redis time in ms) and
 * `<keys>:res:held:<name>` (lease id → amount) are what is held. A lease is taken for all of a
 * job's limited resources at once, atomically, and expires unless its worker renews it: a worker
 * that dies (SIGKILL, lost machine) leaks nothing past the lease's TTL.
 */

/**
 * Take a lease on every resource named, or none. KEYS: cap hash, then per resource its leases zset
 * and held hash. ARGV: lease id, ttl ms, then per resource its name and amount. Returns `{1, names
 * leased…}` when taken, else `{0, name of the first full resource}`. Resources without a capacity
 * are not limited and not leased.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id, ttl = ARGV[1], tonumber(ARGV[2])
local n = (#KEYS - 1) / 2
for i = 1, n do
  local cap = redis.call('HGET', KEYS[1], ARGV[1 + 2 * i])
  if cap then
    local leases, held = KEYS[2 * i], KEYS[2 * i + 1]
    local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
    if #expired > 0 then
      redis.call('ZREM', leases, unpack(expired))
      redis.call('HDEL', held, unpack(expired))
    end
    local sum = 0
    for _, v in ipairs(redis.call('HVALS', held)) do sum = sum + tonumber(v) end
    if sum + tonumber(ARGV[2 + 2 * i]) > tonumber(cap) then return {0, ARGV[1 + 2 * i]} end
  end
end
local taken = {1}
for i = 1, n do
  if redis.call('HEXISTS', KEYS[1], ARGV[1 + 2 * i]) == 1 then
    redis.call('ZADD', KEYS[2 * i], now + ttl, id)
    redis.call('HSET', KEYS[2 * i + 1], id, ARGV[2 + 2 * i])
    table.insert(taken, ARGV[1 + 2 * i])
  end
end
return taken`;

/** Extend leases. KEYS: leases zsets; ARGV: ttl, then the lease id of each. Returns the ids lost. */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lost = {}
for i, key in ipairs(KEYS) do
  local id = ARGV[i + 1]
  local expiry = redis.call('ZSCORE', key, id)
  if expiry and tonumber(expiry) > now then
    redis.call('ZADD', key, 'XX', now + tonumber(ARGV[1]), id)
  else
    table.insert(lost, id)
  end
end
return lost`;

/** What is held of a resource now (expired leases not counted). KEYS: leases, held. */
const HELD = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local sum, leases = 0, 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
  sum = sum + tonumber(redis.call('HGET', KEYS[2], id) or '0')
  leases = leases + 1
end
return {tostring(sum), leases}`;

const NAME = /^[A-Za-z0-9_.:-]{1,100}$/;

/** A resource's fleet-wide use, as `BullmqQueueBackend.resourceUsage` reports it. */
export interface FleetResourceUsage {
  /** The fleet-wide capacity. */
  readonly capacity: number;
  /** Amount held by live leases (jobs running or about to start anywhere). */
  readonly held: number;
  /** Live leases. */
  readonly leases: number;
}

/** The outcome of {@link FleetResources.tryAcquire}: the resources leased, or the first one full. */
export type FleetAcquisition =
  | { readonly ok: true; readonly leased: readonly string[] }
  | { readonly ok: false; readonly full: string };

/** Check a resource name (it becomes part of Redis keys). */
export function checkResourceName(name: string): string {
  if (!NAME.test(name))
    throw new FramewiseError(
      'INVALID_INPUT',
      `Resource name ${JSON.stringify(name)} must be 1-100 letters, digits, ".", ":", "-" or "_"`,
      { details: { resource: name } },
    );
  return name;
}

/** Fleet-wide resource capacities and leases, over one Redis connection. */
export class FleetResources {
  readonly #redis: Redis;
  readonly #keys: string;

  /** `keys` is the Framewise key prefix of the queue (see `resolveConnection`). */
  constructor(redis: Redis, keys: string) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** Channel on which a released lease is announced, so waiting workers try again at once. */
  get releasedChannel(): string {
    return `${this.#keys}:res:released`;
  }

  #cap(): string {
    return `${this.#keys}:res:cap`;
  }

  #leases(name: string): string {
    return `${this.#keys}:res:leases:${name}`;
  }

  #held(name: string): string {
    return `${this.#keys}:res:held:${name}`;
  }

  /**
   * Set a resource's fleet-wide capacity, or remove the limit with `undefined`. Workers hear of it
   * over pub/sub (and re-read capacities with each heartbeat): jobs starting after that take a
   * lease; leases already held are kept.
   *
   * @throws `INVALID_INPUT` for a bad name or a capacity that is not a positive finite number.
   */
  async setCapacity(name: string, capacity: number | undefined): Promise<void> {
    checkResourceName(name);
    if (capacity === undefined) {
      await this.#redis.hdel(this.#cap(), name);
    } else {
      if (!(typeof capacity === 'number' && Number.isFinite(capacity) && capacity > 0))
        throw new FramewiseError(
          'INVALID_INPUT',
          `Capacity of resource ${JSON.stringify(name)} must be a positive number, got ${String(capacity)}`,
          { details: { resource: name, capacity } },
        );
      await this.#redis.hset(this.#cap(), name, String(capacity));
    }
    await this.#redis.publish(this.releasedChannel, `capacity:${name}`);
  }

  /** Every fleet-wide capacity. */
  async capacities(): Promise<Record<string, number>> {
    const raw = await this.#redis.hgetall(this.#cap());
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  /** Capacity and current use of every limited resource. */
  async usage(): Promise<Record<string, FleetResourceUsage>> {
    const out: Record<string, FleetResourceUsage> = {};
    for (const [name, capacity] of Object.entries(await this.capacities())) {
      const [held, leases] = (await this.#redis.eval(HELD, 2, this.#leases(name), this.#held(name))) as [
        string,
        number,
      ];
      out[name] = { capacity, held: Number(held), leases: Number(leases) };
    }
    return out;
  }

  /**
   * Try to take a lease of `ttlMs` on the job's resources that have a fleet-wide capacity; all or
   * nothing. Returns the resources leased, or the name of a full resource.
   */
  async tryAcquire(
    leaseId: string,
    resources: Readonly<Record<string, number>>,
    ttlMs: number,
  ): Promise<FleetAcquisition> {
    const names = Object.keys(resources).filter((n) => NAME.test(n));
    if (names.length === 0) return { ok: true, leased: [] };
    const keys = [this.#cap(), ...names.flatMap((n) => [this.#leases(n), this.#held(n)])];
    const args = [leaseId, String(ttlMs), ...names.flatMap((n) => [n, String(resources[n])])];
    const [ok, ...rest] = (await this.#redis.eval(ACQUIRE, keys.length, ...keys, ...args)) as [number, ...string[]];
    return ok === 1 ? { ok: true, leased: rest } : { ok: false, full: rest[0] as string };
  }

  /** Extend leases by `ttlMs`; returns the lease ids that had already expired (their slot may be taken). */
  async renew(leases: readonly { readonly id: string; readonly resources: readonly string[] }[], ttlMs: number) {
    const pairs = leases.flatMap((l) => l.resources.filter((n) => NAME.test(n)).map((n) => [this.#leases(n), l.id]));
    if (pairs.length === 0) return new Set<string>();
    const lost = (await this.#redis.eval(
      RENEW,
      pairs.length,
      ...pairs.map((p) => p[0] as string),
      String(ttlMs),
      ...pairs.map((p) => p[1] as string),
    )) as string[];
    return new Set(lost);
  }

  /** Give a lease back and tell waiting workers. */
  async release(leaseId: string, resources: readonly string[]): Promise<void> {
    const names = resources.filter((n) => NAME.test(n));
    if (names.length === 0) return;
    const multi = this.#redis.multi();
    for (const n of names) multi.zrem(this.#leases(n), leaseId).hdel(this.#held(n), leaseId);
    multi.publish(this.releasedChannel, leaseId);
    await multi.exec();
  }
}
