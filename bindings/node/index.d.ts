// Type declarations of the Zari Node binding (index.js). See docs/NODE.md.

/** zari_status values. */
export declare const Status: Readonly<{
  OK: 0; EINVAL: -1; ENOMEM: -2; ENOTFOUND: -3; EPACK: -4; ESTATE: -5; EIO: -6; ELIMIT: -7; EINTERNAL: -8;
  EBUSY: -9;
}>;

/** 'relayed': an operator holds the conversation (no text; the candidates carry the bot's answers). */
export type ActionName = 'answer' | 'clarify' | 'fallback' | 'handoff' | 'after_hours' | 'relayed';

export declare const Action: Readonly<{
  ANSWER: 'answer'; CLARIFY: 'clarify'; FALLBACK: 'fallback'; HANDOFF: 'handoff'; AFTER_HOURS: 'after_hours';
  RELAYED: 'relayed';
}>;

/** Where a conversation stands with operators (zari_handoff_state). */
export type HandoffStateName = 'none' | 'waiting' | 'joined';

export declare const HandoffState: Readonly<{ NONE: 'none'; WAITING: 'waiting'; JOINED: 'joined' }>;

export type HandoffReason = 'requested' | 'intent' | 'misses';

export type Language = 'ka' | 'az' | 'en';

/** A failed Zari call. */
export declare class ZariError extends Error {
  constructor(status: number, message?: string);
  /** The negative zari_status, e.g. -4 for ZARI_EPACK. */
  readonly status: number;
  /** 'ZARI_EINVAL', 'ZARI_ENOMEM', 'ZARI_ENOTFOUND', 'ZARI_EPACK', 'ZARI_ESTATE', 'ZARI_EIO',
   *  'ZARI_ELIMIT', 'ZARI_EINTERNAL', 'ZARI_EBUSY' or 'ZARI_UNKNOWN'. */
  readonly code: string;
}

/** ZARI_EBUSY: another operator holds the conversation (operatorJoin), or none does
 *  (operatorMessage, operatorLeave). */
export declare class BusyError extends ZariError {
  constructor(message?: string);
  readonly status: -9;
  readonly code: 'ZARI_EBUSY';
}

export interface Candidate {
  intent: string;
  score: number;
  via: 'rule' | 'example' | 'dtmf';
  /** Relayed replies only: what the bot would say for this intent, in the customer's language
   *  (null for an intent that hands off), for the operator to send. */
  answer?: string | null;
}

export interface ClarifyOption {
  intent: string;
  label: string;
}

/** A follow-up question offered with an answer. */
export interface Suggestion {
  intent: string;
  title: string;
}

/** The reply JSON (docs/C_API.md, The reply JSON). */
export interface ReplyJSON {
  reply: string;
  action: ActionName;
  intent: string | null;
  confidence: number;
  language: Language;
  route: string | null;
  slots: Record<string, string>;
  options: ClarifyOption[];
  suggestions: Suggestion[];
  candidates: Candidate[];
  explanation: Record<string, unknown> | null;
  handoff_reason?: HandoffReason;
}

/** One reply of the bot, copied out of the C reply. */
export declare class Reply {
  private constructor();
  readonly reply: string;
  /** Same as `reply`. */
  readonly text: string;
  readonly action: ActionName;
  readonly intent: string | null;
  readonly language: Language;
  readonly route: string | null;
  readonly confidence: number;
  readonly options: ClarifyOption[];
  /** Follow-ups offered with an answer (the intent's `suggest:`); sending a title asks it. */
  readonly suggestions: Suggestion[];
  readonly candidates: Candidate[];
  readonly explanation: Record<string, unknown> | null;
  readonly slots: Record<string, string>;
  toJSON(): ReplyJSON;
}

export interface Turn {
  role: 'user' | 'bot' | 'operator';
  text: string;
  ts: number;
}

/** A conversation handed to an operator (passed to onHandoff). */
export declare class Handoff {
  private constructor();
  readonly session: string;
  readonly channel: string;
  readonly language: Language;
  readonly reason: HandoffReason;
  readonly intent: string | null;
  readonly transcript: Turn[];
  readonly ts: number | null;
  toJSON(): Record<string, unknown>;
}

export interface EngineOptions {
  /** SQLite file for unresolved questions and handoffs. */
  logDb?: string | null;
  /** Called inside business hours when a conversation goes to an operator. */
  onHandoff?: ((handoff: Handoff) => void) | null;
  /** Unix seconds now (tests fix it), or a fixed instant. */
  clock?: (() => number | bigint) | number | null;
  /** Bounds for hostile or mistaken input (zari.h zari_limit, docs/RELIABILITY.md). */
  limits?: Partial<Record<'packFileBytes' | 'packBytes' | 'packFiles' | 'yamlNodes' | 'intents' |
                          'textBytes' | 're2Memory' | 'messageCodePoints', number>>;
}

/** A loaded intent pack (zari_engine). */
export declare class Engine {
  constructor(packPath: string, options?: EngineOptions);
  classify(text: string | Uint8Array, language?: Language | null): Reply;
  session(sessionId?: string, channel?: string): Session;
  restore(state: string): Session;
  reload(packPath?: string | null): void;
  stats(): {
    pack: string;
    pack_version: string;
    intents: number;
    examples: number;
    rules: number;
    languages: Language[];
    log: { enabled: boolean; enqueued: number; written: number; dropped: number; failed_writes: number;
           last_error: string };
    [key: string]: unknown;
  };
  close(): void;
  readonly closed: boolean;
  readonly packName: string;
  readonly packVersion: string;
  /** The last (up to 100) errors thrown by this engine's callbacks. */
  readonly callbackErrors: unknown[];
  [Symbol.dispose](): void;
}

/** One conversation (zari_session). */
export declare class Session {
  private constructor();
  respond(text: string | Uint8Array): Reply;
  export(): string;
  setLanguage(language: Language | null): void;
  /** An operator takes the conversation over; throws BusyError when another holds it. */
  operatorJoin(operatorId: string, operatorName?: string | null): void;
  /** What the operator wrote to the customer; throws BusyError when no operator holds it. */
  operatorMessage(text: string | Uint8Array): void;
  /** Back to the bot; the takeover is logged. Throws BusyError when no operator holds it. */
  operatorLeave(resolved: boolean): void;
  /** True while an operator holds the conversation. */
  readonly operatorActive: boolean;
  readonly handoffState: HandoffStateName;
  /** Why it waits (kept while joined), or null. */
  readonly handoffReason: HandoffReason | null;
  /** Unix seconds the state began (the handoff, or the joining), or null with the bot. */
  readonly handoffSince: number | null;
  /** The operator holding the conversation, or null. */
  readonly operatorId: string | null;
  /** '' when joined without a name; null when no operator holds it. */
  readonly operatorName: string | null;
  close(): void;
  readonly closed: boolean;
  /** As given to engine.session(), or restored with the state. */
  readonly sessionId: string;
  readonly channel: string;
  [Symbol.dispose](): void;
}

/** Loads libzari (before the first engine) and returns the path loaded. */
export declare function loadLibrary(path?: string): string;
export declare function libraryPath(): string | null;
export declare function libraryVersion(): string;
export declare function libraryVersionNumber(): number;
export declare function statusString(status: number): string;
