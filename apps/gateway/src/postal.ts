import type { GatewayConfig } from '@cg/config';
import { LocalFileStore, type FileStore, type ScanLimits } from '@cg/postal';
import { createOcrQueue, type OcrQueue, type RedisClient } from '@cg/queue';

/** What the gateway holds for the postal channel: the scan store, the OCR queue (producer) and the limits. */
export interface PostalChannel {
  store: FileStore;
  ocrQueue: OcrQueue;
  limits: ScanLimits;
  maxFilesPerUpload: number;
  /** The receipt slip's letterhead (LETTER_COMPANY_*, as for the written answers). */
  company: { name: string; address: string; hotline: string; email: string; city: string };
  close(): Promise<void>;
}

export function createPostalChannel(config: GatewayConfig, redis: RedisClient, env: NodeJS.ProcessEnv = process.env): PostalChannel {
  const ocrQueue = createOcrQueue({ connection: redis, prefix: config.QUEUE_PREFIX, failFast: true });
  return {
    store: new LocalFileStore(config.POSTAL_STORE_DIR),
    ocrQueue,
    limits: {
      maxBytes: config.POSTAL_MAX_FILE_BYTES,
      maxPages: config.POSTAL_MAX_PAGES,
      maxPageSidePoints: config.POSTAL_MAX_PAGE_SIDE_POINTS,
      maxImagePixels: config.POSTAL_MAX_IMAGE_PIXELS,
      inspectTimeoutMs: 10_000,
    },
    maxFilesPerUpload: config.POSTAL_MAX_FILES_PER_UPLOAD,
    company: {
      name: env.LETTER_COMPANY_NAME || 'Công ty Cổ phần Tenten',
      address: env.LETTER_COMPANY_ADDRESS || 'Hà Nội, Việt Nam',
      hotline: env.LETTER_COMPANY_HOTLINE || '024.7108.9999',
      email: env.LETTER_COMPANY_EMAIL || 'hotrokhachhang@tenten.vn',
      city: env.LETTER_CITY || 'Hà Nội',
    },
    close: () => ocrQueue.close(),
  };
}
