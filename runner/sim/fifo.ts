/**
 * A first-in first-out queue with O(1) push and shift: queues in the simulator (servers,
 * thread pool, the event loop's ready tasks) can hold many thousands of waiters, where
 * Array#shift would copy the whole array each time.
 */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      // Compact now and then so a long backlog does not keep a huge dead prefix.
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }
}
