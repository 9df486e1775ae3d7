import { wrongProvider } from './src/wrong-providers/index.ts';
import { execFile } from 'node:child_process';
const p = await wrongProvider('zenlayer-vm-stops-recycled').start({ transitionMs: 50 });
await new Promise((r) => execFile(process.execPath, ['bin/vmconform.js','run','--dialect','zenlayer-vm','--target',p.url,'--report-dir','/tmp/wrongrep'], r));
await p.close();
