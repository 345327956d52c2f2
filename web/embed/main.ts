import { ReplySectionElement } from './element';

if (!customElements.get('reply-section')) customElements.define('reply-section', ReplySectionElement);
