/**
 * Scanned postal letters made here, with their ground truth: Vietnamese text rendered by sharp
 * (librsvg + the system's fonts: DejaVu, Noto, Liberation from Debian) at a chosen resolution,
 * then degraded like a real scan (noise, blur, skew) and packed into PNG or PDF (pdf-lib). Used by
 * the postal tests and by bench/ocr; nothing here is tuned to any outside data.
 */
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';

export interface RenderOptions {
  /** Resolution of the "scan". */
  dpi: number;
  /** A font family fontconfig knows (e.g. 'DejaVu Serif', 'Noto Serif', 'Liberation Sans'). */
  font: string;
  /** Font size in points (default 12). */
  pointSize?: number;
  /** Page height in inches (default A4, 11.69); a short page makes a fast test. */
  heightInches?: number;
  /** Gaussian noise (standard deviation in grey levels, 0–255) plus this share of salt-and-pepper pixels ×1000. */
  noise?: number;
  /** Blur sigma in pixels at 300 dpi (scaled to the page's dpi). */
  blur?: number;
  /** Rotation of the page in degrees (positive = clockwise). */
  skewDegrees?: number;
  /** Seed of the noise (the same seed gives the same page). */
  seed?: number;
}

const A4_WIDTH_IN = 8.27;

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Renders lines of text onto a white page (greyscale PNG), degraded as asked. */
export async function renderPage(lines: readonly string[], opts: RenderOptions): Promise<Buffer> {
  const { dpi } = opts;
  const pt = opts.pointSize ?? 12;
  const px = (pt * dpi) / 72;
  const width = Math.round(A4_WIDTH_IN * dpi);
  const height = Math.round((opts.heightInches ?? 11.69) * dpi);
  const margin = Math.round(dpi * 0.9);
  const lineHeight = px * 1.55;
  const texts = lines
    .map((line, i) =>
      line
        ? `<text x="${margin}" y="${Math.round(margin + px + i * lineHeight)}" font-family="${escapeXml(opts.font)}" font-size="${px.toFixed(2)}" fill="#111">${escapeXml(line)}</text>`
        : '',
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${texts}</svg>`;
  let img = sharp(Buffer.from(svg), { density: 72 }).flatten({ background: '#ffffff' }).greyscale();
  if (opts.skewDegrees) img = img.rotate(opts.skewDegrees, { background: '#ffffff' });
  if (opts.blur) img = img.blur(Math.max(0.3, (opts.blur * dpi) / 300));
  let raw = await img.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  if (opts.noise) {
    const rand = prng(opts.seed ?? 1);
    const data = raw.data;
    const sigma = opts.noise;
    for (let i = 0; i < data.length; i++) {
      // Box–Muller, one value per pixel.
      const g = Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
      let v = data[i]! + g * sigma;
      const r = rand();
      if (r < 0.002) v = 0;
      else if (r > 0.998) v = 255;
      data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
    raw = { data, info: raw.info };
  }
  return sharp(raw.data, { raw: { width: raw.info.width, height: raw.info.height, channels: 1 } })
    .withMetadata({ density: dpi })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** A PDF with one scanned page image per page, each page sized so the image is at `dpi`. */
export async function pagesToPdf(pngs: readonly Buffer[], dpi: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (const png of pngs) {
    const image = await doc.embedPng(png);
    const w = (image.width * 72) / dpi;
    const h = (image.height * 72) / dpi;
    const page = doc.addPage([w, h]);
    page.drawImage(image, { x: 0, y: 0, width: w, height: h });
  }
  return Buffer.from(await doc.save());
}

/** A sample complaint letter: page texts (lines) and the fields a clerk would read from it. */
export interface SampleLetter {
  pages: string[][];
  fields: { senderName: string; phone: string; email: string; domain: string; customerId: string; letterDate: string; address: string };
}

const NAMES = [
  'Nguyễn Văn An',
  'Trần Thị Bích Ngọc',
  'Lê Hoàng Minh',
  'Phạm Thu Hương',
  'Đặng Quốc Việt',
  'Vũ Thị Thanh Hằng',
  'Hoàng Đức Thắng',
  'Bùi Ngọc Ánh',
];
const STREETS = [
  'số 12 ngõ 34 phố Huế, quận Hai Bà Trưng',
  'số 88 đường Láng, quận Đống Đa',
  '25 Nguyễn Trãi, quận Thanh Xuân',
  'số 7 phố Hàng Bạc, quận Hoàn Kiếm',
];
const DOMAINS = [
  'anvan.vn',
  'bichngoc.com.vn',
  'minhshop.vn',
  'huongspa.net',
  'quocviet.com',
  'hangflower.vn',
  'thangauto.com.vn',
  'anhbakery.vn',
];
const ISSUES: string[][] = [
  [
    'Tôi xin khiếu nại về việc tên miền của tôi bị tạm ngừng hoạt động',
    'dù tôi đã thanh toán phí gia hạn đầy đủ từ tuần trước.',
    'Trang web của cửa hàng không truy cập được, khách hàng',
    'không thể đặt hàng, gây thiệt hại lớn cho việc kinh doanh.',
  ],
  [
    'Dịch vụ hosting của tôi liên tục bị gián đoạn trong ba ngày qua,',
    'website báo lỗi kết nối cơ sở dữ liệu vào giờ cao điểm.',
    'Tôi đã gọi tổng đài nhiều lần nhưng chưa được hỗ trợ thỏa đáng.',
  ],
  [
    'Hóa đơn tháng này tính phí hai lần cho cùng một gói email doanh nghiệp.',
    'Tôi đề nghị quý công ty kiểm tra và hoàn lại khoản tiền thu thừa',
    'vào tài khoản ngân hàng đã dùng để thanh toán.',
  ],
  [
    'Chứng chỉ SSL của website hết hạn mà không có thông báo trước,',
    'trình duyệt hiển thị cảnh báo không an toàn cho khách truy cập.',
    'Tôi yêu cầu được gia hạn miễn phí và giải thích lý do sự cố.',
  ],
];

/** A deterministic sample letter (`n` picks the sender, the issue and the date); two pages when asked. */
export function sampleLetter(n: number, opts: { twoPages?: boolean } = {}): SampleLetter {
  const name = NAMES[n % NAMES.length]!;
  const domain = DOMAINS[n % DOMAINS.length]!;
  const day = 1 + (n % 27);
  const month = 1 + (n % 12);
  const phone = `09${String(12345678 + n * 1111111).slice(-8)}`.replace(/^(\d{4})(\d{3})(\d{3})$/, '$1 $2 $3');
  const email = `${name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .split(' ')
    .at(-1)!
    .toLowerCase()}.kh${n}@example.vn`;
  const customerId = `KH-${20_000 + n * 37}`;
  const address = `${STREETS[n % STREETS.length]}, Hà Nội`;
  const issue = ISSUES[n % ISSUES.length]!;
  const first = [
    'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'Độc lập - Tự do - Hạnh phúc',
    '',
    `Hà Nội, ngày ${day} tháng ${month} năm 2026`,
    '',
    'ĐƠN KHIẾU NẠI',
    'Kính gửi: Bộ phận Chăm sóc khách hàng',
    '',
    `Tôi tên là ${name}, mã khách hàng: ${customerId}.`,
    `Địa chỉ: ${address}`,
    `Số điện thoại: ${phone}, email: ${email}`,
    `Tên miền: ${domain}`,
    '',
    ...issue,
  ];
  const closing = ['Kính mong quý công ty sớm xem xét và trả lời bằng văn bản.', 'Xin chân thành cảm ơn.', '', 'Người viết đơn', name];
  const pages = opts.twoPages
    ? [
        first,
        [
          'Trang 2',
          '',
          'Tôi gửi kèm bản sao hóa đơn và ảnh chụp màn hình lỗi.',
          'Mong nhận được phản hồi trong thời hạn quy định.',
          '',
          ...closing,
        ],
      ]
    : [[...first, '', ...closing]];
  return {
    pages,
    fields: {
      senderName: name,
      phone,
      email,
      domain,
      customerId,
      letterDate: `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      address,
    },
  };
}
