/**
 * The provider's in-memory instance store. A `Map`, so a stop of 100 ids costs the same with 10 or 1,000,000
 * instances stored; the STOPPING -> STOPPED transition is derived from the clock on read (no timers).
 */

/** One stored instance. */
interface StoredInstance {
  status: string;
  /** Set when an API call stopped it: the clock reading at that moment. */
  stoppingSince: number | undefined;
  securityLocked: boolean;
}

/** What a read returns. */
export interface InstanceView {
  readonly id: string;
  readonly status: string;
  readonly securityLocked: boolean;
}

/** Lifecycle words and timing the store needs. */
export interface StoreOptions {
  readonly stopping: string;
  readonly stopped: string;
  /** How long an instance stopped by the API reads `stopping` before it reads `stopped`. */
  readonly transitionMs: number;
  readonly now: () => number;
}

/**
 * In-memory instances of one provider.
 *
 * @example
 * const store = new InstanceStore({ stopping: 'STOPPING', stopped: 'STOPPED', transitionMs: 1000, now: Date.now });
 * store.put('ins-ab12cd34', 'RUNNING', false);
 * store.beginStop('ins-ab12cd34');
 */
export class InstanceStore {
  readonly #items = new Map<string, StoredInstance>();
  readonly #options: StoreOptions;

  constructor(options: StoreOptions) {
    this.#options = options;
  }

  /** Number of stored instances. */
  get size(): number {
    return this.#items.size;
  }

  /** Seed or reset an instance (provider-state setup). A seeded status never changes by itself. */
  put(id: string, status: string, securityLocked: boolean): void {
    this.#items.set(id, { status, stoppingSince: undefined, securityLocked });
  }

  /** Forget an instance (provider-state teardown). */
  delete(id: string): void {
    this.#items.delete(id);
  }

  /** Read one instance, applying a due STOPPING -> STOPPED transition. */
  get(id: string): InstanceView | undefined {
    const item = this.#items.get(id);
    if (!item) return undefined;
    this.#settle(item);
    return { id, status: item.status, securityLocked: item.securityLocked };
  }

  /** Mark an instance as stopping now (the caller has checked it may be stopped). */
  beginStop(id: string): void {
    const item = this.#items.get(id);
    if (!item) return;
    item.status = this.#options.stopping;
    item.stoppingSince = this.#options.now();
  }

  /** One page of all instances in insertion order (status queries without ids). Costs offset + limit steps. */
  page(offset: number, limit: number): InstanceView[] {
    const out: InstanceView[] = [];
    let index = 0;
    for (const id of this.#items.keys()) {
      if (index >= offset + limit) break;
      if (index >= offset) {
        const view = this.get(id);
        if (view) out.push(view);
      }
      index += 1;
    }
    return out;
  }

  /**
   * One page of a status query: the instances named by `ids` (unknown ids left out, DESIGN.md §3), or every instance
   * when `ids` is undefined, with the total the page is cut from.
   */
  select(ids: readonly string[] | undefined, offset: number, limit: number): { total: number; page: InstanceView[] } {
    if (ids === undefined) return { total: this.size, page: this.page(offset, limit) };
    const found: InstanceView[] = [];
    for (const id of ids) {
      const view = this.get(id);
      if (view) found.push(view);
    }
    return { total: found.length, page: offset === 0 && limit >= found.length ? found : found.slice(offset, offset + limit) };
  }

  #settle(item: StoredInstance): void {
    if (item.stoppingSince === undefined) return;
    if (this.#options.now() - item.stoppingSince >= this.#options.transitionMs) {
      item.status = this.#options.stopped;
      item.stoppingSince = undefined;
    }
  }
}
