/**
 * What the catalog conformance suite's sections share: the context they run against and the error
 * assertion. Kept apart from `conformance.ts`, which imports the sections.
 */
import { expect } from 'vitest';
import { type Catalog, type CatalogStore, isFramewiseError } from '../../index.js';
import type { ManualClock } from './fixtures.js';

/** State shared by the suite's sections. */
export interface SuiteContext {
  store: CatalogStore;
  catalog: Catalog;
  clock: ManualClock;
}

/** Expect a promise to reject with a FramewiseError of this code; returns its message. */
export async function expectError(promise: Promise<unknown>, code: string, message?: RegExp): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (!isFramewiseError(error)) throw error;
    expect(error.code).toBe(code);
    if (message !== undefined) expect(error.message).toMatch(message);
    return error.message;
  }
  expect.unreachable(`expected a ${code} FramewiseError`);
  return '';
}
