// Every server-drawn page of the shipped model (server/target/pages, written by the Maven test
// WritePagesTest) opened in Debian's headless Chromium through playwright-core, as a browser viewing
// the loopback viewer would: no console message, no page error and no request other than the
// page itself; then a screenshot of each in the light and the dark colour scheme.
//
// Run with Node 24 after e2e/setup.sh and the Maven build; scripts/test does both.
// Env: CIRCUITSCOPE_E2E_CACHE (tools), PAGES_DIR (default server/target/pages),
// PAGES_OUT (screenshots; default e2e-output/pages).
import { existsSync, mkdirSync, readdirSync } from 'fs';
import { createRequire } from 'module';
import { homedir } from 'os';
import { dirname, join, resolve } from 'path';
import { fileURLToPath, pathToFileURL } from 'url';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cache = process.env.CIRCUITSCOPE_E2E_CACHE ?? join(homedir(), '.cache', 'circuitscope-e2e');
const dir = resolve(process.env.PAGES_DIR ?? join(here, '..', 'server', 'target', 'pages'));
const out = resolve(process.env.PAGES_OUT ?? join(here, 'e2e-output', 'pages'));
if (!existsSync(dir)) { console.error(`pages: ${dir} is missing (the Maven test WritePagesTest writes it)`); process.exit(2); }
const { chromium } = createRequire(join(cache, 'tools', 'node_modules', 'x.js'))('playwright-core');
mkdirSync(out, { recursive: true });

const files = readdirSync(dir).filter(f => f.endsWith('.html') && !f.endsWith('.webview.html') && f !== 'index.html').sort();
if (files.length === 0) { console.error(`pages: no pages in ${dir}`); process.exit(2); }
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
let failed = 0;
try {
    for (const scheme of ['light', 'dark']) {
        const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, colorScheme: scheme });
        for (const f of files) {
            const page = await context.newPage();
            const problems = [];
            const url = pathToFileURL(join(dir, f)).href;
            page.on('console', m => problems.push(`console ${m.type()}: ${m.text()}`));
            page.on('pageerror', e => problems.push(`page error: ${e.message}`));
            page.on('request', r => { if (r.url() !== url) problems.push(`request for ${r.url()}`); });
            await page.goto(url);
            const drawn = await page.locator('svg, table, .tokens').count();
            if (drawn === 0) problems.push('nothing drawn (no svg, table or tokens)');
            await page.screenshot({ path: join(out, `${f.replace(/\.html$/, '')}-${scheme}.png`), fullPage: true });
            await page.close();
            if (problems.length) { failed++; console.log(`not ok - ${f} (${scheme}): ${problems.join('; ')}`); }
            else console.log(`ok - ${f} (${scheme}): ${drawn} drawings, no console message, no request`);
        }
        await context.close();
    }
} finally {
    await browser.close();
}
console.log(`${files.length * 2 - failed} passed, ${failed} failed; screenshots in ${out}`);
process.exit(failed ? 1 : 0);
