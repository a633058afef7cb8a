import type { ControlOperation } from './route-paths.js'

/**
 * Every control-plane body, declared or streamed: 8 MiB. A state document of that size is about
 * 37,000 records, which `PUT /_emulator/state` parses and writes in about 1.2 s of blocked event loop
 * (measured on 2 shared cores); a larger document would hold every other request longer, so larger
 * snapshots go through `wks-emulator import` or `--fixtures` instead, where nothing else waits.
 */
export const CONTROL_BODY_LIMIT = 8 * 1024 * 1024

/**
 * The one table of body limits: what each control operation accepts, in bytes. controlRoute()
 * gives each route its own; docs/reference/limits.md states them; more is 413 `APIGW.0201`.
 * Routes that take no body still read at most this much before they refuse it.
 */
export const BODY_LIMITS: Readonly<Record<ControlOperation, number>> = Object.freeze({
  Health: CONTROL_BODY_LIMIT,
  UpsertTransactions: CONTROL_BODY_LIMIT,
  ListTransactions: CONTROL_BODY_LIMIT,
  ListProjects: CONTROL_BODY_LIMIT,
  GetTransaction: CONTROL_BODY_LIMIT,
  DeleteTransaction: CONTROL_BODY_LIMIT,
  DeleteProjectTransactions: CONTROL_BODY_LIMIT,
  AddFault: CONTROL_BODY_LIMIT,
  ListFaults: CONTROL_BODY_LIMIT,
  DeleteFaults: CONTROL_BODY_LIMIT,
  DeleteFault: CONTROL_BODY_LIMIT,
  ListRequests: CONTROL_BODY_LIMIT,
  CountRequests: CONTROL_BODY_LIMIT,
  ClearRequests: CONTROL_BODY_LIMIT,
  StreamRequests: CONTROL_BODY_LIMIT,
  PutRateLimits: CONTROL_BODY_LIMIT,
  GetRateLimits: CONTROL_BODY_LIMIT,
  DeleteRateLimits: CONTROL_BODY_LIMIT,
  SetClock: CONTROL_BODY_LIMIT,
  GetClock: CONTROL_BODY_LIMIT,
  ResetClock: CONTROL_BODY_LIMIT,
  Metrics: CONTROL_BODY_LIMIT,
  ListDrift: CONTROL_BODY_LIMIT,
  ClearDrift: CONTROL_BODY_LIMIT,
  ExportState: CONTROL_BODY_LIMIT,
  // Was 512 MiB, which let one 126 MB document block every request for 5–10 s (issue 21).
  ImportState: CONTROL_BODY_LIMIT,
  Reset: CONTROL_BODY_LIMIT
})
