import t from 'tap'
import { readFileSync } from 'node:fs'
import SwaggerParser from '@apidevtools/swagger-parser'
import { renderOpenApi } from '../../src/cli/write-openapi.js'
import { build } from '../helper.js'

const committedPath = new URL('../../openapi/openapi.json', import.meta.url)

t.test('the committed openapi/openapi.json is what the code generates (run `npm run openapi`)', async (t) => {
  t.equal(readFileSync(committedPath, 'utf8'), await renderOpenApi())
})

t.test('the document is valid OpenAPI 3', async (t) => {
  const doc = JSON.parse(readFileSync(committedPath, 'utf8'))
  await t.resolves(SwaggerParser.validate(doc))
  t.equal(doc.openapi, '3.0.3')
  const op = doc.paths['/v2/{project_id}/statistics/metrics/access-stages'].get
  t.same(Object.keys(op.responses).sort(), ['200', '400', '401', '429', '500'])
})

t.test('served at /_emulator/openapi.json', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: '/_emulator/openapi.json' })
  t.equal(res.statusCode, 200)
  // The committed file names the default address; the served one, where it was reached (inject's Host).
  t.same(res.json(), { ...JSON.parse(readFileSync(committedPath, 'utf8')), servers: [{ url: 'http://localhost:80' }] })
})
