/**
 * Rights and availability: deals (rights in and out) with grants by media, territory, language and
 * window, holdbacks and exclusivity, element rights (music cues, talent) on timecoded spans, an
 * engine that answers with explanations, availability intervals, window transitions for
 * distribution, deal conflict checks, and the usage ledger.
 *
 * @module
 */
export { shiftBound } from './bounds.js';
export type { DealConflict } from './conflicts.js';
export { type ElementConflict, RightsDecision, type RightsQuery, type RuleRef } from './decision.js';
export {
  type AvailabilityInterval,
  createRightsEngine,
  type DealChange,
  type DealChangeOptions,
  type InstantInput,
  RightsEngine,
  type RightsEngineOptions,
  RightsEngineOptionsSchema,
  type Transition,
  type TransitionDiff,
  type TransitionTarget,
} from './engine.js';
export { type UsageEvent, type UsageEventInput, UsageEventSchema, UsageLedger } from './ledger.js';
export type { DealChange as DealChangeOf } from './lifecycle.js';
export type { QueryScope } from './match.js';
export {
  ClearanceSchema,
  type Deal,
  type DealInput,
  DealSchema,
  EidrSchema,
  type ElementRight,
  type ElementRightInput,
  ElementRightSchema,
  type FormatProfile,
  FormatProfileSchema,
  type Grant,
  type GrantInput,
  GrantSchema,
  type Holdback,
  type HoldbackInput,
  HoldbackSchema,
  type Lag,
  LagSchema,
  type LanguageRightInput,
  LanguageRightSchema,
  type LicenseType,
  LicenseTypeSchema,
  type RightsDocument,
  type RightsDocumentInput,
  RightsDocumentSchema,
  type RightsEvent,
  RightsEventSchema,
  type RightsTitle,
  type RightsTitleInput,
  RightsTitleSchema,
  TerritoryGroupNameSchema,
  type TerritoryZone,
  TerritoryZoneSchema,
  type WindowBound,
  WindowBoundSchema,
  type WindowInput,
  WindowSchema,
} from './model.js';
export { parseTerritories, type TerritoryGroups, TerritorySet } from './territories.js';
export { TERRITORIES, TERRITORY_GROUPS, type TerritoryInfo } from './territory-table.js';
export { ZoneClock } from './zone-clock.js';
