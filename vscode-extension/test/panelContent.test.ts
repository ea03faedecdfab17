import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RenderedPage } from '../src/protocol';
import { freshNonce, PanelContent } from '../src/views/panelContent';

/** A panel that records what it was shown. */
class FakePanel {
    titles: string[] = [];
    pages: string[] = [];
    setTitle(t: string) { this.titles.push(t); }
    setHtml(h: string) { this.pages.push(h); }
}

/** A promise and the functions that settle it, to answer when the test says. */
function deferred<T>() {
    let resolve!: (v: T) => void, reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
}

const serverPage = (title: string, nonce: string): RenderedPage => ({
    title, html: `<!DOCTYPE html><html><head><title>${title}</title><style nonce="${nonce}"></style></head><body><svg class="bars"></svg></body></html>`,
});

test('loading is shown before the server answers, then the server\'s page with the nonce it was asked for', async () => {
    const panel = new FakePanel();
    const nonces = ['first', 'second'];
    const content = new PanelContent(panel, () => nonces.shift()!);
    const answer = deferred<RenderedPage>();
    let asked: string | undefined;
    const shown = content.show('Path expansion', nonce => { asked = nonce; return answer.promise; });
    assert.equal(asked, 'first');
    assert.equal(panel.pages.length, 1);
    assert.match(panel.pages[0], /id="loading"/);
    assert.match(panel.pages[0], /style-src 'nonce-first'/);
    answer.resolve(serverPage('Path expansion of " Potter"', 'first'));
    assert.equal(await shown, true);
    assert.equal(panel.pages.length, 2);
    assert.match(panel.pages[1], /<svg class="bars">/);
    assert.match(panel.pages[1], /<head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-first'; script-src 'nonce-first'; img-src data:">/);
    assert.deepEqual(panel.titles, ['Path expansion', 'Path expansion of " Potter"']);
});

test('a failed request shows the local error page with the message', async () => {
    const panel = new FakePanel();
    const shown = await new PanelContent(panel, () => 'n').show('Head', () => Promise.reject(new Error('the language server is not running')));
    assert.equal(shown, false);
    assert.match(panel.pages.at(-1)!, /id="error">the language server is not running</);
    assert.deepEqual(panel.titles, ['Head']);
});

test('an answer that is not a page shows an error, not a blank panel', async () => {
    const panel = new FakePanel();
    await new PanelContent(panel, () => 'n').show('Head', () => Promise.resolve({ html: 42 } as unknown as RenderedPage));
    assert.match(panel.pages.at(-1)!, /id="error">the server&#39;s circuitscope\/render answer is not a page/);
});

test('an answer overtaken by a later request is dropped, whichever order they arrive in', async () => {
    const panel = new FakePanel();
    let n = 0;
    const content = new PanelContent(panel, () => `n${++n}`);
    const slow = deferred<RenderedPage>(), fast = deferred<RenderedPage>();
    const first = content.show('Attention', () => slow.promise);
    const second = content.show('Attention', () => fast.promise);
    fast.resolve(serverPage('Attention · layer 0', 'n2'));
    assert.equal(await second, true);
    slow.resolve(serverPage('Attention · L1H0', 'n1'));
    assert.equal(await first, false);
    assert.equal(panel.titles.at(-1), 'Attention · layer 0');
    assert.match(panel.pages.at(-1)!, /<title>Attention · layer 0<\/title>/);
    // An overtaken failure does not replace the later page either.
    const failing = deferred<RenderedPage>();
    const third = content.show('Attention', () => failing.promise);
    const fourth = content.show('Attention', () => Promise.resolve(serverPage('Attention · layer 1', 'n4')));
    await fourth;
    failing.reject(new Error('late'));
    await third;
    assert.ok(!panel.pages.at(-1)!.includes('late'));
    assert.match(panel.pages.at(-1)!, /layer 1/);
});

test('each page gets a fresh 128-bit nonce', () => {
    const a = freshNonce(), b = freshNonce();
    assert.notEqual(a, b);
    assert.equal(Buffer.from(a, 'base64').length, 16);
    assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
});
