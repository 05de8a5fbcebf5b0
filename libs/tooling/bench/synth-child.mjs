// Child process of the synth benchmark: loads one prebuilt bundle, synthesizes, prints figures as JSON.
import { performance } from 'node:perf_hooks';

const [file, outdir] = process.argv.slice(2);
const t0 = performance.now();
const mod = await import(file);
const stacks = mod.synthesize(outdir);
const t1 = performance.now();
process.stdout.write('\n');
process.stdout.write(
  JSON.stringify({
    stacks,
    // Time since this process started (node start-up, module loading, synthesis).
    processMs: Math.round(t1),
    synthMs: Math.round(t1 - t0),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
