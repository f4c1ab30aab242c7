import { scanFileName } from './scan-file-name';

describe('scanFileName: the download name of a scan', () => {
  it('ends with the extension of the kind detected from the content, never the one the clerk’s file had', () => {
    expect(scanFileName('thu-khieu-nai.html', 'pdf')).toBe('thu-khieu-nai.pdf');
    expect(scanFileName('scan.exe', 'tiff')).toBe('scan.tif');
    expect(scanFileName('trang 1.JPEG', 'jpeg')).toBe('trang 1.jpg');
    expect(scanFileName('trang 2.png', 'png')).toBe('trang 2.png');
    expect(scanFileName('thư không tên', 'pdf')).toBe('thư không tên.pdf');
  });

  it('keeps no path and no control characters', () => {
    expect(scanFileName('../../etc/passwd', 'pdf')).toBe('passwd.pdf');
    expect(scanFileName('a\u0000b\r\n.pdf', 'pdf')).toBe('ab.pdf');
    expect(scanFileName('', 'png')).toBe('scan.png');
  });
});
