/** `framewise validate --profile FILE --asset ID --version-id ID`: delivery validation before sending. */
import type { Asset } from '@framewise/core/assets';
import {
  catalogDeliverySource,
  type DeliveryProfileInput,
  DeliveryProfileSchema,
  validateDelivery,
} from '@framewise/core/delivery';
import { FramewiseError } from '@framewise/core/errors';
import type { QcReport } from '@framewise/core/qc';
import { CLI_READER, withCatalog } from '../cli/catalog.js';
import type { CommandRunner } from '../cli/command.js';
import { EXIT } from '../cli/exit-codes.js';
import { readJsonFile, stringOpt } from '../cli/inputs.js';
import { instantOf, loadRightsEngine } from './rights-document.js';

/**
 * The metadata fields a generic endpoint would send, from the catalog asset: what a profile's
 * `metadata` specs are checked against when no endpoint mapping is given (`--fields FILE` replaces it).
 */
export function defaultFields(asset: Asset): Record<string, unknown> {
  return {
    title: asset.titles[0]?.value,
    description: asset.synopses[0]?.value,
    tags: asset.keywords,
    genres: asset.genres,
    language: asset.originalLanguage,
    productionYear: asset.productionYear,
    rating: asset.ratings[0]?.value,
  };
}

/** Run `validate`. */
export const runValidate: CommandRunner = async ({ opts, out }) => {
  const raw = (await readJsonFile(stringOpt(opts, 'profile') ?? '', 'Delivery profile')) as DeliveryProfileInput;
  const parsed = DeliveryProfileSchema.safeParse(raw);
  if (!parsed.success)
    throw new FramewiseError(
      'INVALID_INPUT',
      `Delivery profile ${JSON.stringify(stringOpt(opts, 'profile'))} is invalid: ${parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
      { details: { profile: stringOpt(opts, 'profile') } },
    );
  const profile = parsed.data;
  const dealsPath = stringOpt(opts, 'deals');
  const rights = dealsPath === undefined ? undefined : await loadRightsEngine(dealsPath);
  const qcPath = stringOpt(opts, 'qc');
  const qc = qcPath === undefined ? undefined : ((await readJsonFile(qcPath, 'QC report file')) as QcReport);
  const fieldsPath = stringOpt(opts, 'fields');
  const fieldsFile =
    fieldsPath === undefined ? undefined : ((await readJsonFile(fieldsPath, 'Fields file')) as Record<string, unknown>);
  const at = instantOf(stringOpt(opts, 'at'));
  const assetId = stringOpt(opts, 'asset') ?? '';
  const versionId = stringOpt(opts, 'versionId') ?? '';
  const validation = await withCatalog(stringOpt(opts, 'catalog'), async (catalog) => {
    const source = catalogDeliverySource({ catalog, actor: CLI_READER, storages: () => undefined });
    const subject = await source.load(assetId, versionId, profile);
    return validateDelivery(profile, {
      ...subject,
      fields: fieldsFile ?? defaultFields(subject.asset),
      at,
      ...(qc === undefined ? {} : { qc }),
      ...(rights === undefined ? {} : { rights }),
    });
  });
  out.line(
    `${validation.ok ? 'OK' : 'PROBLEMS'}  ${assetId} / ${versionId} against "${profile.name}"${validation.rightsChecked ? '' : ' (rights not checked: pass --deals)'}`,
  );
  for (const p of validation.problems) out.line(`  ${p.kind}: ${p.message}\n    fix: ${p.fix}`);
  out.result({ at, ...validation });
  return validation.ok ? EXIT.OK : EXIT.CHECK_FAILED;
};
