import t from 'tap'
import { outputMatches, readTranscripts } from './transcript.js'

t.test('transcripts: commands, continuation lines, expected output, exit codes, markers', async (t) => {
  const markdown = [
    '# Title',
    '```sh',
    '$ echo one \\',
    '  two',
    'one two',
    "$ curl -d '{",
    '  "a": 1}\' x',
    '$ cat > f.json <<\'EOF\'',
    '{"b": 2}',
    'EOF',
    '$ false',
    '[exit 1]',
    '```',
    '',
    '<!-- not run: needs Docker -->',
    '```sh',
    'docker compose up',
    '```',
    '<!-- run: emulator --seed 7 -->',
    '```console',
    '$ true',
    '```',
    '```json',
    '{"$ not": "a shell block"}',
    '```'
  ].join('\n')
  const blocks = readTranscripts(markdown)
  t.equal(blocks.length, 3)
  t.same(blocks[0].commands, [
    { line: 3, text: 'echo one \\\n  two', expected: ['one two'], exitCode: 0 },
    { line: 6, text: "curl -d '{\n  \"a\": 1}' x", expected: [], exitCode: 0 },
    { line: 8, text: "cat > f.json <<'EOF'\n{\"b\": 2}\nEOF", expected: [], exitCode: 0 },
    { line: 11, text: 'false', expected: [], exitCode: 1 }
  ])
  t.equal(blocks[1].notRun, 'needs Docker')
  t.same(blocks[1].commands, [], 'a block without "$ " lines has no commands (the runner fails it unless marked)')
  t.equal(blocks[2].emulator, '--seed 7')
})

t.test('output comparison: exact lines, … within a line and as whole lines', async (t) => {
  t.ok(outputMatches(['{"count":1}'], ['{"count":1}']))
  t.notOk(outputMatches(['{"count":1}'], ['{"count":2}']), 'a different value fails')
  t.notOk(outputMatches([], ['unexpected']), 'no expected lines: nothing may be printed')
  t.notOk(outputMatches(['a'], ['a', 'b']), 'extra lines fail')
  t.ok(outputMatches(['{"id":"…","n":1}'], ['{"id":"0f3a","n":1}']))
  t.notOk(outputMatches(['{"id":"…","n":1}'], ['{"id":"0f3a","n":2}']))
  t.ok(outputMatches(['first', '…', 'last'], ['first', 'x', 'y', 'last']))
  t.ok(outputMatches(['first', '…', 'last'], ['first', 'last']))
  t.ok(outputMatches(['a.b (c)'], ['a.b (c)  ']), 'regex characters are literal; trailing spaces ignored')
  t.notOk(outputMatches(['a.b'], ['axb']))
})
