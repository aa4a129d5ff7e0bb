/** Runs `pnpm demo` as a user would (a child process) and checks what it prints. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type PureFtpdServer,
  type SshdServer,
  startPureFtpd,
  startSshd,
  startYouTubeServer,
  type YouTubeServer,
} from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..');

// The endpoints the demo delivers to when configured: local SFTP and FTPS servers and the local
// YouTube server, named to the demo by environment variables as a user would name real ones.
let sshd: SshdServer;
let ftpd: PureFtpdServer;
let youtube: YouTubeServer;
let secrets: string;
beforeAll(async () => {
  [sshd, ftpd, youtube] = await Promise.all([startSshd(), startPureFtpd(), startYouTubeServer()]);
  secrets = mkdtempSync(join(tmpdir(), 'framewise-demo-secrets-'));
  writeFileSync(join(secrets, 'sftp_key'), sshd.privateKey, { mode: 0o600 });
  writeFileSync(join(secrets, 'ftp_ca.pem'), ftpd.certificate);
}, 60_000);
afterAll(async () => {
  await Promise.all([sshd?.destroy(), ftpd?.destroy(), youtube?.destroy()]);
  if (secrets !== undefined) rmSync(secrets, { recursive: true, force: true });
});

describe('pnpm demo', () => {
  it('runs the supply chain end to end', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'framewise-demo-'));
    const { stdout } = await promisify(execFile)('pnpm', ['run', '--silent', 'demo'], {
      cwd: examples,
      env: {
        ...process.env,
        FRAMEWISE_DEMO_DIR: dataDir,
        FRAMEWISE_DEMO_SFTP: `sftp://${sshd.username}@${sshd.host}:${sshd.port}${sshd.root}`,
        FRAMEWISE_DEMO_SFTP_KEY_FILE: join(secrets, 'sftp_key'),
        FRAMEWISE_DEMO_SFTP_HOST_KEY: sshd.hostKeySha256,
        FRAMEWISE_DEMO_FTP: `ftps://${ftpd.user}:${encodeURIComponent(ftpd.password)}@${ftpd.host}:${ftpd.port}/`,
        FRAMEWISE_DEMO_FTP_CA_FILE: join(secrets, 'ftp_ca.pem'),
        YOUTUBE_CLIENT_ID: youtube.clientId,
        YOUTUBE_CLIENT_SECRET: youtube.clientSecret,
        YOUTUBE_REFRESH_TOKEN: youtube.refreshToken,
        YOUTUBE_API_BASE_URL: youtube.baseUrl,
        YOUTUBE_TOKEN_URL: youtube.tokenUrl,
      },
    });
    rmSync(dataDir, { recursive: true, force: true });
    // The rundown converts without gaps: the last item ends where the total says.
    expect(stdout).toMatch(/Part 1\s+10:01:50:12\s+00:11:42:08\s+10:01:50;13\s+00:11:42;09\s+21049/);
    expect(stdout).toContain('total 00:41:22:11 @25 = 00:41:22;13 @29.97df (74399 frames');
    expect(stdout).toContain('00:00:59;29 + 1 frame = 00:01:00;02');
    expect(stdout).toMatch(/"00:01:00;00" does not exist/);
    // The ad break moves up by the 44 s 15 f removed before it.
    expect(stdout).toContain('ad break at 00:14:05:10 on the master lands at 00:13:20:20 on the edit');
    expect(stdout).toMatch(/spans a cut: split into/);
    // Catalog on PGlite: lineage, annotations through an edit, search, access, check-out, audit.
    expect(stdout).toContain('lineage: proxy-h264 -> IMF-master -> grade-hdr -> conform-v3 -> {A001C003, B002C011}');
    expect(stdout).toContain(
      'annotations containing 10:12:30:00 on the TX master: segment "Part 2: the interview", music-cue "Low Tide theme"',
    );
    expect(stdout).toContain('compliance edit: 7 annotations carried, 1 cut (the flagged fight), 1 split, 0 trimmed');
    expect(stdout).toContain('"Break 2" moved from 10:24:10:00 to 10:23:25:00 on the edit');
    expect(stdout).toContain('on TX master, "Part 2: the interview" on pre-watershed');
    expect(stdout).toContain(
      'recommendations for crime/thriller, tense, with Ada Byrne: crossing-s01e01, harbour-feature, crossing-s01e02',
    );
    expect(stdout).toContain('news team asks for a drama asset: FORBIDDEN');
    expect(stdout).toContain('crossing-s01e01-en.scc: 7 cues at 29.97df, 0 reader issue(s)');
    expect(stdout).toContain('split at the cut: "We have to go now, / before the storm."');
    expect(stdout).toContain('dropped (in removed material): "[ ENGINE STARTS ]" 01:00:10;10-01:00:11;20');
    expect(stdout).toContain('caption QC (fcc-608): 2 finding(s)');
    expect(stdout).toMatch(/Ben's edit refused: Asset "crossing-s01e02" is checked out by "ana"/);
    expect(stdout).toMatch(/audit trail: \d+ hash-chained events, verified intact/);
    // Rights: one territory allowed, one refused with its explanation, a substitution, a holdback, transitions.
    expect(stdout).toContain('US: allowed: SVOD in US at 2027-08-01T19:00:00.000Z');
    expect(stdout).toMatch(/FR: refused: SVOD in FR at 2027-08-01T19:00:00.000Z\s+no rights held for SVOD in FR/);
    expect(stdout).toContain(
      'substitute music cue "Harbour Lights (needle drop)" at 01:12:03:10–01:13:40:02: not cleared for SVOD in ES',
    );
    expect(stdout).toContain(
      'holdback "no-fast-na" of deal "northlight-2027": no FAST in CA open – 2029-07-02 (America/Toronto)',
    );
    expect(stdout).toMatch(/2027-07-03T04:00:00.000Z\s+streamer-us\s+make available/);
    expect(stdout).toMatch(/2027-07-16T23:00:00.000Z\s+streamer-gb\s+make available/);
    // Media pipeline: probe, ladder from one decode, renditions stored and registered, HLS packaged.
    expect(stdout).toContain(
      'probed low-tide-mezzanine.mov: mov, prores HQ 1920x1080 10-bit 4:2:2, 25/1 fps, TC 10:00:00:00, 1 audio track(s)',
    );
    expect(stdout).toContain(
      'ladder "apple-hls-h264": 1080p@7.8M, 1080p@6.0M, 720p@4.5M, 720p@3.0M, 540p@2.0M + aac-stereo-128k; GOP 50 frames (2 s)',
    );
    expect(stdout).toMatch(/encoding 6 outputs from one decode 100% done/);
    expect(stdout).toContain('ladder job succeeded after 1 attempt(s) (high priority, tenant drama)');
    expect(stdout).toMatch(/h264-540p-2000k\s+960x540\s+2000k/);
    expect(stdout).toMatch(
      /registered 6 renditions on "mezzanine ProRes HQ"; packaged HLS \(fMP4\): master.m3u8 with \d+ segments/,
    );
    // Every registered rendition is in the storage it names, with the bytes its checksum says.
    expect(stdout).toContain('6 of 6 registered renditions read back from "studio-disk" with matching checksums');
    // QC: the loud stretch is found with timecodes, recorded, corrected by a gain, and re-checked.
    expect(stdout).toMatch(
      /QC of low-tide-mezzanine.mov under "broadcast-ebu-r128" v1 and order "Crossing HD mezzanine": FAIL/,
    );
    expect(stdout).toMatch(/loudness.integrated\s+fail\s+10:00:00:00\s+10:00:06:00\s+audio:0/);
    expect(stdout).toMatch(/loudness.loud-segment\s+warn\s+10:00:02:\d\d\s+10:00:04:\d\d\s+audio:0/);
    expect(stdout).toContain('recorded 2 qc-finding annotation(s) on the version');
    expect(stdout).toMatch(/loudness plan, audio:0: linear gain -4\.\d dB/);
    expect(stdout).toContain('re-checked the corrected file under "broadcast-ebu-r128": PASS');
    expect(stdout).toMatch(/delivery gate: report \S+ passes \(2 reports kept for the version\)/);
    // Archive: one copy violates 3-2-1; after verified copies to the object store and vault it is proven.
    expect(stdout).toContain('violation: master: 1 verified copy, rule "3-2-1" requires 3');
    expect(stdout).toContain('violation: master: 0 verified copies away from site "studio", rule "3-2-1" requires 1');
    expect(stdout).toMatch(
      /reconcile plan \(dry run\): 8 actions, [\d.]+ MB to copy, storage bill \+[\d.]+ per month; placement after: proven/,
    );
    expect(stdout).toContain(
      '8 archive jobs done: copies read back and verified on the object store and the offsite vault',
    );
    expect(stdout).toMatch(/master\s+3\s+disk\+object\+tape\s+studio\+vault\s+3-2-1/);
    expect(stdout).toContain('placement proven: every rule met');
    expect(stdout).toContain('master needed within 48 h: restore from vault-tape by next-courier (20 h, cost 40.00)');
    expect(stdout).toContain(
      'master needed within 8 h: restore from vault-tape by emergency-courier (4 h, cost 400.00)',
    );
    // Fixity: every copy audited; a flipped bit found, placement violated, repaired explicitly.
    expect(stdout).toContain('fixity audit: 15 copies read, 15 verified; coverage 100 % within 90 days');
    expect(stdout).toMatch(
      /fixity finding: master at vault-tape is corrupt \(sha256 [0-9a-f]{12}…, expected [0-9a-f]{12}…\)/,
    );
    expect(stdout).toContain('failed its fixity check; repair it from a verified copy');
    expect(stdout).toContain(
      'repaired the vault copy from studio-object (explicit action, source verified first): verified',
    );
    expect(stdout).toContain('placement proven again: every rule met');
    expect(stdout).toMatch(
      /recorded the master's 3 copies on its version in the catalog: (studio-disk|vault-tape|studio-object) verified, .* verified, .* verified/,
    );
    // Interchange: EBUCore sidecar beside the archived master, read back identical; BXF for playout.
    expect(stdout).toMatch(
      /EBUCore 1\.10 sidecar beside the archived master: storage-vault\/masters\/low-tide-mezzanine\.mov\.ebucore\.xml/,
    );
    expect(stdout).toMatch(
      /read back: "Low Tide", prores 1920x1080, 2 segments, 3 location\(s\), .*identical to the catalog's description: yes/,
    );
    expect(stdout).toMatch(
      /BXF 2022 content message for playout: CROSS-101, SOM 10:00:00:00, segments at 10:00:00:00, 10:00:0\d:\d\d/,
    );
    expect(stdout).toContain('EBUCore 1.10: valid against the official schema');
    expect(stdout).toContain('BXF 2022: valid against the official schema');
    // Playout: the schedule out and back, a simulated as-run reconciled, plays in the ledger.
    expect(stdout).toContain(
      'BXF 2022 schedule: 3 events read back (0 refused), first at 2027-07-01T19:00:00.000Z, spot Ad-ID HRBC0000017H, 1 SCTE-35 cue',
    );
    expect(stdout).toContain('Harbour Cola: late, short (start 2 f, length -10 f)');
    expect(stdout).toContain('The Crossing (2): missing');
    expect(stdout).toContain('PSA-3: extra');
    expect(stdout).toMatch(/usage ledger: 1 play of The Crossing in GB on free TV, unattributed: SPOT-7, PSA-3/);
    // Distribution: one profile refuses with typed problems, is fixed, passes; delivered in the window, down at sunset.
    expect(stdout).toMatch(/streamer-gb: refused, 2 problem\(s\)/);
    expect(stdout).toContain('missing-thumbnail: No thumbnail of exactly 1280x720');
    expect(stdout).toContain('metadata-missing: Metadata field "releaseDate" is empty');
    expect(stdout).toContain('playout-drop: passes');
    expect(stdout).toContain('streamer-gb after the fixes (thumbnail made with ffmpeg, release date set): passes');
    expect(stdout).toContain('delivered: live, package TC101/v1: READY, crossing-s01e01.json, hd.mp4');
    expect(stdout).toMatch(/at sunset \(.*\): remove live → removed; drop folder now holds 0 package\(s\)/);
    expect(stdout).toMatch(/submitting\s+live\s+submit/);
    // The configured endpoints: delivered, confirmed, taken down at sunset; nothing left behind.
    expect(stdout).toMatch(/sftp-playout\s+live\s+crossing-s01e01\/v1\s+removed/);
    expect(stdout).toMatch(/ftp-playout\s+live\s+crossing-s01e01\/v1\s+removed/);
    expect(stdout).toMatch(/youtube\s+live\s+[\w-]{11}\s+removed/);
    expect(readdirSync(sshd.root)).toEqual([]);
    expect(readdirSync(ftpd.home)).toEqual([]);
    expect(youtube.videos.size).toBe(0);
    expect(youtube.requests.filter((r) => r.route === 'videos.insert')).toHaveLength(1);
    // Tape: real LTFS mounts of two emulated cartridges, verified after write, restored in tape order.
    expect(stdout).toMatch(/SETA01\s+crossing-s01e01\/master\s+b:\d+\s.*verified/);
    expect(stdout).toMatch(/restored \d+ files in tape order with 2 mounts; .*checksums match/);
    // OTT packaging: clear and cbcs CMAF sets, CPIX written, decryption proven with ffmpeg.
    expect(stdout).toMatch(/CPIX written: 3 content keys, \d+ DRM system entries, usage rules SD\/HD\/AUDIO/);
    expect(stdout).toContain(
      'ffmpeg -decryption_key: right key decodes to the clear frames; wrong key gives other frames',
    );
    expect(stdout.trim().endsWith('Demo complete.')).toBe(true);
  });
});
