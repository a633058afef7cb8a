import { Readable } from 'node:stream'
import { MAX_FAULT_MS } from '../../schemas/faults.js'

/**
 * How long a dribble may spread its body once `elapsedMs` have passed since the request arrived
 * (its wait: delay, jitter, latency): `overMs`, cut so that the whole fault ends within
 * MAX_FAULT_MS, the most any fault keeps a connection.
 */
export const dribbleSpan = (overMs: number, elapsedMs: number): number => Math.max(0, Math.min(overMs, MAX_FAULT_MS - elapsedMs))

/** `body` cut into `chunks` slices of near-equal size (fewer when it has fewer bytes). */
export function sliceBody (body: Buffer, chunks: number): Buffer[] {
  const n = Math.max(1, Math.min(chunks, body.length))
  const slices: Buffer[] = []
  for (let i = 0; i < n; i++) slices.push(body.subarray(Math.floor(i * body.length / n), Math.floor((i + 1) * body.length / n)))
  return slices
}

/**
 * A body sent the way a slow or congested link delivers it: `chunks` slices, the first at once and
 * the last `overMs` later, evenly spaced. Destroying the stream (the client went away) stops the timers.
 */
export function dribbleStream (body: string | Buffer, chunks: number, overMs: number): Readable {
  const slices = sliceBody(Buffer.isBuffer(body) ? body : Buffer.from(body), chunks)
  const gap = slices.length > 1 ? overMs / (slices.length - 1) : 0
  const timers: NodeJS.Timeout[] = []
  let next = 0
  const stream = new Readable({
    read () {},
    destroy (err, callback) {
      for (const t of timers) clearTimeout(t)
      callback(err)
    }
  })
  const push = (): void => {
    stream.push(slices[next++])
    if (next === slices.length) stream.push(null)
  }
  push()
  for (let i = 1; i < slices.length; i++) timers.push(setTimeout(push, Math.round(i * gap)))
  return stream
}
