import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command, CommandId } from '../src/protocol';
import { asPage, csp, errorPage, isViewCommand, loadingPage, VIEW_COMMANDS, withCsp } from '../src/views/pages';

const SERVER_PAGE = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Head L1H0</title>'
    + '<style nonce="n1">svg{}</style></head><body><svg class="heatmap"></svg><script nonce="n1">1</script></body></html>';

/** The content attributes of every CSP meta element, in document order. */
function policies(html: string): string[] {
    return [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)].map(m => m[1]);
}

test('the policy allows only the nonce\'s inline style and script, and data: images', () => {
    const p = csp('abc123');
    assert.deepEqual(p.split(';').map(s => s.trim()).sort(), [
        "default-src 'none'", 'img-src data:', "script-src 'nonce-abc123'", "style-src 'nonce-abc123'"]);
});

test('every command with a picture is known by name; predict has none', () => {
    const drawn = (Object.values(Command) as CommandId[]).filter(c => isViewCommand(c));
    assert.deepEqual(new Set(drawn), new Set(VIEW_COMMANDS));
    assert.deepEqual((Object.values(Command) as CommandId[]).filter(c => !isViewCommand(c)), [Command.predict]);
    assert.ok(isViewCommand('circuitscope.compositionScores'));
    assert.ok(!isViewCommand('circuitscope.show') && !isViewCommand('toString'), 'not a command, nor an object property');
});

test('the server\'s page gets this extension\'s policy as the first element of its head, the rest unchanged', () => {
    const html = withCsp(SERVER_PAGE, 'n1');
    const at = html.indexOf('<head>') + '<head>'.length;
    assert.ok(html.startsWith('<meta http-equiv="Content-Security-Policy"', at), html.slice(at, at + 60));
    assert.deepEqual(policies(html), [csp('n1')]);
    assert.equal(html.replace(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/, ''), SERVER_PAGE);
});

test('a server page with its own policy keeps it beside ours (the browser enforces both)', () => {
    const theirs = SERVER_PAGE.replace('<head>', `<head lang="en"><meta http-equiv="Content-Security-Policy" content="${csp('n1')}">`);
    assert.deepEqual(policies(withCsp(theirs, 'n1')), [csp('n1'), csp('n1')]);
    // The attributes of <head> are kept; ours goes right after the tag.
    assert.match(withCsp(theirs, 'n1'), /^<!DOCTYPE html><html lang="en"><head lang="en"><meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
});

test('an answer without a head is wrapped in a document that has the policy', () => {
    const html = withCsp('<p>hi</p><header>x</header>', 'zz');
    assert.deepEqual(policies(html), [csp('zz')]);
    assert.match(html, /<body><p>hi<\/p><header>x<\/header><\/body>/);
});

test('an answer that is not {title, html} is an error that quotes it', () => {
    assert.deepEqual(asPage({ title: 't', html: '<p>', extra: 1 }), { title: 't', html: '<p>' });
    assert.throws(() => asPage(null), /not a page \(\{title, html\}\): null/);
    assert.throws(() => asPage({ title: 't' }), /not a page.*\{"title":"t"\}/);
    assert.throws(() => asPage({ title: 1, html: '' }), /not a page/);
});

test('the local pages carry the policy, put the nonce on their style and escape the message', () => {
    for (const html of [loadingPage('k9', 'Head'), errorPage('k9', 'Head', 'no model <here> & "there"')]) {
        assert.deepEqual(policies(html), [csp('k9')]);
        for (const m of html.matchAll(/<(script|style)\b[^>]*>/g)) assert.match(m[0], /nonce="k9"/);
        assert.ok(!/\b(src|href)=/.test(html) && !/ style=/.test(html), 'no resource, no inline style attribute');
    }
    assert.match(errorPage('k9', 'Head', 'no model <here> & "there"'), /id="error">no model &lt;here&gt; &amp; &quot;there&quot;</);
    assert.match(loadingPage('k9', 'Logit lens'), /<title>Logit lens<\/title>/);
});
