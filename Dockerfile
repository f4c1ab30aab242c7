# One image for every process of the gateway; docker-compose.yml picks the command.
# Build: docker build -t complaint-gateway .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY packages ./packages
COPY apps ./apps
COPY bench ./bench
# npm run build: tsc -b, then apps/console (Vite) into apps/console/dist, which the gateway serves.
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# OCR and PDF tools for scanned postal letters (Vietnamese language data included).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie tesseract-ocr-script-viet poppler-utils curl \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
# The postal scan store (a volume in docker-compose.yml), writable by the app's user.
RUN mkdir -p /var/lib/complaint-gateway/scans && chown node:node /var/lib/complaint-gateway/scans
USER node
EXPOSE 3000
CMD ["node", "apps/gateway/dist/main.js"]
