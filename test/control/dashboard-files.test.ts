import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import t from 'tap'
import { assertError, build } from '../helper.js'

/** A stand-in for dist/ui/: the route serves whatever the build wrote there. */
function builtUi (): string {
  const dir = mkdtempSync(join(tmpdir(), 'wks-ui-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ui</title>')
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)')
  return dir
}

t.test('the dashboard page and its assets, gzipped when asked, revalidated by ETag', async (t) => {
  const app = await build(t, {}, { dashboardDir: builtUi() })
  const page = await app.inject({ url: '/_emulator/ui' })
  t.equal(page.statusCode, 200)
  t.equal(page.body, '<!doctype html><title>ui</title>')
  t.equal(page.headers['content-type'], 'text/html; charset=utf-8')
  t.match(page.headers['content-security-policy'], /default-src 'none'; script-src 'self'/)
  const deep = await app.inject({ url: '/_emulator/ui/transactions/p1/t-1' })
  t.equal(deep.body, page.body, 'a deep link is the same page; the script reads the path')
  const js = await app.inject({ url: '/_emulator/ui/assets/app.js', headers: { 'accept-encoding': 'gzip, br' } })
  t.equal(js.headers['content-type'], 'text/javascript; charset=utf-8')
  t.equal(js.headers['content-encoding'], 'gzip')
  t.equal(gunzipSync(js.rawPayload).toString(), 'console.log(1)')
  const again = await app.inject({ url: '/_emulator/ui/assets/app.js', headers: { 'accept-encoding': 'gzip', 'if-none-match': String(js.headers.etag) } })
  t.equal(again.statusCode, 304)
  const plain = await app.inject({ url: '/_emulator/ui/assets/app.js', headers: { 'accept-encoding': 'gzip;q=0, identity' } })
  t.equal(plain.headers['content-encoding'], undefined, 'gzip;q=0 refuses gzip')
  t.equal(plain.body, 'console.log(1)')
  t.not(plain.headers.etag, js.headers.etag, 'the gzip form and the plain form have different strong ETags')
  t.equal((await app.inject({ url: '/_emulator/ui/assets/app.js', headers: { 'if-none-match': String(js.headers.etag) } })).statusCode, 200, 'the gzip ETag does not validate the plain form')
  for (const inm of [`"x", ${String(plain.headers.etag)}`, `W/${String(plain.headers.etag)}`, '*']) {
    t.equal((await app.inject({ url: '/_emulator/ui/assets/app.js', headers: { 'if-none-match': inm } })).statusCode, 304, inm)
  }
  assertError(t, await app.inject({ url: '/_emulator/ui/assets/nope.js' }), 404, 'WKS.0202', 'The resource not found: /_emulator/ui/assets/nope.js.')
})

t.test('the tabs and deep links are the page; any other path is a 404, not the page', async (t) => {
  const app = await build(t, {}, { dashboardDir: builtUi() })
  for (const url of ['/_emulator/ui/', '/_emulator/ui/transactions', '/_emulator/ui/faults/', '/_emulator/ui/transactions/p1/t.1', '/_emulator/ui/transactions/p1/a/b']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, url)
    t.equal(res.body, '<!doctype html><title>ui</title>', url)
  }
  for (const path of ['x.js', 'app.js', 'favicon.ico', 'transactions/p1', 'faultz', 'index.html/x']) {
    assertError(t, await app.inject({ url: `/_emulator/ui/${path}` }), 404, 'WKS.0202', `The resource not found: /_emulator/ui/${path}.`)
  }
})

t.test('with --admin-token: the page and assets are served (they hold no data), every data route still needs the token', async (t) => {
  const app = await build(t, { adminToken: 'ui-secret' }, { dashboardDir: builtUi() })
  t.equal((await app.inject({ url: '/_emulator/ui' })).statusCode, 200)
  t.equal((await app.inject({ url: '/_emulator/ui/assets/app.js' })).statusCode, 200)
  for (const url of ['/_emulator/health', '/_emulator/requests/stream', '/_emulator/projects', '/_emulator/transactions']) {
    assertError(t, await app.inject({ url }), 401, 'APIGW.0301', 'Incorrect IAM authentication information: emulator admin token missing or wrong')
  }
})

t.test('without a build, a clear 404 says how to make one', async (t) => {
  const app = await build(t, {}, { dashboardDir: join(tmpdir(), 'wks-no-ui-here') })
  assertError(t, await app.inject({ url: '/_emulator/ui' }), 404, 'WKS.0202', 'The resource not found: dashboard files (run npm run build).')
})
