/**
 * Moves the focus to a reply once it is rendered, without scrolling: after a form closes, the
 * keyboard and screen-reader user lands on what they just wrote or changed.
 */
export function focusReplyLater(from: Node | null | undefined, replyId: string): void {
  const root = from?.getRootNode() as ShadowRoot | Document | undefined;
  if (!root) return;
  requestAnimationFrame(() => root.querySelector<HTMLElement>(`[data-reply-id="${CSS.escape(replyId)}"]`)?.focus({ preventScroll: true }));
}
