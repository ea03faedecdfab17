// What the language server process is: the jar and its JVM options inside the extension, a
// Java 25 (java.ts: the setting, the runtime a platform package carries in runtime/, JAVA_HOME,
// PATH), the options file's lines for this machine (jvmOptions.ts) and the start-up cache.
// File system and process probes here; the rules are in the pure modules.
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { AotCache, aotCacheFile, cacheRoot, findJava, javaCandidates, serverArgs, THP_SETTING, transparentHugePages } from './java';
import { BUILT_IN_JVM_OPTIONS, jvmOptions } from './jvmOptions';

export type Launch =
    | { ok: true; command: string; args: string[]; description: string }
    | { ok: false; message: string; openJavaSetting: boolean };

/**
 * The server's command line. `asAbsolutePath` resolves paths in the extension; `javaHome` is
 * the setting circuitscope.java.home; `log` gets what a user may want to know later.
 */
export async function serverLaunch(asAbsolutePath: (p: string) => string, javaHome: string | undefined, log: (line: string) => void): Promise<Launch> {
    const files = serverFiles(asAbsolutePath);
    if (!files) {
        return { ok: false, openJavaSetting: false, message: 'Circuitscope: the server jar is missing from the extension (server/circuitscope.jar); reinstall the .vsix.' };
    }
    const java = await findJava(javaCandidates(javaHome, process.env, process.platform, asAbsolutePath('runtime')), probe);
    if (!java.ok) return { ok: false, openJavaSetting: true, message: java.message };
    // A setting that points nowhere is passed over; say so, or the user wonders why it has no effect.
    for (const t of java.tried) if (t.problem) log(`Passed over ${t.executable} (${t.source}): ${t.problem}.`);
    let optionsText = readIfThere(files.options);
    if (optionsText === undefined) {
        log(`${files.options} is missing: starting the server with the built-in JVM options.`);
        optionsText = BUILT_IN_JVM_OPTIONS;
    }
    let options: string[];
    try {
        options = jvmOptions(optionsText, { lsp: true, thp: transparentHugePages(readIfThere(THP_SETTING)) }, files.options);
    } catch (e) {
        return { ok: false, openJavaSetting: false, message: `Circuitscope: ${e instanceof Error ? e.message : e}; reinstall the .vsix.` };
    }
    const args = serverArgs(files.jar, options, startupCache(files.jar, java.executable));
    return { ok: true, command: java.executable, args, description: `Java ${java.major} (${java.source})` };
}

/** The server jar and its JVM options file, or undefined when the jar is missing. */
function serverFiles(asAbsolutePath: (p: string) => string): { jar: string; options: string } | undefined {
    // Packaged: server/ inside the extension holds both. From a checkout: the Maven build's jar and the repository's file.
    const packaged = { jar: asAbsolutePath('server/circuitscope.jar'), options: asAbsolutePath('server/jvm.options') };
    const checkout = { jar: asAbsolutePath('../server/target/circuitscope.jar'), options: asAbsolutePath('../server/jvm.options') };
    return [packaged, checkout].find(f => fs.existsSync(f.jar));
}

const probe = {
    isFile: (p: string) => { try { return fs.statSync(p).isFile(); } catch { return false; } },
    versionText: (exe: string) => new Promise<string | undefined>(resolve => {
        cp.execFile(exe, ['-version'], { timeout: 15000 }, (err, stdout, stderr) => resolve(err && !stderr ? undefined : `${stderr}${stdout}`));
    }),
};

/** The server's start-up cache for this jar and java, or none when the jar cannot be read. */
function startupCache(jar: string, javaExecutable: string): AotCache | undefined {
    try {
        const st = fs.statSync(jar);
        const file = aotCacheFile(cacheRoot(process.env, os.homedir()), jar, st.size, st.mtimeMs, javaExecutable);
        return { file, exists: fs.existsSync(file) };
    } catch {
        return undefined;
    }
}

/** A small file's text, or undefined where there is none (e.g. Linux's sysfs elsewhere). */
function readIfThere(file: string): string | undefined {
    try {
        return fs.readFileSync(file, 'utf8');
    } catch {
        return undefined;
    }
}
