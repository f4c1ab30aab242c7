import type { ScanKind } from './scan-check';

const EXTENSIONS: Record<ScanKind, string> = { pdf: 'pdf', jpeg: 'jpg', png: 'png', tiff: 'tif' };

/**
 * The name a scan is downloaded under: the clerk's file name without path or control
 * characters, ending with the extension of the kind detected from its bytes (the client's own
 * extension is replaced), so a download never opens as another type than it was checked as.
 */
export function scanFileName(uploaded: string, kind: ScanKind): string {
  const ext = EXTENSIONS[kind];
  const base = (uploaded.split(/[\\/]/).pop() ?? '')
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point of this pattern
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '')
    .trim();
  const stem = base.replace(/\.[A-Za-z0-9]{1,5}$/, ''); // the client's extension, if it has one
  return `${(stem || 'scan').slice(0, 195)}.${ext}`;
}
