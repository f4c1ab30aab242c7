export * from './case-webhook-events';
export * from './webhook-signature';
export * from './webhook-target';
