import { BIZ_TYPES, type AccessStagesBody, type UserAccessStage } from '../../schemas/access-stages.js'
import { between, pick, rngFromText, type Rng } from '../../runtime/random.js'

type StageName = NonNullable<UserAccessStage['stage']>

/** Typical duration range (ms) of each phase, so generated sessions look like real ones. */
const DURATION: Record<StageName, [number, number]> = {
  LOGIN: [300, 2500],
  MAIN_AUTH: [200, 1800],
  MFA_AUTH: [2000, 20000],
  CLICK_ICON: [50, 400],
  PRECONNECT: [400, 3000],
  CONNECT: [800, 9000]
}

// Illustrative failure codes in the service's WKS.<8 digits> pattern; the real per-stage codes are not published.
const FAILURES: Record<StageName, Array<[string, string]>> = {
  LOGIN: [['WKS.00170201', 'Incorrect username or password.'], ['WKS.00170207', 'The account is locked.']],
  MAIN_AUTH: [['WKS.00170201', 'Incorrect username or password.']],
  MFA_AUTH: [['WKS.00170305', 'The verification code is incorrect or has expired.']],
  CLICK_ICON: [['WKS.00180104', 'The application is not assigned to the user.']],
  PRECONNECT: [['WKS.00190102', 'No desktop is available for the user.'], ['WKS.00190110', 'The desktop is not running.']],
  CONNECT: [['WKS.00190301', 'Connection to the desktop timed out.'], ['WKS.00190305', 'The access gateway rejected the connection.']]
}

const OK = { error_code: 'WKS.00000000', error_msg: 'OK' }
const EPOCH_2026 = Date.UTC(2026, 0, 1)
const YEAR_MS = 365 * 24 * 3600 * 1000

/**
 * A realistic session: an auth phase (LOGIN, or MAIN_AUTH then MFA_AUTH), CLICK_ICON for apps,
 * then PRECONNECT and CONNECT; about one in eight fails at some phase and stops there.
 */
export function generateBody (rng: Rng): AccessStagesBody {
  const bizType = pick(rng, BIZ_TYPES)
  const auth: StageName[] = rng() < 0.25 ? ['MAIN_AUTH', 'MFA_AUTH'] : ['LOGIN']
  const app = bizType === 'APP' || bizType === 'SHARE_APP'
  const flow: StageName[] = [...auth, ...(app ? ['CLICK_ICON' as const] : []), 'PRECONNECT', 'CONNECT']
  const failAt = rng() < 0.125 ? between(rng, 0, flow.length - 1) : -1
  let time = EPOCH_2026 + Math.floor(rng() * YEAR_MS)
  const stages: UserAccessStage[] = []
  for (let i = 0; i < flow.length; i++) {
    const stage = flow[i]
    const duration = between(rng, ...DURATION[stage])
    const [code, msg] = i === failAt ? pick(rng, FAILURES[stage]) : [OK.error_code, OK.error_msg]
    stages.push({ stage, duration, is_success: i !== failAt, start_time: time, end_time: time + duration, error_code: code, error_msg: msg })
    if (i === failAt) break
    time += duration + between(rng, 5, 150)
  }
  return { username: `user${String(between(rng, 1, 999)).padStart(3, '0')}`, biz_type: bizType, stages }
}

/** The body `--unknown-transaction generate` serves: a pure function of the key, stable across restarts. */
export function generatedBodyFor (projectId: string, transactionId: string): AccessStagesBody {
  return generateBody(rngFromText(`${projectId}\u0000${transactionId}`))
}
