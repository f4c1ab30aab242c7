import { foldForMatching } from './normalize';
import { detectUrgency, priorityOf } from './urgency';

const urgency = (text: string) => detectUrgency(foldForMatching(text));

describe('urgency', () => {
  it('flags outages', () => {
    expect(urgency('Website không truy cập được từ sáng').flags).toEqual(['outage']);
    expect(urgency('our VPS is down').flags).toContain('outage');
    expect(urgency('website khong vao duoc').priority).toBe('high');
  });

  it('flags data loss, lost domains, security breaches and legal threats as urgent', () => {
    expect(urgency('Mất toàn bộ dữ liệu sau khi nâng cấp')).toEqual({ flags: ['data_loss'], priority: 'urgent' });
    expect(urgency('tên miền đã bị người khác đăng ký mất rồi').flags).toContain('lost_domain');
    expect(urgency('website bị hack, chèn mã độc').flags).toContain('security_breach');
    expect(urgency('Nếu không giải quyết chúng tôi sẽ khởi kiện').priority).toBe('urgent');
    expect(urgency('We will contact our lawyer').flags).toEqual(['legal_threat']);
  });

  it('makes an outage that costs money urgent', () => {
    const u = urgency('Website bán hàng bị gián đoạn, thiệt hại doanh thu');
    expect(u.flags).toEqual(['outage', 'financial_loss']);
    expect(u.priority).toBe('urgent');
  });

  it('flags repeated complaints and explicit urgency as high', () => {
    expect(urgency('Khiếu nại lần thứ hai về hoá đơn')).toEqual({ flags: ['repeat_complaint'], priority: 'high' });
    expect(urgency('cần xử lý khẩn cấp').flags).toEqual(['explicit_urgency']);
  });

  it('avoids folded look-alikes: "sắp hết hạn" is not "sập", "gặp lỗi" is not "gấp", "ý kiến" is not "kiện"', () => {
    expect(urgency('tên miền sắp hết hạn').flags).toEqual([]);
    expect(urgency('tôi gặp lỗi khi đăng nhập').flags).toEqual([]);
    expect(urgency('tôi có ý kiến về hoá đơn').flags).toEqual([]);
  });

  it('is normal without flags', () => {
    expect(urgency('Xin báo giá gói email')).toEqual({ flags: [], priority: 'normal' });
    expect(priorityOf([])).toBe('normal');
  });
});
