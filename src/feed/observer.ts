/**
 * How feed sources report what happens to them. The app wires this to metrics, logs and the
 * health tracker; sources never import those directly.
 */

/** Fixed sets: these become metric label values, so they never contain data from a message. */
export type ReconnectReason = 'closed' | 'error' | 'pong_timeout' | 'stale' | 'connect_failed';
export type DropReason =
  | 'invalid_json'
  | 'not_object'
  | 'bad_field'
  | 'bad_der'
  | 'no_names'
  | 'binary_frame'
  | 'oversized'
  | 'overload'
  /** The queue was full because the store was unavailable (an outage, not a slow processor). */
  | 'store_unavailable'
  | 'too_many_names'
  | 'bad_name'
  | 'escaped_name'
  | 'duplicate';
export type MessageType = 'certificate_update' | 'dns_entries' | 'heartbeat' | 'other';
/**
 * What a source's text handler returns: the message type, null for a bad message, or 'unparsed'
 * for a frame dropped unread because the queue is full (the stream is alive, so not stale).
 */
export type TextResult = MessageType | 'unparsed' | null;

export interface DropContext {
  logUrl?: string | null;
  index?: number | null;
  detail?: string;
}

export interface FeedObserver {
  connected(source: string, up: boolean): void;
  /** A connection ended (reason) and the next dial is scheduled `delayMs` from now. */
  reconnect(source: string, reason: ReconnectReason, delayMs: number): void;
  message(source: string, type: MessageType): void;
  /** `count` items (messages or names, by reason) were skipped; default 1. */
  dropped(source: string, reason: DropReason, ctx?: DropContext, count?: number): void;
}
