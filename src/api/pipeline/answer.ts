import { errors } from '../../errors.js'
import type { FindBody } from '../lookup/find-body.js'
import type { Forward, Forwarded } from '../upstream/forward.js'
import type { Decisions } from './call.js'

/**
 * The answer to a call every decision let through: the stored (or, per `--unknown-transaction`,
 * empty or generated) body as JSON text; else, with `--unknown-transaction proxy`, the upstream's
 * answer, whose outcome (proxied, recorded) is taken as the call's `forwarded` decision; else the
 * catalogue's 400 WKS.0001 "Transaction … not found" (thrown).
 */
export type Answer = (projectId: string, transactionId: string, decisions: Decisions) => string | Promise<Forwarded>

export function createAnswer (findBody: FindBody, forward: Forward | undefined): Answer {
  const forwarded = async (projectId: string, transactionId: string, decisions: Decisions): Promise<Forwarded> => {
    const answer = await forward!(projectId, transactionId)
    decisions.forwarded = answer.outcome
    return answer
  }
  return (projectId, transactionId, decisions) => {
    const body = findBody(projectId, transactionId)
    if (body !== undefined) return body
    if (forward !== undefined) return forwarded(projectId, transactionId, decisions)
    throw errors.transactionNotFound(projectId, transactionId)
  }
}
