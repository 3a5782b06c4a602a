// Preloaded with `--import` (NODE_OPTIONS may not carry --cpu-prof): profiles the process from its
// start and writes a .cpuprofile into ECAR_CPU_PROF_DIR when it exits (bench/scale SCALE_CPU_PROF_DIR).
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const dir = process.env.ECAR_CPU_PROF_DIR;
if (dir) {
  // services/garage/src/main.ts → garage; gateway/src/main.ts → gateway
  const entry = process.argv[1] ?? 'node';
  const name = basename(dirname(dirname(entry))) || 'node';
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // In-process inspector calls answer synchronously, so the profile is written before exit.
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
