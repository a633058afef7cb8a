import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generatedRecord, projectIdOf } from '../../src/cli/generate/records.js'
import { BUNDLED_FIXTURES } from '../../src/config/config.js'
import { rngFromSeed } from '../../src/runtime/random.js'
import { loadFixtures } from '../../src/store/fixtures.js'
import { stagesPath } from '../../test/documented.js'

export interface Generated { records: number, projects: number, seed: number }

/**
 * The request paths bench/random-keys.lua draws from, one a line, written to `dir`: 20,000 random
 * records of the database `generate` made with these numbers (a record is rebuilt from its index
 * alone, so the database need not be read), and the bundled fixtures.
 */
export function writeKeyFiles (dir: string, { records, projects, seed }: Generated): { keysFile: string, fixtureKeysFile: string } {
  const keysFile = join(dir, 'keys.txt')
  const projectIds = Array.from({ length: projects }, (_, p) => projectIdOf(seed, p))
  const pick = rngFromSeed(99)
  const keys = Array.from({ length: 20_000 }, () => {
    const r = generatedRecord(seed, projectIds, Math.floor(pick() * records))
    return stagesPath(r.project_id, r.transaction_id)
  })
  writeFileSync(keysFile, keys.join('\n') + '\n')
  const fixtureKeysFile = join(dir, 'fixture-keys.txt')
  writeFileSync(fixtureKeysFile, loadFixtures(BUNDLED_FIXTURES).map((r) => stagesPath(r.project_id, r.transaction_id)).join('\n') + '\n')
  return { keysFile, fixtureKeysFile }
}
