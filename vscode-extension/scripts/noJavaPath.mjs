// A PATH with this machine's tools but no Java, for the e2e run of a platform package: a user
// without Java runs code-server and the extension must start its own runtime. On Debian /bin is
// /usr/bin, which holds the alternatives link to a system java (here Java 17), so no real folder
// will do: the PATH is one temporary folder of links to every tool on the given PATH except
// those inside a Java home (java, javac, jshell, keytool, ... reached by any link chain).
import { spawnSync } from 'child_process';
import { mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync } from 'fs';
import { dirname, join } from 'path';

/** Whether `file` (a resolved path) is a tool of a Java home: its folder's parent has a release file naming a Java version. */
function inJavaHome(file) {
    try {
        return /^JAVA_VERSION=/m.test(readFileSync(join(dirname(dirname(file)), 'release'), 'utf8'));
    } catch {
        return false;
    }
}

/**
 * Makes `folder` with a link to each executable of `path` (the first of each name, as a shell
 * finds it) that is not a Java tool, and returns how many tools it links and what it left out.
 */
export function linkToolsWithoutJava(folder, path) {
    mkdirSync(folder, { recursive: true });
    const linked = new Set();
    const left = new Set();
    for (const dir of path.split(':').filter(Boolean)) {
        let names;
        try { names = readdirSync(dir); } catch { continue; }
        for (const name of names) {
            if (linked.has(name) || left.has(name)) continue;
            const file = join(dir, name);
            let real;
            try { real = realpathSync(file); if (!statSync(real).isFile() || !(statSync(real).mode & 0o111)) continue; } catch { continue; }
            if (name === 'java' || inJavaHome(real)) { left.add(name); continue; }
            symlinkSync(real, join(folder, name));
            linked.add(name);
        }
    }
    return { linked: linked.size, left: [...left].sort() };
}

/** Throws unless a shell with `env` finds no java; the check that the run is what it claims. */
export function assertNoJava(env) {
    const found = spawnSync('sh', ['-c', 'command -v java'], { env, encoding: 'utf8' });
    if (found.status === 0) throw new Error(`the environment meant to have no Java finds ${found.stdout.trim()} on its PATH`);
    const homes = Object.keys(env).filter(k => /^(JAVA|JDK|JRE)_HOME$/.test(k));
    if (homes.length) throw new Error(`the environment meant to have no Java sets ${homes.join(', ')}`);
}
