import type { LogPosition, PositionStore } from './types.js';

/** In-memory PositionStore for tests and dry runs. Keeps deep copies; records every save. */
export class MemoryPositionStore implements PositionStore {
  private readonly map = new Map<string, LogPosition>();
  /** Every save in order, for tests. */
  readonly saves: Array<{ logKey: string; position: LogPosition }> = [];

  load(logKey: string): LogPosition | null {
    const p = this.map.get(logKey);
    return p ? structuredClone(p) : null;
  }

  save(logKey: string, position: LogPosition): void {
    this.map.set(logKey, structuredClone(position));
    this.saves.push({ logKey, position: structuredClone(position) });
  }
}
