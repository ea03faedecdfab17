import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { aotCacheFile, BUNDLED, cacheRoot, findJava, javaCandidates, JavaProbe, parseJavaMajor, serverArgs, transparentHugePages } from '../src/java';
import { BUILT_IN_JVM_OPTIONS, jvmOptions } from '../src/jvmOptions';

test('parseJavaMajor reads modern, legacy 1.x and early-access version strings', () => {
    assert.equal(parseJavaMajor('openjdk version "25.0.1" 2025-10-21 LTS\nOpenJDK Runtime Environment Temurin-25.0.1+8'), 25);
    assert.equal(parseJavaMajor('java version "1.8.0_392"\nJava(TM) SE Runtime Environment'), 8);
    assert.equal(parseJavaMajor('openjdk version "26-ea" 2026-03-17'), 26);
    assert.equal(parseJavaMajor('openjdk version "21" 2023-09-19'), 21);
    assert.equal(parseJavaMajor('Error: could not find libjava.so'), undefined);
});

test('candidates come in the order setting, JAVA_HOME, PATH entries, skipping empty values', () => {
    const c = javaCandidates('/opt/jdk25', { JAVA_HOME: '/usr/lib/jvm/j21', PATH: '/usr/bin::/bin' }, 'linux');
    assert.deepEqual(c.map(x => [x.source, x.executable]), [
        ['setting circuitscope.java.home', path.join('/opt/jdk25', 'bin', 'java')],
        ['JAVA_HOME', path.join('/usr/lib/jvm/j21', 'bin', 'java')],
        ['PATH', path.join('/usr/bin', 'java')],
        ['PATH', path.join('/bin', 'java')],
    ]);
    assert.deepEqual(javaCandidates('  ', { PATH: '' }, 'linux'), [], 'a blank setting and an empty PATH give no candidate');
});

test('the bundled runtime comes after the setting and before JAVA_HOME and the PATH', () => {
    const c = javaCandidates('/opt/jdk25', { JAVA_HOME: '/usr/lib/jvm/j25', PATH: '/usr/bin' }, 'linux', '/ext/runtime');
    assert.deepEqual(c.map(x => x.source), ['setting circuitscope.java.home', BUNDLED, 'JAVA_HOME', 'PATH']);
    assert.equal(c[1].executable, path.join('/ext/runtime', 'bin', 'java'));
    assert.deepEqual(javaCandidates(undefined, {}, 'win32', 'C:\\ext\\runtime').map(x => x.executable), [path.join('C:\\ext\\runtime', 'bin', 'java.exe')]);
});

function fakeProbe(javas: Record<string, string>): JavaProbe & { asked: string[] } {
    const asked: string[] = [];
    return {
        asked,
        isFile: p => p in javas,
        versionText: async p => { asked.push(p); return javas[p]; },
    };
}

test('the setting wins over JAVA_HOME and PATH when it is Java 25', async () => {
    const probe = fakeProbe({
        '/set/bin/java': 'openjdk version "25.0.1"',
        '/home21/bin/java': 'openjdk version "21.0.2"',
        '/usr/bin/java': 'openjdk version "25"',
    });
    const r = await findJava(javaCandidates('/set', { JAVA_HOME: '/home21', PATH: '/usr/bin' }, 'linux'), probe);
    assert.ok(r.ok);
    assert.equal(r.executable, '/set/bin/java');
    assert.equal(r.source, 'setting circuitscope.java.home');
    assert.deepEqual(probe.asked, ['/set/bin/java'], 'later candidates are not run once one fits');
});

test('an older JAVA_HOME is passed over for a Java 25 on the PATH, and recorded as tried', async () => {
    const probe = fakeProbe({ '/home21/bin/java': 'openjdk version "21.0.2"', '/usr/bin/java': 'openjdk version "25.0.1"' });
    const r = await findJava(javaCandidates(undefined, { JAVA_HOME: '/home21', PATH: '/nojava:/usr/bin' }, 'linux'), probe);
    assert.ok(r.ok);
    assert.equal(r.executable, '/usr/bin/java');
    assert.equal(r.major, 25);
    assert.equal(r.tried[0].problem, 'Java 21 is older than 25');
});

test('no usable Java: the message says what is needed, what was found and which setting to use', async () => {
    const probe = fakeProbe({ '/usr/bin/java': 'openjdk version "17.0.9"' });
    const r = await findJava(javaCandidates('/wrong', { PATH: '/usr/bin' }, 'linux'), probe);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.match(r.message, /needs Java 25 or newer/);
    assert.match(r.message, /\/wrong\/bin\/java \(setting circuitscope\.java\.home\): no java executable there/);
    assert.match(r.message, /\/usr\/bin\/java \(PATH\): Java 17 is older than 25/);
    assert.match(r.message, /set circuitscope\.java\.home/);
});

test('nothing at all found still names the three places looked at', async () => {
    const r = await findJava(javaCandidates(undefined, { PATH: '/a:/b' }, 'linux'), fakeProbe({}));
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.message, /circuitscope\.java\.home, JAVA_HOME or the PATH/);
});

test('a java that does not print a version is skipped with a reason', async () => {
    const r = await findJava(javaCandidates(undefined, { JAVA_HOME: '/broken', PATH: '' }, 'linux'), fakeProbe({ '/broken/bin/java': 'segmentation fault' }));
    assert.equal(r.ok, false);
    assert.equal(r.tried[0].problem, 'java -version did not answer with a version');
});

test('a platform package runs its bundled runtime even with a Java 25 in JAVA_HOME and on the PATH', async () => {
    const probe = fakeProbe({ '/ext/runtime/bin/java': 'openjdk version "25.0.3"', '/jdk/bin/java': 'openjdk version "25.0.1"', '/usr/bin/java': 'openjdk version "25"' });
    const r = await findJava(javaCandidates(undefined, { JAVA_HOME: '/jdk', PATH: '/usr/bin' }, 'linux', '/ext/runtime'), probe);
    assert.ok(r.ok);
    assert.equal(r.source, BUNDLED);
    assert.equal(r.executable, '/ext/runtime/bin/java');
    assert.deepEqual(probe.asked, ['/ext/runtime/bin/java']);
});

test('the setting circuitscope.java.home wins over the bundled runtime', async () => {
    const probe = fakeProbe({ '/set/bin/java': 'openjdk version "26"', '/ext/runtime/bin/java': 'openjdk version "25.0.3"' });
    const r = await findJava(javaCandidates('/set', {}, 'linux', '/ext/runtime'), probe);
    assert.ok(r.ok);
    assert.equal(r.source, 'setting circuitscope.java.home');
    assert.equal(r.executable, '/set/bin/java');
});

test('a wrong setting falls back to the bundled runtime and is recorded as passed over', async () => {
    const r = await findJava(javaCandidates('/wrong', {}, 'linux', '/ext/runtime'), fakeProbe({ '/ext/runtime/bin/java': 'openjdk version "25.0.3"' }));
    assert.ok(r.ok);
    assert.equal(r.source, BUNDLED);
    assert.deepEqual(r.tried.map(t => [t.source, t.problem]), [['setting circuitscope.java.home', 'no java executable there'], [BUNDLED, undefined]]);
});

test('the universal package (no runtime/ folder) finds JAVA_HOME then the PATH as before, without mentioning the runtime', async () => {
    const probe = fakeProbe({ '/jdk/bin/java': 'openjdk version "25.0.1"' });
    const r = await findJava(javaCandidates(undefined, { JAVA_HOME: '/jdk', PATH: '/usr/bin' }, 'linux', '/ext/runtime'), probe);
    assert.ok(r.ok);
    assert.equal(r.source, 'JAVA_HOME');
    assert.deepEqual(r.tried.map(t => t.source), ['JAVA_HOME'], 'a missing bundled runtime is not a problem worth reporting');
    const none = await findJava(javaCandidates(undefined, { PATH: '/usr/bin' }, 'linux', '/ext/runtime'), fakeProbe({ '/usr/bin/java': 'openjdk version "17.0.15"' }));
    assert.equal(none.ok, false);
    if (!none.ok) {
        assert.doesNotMatch(none.message, /runtime bundled/);
        assert.match(none.message, /package for your platform/);
    }
});

test('a bundled runtime that does not run (e.g. lost its executable bit) is passed over for JAVA_HOME', async () => {
    const r = await findJava(javaCandidates(undefined, { JAVA_HOME: '/jdk' }, 'linux', '/ext/runtime'),
        fakeProbe({ '/ext/runtime/bin/java': undefined as unknown as string, '/jdk/bin/java': 'openjdk version "25.0.1"' }));
    assert.ok(r.ok);
    assert.equal(r.source, 'JAVA_HOME');
    assert.equal(r.tried[0].problem, 'java -version did not answer with a version');
});

/** server/jvm.options of this repository, which scripts/package.mjs copies into the extension. */
const optionsFile = fs.readFileSync(path.resolve(__dirname, '../../../server/jvm.options'), 'utf8');
const JAR = '/x/circuitscope.jar';

test('the command line from server/jvm.options: the options the extension used before the file existed, and the heap given back', () => {
    const args = (thp: boolean, aot?: { file: string; exists: boolean }) => serverArgs(JAR, jvmOptions(optionsFile, { lsp: true, thp }), aot);
    const head = ['--add-modules', 'jdk.incubator.vector', '--enable-native-access=ALL-UNNAMED', '-XX:MaxRAMPercentage=75',
        '-XX:MaxGCPauseMillis=10', '-XX:G1PeriodicGCInterval=10000',
        '-XX:MinHeapFreeRatio=20', '-XX:MaxHeapFreeRatio=40'];
    const log = ['-Xlog:disable', '-Xlog:all=warning:stderr'];
    assert.deepEqual(args(false), [...head, ...log, '-jar', JAR, 'lsp']);
    // No huge pages, whatever Linux allows (server/jvm.options says why).
    assert.deepEqual(args(true), [...head, ...log, '-jar', JAR, 'lsp']);
    assert.deepEqual(args(false, { file: '/c/s.aot', exists: false }), [...head, ...log, '-Dcircuitscope.aotCache=/c/s.aot', '-jar', JAR, 'lsp']);
    assert.deepEqual(args(true, { file: '/c/s.aot', exists: true }),
        [...head, ...log, '-XX:AOTCache=/c/s.aot', '-Dcircuitscope.aotCache=/c/s.aot', '-jar', JAR, 'lsp']);
});

test('the built-in options, used when the copy of the file is missing, are the language server\'s lines of the file', () => {
    for (const thp of [false, true]) {
        assert.deepEqual(jvmOptions(BUILT_IN_JVM_OPTIONS, { lsp: true, thp }), jvmOptions(optionsFile, { lsp: true, thp }), `thp ${thp}`);
    }
});

test('batch commands get the parallel collector from the file, the language server G1 with short pauses', () => {
    const batch = jvmOptions(optionsFile, { lsp: false, thp: true });
    assert.ok(batch.includes('-XX:+UseParallelGC') && !batch.includes('-XX:MaxGCPauseMillis=10'), batch.join(' '));
    assert.ok(!jvmOptions(optionsFile, { lsp: true, thp: true }).includes('-XX:+UseParallelGC'));
});

test('an options line is a condition and one option, whose words are split as java takes them', () => {
    const text = '# why\n\n  all   --add-modules jdk.incubator.vector\r\n  # indented comment\nlsp+thp -XX:+A\nbatch -XX:+B\nthp -XX:+C';
    assert.deepEqual(jvmOptions(text, { lsp: true, thp: true }), ['--add-modules', 'jdk.incubator.vector', '-XX:+A', '-XX:+C']);
    assert.deepEqual(jvmOptions(text, { lsp: true, thp: false }), ['--add-modules', 'jdk.incubator.vector']);
    assert.deepEqual(jvmOptions(text, { lsp: false, thp: false }), ['--add-modules', 'jdk.incubator.vector', '-XX:+B']);
    assert.throws(() => jvmOptions('all -a\nlsp+linux -b', { lsp: true, thp: true }, 'server/jvm.options'),
        /server\/jvm\.options:2: unknown condition 'linux'/);
});

test('Linux allows transparent huge pages when it says always or madvise', () => {
    assert.equal(transparentHugePages('always [madvise] never\n'), true);
    assert.equal(transparentHugePages('[always] madvise never\n'), true);
    assert.equal(transparentHugePages('always madvise [never]\n'), false);
    assert.equal(transparentHugePages(undefined), false, 'no setting: not Linux, whose JVMs refuse the option');
});

test('a start-up cache is loaded only once it exists, and the server is always told where it goes', () => {
    const missing = serverArgs(JAR, [], { file: '/c/s.aot', exists: false });
    assert.ok(missing.includes('-Dcircuitscope.aotCache=/c/s.aot'));
    assert.ok(!missing.some(x => x.startsWith('-XX:AOTCache')), 'a missing cache file would make the JVM print errors');
    const made = serverArgs(JAR, [], { file: '/c/s.aot', exists: true });
    assert.ok(made.includes('-XX:AOTCache=/c/s.aot'));
    assert.ok(made.includes('-Dcircuitscope.aotCache=/c/s.aot'));
    assert.ok(made.indexOf('-XX:AOTCache=/c/s.aot') < made.indexOf('-jar'));
    assert.ok(!serverArgs(JAR, []).some(x => x.includes('AOTCache') || x.includes('aotCache')), 'no start-up cache unless asked');
});

test('the start-up cache file changes with the jar and the java, and only with them', () => {
    const f = (jar: string, size: number, mtime: number, java: string) => aotCacheFile('/home/u/.cache/circuitscope', jar, size, mtime, java);
    const base = f('/x/circuitscope.jar', 100, 1700000000000, '/jdk25/bin/java');
    assert.equal(path.dirname(base), path.join('/home/u/.cache/circuitscope', 'aot'));
    assert.match(path.basename(base), /^server-[0-9a-f]{16}\.aot$/);
    assert.equal(f('/x/circuitscope.jar', 100, 1700000000000.4, '/jdk25/bin/java'), base, 'sub-millisecond mtime noise is ignored');
    const variants = [f('/y/circuitscope.jar', 100, 1700000000000, '/jdk25/bin/java'), f('/x/circuitscope.jar', 101, 1700000000000, '/jdk25/bin/java'),
        f('/x/circuitscope.jar', 100, 1700000001000, '/jdk25/bin/java'), f('/x/circuitscope.jar', 100, 1700000000000, '/jdk26/bin/java')];
    for (const v of variants) assert.notEqual(v, base);
    assert.equal(new Set(variants).size, variants.length);
});

test('the cache folder follows CIRCUITSCOPE_CACHE, then XDG_CACHE_HOME, then ~/.cache', () => {
    assert.equal(cacheRoot({ CIRCUITSCOPE_CACHE: '/cs', XDG_CACHE_HOME: '/xdg' }, '/home/u'), '/cs');
    assert.equal(cacheRoot({ XDG_CACHE_HOME: '/xdg' }, '/home/u'), path.join('/xdg', 'circuitscope'));
    assert.equal(cacheRoot({ XDG_CACHE_HOME: ' ' }, '/home/u'), path.join('/home/u', '.cache', 'circuitscope'));
});
