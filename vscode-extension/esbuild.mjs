// Bundles the extension (one CommonJS file; `vscode` is provided by the editor) or, with
// --tests, each unit test file into out/test/ for `node --test`.
import * as esbuild from 'esbuild';
import { readdirSync } from 'fs';

const tests = process.argv.includes('--tests');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
if (tests) {
    const entryPoints = readdirSync('test').filter(f => f.endsWith('.test.ts')).map(f => `test/${f}`);
    await esbuild.build({ ...common, entryPoints, outdir: 'out/test', external: ['vscode'] });
} else {
    await esbuild.build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], minify: true });
}
