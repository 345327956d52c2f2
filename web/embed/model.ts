import type { Page, Reply, ReplyStatus, Sort } from './api';

/** What the author of a reply knows of it beyond the public thread. */
export interface Own {
  status: ReplyStatus;
  reasons: string[];
}

export interface Node {
  reply: Reply;
  /** 1 for a reply to the article, 2 for a reply to it, and so on. */
  depth: number;
  children: string[];
  /** Continues the children shown; null when there are no more. */
  childCursor: string | null;
  /** Whether the children were fetched (a top-level reply comes with its first ones). */
  childrenLoaded: boolean;
  own?: Own;
}

/**
 * The thread as this page shows it: what was loaded, what the reader wrote, and live arrivals
 * held back until the reader asks for them (so nothing moves under their eyes). No DOM here.
 */
export class ThreadModel {
  readonly nodes = new Map<string, Node>();
  top: string[] = [];
  nextCursor: string | null = null;
  /** Published live, not shown yet: the "N new replies" button reveals them. */
  arrivals: Reply[] = [];
  /** A reply a permalink names that is not on the loaded pages, shown above them. */
  linked: string | null = null;

  constructor(readonly sort: Sort) {}

  addPage(page: Page): void {
    for (const item of page.items) {
      if (this.nodes.has(item.id)) continue;
      const children = (item.replies ?? []).filter((c) => !this.nodes.has(c.id));
      this.nodes.set(item.id, { reply: item, depth: 1, children: children.map((c) => c.id), childCursor: item.repliesCursor ?? null, childrenLoaded: true });
      for (const c of children) this.nodes.set(c.id, { reply: c, depth: 2, children: [], childCursor: null, childrenLoaded: false });
      this.top.push(item.id);
      this.arrivals = this.arrivals.filter((a) => a.id !== item.id);
    }
    this.nextCursor = page.nextCursor;
  }

  addChildren(parentId: string, page: Page): void {
    const parent = this.nodes.get(parentId);
    if (!parent) return;
    for (const item of page.items) {
      if (this.nodes.has(item.id)) continue;
      this.nodes.set(item.id, { reply: item, depth: parent.depth + 1, children: [], childCursor: null, childrenLoaded: false });
      parent.children.push(item.id);
      this.arrivals = this.arrivals.filter((a) => a.id !== item.id);
    }
    parent.childCursor = page.nextCursor;
    parent.childrenLoaded = true;
  }

  /** The reader's own new reply, shown at once where they will look for it. */
  addOwn(reply: Reply, own: Own): void {
    const parent = reply.parentId ? this.nodes.get(reply.parentId) : undefined;
    this.nodes.set(reply.id, { reply, depth: parent ? parent.depth + 1 : 1, children: [], childCursor: null, childrenLoaded: true, own });
    if (parent) parent.children.push(reply.id);
    else this.top.unshift(reply.id);
  }

  /** A reply the reader wrote earlier that the thread does not show (held, or not yet published). */
  addOwnAside(reply: Reply, own: Own): void {
    if (this.nodes.has(reply.id)) {
      this.nodes.get(reply.id)!.own = own;
      return;
    }
    this.addOwn(reply, own);
  }

  addLinked(reply: Reply, depth: number): void {
    if (!this.nodes.has(reply.id)) this.nodes.set(reply.id, { reply, depth, children: [], childCursor: null, childrenLoaded: false });
    this.linked = reply.id;
  }

  /**
   * A `reply` event from the live stream: a reply shown is updated in place; a new published
   * one whose place is on the page waits among the arrivals.
   */
  live(r: Reply): 'updated' | 'arrived' | 'ignored' {
    const node = this.nodes.get(r.id);
    if (node) {
      node.reply = { ...node.reply, status: r.status, author: r.author, body: r.body, featured: r.featured, editedAt: r.editedAt };
      if (node.own && r.status === 'published') node.own = { status: 'published', reasons: [] };
      return 'updated';
    }
    const at = this.arrivals.findIndex((a) => a.id === r.id);
    if (at >= 0) {
      if (r.status === 'published') this.arrivals[at] = r;
      else this.arrivals.splice(at, 1);
      return 'updated';
    }
    if (r.status !== 'published') return 'ignored';
    if (r.parentId !== null && !this.nodes.has(r.parentId)) return 'ignored';
    this.arrivals.push(r);
    return 'arrived';
  }

  /** Shows the arrivals; returns the first of them, for focus. */
  reveal(): string | null {
    const arrivals = this.arrivals;
    this.arrivals = [];
    let first: string | null = null;
    for (const r of arrivals) {
      if (this.nodes.has(r.id)) continue;
      const parent = r.parentId ? this.nodes.get(r.parentId) : undefined;
      if (r.parentId && !parent) continue;
      this.nodes.set(r.id, { reply: { ...r, replyCount: 0 }, depth: parent ? parent.depth + 1 : 1, children: [], childCursor: null, childrenLoaded: true });
      if (parent) {
        parent.children.push(r.id);
        parent.reply = { ...parent.reply, replyCount: (parent.reply.replyCount ?? 0) + 1 };
      } else if (this.sort === 'newest') this.top.unshift(r.id);
      else this.top.push(r.id);
      first ??= r.id;
    }
    return first;
  }

  /** Top-level replies in display order: featured ones first, each group in the thread's order. */
  ordered(): string[] {
    const featured = this.top.filter((id) => this.nodes.get(id)?.reply.featured);
    return [...featured, ...this.top.filter((id) => !this.nodes.get(id)?.reply.featured)];
  }

  update(id: string, change: (n: Node) => void): void {
    const node = this.nodes.get(id);
    if (node) change(node);
  }
}
