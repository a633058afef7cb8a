import { randomUUID } from 'node:crypto'

/** 32 lowercase hex characters, the form of the gateway's X-Request-Id. */
export function newRequestId (): string {
  return randomUUID().replace(/-/g, '')
}
