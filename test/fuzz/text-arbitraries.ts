import fc from 'fast-check'

/** Pieces that have broken URL and header handling elsewhere: bad escapes, NUL, dot segments, prototype names. */
export const NASTY = [
  '%', '%z', '%zz', '%0', '%00', '%ff', '%c0%af', '%e2%82', '%ED%A0%80', '%2e%2e', '%2F', '%252F', '..', '.', '\u0000',
  '\uFFFF', '\uD800', '\u202E', '𝕏', 'é', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
  ' ', '\t', '+', '&', '=', ';', '#', '?', '/', '\\', '"', "'", '<script>', '$' + '{x}', '*', '~', '\r', '\n', '\r\n'
]

export const nasty = fc.constantFrom(...NASTY)

/** Text of every kind: printable, unicode graphemes, any code unit (lone surrogates too), and nasty pieces joined. */
export const anyText = (maxLength = 40): fc.Arbitrary<string> => fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength }) },
  { weight: 3, arbitrary: fc.array(fc.oneof(nasty, fc.string({ maxLength: 4 })), { maxLength: 8 }).map((parts) => parts.join('')) }
)

/** Huge values, to cross every length limit (parameter, header, URL). */
export const hugeText = fc.integer({ min: 129, max: 40_000 }).chain((n) => fc.constantFrom('x', 'é', '%', '%41', 'ab').map((unit) => unit.repeat(Math.ceil(n / unit.length))))

/** How a component is put into a URL: properly encoded, raw as generated, or half of each. */
export const encoded = (text: string): fc.Arbitrary<string> => fc.oneof(
  { weight: 6, arbitrary: fc.constant(encodeURIComponent(safeEncodable(text))) },
  { weight: 1, arbitrary: fc.constant(text) },
  { weight: 2, arbitrary: fc.constant(encodeURIComponent(safeEncodable(text)).replace(/%2[0-9A-F]/g, (m) => decodeURIComponent(m))) }
)

/** encodeURIComponent throws on lone surrogates; replace them so the encoded variant exists. */
function safeEncodable (text: string): string {
  return text.replace(/[\uD800-\uDFFF]/g, (c, i: number) => {
    const code = c.charCodeAt(0)
    const next = text.charCodeAt(i + 1)
    const prev = text.charCodeAt(i - 1)
    const paired = code < 0xDC00 ? next >= 0xDC00 && next <= 0xDFFF : prev >= 0xD800 && prev < 0xDC00
    return paired ? c : '\uFFFD'
  })
}
