// The Java runtime a platform package carries: the jlink image of the Maven module dist
// (dist/target/runtime, a Java home with only the modules the server needs), checked against
// the package's target and copied into the extension as runtime/. Used by package.mjs.
import { closeSync, cpSync, existsSync, openSync, readFileSync, readSync, rmSync } from 'fs';
import { join } from 'path';

/**
 * vsce's --target → the ELF machine of its executables. A jlink image's `release` file names no
 * OS or CPU, so bin/java's own header says which platform the image is for.
 */
const PLATFORMS = {
    'linux-x64': { machine: 0x3e, name: 'x86-64 ELF' },
    'linux-arm64': { machine: 0xb7, name: 'AArch64 ELF' },
};

/** An executable's platform from its first 20 bytes: ELF magic, 64-bit, little-endian, then e_machine. */
function executablePlatform(file) {
    const b = Buffer.alloc(20);
    const fd = openSync(file, 'r');
    try { readSync(fd, b, 0, 20, 0); } finally { closeSync(fd); }
    if (b.readUInt32BE(0) !== 0x7f454c46) return 'not an ELF executable (not Linux)';
    const named = Object.values(PLATFORMS).find(p => p.machine === b.readUInt16LE(18));
    return named ? named.name : `ELF machine 0x${b.readUInt16LE(18).toString(16)}`;
}
const REQUIRED_JAVA = 25;
const BUILD = "mvn -pl dist -am package -DskipTests (at the repository root)";

/** The `release` file's KEY="value" lines as an object. */
function releaseOf(home) {
    const file = join(home, 'release');
    if (!existsSync(file)) return undefined;
    return Object.fromEntries([...readFileSync(file, 'utf8').matchAll(/^(\w+)="?(.*?)"?$/gm)].map(m => [m[1], m[2]]));
}

/**
 * What is wrong with the image at `home` for `target`, or undefined when it fits: a Java home
 * with bin/java, Java 25 or newer, the Vector API module, its java built for the target.
 */
export function runtimeProblem(home, target) {
    const platform = PLATFORMS[target];
    if (!platform) return `no runtime is known for target ${target} (known: ${Object.keys(PLATFORMS).join(', ')})`;
    if (!existsSync(join(home, 'bin', 'java'))) return `${home} has no bin/java; build the runtime image with ${BUILD}`;
    const release = releaseOf(home);
    if (!release) return `${home} has no release file: not a Java home made by jlink; build it with ${BUILD}`;
    const major = Number(/^(\d+)/.exec(release.JAVA_VERSION ?? '')?.[1]);
    if (!(major >= REQUIRED_JAVA)) return `${home} is Java ${release.JAVA_VERSION ?? '(no JAVA_VERSION)'}; the server needs ${REQUIRED_JAVA} or newer`;
    const modules = (release.MODULES ?? '').split(/\s+/);
    if (!modules.includes('jdk.incubator.vector')) return `${home} lacks the module jdk.incubator.vector, which the server's kernels use (modules: ${modules.join(' ')})`;
    const built = executablePlatform(join(home, 'bin', 'java'));
    if (built !== platform.name) return `${home}/bin/java is ${built}, not ${platform.name} as ${target} needs`;
    return undefined;
}

/**
 * Copies the runtime into `extension`/runtime for `target`, or exits with what to do. `source`
 * defaults to the dist module's image; CIRCUITSCOPE_RUNTIME names another (a Java home).
 */
export function copyRuntime(repo, extension, target) {
    const source = process.env.CIRCUITSCOPE_RUNTIME ?? join(repo, 'dist', 'target', 'runtime');
    if (!existsSync(source)) {
        console.error(`package: the Java runtime for ${target} is missing: ${source}; build it with ${BUILD}`);
        process.exit(1);
    }
    const problem = runtimeProblem(source, target);
    if (problem) {
        console.error(`package: ${problem}`);
        process.exit(1);
    }
    const dest = join(extension, 'runtime');
    rmSync(dest, { recursive: true, force: true });
    // dereference: jlink links the legal notices of each module to java.base's; a .vsix holds files only.
    cpSync(source, dest, { recursive: true, dereference: true, preserveTimestamps: true });
    return source;
}
