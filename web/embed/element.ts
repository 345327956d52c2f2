import { h, render } from 'preact';
import { Api } from './api';
import { App } from './components/App';
import { STYLES } from './styles';

/** Where embed.js was loaded from: the API answers there unless the element's `api` says otherwise. */
const scriptOrigin = (() => {
  const src = (document.currentScript as HTMLScriptElement | null)?.src;
  return src ? new URL(src).origin : location.origin;
})();

let sheet: CSSStyleSheet | null = null;

/**
 * `<reply-section article-id="…" token="…" api="…">`: the reply section under an article. Its
 * own shadow root keeps the host page's styles out and its own in; styles come as a
 * constructed stylesheet, which no page CSP needs to allow.
 */
export class ReplySectionElement extends HTMLElement {
  static observedAttributes = ['article-id', 'token', 'api'];
  private root: ShadowRoot | null = null;
  private tokenValue: string | null = null;

  /** A signed-in reader's token, handed over by the host page (the attribute works too). */
  get token(): string | null {
    return this.tokenValue ?? this.getAttribute('token');
  }

  set token(value: string | null) {
    this.tokenValue = value;
    this.update();
  }

  connectedCallback(): void {
    // A token the page set before embed.js loaded sits on the element itself, hiding the setter.
    if (Object.prototype.hasOwnProperty.call(this, 'token')) {
      const early = (this as unknown as { token: string | null }).token;
      delete (this as unknown as { token?: string | null }).token;
      this.tokenValue = early;
    }
    if (!this.root) {
      this.root = this.attachShadow({ mode: 'open' });
      sheet ??= new CSSStyleSheet();
      sheet.replaceSync(STYLES);
      this.root.adoptedStyleSheets = [sheet];
    }
    this.update();
  }

  attributeChangedCallback(): void {
    if (this.root) this.update();
  }

  disconnectedCallback(): void {
    if (this.root) render(null, this.root);
  }

  private update(): void {
    if (!this.root || !this.isConnected) return;
    const articleId = this.getAttribute('article-id');
    if (!articleId) {
      render(h('p', { role: 'alert' }, 'reply-section: the article-id attribute is missing.'), this.root);
      return;
    }
    const base = (this.getAttribute('api') ?? scriptOrigin).replace(/\/+$/, '');
    const token = this.token?.trim() || null;
    // A new key per article and reader: a change of either starts the section afresh.
    render(h(App, { key: `${articleId}|${token ?? ''}|${base}`, api: new Api(base), articleId, token }), this.root);
  }
}
