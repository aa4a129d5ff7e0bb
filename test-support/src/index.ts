export { type PostgresServer, startPostgres } from './postgres.js';
export { findExecutable, freePort, spawnServer, stopProcess, waitFor } from './process.js';
