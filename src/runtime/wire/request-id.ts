import { randomFillSync } from 'node:crypto'

// Random bytes are drawn a page at a time: one call into the CSPRNG per 256 ids, not one per request.
const ID_BYTES = 16
const pool = Buffer.alloc(ID_BYTES * 256)
let offset = pool.length

/** 32 lowercase hex characters, the form of the gateway's X-Request-Id. */
export function newRequestId (): string {
  if (offset === pool.length) {
    randomFillSync(pool)
    offset = 0
  }
  const id = pool.toString('hex', offset, offset + ID_BYTES)
  offset += ID_BYTES
  return id
}
