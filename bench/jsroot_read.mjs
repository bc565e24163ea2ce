// JSROOT's read rate on a tree, for the side-by-side figures of bench/run_large_read_bench.sh.
// Reads every leaf-level branch of TREE through JSROOT's TSelector (the way JSROOT users read
// trees in node), touching every value so that nothing is skipped, and prints one JSON line:
//   {"file", "tree", "entries", "branches", "seconds", "events_per_s", "values"}
// Usage (from a folder where `jsroot` resolves, e.g. build/jsroot-tools):
//   node jsroot_read.mjs FILE.root TREE
import path from 'node:path';
import { openFile } from 'jsroot';
import { TSelector, treeProcess } from 'jsroot/tree';

const [fname, treeName] = process.argv.slice(2);
if (!fname || !treeName) {
   console.error('usage: node jsroot_read.mjs FILE.root TREE');
   process.exit(2);
}

const file = await openFile('file://' + path.resolve(fname));
const tree = await file.readObject(treeName);
const leaves = [];
(function collect(list) {
   for (const br of list?.arr || []) {
      if (br.fBranches?.arr?.length) collect(br.fBranches);
      else leaves.push(br);
   }
})(tree.fBranches);

let values = 0, entries = 0;
const count = v => {
   if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return 1;
   if (typeof v === 'string') return v.length;  // JSROOT returns char arrays as strings
   if (v && typeof v.length === 'number') {
      let n = 0;
      for (let i = 0; i < v.length; ++i) n += count(v[i]);
      return n;
   }
   return 0;
};
const sel = new TSelector();
leaves.forEach((br, i) => sel.addBranch(br, `b${i}`, true));
sel.Process = function () {
   ++entries;
   for (let i = 0; i < leaves.length; ++i) values += count(this.tgtobj[`b${i}`]);
};
// JSROOT's zstd module installs process handlers that abort; errors should reach us instead.
const fail = e => { console.error(`jsroot_read: ${e?.stack || e}`); process.exit(1); };
const drop = () => {
   for (const l of process.listeners('uncaughtException')) if (l !== fail) process.removeListener('uncaughtException', l);
   for (const l of process.listeners('unhandledRejection')) if (l !== fail) process.removeListener('unhandledRejection', l);
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
drop();
const t0 = performance.now();
await treeProcess(tree, sel);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ file: fname, tree: treeName, entries, branches: leaves.length, seconds,
                             events_per_s: entries / seconds, values }));
