// npm run package: type-check, bundle, copy the server jar and its JVM options in and build
// circuitscope-<version>.vsix. The jar comes from the Maven build (server/target/circuitscope.jar
// at the repository root), the options from server/jvm.options (one list for launcher, extension
// and benchmarks).
import { execFileSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const jar = process.env.CIRCUITSCOPE_JAR ?? join(here, '..', 'server', 'target', 'circuitscope.jar');
const jvmOptions = join(here, '..', 'server', 'jvm.options');
if (!existsSync(jar)) {
    console.error(`package: the server jar ${jar} is missing; build it first with 'mvn -pl server -am package -DskipTests' (or ./circuitscope --help)`);
    process.exit(1);
}
const run = (cmd, args) => execFileSync(cmd, args, { cwd: here, stdio: 'inherit' });
run(process.execPath, [join(here, 'node_modules/typescript/bin/tsc'), '-p', '.', '--noEmit']);
run(process.execPath, [join(here, 'esbuild.mjs')]);
mkdirSync(join(here, 'server'), { recursive: true });
copyFileSync(jar, join(here, 'server', 'circuitscope.jar'));
copyFileSync(jvmOptions, join(here, 'server', 'jvm.options'));
const { version } = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const out = `circuitscope-${version}.vsix`;
run(process.execPath, [join(here, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', out]);
console.log(`package: ${join(here, out)}`);
