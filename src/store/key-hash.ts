/**
 * The row id of a record in the start-state table: a 53-bit hash of (project_id, transaction_id),
 * so that a lookup among a million records is one seek in an integer B-tree (small inner pages
 * that stay cached) rather than a descent comparing text keys. Two keys may share a hash; the row
 * also carries both keys, and a record whose id was taken is stored under another (see base.ts).
 * Two 32-bit multiplicative hashes (murmur3's constants) over the UTF-16 code units of project_id,
 * a separator and transaction_id; the result is a safe integer, so it is bound exactly.
 */
export function keyHash (projectId: string, transactionId: string): number {
  let h1 = 0x9747b28c
  let h2 = 0x85ebca6b
  for (let i = 0; i <= projectId.length + transactionId.length; i++) {
    // The separator (0x10000) is never a code unit: "ab"+"c" and "a"+"bc" hash apart.
    const c = i < projectId.length ? projectId.charCodeAt(i) : i === projectId.length ? 0x10000 : transactionId.charCodeAt(i - projectId.length - 1)
    h1 = Math.imul(h1 ^ c, 0xcc9e2d51)
    h1 = (h1 << 15) | (h1 >>> 17)
    h2 = Math.imul(h2 ^ c, 0x1b873593)
    h2 = (h2 << 13) | (h2 >>> 19)
    h2 = (Math.imul(h2, 5) + 0xe6546b64) | 0
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b)
  h1 = Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35)
  h1 ^= h1 >>> 16
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b)
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35)
  h2 ^= h2 >>> 16
  return (h2 >>> 11) * 0x100000000 + (h1 >>> 0)
}
