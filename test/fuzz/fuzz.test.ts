import t from 'tap'
import { CAMPAIGNS, runsOf } from './plan.js'

// Seeded and bounded, so every `npm test` replays the same 4,000 requests; `npm run fuzz` goes further.
const TOTAL_RUNS = 4000
const SEED = 20260101
// The API campaigns send each request twice (with and without the fast path): past tap's default file timeout on a busy machine.
t.setTimeout(300_000)

for (const campaign of CAMPAIGNS) {
  t.test(`fuzz: ${campaign.name}`, async (t) => {
    const runs = runsOf(campaign, TOTAL_RUNS)
    const { outcomes } = await campaign.run(runs, SEED)
    t.pass(`${runs} runs, answers: ${[...outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ')}`)
  })
}
