#!/usr/bin/env node
/**
 * The `framewise` executable.
 *
 * @module
 */
import { main } from './cli/main.js';

process.exitCode = await main(process.argv.slice(2));
