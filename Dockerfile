# One image for the api and the worker; docker-compose.yml picks the command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY .swcrc tsconfig.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY web ./web
RUN npx swc apps libs -d dist --config-file .swcrc --quiet && node web/build.mjs

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY fixtures ./fixtures
USER node
EXPOSE 3000
# --expose-gc: the idle memory release collects through it (docs/decisions/0045).
CMD ["node", "--expose-gc", "dist/apps/api/src/main.js"]
