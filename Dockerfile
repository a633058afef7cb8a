# Both stages use the same base: better-sqlite3 is a native addon built against this glibc and Node ABI.
FROM node:20-bookworm-slim AS build
# The toolchain compiles better-sqlite3 when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle-cli.mjs scripts/build-ui.mjs ./scripts/
COPY ui ./ui
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# /data belongs to node so that a named volume mounted there starts out writable for the server.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/* \
  && mkdir /data && chown node:node /data
WORKDIR /app
ENV NODE_ENV=production \
    WKS_EMULATOR_HOST=0.0.0.0 \
    WKS_EMULATOR_PORT=8080
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY fixtures ./fixtures
USER node
EXPOSE 8080
# A script, not inline code: it follows WKS_EMULATOR_PORT and sends WKS_EMULATOR_ADMIN_TOKEN when set.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 CMD ["node", "dist/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/server.js"]
