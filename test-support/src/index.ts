export { type DurabilityTrace, durabilityOf, traceDurability } from './durability.js';
export { ffmpegGenerate, h264WithTwoAudioTracks, hevcHdr10, mxfOp1a, proresDropFrame } from './media.js';
export {
  bwfWithTimeReference,
  interlacedSource,
  mpeg2WithGopTimecode,
  prores4444Alpha,
  rotatedVfrPhoneClip,
  surroundSideAndBack,
  telecinedSource,
} from './media-sources.js';
export { type DeclaredPeer, optionalPeerProblems } from './optional-peers.js';
export { type PostgresServer, startPostgres } from './postgres.js';
export { findExecutable, freePort, spawnServer, stopProcess, waitFor } from './process.js';
export { type PureFtpdServer, startPureFtpd } from './pure-ftpd.js';
export { type RedisServer, startRedis } from './redis.js';
export { type S3rverServer, startS3rver } from './s3rver.js';
export { type SchemaName, schemaRoot, type ValidationResult, validateXml } from './schemas.js';
export { type SshdServer, startSshd } from './sshd.js';
export {
  type FakeCaption,
  type FakeVideo,
  startYouTubeServer,
  UPLOAD_UNIT,
  type YouTubeChunkLog,
  type YouTubeFault,
  type YouTubeRequestLog,
  type YouTubeRoute,
  type YouTubeServer,
  type YouTubeServerOptions,
} from './youtube.js';
