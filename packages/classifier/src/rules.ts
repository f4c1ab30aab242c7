/**
 * High-precision phrase rules. A rule is a phrase that, on its own, names the
 * department that must act, whatever else the text says. Phrases are written
 * in any form (with or without diacritics) and folded once when compiled;
 * they match whole tokens only ("mx" does not match inside "mxh").
 *
 * When phrases of exactly one department match, that department decides.
 * When phrases of several departments match (e.g. "hoá đơn" and "SSL"), the
 * rules abstain and the statistical model decides; the matches stay in the
 * evidence either way.
 *
 * Folding merges words: "báo giá" (quote) and "thông báo gia hạn" (renewal
 * notice) both contain "bao gia", "vật" folds to "vat". Such phrases only
 * appear here in longer, unambiguous forms.
 *
 * Product nouns ("VPS", "tên miền", "SSL") are deliberately NOT rules: a
 * price question about a VPS belongs to sales and a double charge for a
 * domain to billing. Rules name problems that only one department can fix.
 */
import { foldForMatching, DEFAULT_ABBREVIATIONS } from './normalize';
import { PhraseMatcher, type Phrase } from './phrase-matcher';

export type RuleSet = Readonly<Record<string, readonly string[]>>;

export const DEFAULT_RULES: RuleSet = Object.freeze({
  domain: [
    'nameserver',
    'name server',
    'whois',
    'auth code',
    'authcode',
    'epp code',
    'ma epp',
    'mã chuyển đổi tên miền',
    'ma xac thuc chuyen doi',
    'clienthold',
    'client hold',
    'serverhold',
    'server hold',
    'transfer lock',
    'registrar lock',
    'khoá chuyển đổi',
    'chủ thể tên miền',
    'bản khai đăng ký tên miền',
    'hồ sơ tên miền',
    'vnnic',
    'bản ghi cname',
    'cname record',
    'bản ghi a',
    'domain transfer',
    'transfer my domain',
    'trỏ tên miền',
    'tên miền bị thu hồi',
    'tên miền bị khoá',
    'domain is locked',
    'dns propagation',
    'chuyển nhà đăng ký',
  ],
  hosting: [
    'cpanel',
    'directadmin',
    'plesk',
    'phpmyadmin',
    'ssh',
    'inode',
    'entry process',
    'khôi phục backup',
    'restore backup',
    'bản sao lưu',
    'tài nguyên hosting',
    'dung lượng hosting',
    'hosting bị quá tải',
    'server quá tải',
    'reboot vps',
    'vps bị treo',
    'vps bị tắt',
    'vps không truy cập',
    'vps down',
    'vps is down',
    'vps khong ssh',
  ],
  email: [
    'mx',
    'bản ghi mx',
    'mx record',
    'spf',
    'dkim',
    'dmarc',
    'webmail',
    'smtp',
    'imap',
    'pop3',
    'thư rác',
    'vào spam',
    'into spam',
    'spam folder',
    'không gửi được email',
    'không nhận được thư',
    'cannot send email',
    'cannot receive email',
    'thư bị trả về',
    'bounced',
    'bounce back',
  ],
  billing: [
    'hoá đơn',
    'hóa đơn',
    'invoice',
    'hoàn tiền',
    'refund',
    'trừ tiền hai lần',
    'trừ tiền 2 lần',
    'charged twice',
    'money back',
    'double charged',
    'double charge',
    'thu hai lần',
    'thu 2 lần',
    'công nợ',
    'gtgt',
    'hoá đơn vat',
    'vat invoice',
    'thuế vat',
    'số dư tài khoản',
    'không ghi nhận thanh toán',
    'chưa ghi nhận thanh toán',
    'payment not recorded',
    'tiền thừa',
  ],
  technical: [
    'chứng chỉ ssl',
    'ssl certificate',
    'chứng chỉ bảo mật',
    'mixed content',
    'https',
    'not secure',
    'không an toàn',
    'website builder',
    'trình tạo website',
    'mã độc',
    'malware',
    'virus',
    'website bị hack',
    'web bị hack',
    'site bị hack',
    'website was hacked',
    'site was hacked',
    'hacked website',
    'trang quản lý dịch vụ',
    'customer portal',
    'client portal',
    'xác thực hai lớp',
    'xác thực 2 lớp',
    '2fa',
    'ssl handshake',
    'err cert',
  ],
  sales: [
    'xin báo giá',
    'gửi báo giá',
    'bảng báo giá',
    'báo giá chính thức',
    'quotation',
    'combo',
    'bundle',
    'khuyến mãi',
    'khuyen mai',
    'promotion',
    'promo code',
    'mã giảm giá',
    'coupon',
    'discount',
    'ưu đãi',
    'hợp đồng',
    'contract',
    'tư vấn viên',
    'nhân viên kinh doanh',
    'nhân viên bán hàng',
    'sales rep',
    'salesperson',
    'account manager',
    'chiết khấu',
    'gọi điện quảng cáo',
    'tặng kèm',
  ],
  customer_care: [
    'thái độ',
    'thai do',
    'rude',
    'impolite',
    'không ai nghe máy',
    'không nghe máy',
    'no one answered',
    'nobody answered',
    'chờ đợi',
    'chờ quá lâu',
    'đợi quá lâu',
    'waiting for hours',
    'waited for',
    'on hold for',
    'không được phản hồi',
    'chưa được phản hồi',
    'never replied',
    'không ai trả lời',
    'chưa ai trả lời',
    'cúp máy',
    'hung up',
    'unprofessional',
    'thiếu chuyên nghiệp',
    'hồi âm',
  ],
});

/** Rules compiled for matching: the phrases, folded and indexed by first token. */
export type CompiledRules = PhraseMatcher<string>;

export interface RuleMatch {
  department: string;
  /** The folded phrase that matched. */
  phrase: string;
}

export function compileRules(
  rules: RuleSet = DEFAULT_RULES,
  abbreviations: Readonly<Record<string, string>> = DEFAULT_ABBREVIATIONS,
  departments?: readonly string[],
): CompiledRules {
  const phrases: Phrase<string>[] = [];
  const seen = new Set<string>();
  for (const [department, list] of Object.entries(rules)) {
    if (departments !== undefined && !departments.includes(department)) continue;
    for (const raw of list) {
      const phrase = foldForMatching(raw, abbreviations);
      if (phrase === '') continue;
      const key = department + '\u0000' + phrase;
      if (seen.has(key)) continue;
      seen.add(key);
      phrases.push({ phrase, value: department });
    }
  }
  return new PhraseMatcher(phrases);
}

/** All rule phrases found in a folded text (a foldForMatching string, or its tokens). */
export function matchRules(folded: string | readonly string[], rules: CompiledRules): RuleMatch[] {
  const tokens = typeof folded === 'string' ? (folded === '' ? [] : folded.split(' ')) : folded;
  return rules.findAll(tokens).map((m) => ({ department: m.value, phrase: m.phrase }));
}

/** The single department named by the matches, or undefined when none or several. */
export function decideByRules(matches: readonly RuleMatch[]): string | undefined {
  let department: string | undefined;
  for (const match of matches) {
    if (department === undefined) department = match.department;
    else if (department !== match.department) return undefined;
  }
  return department;
}
