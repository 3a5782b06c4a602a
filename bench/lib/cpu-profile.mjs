// Preloaded with `--import` (NODE_OPTIONS may not carry --cpu-prof): profiles the process from its
// start and writes a .cpuprofile into ECAR_CPU_PROF_DIR when it exits (bench/scale SCALE_CPU_PROF_DIR).
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.ECAR_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // In-process inspector calls answer synchronously, so the profile is written before exit.
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
