// Finding a Java 25 runtime for the language server: the setting circuitscope.java.home, then the
// runtime bundled in a platform package (<extension>/runtime), then JAVA_HOME, then `java` on
// the PATH. Pure logic with the file system and process calls passed in, so the order and the
// version rules are unit-tested without a JDK.
import { createHash } from 'crypto';
import * as path from 'path';

export const REQUIRED_JAVA = 25;

export const BUNDLED = 'runtime bundled with the extension';

export type JavaSource = 'setting circuitscope.java.home' | typeof BUNDLED | 'JAVA_HOME' | 'PATH';

export interface JavaCandidate {
    source: JavaSource;
    /** The java executable this candidate points at. */
    executable: string;
}

export interface JavaProbe {
    isFile(p: string): boolean;
    /** The text `java -version` prints (stderr and stdout together), or undefined when it cannot run. */
    versionText(executable: string): Promise<string | undefined>;
}

export interface JavaTried extends JavaCandidate {
    /** Major version, or undefined when the executable is missing or did not answer. */
    major?: number;
    problem?: string;
}

export type JavaResult = { ok: true; executable: string; major: number; source: JavaSource; tried: JavaTried[] } | { ok: false; tried: JavaTried[]; message: string };

/** The executable's file name on this platform. */
export function javaExecutableName(platform: NodeJS.Platform): string {
    return platform === 'win32' ? 'java.exe' : 'java';
}

/**
 * Candidates in the order they are tried; empty settings and variables are skipped. `bundled`:
 * the folder where a platform package carries its Java runtime (absent from the universal
 * package): a user's explicit setting comes first, the runtime we tested with before anything
 * the machine happens to have.
 */
export function javaCandidates(setting: string | undefined, env: NodeJS.ProcessEnv, platform: NodeJS.Platform, bundled?: string): JavaCandidate[] {
    const exe = javaExecutableName(platform);
    const out: JavaCandidate[] = [];
    const home = (s: string | undefined) => (s ?? '').trim();
    if (home(setting)) out.push({ source: 'setting circuitscope.java.home', executable: path.join(home(setting), 'bin', exe) });
    if (bundled) out.push({ source: BUNDLED, executable: path.join(bundled, 'bin', exe) });
    if (home(env.JAVA_HOME)) out.push({ source: 'JAVA_HOME', executable: path.join(home(env.JAVA_HOME), 'bin', exe) });
    const sep = platform === 'win32' ? ';' : ':';
    for (const dir of (env.PATH ?? env.Path ?? '').split(sep)) {
        if (dir.trim()) out.push({ source: 'PATH', executable: path.join(dir.trim(), exe) });
    }
    return out;
}

/**
 * The major version in `java -version` output: `openjdk version "25.0.1"` → 25,
 * `java version "1.8.0_392"` → 8, `openjdk version "26-ea"` → 26; undefined if there is none.
 */
export function parseJavaMajor(text: string): number | undefined {
    const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(text);
    if (!m) return undefined;
    const first = Number(m[1]);
    return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

/** The first candidate that runs and is Java 25 or newer; otherwise what was tried and why each failed. */
export async function findJava(candidates: JavaCandidate[], probe: JavaProbe): Promise<JavaResult> {
    const tried: JavaTried[] = [];
    const seen = new Set<string>();
    for (const c of candidates) {
        if (seen.has(c.executable)) continue;
        seen.add(c.executable);
        if (!probe.isFile(c.executable)) {
            // A PATH entry without java is normal, and so is a universal package without a runtime;
            // an explicit setting or JAVA_HOME that is wrong is worth reporting.
            if (c.source !== 'PATH' && c.source !== BUNDLED) tried.push({ ...c, problem: 'no java executable there' });
            continue;
        }
        const text = await probe.versionText(c.executable);
        const major = text === undefined ? undefined : parseJavaMajor(text);
        if (major === undefined) {
            tried.push({ ...c, problem: 'java -version did not answer with a version' });
        } else if (major < REQUIRED_JAVA) {
            tried.push({ ...c, major, problem: `Java ${major} is older than ${REQUIRED_JAVA}` });
        } else {
            tried.push({ ...c, major });
            return { ok: true, executable: c.executable, major, source: c.source, tried };
        }
    }
    return { ok: false, tried, message: javaMissingMessage(tried) };
}

/** What the user reads when no usable Java was found: what is needed, what was found, where to set it. */
export function javaMissingMessage(tried: JavaTried[]): string {
    const found = tried.map(t => `${t.executable} (${t.source}): ${t.problem}`).join('; ');
    return `Circuitscope needs Java ${REQUIRED_JAVA} or newer to run its language server` +
        (found ? ` — found ${found}.` : ' — no java was found in the setting circuitscope.java.home, JAVA_HOME or the PATH.') +
        ` Install a JDK ${REQUIRED_JAVA} and set circuitscope.java.home to its folder, or install the extension's package for your platform (e.g. circuitscope-<version>@linux-x64.vsix), which carries a Java runtime.`;
}

/** The server's start-up cache (see aotCacheFile) and whether it has been made yet. */
export interface AotCache {
    file: string;
    exists: boolean;
}

/**
 * The command line that starts the bundled server: `jvmOptions` (server/jvm.options, see
 * jvmOptions.ts, which says why each is there), then with `aot` the start-up cache: the server
 * is told its file (it makes it in the background when missing), and a made one is loaded.
 */
export function serverArgs(jar: string, jvmOptions: string[], aot?: AotCache): string[] {
    const cache = aot ? [...(aot.exists ? [`-XX:AOTCache=${aot.file}`] : []), `-Dcircuitscope.aotCache=${aot.file}`] : [];
    return [...jvmOptions, ...cache, '-jar', jar, 'lsp'];
}

/** Where Linux says whether transparent huge pages may be used. */
export const THP_SETTING = '/sys/kernel/mm/transparent_hugepage/enabled';

/**
 * Whether the server may ask for transparent huge pages, from the text of THP_SETTING (undefined
 * where it cannot be read: not Linux, whose JVMs do not know the option). Linux shows the modes
 * with the chosen one in brackets, e.g. `always [madvise] never`; the JVM asks with madvise, so
 * anything but `[never]` will do.
 */
export function transparentHugePages(setting: string | undefined): boolean {
    return setting !== undefined && /\[(always|madvise)\]/.test(setting);
}

/** $CIRCUITSCOPE_CACHE, else $XDG_CACHE_HOME/circuitscope, else ~/.cache/circuitscope (as the server's own cache). */
export function cacheRoot(env: NodeJS.ProcessEnv, home: string): string {
    if (env.CIRCUITSCOPE_CACHE?.trim()) return env.CIRCUITSCOPE_CACHE.trim();
    return path.join(env.XDG_CACHE_HOME?.trim() ? env.XDG_CACHE_HOME.trim() : path.join(home, '.cache'), 'circuitscope');
}

/**
 * The JDK ahead-of-time cache file (JEP 483/515) for this jar and this java: its name changes
 * with the jar's path, size and modification time and with the java executable, so a new jar or
 * JDK never loads an old cache (the JDK would refuse it anyway, and run without it).
 */
export function aotCacheFile(root: string, jar: string, jarSize: number, jarMtimeMs: number, javaExecutable: string): string {
    const key = createHash('sha256').update([jar, String(jarSize), String(Math.floor(jarMtimeMs)), javaExecutable].join('\n')).digest('hex').slice(0, 16);
    return path.join(root, 'aot', `server-${key}.aot`);
}
