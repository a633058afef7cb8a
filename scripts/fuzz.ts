/**
 * Runs the fuzzing campaigns of test/fuzz for longer than `npm test` does.
 *
 *   npm run fuzz -- --runs 100000 [--seed 42] [--only control]
 *
 * A failure prints fast-check's report (seed, path and the shrunk counterexample) and exits 1;
 * `--seed` with the printed seed replays the same inputs.
 */
import { parseArgs } from 'node:util'
import { CAMPAIGNS, runsOf } from '../test/fuzz/plan.js'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    only: { type: 'string' }
  }
})
const total = Number(args.runs)
const seed = args.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(args.seed)
const campaigns = CAMPAIGNS.filter((c) => args.only === undefined || c.name.includes(args.only))
process.stdout.write(`fuzz: ${total} runs, seed ${seed}\n`)

let failed = false
for (const campaign of campaigns) {
  const runs = runsOf(campaign, total)
  const began = performance.now()
  try {
    const { outcomes } = await campaign.run(runs, seed)
    const answers = [...outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ')
    process.stdout.write(`ok   ${campaign.name}: ${runs} runs in ${((performance.now() - began) / 1000).toFixed(1)} s\n     ${answers}\n`)
  } catch (err) {
    failed = true
    const e = err as Error & { cause?: unknown }
    process.stdout.write(`FAIL ${campaign.name} (seed ${seed})\n${e.message}\n${e.cause === undefined ? '' : String(e.cause)}\n`)
  }
}
process.exit(failed ? 1 : 0)
