import { outcomeOfHttp } from '@framewise/core/delivery';
import { Failure } from './failure.js';

/** What the host keeps for one YouTube channel's OAuth 2.0 grant. */
export interface YouTubeTokens {
  /** The long-lived refresh token from the consent flow (never logged, never stored in records). */
  readonly refreshToken: string;
  /** The last access token, while it is valid. */
  readonly accessToken?: string;
  /** When the access token expires (ISO 8601). */
  readonly expiresAt?: string;
}

/**
 * Where the host keeps the channel's tokens (a secrets manager, an encrypted table). The adapter
 * loads them before a call and saves every new access token — and a rotated refresh token, if the
 * authorization server returns one — so processes share one grant.
 */
export interface YouTubeTokenStore {
  load(): Promise<YouTubeTokens | undefined>;
  save(tokens: YouTubeTokens): Promise<void>;
}

/** A token store in memory, for tests and single-process tools. */
export function memoryTokenStore(initial: YouTubeTokens): YouTubeTokenStore & { readonly current: YouTubeTokens } {
  let tokens = initial;
  return {
    get current() {
      return tokens;
    },
    load: async () => tokens,
    save: async (next) => {
      tokens = next;
    },
  };
}

/** What {@link AccessTokens} needs. */
export interface AccessTokenOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenUrl: string;
  readonly store: YouTubeTokenStore;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly timeoutMs: number;
}

/** Renew this long before the access token expires, so a call never starts with a dying token. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Access tokens from the OAuth 2.0 refresh-token grant (RFC 6749 §6): one refresh at a time,
 * however many calls wait for it; a refused grant is an `auth-required` failure. A valid token is
 * kept in memory, so the store is read only when it is missing, expiring or refused (another
 * process may have refreshed it meanwhile).
 */
export class AccessTokens {
  #refreshing: Promise<string> | undefined;
  #cached: { readonly token: string; readonly expiresAt: number } | undefined;

  constructor(private readonly o: AccessTokenOptions) {}

  #valid(expiresAt: number): boolean {
    return expiresAt - EXPIRY_MARGIN_MS > this.o.now();
  }

  /** A valid access token, refreshed when it expires within a minute. */
  async get(): Promise<string> {
    if (this.#cached !== undefined && this.#valid(this.#cached.expiresAt)) return this.#cached.token;
    const tokens = await this.#load();
    const expiresAt = tokens.expiresAt === undefined ? Number.NaN : Date.parse(tokens.expiresAt);
    if (tokens.accessToken !== undefined && this.#valid(expiresAt)) {
      this.#cached = { token: tokens.accessToken, expiresAt };
      return tokens.accessToken;
    }
    return this.refresh(tokens.accessToken);
  }

  /**
   * A new access token. `rejected` is the token the API refused: when another call has already
   * replaced it, that one is used instead of refreshing again.
   */
  refresh(rejected?: string): Promise<string> {
    if (rejected !== undefined && this.#cached?.token === rejected) this.#cached = undefined;
    this.#refreshing ??= this.#refresh(rejected).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #load(): Promise<YouTubeTokens> {
    const tokens = await this.o.store.load();
    if (tokens === undefined || tokens.refreshToken === '')
      throw Failure.auth('no YouTube refresh token in the token store: run the OAuth consent flow for the channel');
    return tokens;
  }

  async #refresh(rejected: string | undefined): Promise<string> {
    const tokens = await this.#load();
    const stored = tokens.expiresAt === undefined ? Number.NaN : Date.parse(tokens.expiresAt);
    if (tokens.accessToken !== undefined && tokens.accessToken !== rejected && this.#valid(stored)) {
      this.#cached = { token: tokens.accessToken, expiresAt: stored };
      return tokens.accessToken;
    }
    let response: Response;
    try {
      response = await this.o.fetch(this.o.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: this.o.clientId,
          client_secret: this.o.clientSecret,
          refresh_token: tokens.refreshToken,
        }).toString(),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (error) {
      throw Failure.retry(0, `the OAuth token endpoint could not be reached: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const refused = outcomeOfHttp(
      response.status,
      response.headers.get('retry-after'),
      `the OAuth token endpoint answered ${response.status}`,
      this.o.now(),
    );
    if (refused?.kind === 'retry') throw new Failure(refused);
    if (!response.ok || typeof body.access_token !== 'string')
      throw Failure.auth(
        `the OAuth token endpoint refused the refresh token (${response.status} ${String(body.error ?? '')}${
          body.error_description === undefined ? '' : `: ${String(body.error_description)}`
        }): the channel owner must grant access again`,
      );
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    const expiresAt = this.o.now() + expiresIn * 1000;
    await this.o.store.save({
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : tokens.refreshToken,
      accessToken: body.access_token,
      expiresAt: new Date(expiresAt).toISOString(),
    });
    this.#cached = { token: body.access_token, expiresAt };
    return body.access_token;
  }
}
