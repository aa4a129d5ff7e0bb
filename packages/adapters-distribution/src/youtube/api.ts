import { outcomeOfHttp, parseRetryAfter } from '@framewise/core/delivery';
import { ZoneClock } from '@framewise/core/rights';
import { Failure } from './failure.js';
import type { AccessTokens } from './tokens.js';

/** What {@link YouTubeApi} needs. */
export interface YouTubeApiOptions {
  /** `https://www.googleapis.com`, or a local server's base URL in tests. */
  readonly baseUrl: string;
  readonly tokens: AccessTokens;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  /** Per request, for metadata calls (uploads of chunks use `chunkTimeoutMs`). */
  readonly timeoutMs: number;
}

/** One API request. */
export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** A path under the base URL, or an absolute URL (an upload session). */
  readonly url: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** What the call is, for messages (`videos.update`). */
  readonly operation: string;
  /** Statuses that are answers, not errors (308 for uploads, 404 for an idempotent delete). */
  readonly accept?: readonly number[];
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
}

/** Quota resets at midnight Pacific Time (documented by the YouTube Data API). */
const PACIFIC = new ZoneClock('America/Los_Angeles');
const DAY_MS = 86_400_000;

/** The next midnight in Pacific Time after `now`: when a daily quota resets. */
export function nextQuotaReset(now: number): number {
  const local = PACIFIC.toLocal(now);
  return PACIFIC.fromLocal(Math.floor(local / DAY_MS) * DAY_MS + DAY_MS);
}

/** Google's JSON error envelope, as far as the adapter reads it. */
interface ErrorBody {
  readonly error?: {
    readonly code?: number;
    readonly message?: string;
    readonly errors?: readonly { readonly reason?: string; readonly domain?: string; readonly message?: string }[];
  };
}

/**
 * The YouTube Data API over fetch: bearer tokens (one refresh and one retry when a token is
 * refused), errors sorted into outcomes — quota and upload limits park the work, rate limits and
 * server errors are retryable, anything else fails naming the API's reason.
 */
export class YouTubeApi {
  constructor(private readonly o: YouTubeApiOptions) {}

  /** Send the request; a refused status throws a {@link Failure}. */
  async call(request: ApiRequest): Promise<Response> {
    let token = await this.o.tokens.get();
    for (let attempt = 0; ; attempt++) {
      const response = await this.#send(request, token);
      if (response.status === 401 && attempt === 0) {
        await response.body?.cancel();
        token = await this.o.tokens.refresh(token);
        continue;
      }
      if ((response.status >= 200 && response.status < 300) || request.accept?.includes(response.status))
        return response;
      throw await this.failure(request.operation, response);
    }
  }

  /** Send the request and read its JSON answer. */
  async json<T>(request: ApiRequest): Promise<T> {
    const response = await this.call(request);
    const text = await response.text();
    try {
      return (text === '' ? {} : JSON.parse(text)) as T;
    } catch {
      throw Failure.retry(0, `YouTube ${request.operation} answered ${response.status} with a body that is not JSON`);
    }
  }

  async #send(request: ApiRequest, token: string): Promise<Response> {
    const url = new URL(request.url, this.o.baseUrl);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    const timeout = AbortSignal.timeout(request.timeoutMs ?? this.o.timeoutMs);
    const signal = request.signal === undefined ? timeout : AbortSignal.any([request.signal, timeout]);
    try {
      return await this.o.fetch(url, {
        method: request.method,
        headers: { authorization: `Bearer ${token}`, ...request.headers },
        ...(request.body === undefined ? {} : { body: request.body }),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      if (request.signal?.aborted === true) throw Failure.failed('CANCELLED', `YouTube ${request.operation} cancelled`);
      throw new ConnectionLost(request.operation, error);
    }
  }

  /** The outcome a refused status means, naming the operation and the API's reason. */
  async failure(operation: string, response: Response): Promise<Failure> {
    const text = await response.text().catch(() => '');
    let body: ErrorBody = {};
    try {
      body = JSON.parse(text) as ErrorBody;
    } catch {
      // Not JSON (a proxy's page): the status decides.
    }
    const reason = body.error?.errors?.[0]?.reason ?? '';
    const message = body.error?.message ?? (text.slice(0, 200) || response.statusText);
    const status = response.status;
    const said = `YouTube ${operation}: ${status}${reason === '' ? '' : ` ${reason}`}: ${message}`;
    const now = this.o.now();
    if (reason === 'quotaExceeded' || reason === 'dailyLimitExceeded')
      return Failure.parked(nextQuotaReset(now), `${said} (the daily quota resets at midnight Pacific Time)`);
    if (reason === 'uploadLimitExceeded')
      return Failure.parked(now + DAY_MS, `${said} (the channel's upload limit is counted over 24 hours)`);
    const retryAfter = response.headers.get('retry-after');
    // Rate limits come as 403 with a reason; everything else follows the one HTTP rule.
    if (reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded')
      return Failure.retry(parseRetryAfter(retryAfter, now), said);
    if (status === 401) return Failure.auth(`${said}: the channel owner must grant access again`);
    return new Failure(
      outcomeOfHttp(status, retryAfter, said, now) ?? { kind: 'failed', code: 'INTERNAL', message: said },
    );
  }
}

/** The connection failed or was cut before an answer arrived. */
export class ConnectionLost extends Error {
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    const detail = (cause as { cause?: { code?: string; message?: string } }).cause;
    super(
      `YouTube ${operation}: the connection failed (${detail?.code ?? detail?.message ?? (cause as Error).message})`,
      {
        cause,
      },
    );
    this.name = 'ConnectionLost';
  }
}
