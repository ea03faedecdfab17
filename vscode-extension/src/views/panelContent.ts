// What one panel shows, in order: "loading" at once, then the server's page under this
// extension's policy, or a local error page when the request failed. Pure (the panel is behind
// a two-method interface) so the order and the races are unit-tested.
import { randomBytes } from 'crypto';
import type { RenderedPage } from '../protocol';
import { asPage, errorPage, loadingPage, withCsp } from './pages';

/** The part of a webview panel a page is shown in. */
export interface PageTarget {
    setTitle(title: string): void;
    setHtml(html: string): void;
}

/** Asks the server for a page made with this nonce. */
export type Render = (nonce: string) => Promise<RenderedPage>;

export class PanelContent {
    /** Counts the pages asked for: an answer overtaken by a later request is dropped. */
    private asked = 0;

    constructor(private readonly target: PageTarget, private readonly newNonce: () => string = freshNonce) {}

    /** Shows "loading" titled `what`, then the page; resolves to false when it showed an error instead (or was overtaken). */
    async show(what: string, render: Render): Promise<boolean> {
        const ticket = ++this.asked;
        // Each page its own nonce: a script of an earlier page cannot be replayed into this one.
        const nonce = this.newNonce();
        this.target.setTitle(what);
        this.target.setHtml(loadingPage(nonce, what));
        let page: RenderedPage;
        try {
            page = asPage(await render(nonce));
        } catch (e) {
            if (ticket === this.asked) this.target.setHtml(errorPage(nonce, what, e instanceof Error ? e.message : String(e)));
            return false;
        }
        if (ticket !== this.asked) return false;
        this.target.setTitle(page.title || what);
        this.target.setHtml(withCsp(page.html, nonce));
        return true;
    }
}

/** 128 random bits, base64 (CSP nonces allow + / =). */
export function freshNonce(): string {
    return randomBytes(16).toString('base64');
}
