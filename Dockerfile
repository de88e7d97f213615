# Build stage: compile TypeScript to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts only fetch a Node binary and embedded Postgres for local development: not needed here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json spec.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# Runtime stage: production dependencies and the compiled CLI only.
FROM node:24-bookworm-slim
WORKDIR /airbyte/integration_code
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY spec.json README.md ./
# The same V8 flags and malloc setting as the CLI's shebang (src/bin/source.ts): the heap stays near the live set.
ENV MALLOC_ARENA_MAX=2
ENV MALLOC_MMAP_THRESHOLD_=65536
ENV AIRBYTE_ENTRYPOINT="node --max-old-space-size=192 --min-semi-space-size=4 --max-semi-space-size=4 --heap-growing-percent=60 --no-separate-gc-phases --no-wasm-tier-up /airbyte/integration_code/dist/bin/source.js"
ENTRYPOINT ["node", "--max-old-space-size=192", "--min-semi-space-size=4", "--max-semi-space-size=4", "--heap-growing-percent=60", "--no-separate-gc-phases", "--no-wasm-tier-up", "/airbyte/integration_code/dist/bin/source.js"]
LABEL io.airbyte.name=airbyte/source-tiktok-marketing-ts
LABEL io.airbyte.version=0.1.0
