export { TypedEvents } from './events.js';
export { type FileDigests, hashFile } from './hash.js';
export { newId } from './ids.js';
export { type Clock, type Logger, silentLogger, systemClock } from './logger.js';
export { formatPath, invalid, parseInput, parseOptions } from './validation.js';
