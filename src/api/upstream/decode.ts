import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib'

type Decoder = (body: Buffer, options: ZlibOptions, done: (err: Error | null, out: Buffer) => void) => void

/** HTTP's `deflate` is zlib-wrapped by the RFC, raw in some servers: try the one, then the other. */
const deflate: Decoder = (body, options, done) => inflate(body, options, (err, out) => err === null ? done(null, out) : inflateRaw(body, options, done))

const DECODERS: Record<string, Decoder> = {
  gzip: gunzip,
  'x-gzip': gunzip,
  deflate,
  br: brotliDecompress
}

/** Why a body could not be decoded: a coding the emulator does not know, a broken stream, or too large once decoded. */
export interface DecodeFailure { reason: 'bad_answer' | 'too_large', detail: string }

/**
 * The body behind a `Content-Encoding` (the emulator asks for `identity`; an upstream may send
 * gzip anyway). Codings apply in the order listed, so they come off in reverse. The decoded size is
 * bounded by `maxBytes` while decoding, so a small bomb cannot grow past it.
 */
export async function decodeBody (body: Buffer, encoding: string | undefined, maxBytes: number): Promise<Buffer | DecodeFailure> {
  const codings = (encoding ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity').reverse()
  let out = body
  for (const coding of codings) {
    const decode = DECODERS[coding]
    if (decode === undefined) return { reason: 'bad_answer', detail: `Content-Encoding ${JSON.stringify(coding.slice(0, 40))}, not one it can decode` }
    try {
      out = await new Promise<Buffer>((resolve, reject) => decode(out, { maxOutputLength: maxBytes }, (err, decoded) => err === null ? resolve(decoded) : reject(err)))
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
        ? { reason: 'too_large', detail: `answer larger than ${maxBytes} bytes once decoded` }
        : { reason: 'bad_answer', detail: `a ${coding} body that does not decode` }
    }
  }
  return out
}
