import { createHash } from 'node:crypto'

/** A seeded PRNG (sfc32): the same seed always gives the same sequence of floats in [0, 1). */
export type Rng = () => number

export function sfc32 (a: number, b: number, c: number, d: number): Rng {
  return () => {
    a |= 0; b |= 0; c |= 0; d |= 0
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
}

/** A PRNG seeded from an integer; the first outputs are discarded to mix a small seed. */
export function rngFromSeed (seed: number): Rng {
  const rng = sfc32(0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0)
  for (let i = 0; i < 15; i++) rng()
  return rng
}

/** A PRNG seeded from text, stable across processes and versions of Node. */
export function rngFromText (text: string): Rng {
  const h = createHash('sha256').update(text).digest()
  return sfc32(h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12))
}

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]
export const between = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1))
