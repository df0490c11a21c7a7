/** A FeedObserver that records everything, for tests of the sources on their own. */
import type { DropContext, DropReason, FeedObserver, MessageType, ReconnectReason } from '../../../src/feed/observer.js';

export class RecordingObserver implements FeedObserver {
  readonly reconnects: { reason: ReconnectReason; delayMs: number }[] = [];
  readonly drops: { reason: DropReason; ctx?: DropContext; count: number }[] = [];
  readonly transitions: boolean[] = [];
  readonly messages: MessageType[] = [];

  connected(_s: string, up: boolean): void {
    this.transitions.push(up);
  }
  reconnect(_s: string, reason: ReconnectReason, delayMs: number): void {
    this.reconnects.push({ reason, delayMs });
  }
  message(_s: string, type: MessageType): void {
    this.messages.push(type);
  }
  dropped(_s: string, reason: DropReason, ctx?: DropContext, count = 1): void {
    this.drops.push({ reason, ctx, count });
  }
  dropCount(reason: DropReason): number {
    return this.drops.filter((d) => d.reason === reason).reduce((n, d) => n + d.count, 0);
  }
  reasons(): ReconnectReason[] {
    return this.reconnects.map((r) => r.reason);
  }
}
