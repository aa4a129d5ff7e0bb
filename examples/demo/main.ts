/**
 * `pnpm demo`: the Framewise supply chain end to end on embedded defaults. Each capability adds
 * its step here.
 */
import { runTimeStep } from './steps/time.js';

console.log('Framewise demo: frame-accurate media supply chain');
runTimeStep();
console.log('\nDemo complete.');
