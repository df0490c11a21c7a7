/** Public surface of the direct-from-CT-logs source (see docs/ct-logs.md). */
export { CtLogSource, DEFAULT_CTLOG_LIMITS } from './source.js';
export type { CtLogLimits, CtLogSourceOptions } from './source.js';
export type { CtLogConfig, LogMisbehaviour, LogPosition, LogStatus, MisbehaviourKind, PositionStore } from './types.js';
export { MemoryPositionStore } from './memory-store.js';
export { ACCEPTED_STATES, logListKey, MAX_LOG_LIST_BYTES, parseLogList, parseSignedLogList, refreshLogList, selectLogs, signatureUrlOf, verifyLogListSignature } from './loglist.js';
export type { LogList, LogListEntry, LogState, RefreshResult } from './loglist.js';
export { loadShippedLogList, pinnedLogListKey, shippedDataPath, shippedLogListPath, toCtLogConfig } from './shipped-list.js';
export { CtLogError, isCtLogError } from './errors.js';
export type { CtLogErrorCode } from './errors.js';
export type { Clock } from './clock.js';
export { DEFAULT_USER_AGENT } from './http.js';
