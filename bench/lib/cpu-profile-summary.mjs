// Summarises a .cpuprofile (bench/lib/cpu-profile.mjs, --cpu-prof): the top functions by self
// time, the same by package or file, and the inclusive time of the functions named in MATCH.
// Usage: node bench/lib/cpu-profile-summary.mjs file.cpuprofile [top = 30] [MATCH regex]
import { readFileSync } from 'node:fs';

const [file, topArg, match] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-summary.mjs file.cpuprofile [top] [match]');
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
// Sample counts → ms with the time deltas (the sampling interval varies under load).
const selfMs = new Map();
profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
const where = (frame) => {
  const url = frame.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  return pkg ?? (url ? url.replace(/^.*?\/(gateway|shared|services|bench)\//, '$1/') : '(native)');
};
const label = (frame) => `${frame.functionName || '(anonymous)'} ${where(frame)}:${frame.lineNumber + 1}`;
const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
const functions = new Map();
const places = new Map();
for (const [id, ms] of selfMs) {
  const frame = byId.get(id).callFrame;
  add(functions, label(frame), ms);
  add(places, where(frame), ms);
}
const idle = (key) => /^\((idle|program|garbage collector)\)/.test(key);
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${key}`);
};
const busy = [...selfMs].filter(([id]) => !idle(byId.get(id).callFrame.functionName)).reduce((a, [, ms]) => a + ms, 0);
console.log(`${file}: ${total.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms not idle`);
print('self time by function', functions);
print('self time by package / file', places);
if (match) {
  // Inclusive: a sample counts once for each matching function on its stack.
  const pattern = new RegExp(match);
  const inclusive = new Map();
  for (const [id, ms] of selfMs) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = label(byId.get(at).callFrame);
      if (pattern.test(key) && !seen.has(key)) {
        seen.add(key);
        add(inclusive, key, ms);
      }
    }
  }
  print(`inclusive time of /${match}/`, inclusive);
}
