// npm run package: type-check, bundle, copy the server jar and its JVM options in and build
// circuitscope-<version>.vsix, the universal package (no Java inside: the extension finds one).
// npm run package:linux-x64 (--target linux-x64): the same plus the Java runtime image in
// runtime/ (runtime.mjs), built as circuitscope-<version>@linux-x64.vsix for that platform only.
// The jar comes from the Maven build (server/target/circuitscope.jar at the repository root), the
// options from server/jvm.options (one list for launcher, extension and benchmarks).
import { execFileSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';
import { copyRuntime } from './runtime.mjs';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(here, '..');
const args = process.argv.slice(2);
const target = args[0] === '--target' ? args[1] : undefined;
if (args.length && !target) {
    console.error(`package: unknown arguments ${args.join(' ')} (none for the universal package, or --target linux-x64)`);
    process.exit(2);
}
const jar = process.env.CIRCUITSCOPE_JAR ?? join(repo, 'server', 'target', 'circuitscope.jar');
const jvmOptions = join(repo, 'server', 'jvm.options');
if (!existsSync(jar)) {
    console.error(`package: the server jar ${jar} is missing; build it first with 'mvn -pl server -am package -DskipTests' (or ./circuitscope --help)`);
    process.exit(1);
}
const run = (cmd, argv) => execFileSync(cmd, argv, { cwd: here, stdio: 'inherit' });
run(process.execPath, [join(here, 'node_modules/typescript/bin/tsc'), '-p', '.', '--noEmit']);
run(process.execPath, [join(here, 'esbuild.mjs')]);
mkdirSync(join(here, 'server'), { recursive: true });
copyFileSync(jar, join(here, 'server', 'circuitscope.jar'));
copyFileSync(jvmOptions, join(here, 'server', 'jvm.options'));
// .vscodeignore lets runtime/ in: it must exist only while a platform package is made.
rmSync(join(here, 'runtime'), { recursive: true, force: true });
if (target) console.log(`package: Java runtime for ${target} from ${copyRuntime(repo, here, target)}`);
const { version } = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const out = target ? `circuitscope-${version}@${target}.vsix` : `circuitscope-${version}.vsix`;
try {
    run(process.execPath, [join(here, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository',
        ...(target ? ['--target', target] : []), '-o', out]);
} finally {
    rmSync(join(here, 'runtime'), { recursive: true, force: true });
}
console.log(`package: ${join(here, out)} (${(statSync(join(here, out)).size / 2 ** 20).toFixed(1)} MiB)`);
