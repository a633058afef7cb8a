// The command-line entry as one file: dist/server.js, written over tsc's output of src/server.ts.
// Loading a few hundred small ES modules (TypeBox alone is hundreds) was most of the time from
// `node dist/server.js` to the first answer; one file parses in a fraction of it and leaves less
// module bookkeeping in memory. dist/index.js and the other modules stay as tsc wrote them, for
// the package's programmatic API.
import { build } from 'esbuild'

// The Docker HEALTHCHECK's script keeps its published path, dist/healthcheck.js, whatever folder its source sits in.
for (const [entry, outfile] of [['src/server.ts', 'dist/server.js'], ['src/cli/healthcheck.ts', 'dist/healthcheck.js']]) {
  await build({
    entryPoints: [entry],
    outfile,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    // better-sqlite3 loads a native addon; pino starts its transports (pino-pretty) from its own files;
    // selfsigned (with its X.509 and ASN.1 libraries) is loaded only by --tls self-signed, so a start
    // without it does not parse them.
    external: ['better-sqlite3', 'pino', 'pino-pretty', 'selfsigned'],
    // Bundled CommonJS modules use require, __filename and __dirname; an ES module has none of its own.
    banner: {
      js: [
        "import { createRequire as wksCreateRequire } from 'node:module';",
        "import { fileURLToPath as wksFileURLToPath } from 'node:url';",
        "import { dirname as wksDirname } from 'node:path';",
        'const require = wksCreateRequire(import.meta.url);',
        'const __filename = wksFileURLToPath(import.meta.url);',
        'const __dirname = wksDirname(__filename);'
      ].join(' ')
    },
    logLevel: 'warning'
  })
}
