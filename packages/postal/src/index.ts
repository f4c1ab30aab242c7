export * from './file-store';
export * from './tools';
export * from './scan-check';
export * from './image-cleanup';
export * from './ocr';
export * from './extract-fields';
export * from './scan-file-name';
