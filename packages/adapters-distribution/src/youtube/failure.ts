import type { DistributionOutcome } from '@framewise/core/delivery';
import type { FramewiseErrorCode } from '@framewise/core/errors';

/** An outcome other than success, thrown inside the adapter and returned as a value at its edge. */
export class Failure extends Error {
  constructor(readonly outcome: Exclude<DistributionOutcome, { kind: 'success' }>) {
    super(outcome.kind === 'failed' ? outcome.message : outcome.reason);
    this.name = 'Failure';
  }

  static retry(afterMs: number, reason: string): Failure {
    return new Failure({ kind: 'retry', afterMs, reason });
  }

  static parked(until: number, reason: string): Failure {
    return new Failure({ kind: 'parked', until: new Date(until).toISOString(), reason });
  }

  static failed(code: FramewiseErrorCode, message: string): Failure {
    return new Failure({ kind: 'failed', code, message });
  }

  static auth(reason: string): Failure {
    return new Failure({ kind: 'auth-required', reason });
  }
}
