/**
 * Urgency flags: independent of the department, they tell the queue what to
 * look at first. Phrases are folded like everything else and match whole tokens.
 */
import { DEFAULT_ABBREVIATIONS, foldForMatching } from './normalize';
import { PhraseMatcher, type Phrase } from './phrase-matcher';

export type UrgencyFlag =
  'outage' | 'data_loss' | 'lost_domain' | 'security_breach' | 'legal_threat' | 'financial_loss' | 'repeat_complaint' | 'explicit_urgency';

export type Priority = 'normal' | 'high' | 'urgent';

export interface Urgency {
  flags: UrgencyFlag[];
  priority: Priority;
}

export const URGENCY_PHRASES: Readonly<Record<UrgencyFlag, readonly string[]>> = Object.freeze({
  outage: [
    'không truy cập được',
    'không vào được',
    'không hoạt động',
    'ngừng hoạt động',
    'bị sập',
    'sập hoàn toàn',
    'die',
    'bị down',
    'down',
    'downtime',
    'gián đoạn',
    'mất kết nối',
    'không chạy',
    'trắng trang',
    'lỗi 500',
    'lỗi 502',
    'lỗi 503',
    'lỗi 504',
    'error 500',
    'error 502',
    'error 503',
    'error 504',
    'not working',
    'is down',
    'went down',
    'outage',
    'offline',
    'unreachable',
    'cannot access',
    'can not access',
    'cant access',
    'không load được',
    'không gửi nhận được',
    'tê liệt',
  ],
  data_loss: [
    'mất dữ liệu',
    'mất hết dữ liệu',
    'mất toàn bộ',
    'mất hết',
    'bị xoá dữ liệu',
    'xoá hết',
    'xoá sạch',
    'bị xoá',
    'data loss',
    'lost data',
    'lost all',
    'data was deleted',
    'deleted all',
    'wiped',
    'backup bị hỏng',
    'bản sao lưu bị hỏng',
    'không khôi phục được',
    'mất thư',
    'mất email',
    'mất ảnh',
    'cannot restore',
    'could not restore',
  ],
  lost_domain: [
    'mất tên miền',
    'bị mất tên miền',
    'tên miền bị người khác đăng ký',
    'người khác đăng ký mất',
    'đăng ký mất',
    'bị chiếm tên miền',
    'tên miền bị thu hồi',
    'tên miền bị xoá',
    'tên miền bị tạm ngừng',
    'tên miền bị khoá',
    'clienthold',
    'client hold',
    'serverhold',
    'server hold',
    'lost my domain',
    'lost our domain',
    'domain was taken',
    'domain was deleted',
    'domain suspended',
    'domain was suspended',
    'domain expired',
    'tên miền hết hạn',
    'tên miền bị hết hạn',
    'tên miền đã hết hạn',
  ],
  security_breach: [
    'bị hack',
    'hack',
    'hacked',
    'mã độc',
    'malware',
    'virus',
    'lừa đảo',
    'phishing',
    'truy cập trái phép',
    'người lạ truy cập',
    'bị chiếm quyền',
    'chiếm tài khoản',
    'lộ mật khẩu',
    'đánh cắp',
    'bị đánh cắp',
    'compromised',
    'unauthorized access',
    'stolen',
    'deface',
    'bị thay đổi trang chủ',
    'ddos',
    'tấn công',
  ],
  legal_threat: [
    'khởi kiện',
    'sẽ kiện',
    'đi kiện',
    'kiện ra toà',
    'toà án',
    'luật sư',
    'pháp luật',
    'công an',
    'báo công an',
    'cơ quan chức năng',
    'bộ thông tin',
    'bộ công thương',
    'cục cạnh tranh',
    'thanh tra',
    'báo chí',
    'bồi thường',
    'đền bù',
    'lawyer',
    'attorney',
    'sue',
    'lawsuit',
    'legal action',
    'court',
    'compensation',
    'authorities',
    'police',
  ],
  financial_loss: [
    'thiệt hại',
    'thiệt hại doanh thu',
    'mất doanh thu',
    'mất khách',
    'mất đơn hàng',
    'lose money',
    'losing money',
    'lost revenue',
    'losing customers',
    'lost sales',
    'ảnh hưởng kinh doanh',
    'ảnh hưởng nghiêm trọng',
  ],
  repeat_complaint: [
    'lần hai',
    'lần 2',
    'lần thứ hai',
    'lần thứ 2',
    'lần thứ ba',
    'lần thứ 3',
    'lần ba',
    'lần 3',
    'nhiều lần',
    'mấy lần',
    'bao nhiêu lần',
    'lại bị',
    'again',
    'second time',
    'third time',
    'many times',
    'several times',
    'khiếu nại lại',
  ],
  explicit_urgency: [
    'khẩn cấp',
    'khẩn trương',
    'cần gấp',
    'xử lý gấp',
    'ngay lập tức',
    'ngay bây giờ',
    'urgent',
    'urgently',
    'asap',
    'immediately',
    'emergency',
    'critical',
  ],
});

/** Flags that make a complaint urgent on their own. */
const URGENT_FLAGS: ReadonlySet<UrgencyFlag> = new Set<UrgencyFlag>(['data_loss', 'lost_domain', 'security_breach', 'legal_threat']);

export type CompiledUrgency = PhraseMatcher<UrgencyFlag>;

export function compileUrgency(
  phrases: Readonly<Record<UrgencyFlag, readonly string[]>> = URGENCY_PHRASES,
  abbreviations: Readonly<Record<string, string>> = DEFAULT_ABBREVIATIONS,
): CompiledUrgency {
  const list: Phrase<UrgencyFlag>[] = [];
  for (const flag of Object.keys(phrases) as UrgencyFlag[]) {
    for (const raw of phrases[flag]) {
      const phrase = foldForMatching(raw, abbreviations);
      if (phrase !== '') list.push({ phrase, value: flag });
    }
  }
  return new PhraseMatcher(list);
}

const FLAG_ORDER = Object.keys(URGENCY_PHRASES) as UrgencyFlag[];
const DEFAULT_COMPILED = compileUrgency();

/**
 * Priority: `urgent` for data loss, a lost domain, a security breach or a
 * legal threat, or an outage that costs money or is marked urgent; `high`
 * for any other flag; `normal` otherwise.
 */
export function priorityOf(flags: readonly UrgencyFlag[]): Priority {
  if (flags.some((f) => URGENT_FLAGS.has(f))) return 'urgent';
  if (flags.includes('outage') && (flags.includes('financial_loss') || flags.includes('explicit_urgency'))) {
    return 'urgent';
  }
  return flags.length > 0 ? 'high' : 'normal';
}

/** Urgency of a folded text (a foldForMatching string, or its tokens). */
export function detectUrgency(folded: string | readonly string[], compiled: CompiledUrgency = DEFAULT_COMPILED): Urgency {
  const tokens = typeof folded === 'string' ? (folded === '' ? [] : folded.split(' ')) : folded;
  const present = new Set(compiled.findAll(tokens).map((m) => m.value));
  const flags = FLAG_ORDER.filter((f) => present.has(f));
  for (const f of present) if (!flags.includes(f)) flags.push(f);
  return { flags, priority: priorityOf(flags) };
}
