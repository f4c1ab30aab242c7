// Jest setupFiles for integration tests: quiet logs and a fixed token secret.
// REDIS_URL / MONGODB_URI default (in @cg/config) to the services scripts/services.sh starts.
process.env.LOG_LEVEL ??= 'silent';
process.env.NODE_ENV ??= 'test';
process.env.AUTH_TOKEN_SECRET ??= 'test-secret-test-secret-test-secret-0123456789';
// Demo mode: secrets without a value (MAIL_MESSAGE_ID_SECRET) are random ones kept in .data.
process.env.CG_DEMO ??= '1';
