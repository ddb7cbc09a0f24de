// Runs a WASI command module under node (the reference for run.sh).
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
const wasi = new WASI({ version: 'preview1', args: [process.argv[2]] });
const m = await WebAssembly.compile(readFileSync(process.argv[2]));
const inst = await WebAssembly.instantiate(m, wasi.getImportObject());
process.exitCode = wasi.start(inst);
