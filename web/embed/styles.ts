/**
 * The section's own styles, inside its shadow root: the host page neither sees nor changes
 * them. Sites may set --rs-accent, --rs-text, --rs-muted, --rs-bg, --rs-border and --rs-font
 * on the element to match their look.
 */
export const STYLES = `
:host { display: block; color: var(--rs-text, #1b1b1b); background: var(--rs-bg, #fff); font: 16px/1.5 var(--rs-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif); }
* { box-sizing: border-box; }
h2 { font-size: 1.4rem; margin: 0 0 .5rem; }
p { margin: .25rem 0; }
.muted { color: var(--rs-muted, #555); }
.hint { color: var(--rs-muted, #555); font-weight: normal; }
.note { padding: .5rem .75rem; border-left: 3px solid var(--rs-border, #ccc); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
.error { color: #a30000; }
label { display: block; font-weight: 600; margin: .5rem 0 .2rem; }
textarea, input, select { font: inherit; color: inherit; background: #fff; border: 1px solid #767676; border-radius: 4px; padding: .4rem .5rem; width: 100%; }
select { width: auto; }
textarea { resize: vertical; min-height: 4.5rem; }
.guest-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1rem; }
@media (max-width: 480px) { .guest-fields { grid-template-columns: 1fr; } }
.trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
.form-actions, .actions { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin-top: .5rem; }
button { font: inherit; font-size: .9rem; cursor: pointer; border: 1px solid #767676; background: #fff; color: inherit; border-radius: 4px; padding: .25rem .7rem; min-height: 2rem; }
button:disabled { cursor: default; opacity: .75; }
button.primary { background: var(--rs-accent, #0b57d0); border-color: var(--rs-accent, #0b57d0); color: #fff; }
button.danger { background: #a30000; border-color: #a30000; color: #fff; }
button.link { border: none; background: none; color: var(--rs-accent, #0b57d0); padding: .25rem 0; text-decoration: underline; }
button:focus-visible, a:focus-visible, textarea:focus-visible, input:focus-visible, select:focus-visible, .reply:focus-visible { outline: 3px solid var(--rs-accent, #0b57d0); outline-offset: 2px; }
.reply-form { margin: .75rem 0; }
.toolbar { display: flex; align-items: center; gap: .5rem; margin: 1.25rem 0 .25rem; border-top: 1px solid var(--rs-border, #ddd); padding-top: .75rem; }
.toolbar .count { margin-right: auto; font-weight: 600; }
.toolbar label { margin: 0; font-weight: normal; }
.new-replies { min-height: 2.5rem; display: flex; align-items: center; }
ol.thread, ol.children { list-style: none; margin: 0; padding: 0; }
ol.children { margin-left: 1.25rem; padding-left: .75rem; border-left: 2px solid var(--rs-border, #ddd); }
@media (max-width: 480px) { ol.children { margin-left: .25rem; padding-left: .6rem; } }
.reply { padding: .6rem .5rem; border-radius: 6px; }
.reply.featured { background: #f3f7ff; }
.reply.linked { background: #fff8db; box-shadow: inset 3px 0 0 #8a6d00; }
.reply-head { display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; font-size: .95rem; }
.permalink { color: var(--rs-muted, #555); font-size: .85rem; }
.badge { font-size: .75rem; padding: 0 .4rem; border-radius: 3px; border: 1px solid currentColor; }
.featured-badge { color: #0b4aa8; }
.status-badge { color: #6b4e00; background: #fff4ce; }
.body { white-space: pre-wrap; overflow-wrap: anywhere; margin: .25rem 0; }
.placeholder { font-style: italic; color: var(--rs-muted, #555); }
.reactions { display: inline-flex; gap: .3rem; }
.reaction .count { font-variant-numeric: tabular-nums; }
.confirm { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-top: .5rem; }
.more { margin: 1rem 0; }
.linked-aside { margin-bottom: 1rem; }
`;
