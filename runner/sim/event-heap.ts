/**
 * A binary min-heap of timed callbacks. Ties on time are broken by insertion order, so two
 * events scheduled for the same virtual millisecond always run in the order they were made.
 */
export interface TimedEvent {
  atMs: number;
  seq: number;
  run: () => void;
}

export class EventHeap {
  private items: TimedEvent[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(atMs: number, run: () => void): void {
    const items = this.items;
    const ev: TimedEvent = { atMs, seq: this.seq++, run };
    let i = items.length;
    items.push(ev);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(ev, items[parent])) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = ev;
  }

  peekTimeMs(): number {
    return this.items.length ? this.items[0].atMs : Infinity;
  }

  pop(): TimedEvent | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(items[r], items[l]) ? r : l;
      if (!before(items[c], last)) break;
      items[i] = items[c];
      i = c;
    }
    items[i] = last;
    return top;
  }
}

function before(a: TimedEvent, b: TimedEvent): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
