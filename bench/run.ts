/**
 * `npm run bench`: the full benchmark against bare Fastify (bench/full.ts), or, given
 * `--against <git-ref>` (or WKS_BENCH_AGAINST), this build beside the build of another commit,
 * scenario by scenario (bench/against.ts). Each reads its own flags.
 */
const against = process.argv.some((arg) => arg === '--against' || arg.startsWith('--against=')) ||
  (process.env.WKS_BENCH_AGAINST ?? '') !== ''
await import(against ? './against.js' : './full.js')
