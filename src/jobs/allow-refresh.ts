/**
 * Keeps the daemon's allow list in step with the store: entries added with `ctwatch allow add`
 * or on another instance reach the running rules without a restart. Every `everyMs` (skipped
 * while the store is unavailable) it reads the list and, when it changed, hands it on.
 */
export interface AllowRefreshOptions {
  /** The store's allow list (HitsApi.listAllow). */
  read: () => Promise<string[]>;
  /** The list read at start. */
  initial: readonly string[];
  /** Called with the new list when it differs from the last one (recompile the rules). May throw: reported like a failed read. */
  onChange: (allow: string[]) => void;
  /** A failed read or onChange (logged, counted, alerted by the caller). */
  onError: (err: unknown) => void;
  /** False while the store is unavailable: no read is tried. */
  storeUp: () => boolean;
  everyMs: number;
}

/** Starts the refresh; returns its stop function. Never throws from its timer. */
export function refreshAllowList(opts: AllowRefreshOptions): () => void {
  let last = JSON.stringify(opts.initial);
  const timer = setInterval(() => {
    if (!opts.storeUp()) return;
    opts
      .read()
      .then((allow) => {
        const now = JSON.stringify(allow);
        if (now === last) return;
        opts.onChange(allow);
        last = now;
      })
      .catch(opts.onError);
  }, opts.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
