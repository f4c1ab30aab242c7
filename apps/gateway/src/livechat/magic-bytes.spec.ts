import { detectAttachmentType, safeFileName } from './magic-bytes';

describe('attachment type by content', () => {
  it('recognises the allowed formats by their first bytes', () => {
    expect(detectAttachmentType(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'))?.contentType).toBe('image/png');
    expect(detectAttachmentType(Buffer.from('ffd8ffe000104a464946', 'hex'))?.contentType).toBe('image/jpeg');
    expect(detectAttachmentType(Buffer.from('GIF89a\x01\x00', 'latin1'))?.contentType).toBe('image/gif');
    expect(detectAttachmentType(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]))?.contentType).toBe(
      'image/webp',
    );
    expect(detectAttachmentType(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'))?.contentType).toBe('application/pdf');
  });

  it('refuses anything else, whatever it is called', () => {
    expect(detectAttachmentType(Buffer.from('<html><script>alert(1)</script>'))).toBeNull();
    expect(detectAttachmentType(Buffer.from('MZ\x90\x00\x03', 'latin1'))).toBeNull(); // a Windows executable
    expect(detectAttachmentType(Buffer.from('PK\x03\x04', 'latin1'))).toBeNull(); // zip / docx
    expect(detectAttachmentType(Buffer.alloc(0))).toBeNull();
    expect(detectAttachmentType(Buffer.from('GIF87b'))).toBeNull();
  });

  it('refuses a PDF signature anywhere but at offset 0', () => {
    expect(detectAttachmentType(Buffer.from('<html><!-- %PDF-1.7 --><script>alert(1)</script>'))).toBeNull();
    expect(detectAttachmentType(Buffer.from(' %PDF-1.7\n'))).toBeNull();
  });

  it('names the file by the detected type: the extension comes from the content', () => {
    expect(safeFileName('invoice.exe', 'pdf')).toBe('invoice.exe.pdf');
    expect(safeFileName('photo.PNG', 'png')).toBe('photo.PNG');
    expect(safeFileName('photo.jpeg', 'jpg')).toBe('photo.jpeg');
    expect(safeFileName('server.log', 'txt')).toBe('server.log');
    expect(safeFileName('page.html', 'png')).toBe('page.html.png');
  });

  it('keeps only a plain file name', () => {
    expect(safeFileName('../../etc/passwd', 'pdf')).toBe('passwd.pdf');
    expect(safeFileName('C:\\Users\\an\\hoá đơn.pdf', 'pdf')).toBe('hoá đơn.pdf');
    expect(safeFileName('a"<b>.png', 'png')).toBe('ab.png');
    expect(safeFileName(undefined, 'png')).toBe('attachment.png');
    expect(safeFileName('x'.repeat(500), 'png')).toHaveLength(200);
    expect(safeFileName('x'.repeat(500), 'png').endsWith('.png')).toBe(true);
  });
});
