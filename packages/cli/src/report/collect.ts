import { copiesOnVersion, type StorageLocationInput } from '@framewise/core/archive';
import type { Catalog, PrincipalInput } from '@framewise/core/catalog';
import type { DistributionRecord, DistributionRecordStore } from '@framewise/core/delivery';
import type { QcReport, QcReportStore } from '@framewise/core/qc';
import type { LicenseType, RightsEngine } from '@framewise/core/rights';
import type { ReportData, ReportDistribution, ReportQc } from './model.js';
import { rightsTimeline } from './rights-timeline.js';
import { loudnessTargetOfPolicy } from './targets.js';

/** Options of {@link collectReportData}. */
export interface CollectReportOptions {
  readonly catalog: Catalog;
  /** Who reads the catalog (read permission on the asset is enough). */
  readonly actor: PrincipalInput;
  readonly versionId: string;
  /** The version's QC reports: a report store (every report kept for the version) or the reports themselves. */
  readonly qc?: QcReportStore | readonly QcReport[];
  /** The rights engine and the rows of the timeline; the title defaults to the catalog asset id. */
  readonly rights?: {
    readonly engine: RightsEngine;
    readonly assetId?: string;
    readonly territories: readonly string[];
    readonly channels: readonly LicenseType[];
    /** Default one year before `now`. */
    readonly from?: string;
    /** Default two years after `now`. */
    readonly to?: string;
  };
  /** Distribution records of the asset: a record store or the records. */
  readonly distribution?: DistributionRecordStore | readonly DistributionRecord[];
  /** The storage locations the version's copies name (for medium, site and tier). */
  readonly locations?: readonly StorageLocationInput[];
  /** The report's "now", ISO 8601 (default the current time). */
  readonly now?: string;
}

const YEAR = 365 * 86_400_000;

/** Everything the report shows about one catalog version, read from the catalog and the stores given. */
export async function collectReportData(options: CollectReportOptions): Promise<ReportData> {
  const { catalog, actor } = options;
  const now = options.now ?? new Date().toISOString();
  const version = await catalog.getVersion(actor, options.versionId);
  const asset = await catalog.getAsset(actor, version.assetId);
  const reports =
    options.qc === undefined
      ? []
      : Array.isArray(options.qc)
        ? options.qc
        : await (options.qc as QcReportStore).list(version.id);
  const qc: ReportQc[] = [...reports]
    .sort((a, b) => a.checkedAt.localeCompare(b.checkedAt))
    .map((report) => {
      const target = loudnessTargetOfPolicy(report.policy.name);
      return target === undefined ? { report } : { report, target };
    });
  const records =
    options.distribution === undefined
      ? undefined
      : Array.isArray(options.distribution)
        ? (options.distribution as readonly DistributionRecord[]).filter((r) => r.assetId === asset.id)
        : await (options.distribution as DistributionRecordStore).list({ assetId: asset.id });
  const distribution = records?.map(
    (r): ReportDistribution => ({
      endpointId: r.endpointId,
      assetId: r.assetId,
      versionId: r.versionId,
      state: r.state,
      ...(r.window.sunrise === undefined ? {} : { sunrise: r.window.sunrise }),
      ...(r.window.sunset === undefined ? {} : { sunset: r.window.sunset }),
      ...(r.lastError === undefined ? {} : { lastError: r.lastError }),
      history: r.history.map((h) => ({
        at: h.at,
        from: h.from,
        to: h.to,
        event: h.event,
        ...(h.note === undefined ? {} : { note: h.note }),
      })),
    }),
  );
  const rights =
    options.rights === undefined
      ? undefined
      : rightsTimeline(options.rights.engine, options.rights.assetId ?? asset.id, {
          territories: options.rights.territories,
          channels: options.rights.channels,
          from: options.rights.from ?? new Date(Date.parse(now) - YEAR).toISOString(),
          to: options.rights.to ?? new Date(Date.parse(now) + 2 * YEAR).toISOString(),
        });
  // The version's locations are the copies of its master file (recordCopies).
  const copies = copiesOnVersion(version);
  return {
    title: asset.titles[0]?.value ?? asset.id,
    assetId: asset.id,
    versionId: version.id,
    versionName: version.name,
    generatedAt: new Date().toISOString(),
    now,
    qc,
    ...(rights === undefined ? {} : { rights }),
    ...(distribution === undefined ? {} : { distribution }),
    archive: {
      copies: copies.map((c) => ({
        fileKey: c.fileKey,
        locationId: c.locationId,
        status: c.status,
        sizeBytes: c.sizeBytes,
        ...(c.verifiedAt === undefined ? {} : { verifiedAt: c.verifiedAt }),
      })),
      locations: (options.locations ?? []).map((l) => ({
        id: l.id,
        ...(l.name === undefined ? {} : { name: l.name }),
        tier: l.tier,
        media: l.media,
        site: l.site,
      })),
    },
  };
}
