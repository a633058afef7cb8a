import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/index.js'

export const PROJECT = '0123456789abcdef0123456789abcdef'
export const UPSTREAM_ONLY = 'only-upstream-has-me'
export const AK = 'UPSTREAMAK00000000001'
export const SK = 'upstream-secret-key-do-not-log'
export const UPSTREAM_RECORD = {
  project_id: PROJECT,
  transaction_id: UPSTREAM_ONLY,
  username: 'cloud-user',
  biz_type: 'DESKTOP' as const,
  stages: [{ stage: 'LOGIN' as const, duration: 812, is_success: true, start_time: 1767225600000, end_time: 1767225600812, error_code: 'WKS.00000000', error_msg: 'OK' }]
}
export const UPSTREAM_BODY = '{"username":"cloud-user","biz_type":"DESKTOP","stages":[{"stage":"LOGIN","duration":812,"is_success":true,' +
  '"start_time":1767225600000,"end_time":1767225600812,"error_code":"WKS.00000000","error_msg":"OK"}]}'

export function tempDir (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'wks-upstream-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A credentials file (the --credentials format) holding one AK/SK pair. */
export function credentialsFile (dir: string, name: string, sk = SK): string {
  const file = join(dir, name)
  writeFileSync(file, JSON.stringify({ aksk: [{ ak: AK, sk }] }))
  return file
}

/** The stand-in for the cloud: strict AK/SK, no fixtures, one record only it has. */
export async function startCloud (t: Test, dir: string): Promise<RunningEmulator> {
  const cloud = await startEmulator({ auth: 'strict', credentials: credentialsFile(dir, 'cloud-credentials.json'), fixtures: false })
  t.teardown(() => cloud.close())
  await cloud.seed(UPSTREAM_RECORD)
  return cloud
}

/** The emulator under test, forwarding what it does not hold to `upstream`. */
export async function startFront (t: Test, upstream: string, options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const front = await startEmulator({ unknownTransaction: 'proxy', upstream, fixtures: false, ...options })
  t.teardown(() => front.close())
  return front
}

export const lookup = (base: string, projectId: string, transactionId: string): Promise<Response> =>
  fetch(`${base}/v2/${projectId}/statistics/metrics/access-stages?transaction_id=${encodeURIComponent(transactionId)}`, { headers: { 'x-auth-token': 'any' } })
