import { MAX_FAULT_MS } from '../schemas/faults.js'

/**
 * Connection-level limits of the HTTP server. The values suit a local emulator under test load:
 * generous enough that no real client meets them, tight enough that a stuck or hostile client
 * cannot hold sockets or memory for long. Data limits live beside what they bound:
 * BODY_LIMITS (control/body-limits, every control route's body), MAX_UPSERT_RECORDS (schemas/control), MAX_FAULT_RULES
 * (faults/store), MAX_FAULT_MS (schemas/faults), --journal-size.
 */
export interface ServerLimits {
  /** Request line plus headers; more is a 431. Node's default, set explicitly so NODE_OPTIONS cannot change it. */
  maxHeaderBytes: number
  /** From the first byte of a request to the end of its headers. */
  headersTimeoutMs: number
  /** From the first byte of a request to the end of its body (8 MiB bodies arrive in well under a second locally). */
  requestTimeoutMs: number
  /** How long an idle keep-alive connection is kept between requests. */
  keepAliveTimeoutMs: number
  /**
   * A connection with no traffic in either direction is closed after this. It must outlast the
   * longest fault (a hang or delay of MAX_FAULT_MS sends nothing while it waits), or the server
   * would cut the fault short.
   */
  idleTimeoutMs: number
  /** How often headers/request timeouts are checked; their precision. */
  timeoutCheckMs: number
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxHeaderBytes: 16 * 1024,
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 60_000,
  // Above the idle timeouts of common client pools and load balancers (60 s), like Fastify's own default.
  keepAliveTimeoutMs: 72_000,
  idleTimeoutMs: MAX_FAULT_MS + 60_000,
  timeoutCheckMs: 2_000
})
