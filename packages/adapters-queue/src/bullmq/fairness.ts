import { FramewiseError } from '@framewise/core/errors';
import type { Redis } from 'ioredis';

/**
 * Fleet-wide weighted fair sharing between tenants, as start-time fair queueing kept in Redis.
 *
 * Each tenant has a finish tag (`<keys>:fair:tags`); a job queued for a tenant of weight `w` gets
 * the tag `max(virtual time, the tenant's last tag) + 1 / w`, and the fleet's virtual time
 * (`<keys>:fair:vtime`) follows the tags of the jobs workers start. A tenant that queues a burst of
 * a thousand jobs therefore takes tags far ahead of the virtual time, and a job from another tenant
 * gets a tag near it: it interleaves with the burst at its weight instead of waiting behind it. An
 * idle tenant banks no credit (its tag restarts at the virtual time).
 *
 * Tags become part of each job's BullMQ priority (see `priorityNow`), relative to a base the
 * re-prioritiser moves up with the virtual time, so BullMQ's own prioritised fetch keeps the fair
 * order and workers pay nothing for it.
 */

/**
 * Tag jobs. KEYS: vtime, tags hash, weights hash, base. ARGV: pairs of tenant and count. Returns
 * the base, then per pair the tenant's tag before these jobs and its weight (as strings); the
 * tenant's tag moves on by count / weight.
 */
const TAG = `
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
local out = {redis.call('GET', KEYS[4]) or '0'}
for i = 1, #ARGV, 2 do
  local tenant, count = ARGV[i], tonumber(ARGV[i + 1])
  local w = tonumber(redis.call('HGET', KEYS[3], tenant) or '1')
  local last = tonumber(redis.call('HGET', KEYS[2], tenant) or '0')
  local start = math.max(v, last)
  redis.call('HSET', KEYS[2], tenant, tostring(start + count / w))
  table.insert(out, tostring(start))
  table.insert(out, tostring(w))
end
return out`;

/** Move the virtual time up to a started job's tag (never down). KEYS: vtime. ARGV: tag. */
const ADVANCE = `
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > v then redis.call('SET', KEYS[1], ARGV[1]) end
return 1`;

/** Fleet-wide fair-share state of one queue. */
export class FairShare {
  readonly #redis: Redis;
  readonly #keys: string;
  #maxStarted = 0;
  #flushed = 0;

  /** `keys` is the Framewise key prefix of the queue. */
  constructor(redis: Redis, keys: string) {
    this.#redis = redis;
    this.#keys = keys;
  }

  #vtime(): string {
    return `${this.#keys}:fair:vtime`;
  }

  #weights(): string {
    return `${this.#keys}:fair:weights`;
  }

  /** The base tags are measured from in BullMQ priorities. */
  baseKey(): string {
    return `${this.#keys}:fair:base`;
  }

  /**
   * Tag `counts.get(tenant)` jobs of each tenant: each job's tag, in order, per tenant, and the
   * current base of priorities.
   */
  async tag(counts: ReadonlyMap<string, number>): Promise<{ base: number; tags: Map<string, number[]> }> {
    const args = [...counts].flatMap(([tenant, n]) => [tenant, String(n)]);
    const keys = [this.#vtime(), `${this.#keys}:fair:tags`, this.#weights(), this.baseKey()];
    const raw = (await this.#redis.eval(TAG, 4, ...keys, ...args)) as string[];
    const out = new Map<string, number[]>();
    let i = 1;
    for (const [tenant, n] of counts) {
      const start = Number(raw?.[i]);
      const w = Number(raw?.[i + 1]);
      i += 2;
      out.set(
        tenant,
        Array.from({ length: n }, (_, k) => start + (k + 1) / w),
      );
    }
    return { base: Number(raw[0]), tags: out };
  }

  /** The current base of priorities (0 until a re-prioritisation sets it). */
  async base(): Promise<number> {
    return Number((await this.#redis.get(this.baseKey())) ?? 0);
  }

  /** Move the base up to the virtual time, for a re-prioritisation; returns the new base. */
  async rebase(): Promise<number> {
    const v = Math.floor(Number((await this.#redis.get(this.#vtime())) ?? 0));
    const base = await this.base();
    if (v > base) await this.#redis.set(this.baseKey(), String(v));
    return Math.max(v, base);
  }

  /**
   * Set a tenant's weight for the whole fleet (default 1): over any window in which several tenants
   * have jobs waiting, each gets a share of starts proportional to its weight.
   *
   * @throws `INVALID_INPUT` for a weight that is not a positive finite number.
   */
  async setWeight(tenant: string, weight: number): Promise<void> {
    if (!(typeof weight === 'number' && Number.isFinite(weight) && weight > 0))
      throw new FramewiseError(
        'INVALID_INPUT',
        `Weight of tenant ${JSON.stringify(tenant)} must be a positive number, got ${String(weight)}`,
        { details: { tenant, weight } },
      );
    await this.#redis.hset(this.#weights(), tenant, String(weight));
  }

  /** Every tenant weight set (tenants not listed weigh 1). */
  async weights(): Promise<Record<string, number>> {
    const raw = await this.#redis.hgetall(this.#weights());
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  /** A worker started a job of this tag (kept in memory, written by {@link flush}). */
  started(tag: number | undefined): void {
    if (tag !== undefined && tag > this.#maxStarted) this.#maxStarted = tag;
  }

  /** Write the highest tag started here to the fleet's virtual time, if it moved. */
  async flush(): Promise<void> {
    if (this.#maxStarted <= this.#flushed) return;
    const tag = this.#maxStarted;
    await this.#redis.eval(ADVANCE, 1, this.#vtime(), String(tag));
    this.#flushed = tag;
  }
}
