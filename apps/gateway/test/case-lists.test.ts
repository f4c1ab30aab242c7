import { randomUUID } from 'node:crypto';
import { caseListKeys } from '@cg/core';
import { waitFor, startTestStack, type TestStack } from '@cg/testing';

/*
 * The case lists at scale (issue 13): keyset pages, list keys kept by the lifecycle, folded
 * search through the inverted index. Real gateway, workers, Redis and FerretDB.
 */
describe('case lists: cursor pages, list keys, folded search', () => {
  let stack: TestStack;
  let operator: string;
  let agent: string;

  beforeAll(async () => {
    stack = await startTestStack();
    operator = await stack.tokenFor('hotline_operator');
    agent = await stack.tokenFor('cs_agent');
  });
  afterAll(() => stack.close());

  /** A hotline call whose case lands in the domain queue; resolves once it is listed. */
  const newCase = async (name: string, notes = 'Tên miền của tôi đã hết hạn dù đã thanh toán gia hạn tuần trước.') => {
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: { caller: { name, phone: '0912345678' }, notes, callId: `call-${randomUUID()}` },
    });
    expect(res.status).toBe(202);
    const caseNumber = res.body.caseNumber as string;
    await waitFor(`case ${caseNumber} to be stored`, async () => (await stack.db.cases.findByCaseNumber(caseNumber)) ?? undefined);
    return caseNumber;
  };

  type Page = { items: Array<{ caseNumber: string }>; nextCursor: string | null; total?: number };
  const listPage = async (query: string): Promise<Page> => {
    const res = await stack.api(`/api/v1/cases?${query}`, { token: agent });
    expect(res.status).toBe(200);
    return res.body as Page;
  };

  /** Walks every page with the cursor, calling `between` after each page (cases arriving meanwhile). */
  const walk = async (query: string, between: () => Promise<unknown> = () => Promise.resolve()) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await listPage(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.total).toBeUndefined(); // no count unless asked
      seen.push(...page.items.map((i) => i.caseNumber));
      cursor = page.nextCursor;
      await between();
    } while (cursor);
    return seen;
  };

  it('cursor pages list every case exactly once while new cases arrive, in both sorts', async () => {
    const before: string[] = [];
    for (let i = 0; i < 7; i++) before.push(await newCase(`Khách Hàng Số ${i}`));
    const arrived: string[] = [];
    for (const sort of ['received', 'deadline']) {
      const seen = await walk(`channel=hotline&sort=${sort}&pageSize=3`, async () => arrived.push(await newCase('Người Gọi Mới')));
      expect(new Set(seen).size).toBe(seen.length); // nothing twice
      for (const n of before) expect(seen).toContain(n); // nothing skipped
    }
    expect(arrived.length).toBeGreaterThanOrEqual(6);
    const counted = await listPage('channel=hotline&pageSize=2&count=true');
    expect(counted.total).toBe((await walk('channel=hotline&pageSize=50')).length);
    expect(counted.items).toHaveLength(2);
  });

  it('400 names a cursor that is not one of ours, or one of the other sort', async () => {
    for (const bad of ['not-a-cursor', Buffer.from('{"s":"received","k":"x","i":"1"}').toString('base64url')]) {
      const res = await stack.api(`/api/v1/cases?cursor=${bad}`, { token: agent });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['cursor']);
    }
    await newCase('Khách Một');
    await newCase('Khách Hai');
    const page = await listPage('pageSize=1&sort=received');
    expect(page.nextCursor).toEqual(expect.any(String));
    const other = await stack.api(`/api/v1/cases?pageSize=1&sort=deadline&cursor=${page.nextCursor!}`, { token: agent });
    expect(other.status).toBe(400);
    expect(other.body.errors[0].field).toBe('cursor');
  });

  it('search ignores diacritics and word order; a case number is looked up exactly', async () => {
    const bich = await newCase('Trần Thị Bích', 'Website bán hàng không truy cập được từ sáng nay.');
    await newCase('Trần Văn Bình', 'Website bán hàng không truy cập được từ sáng nay.');
    const found = async (q: string) => (await listPage(`q=${encodeURIComponent(q)}`)).items.map((i) => i.caseNumber);
    expect(await found('tran thi bich')).toEqual([bich]);
    expect(await found('BÍCH trần')).toEqual([bich]);
    expect(await found('Trần Thị Bích website')).toEqual([bich]);
    expect(await found('tran thi bich khong-co-tu-nay')).toEqual([]);
    expect(await found(bich.toLowerCase())).toEqual([bich]);
    expect((await found('tran')).length).toBeGreaterThanOrEqual(2);
  });

  it('the lifecycle keeps the list keys and search terms right through claim, transfer, close and reopen', async () => {
    const caseNumber = await newCase('Lê Thị Hồng Nhung');
    const stored = await stack.db.cases.findByCaseNumber(caseNumber);
    const department = stored!.department;
    const staff = await stack.tokenFor('department_staff', department);
    const keysRight = async () => {
      const c = (await stack.db.cases.findByCaseNumber(caseNumber))!;
      expect({ openOwnerKey: c.openOwnerKey, searchTerms: c.searchTerms, receivedWeek: c.receivedWeek }).toEqual(caseListKeys(c));
      expect(c.searchTerms).toEqual(expect.arrayContaining(['le', 'thi', 'hong', 'nhung']));
      return c;
    };
    const listed = async (query: string, token: string) => {
      const res = await stack.api(`/api/v1/cases?${query}&pageSize=100`, { token });
      expect(res.status).toBe(200);
      return (res.body.items as Array<{ caseNumber: string }>).map((i) => i.caseNumber);
    };
    const post = async (action: string, token: string, json: Record<string, unknown> = {}) => {
      const res = await stack.api(`/api/v1/cases/${caseNumber}/${action}`, { method: 'POST', token, json });
      expect([action, res.status]).toEqual([action, 200]);
      return res.body;
    };

    expect((await keysRight()).openOwnerKey).toBe('none');
    expect(await listed(`owner=none&department=${department}&sort=deadline`, staff)).toContain(caseNumber);

    await post('claim', staff);
    expect((await keysRight()).openOwnerKey).toMatch(/^owner:/);
    expect(await listed('owner=me&sort=deadline', staff)).toEqual([caseNumber]);
    expect(await listed(`owner=none&department=${department}`, staff)).not.toContain(caseNumber);

    const target = department === 'billing' ? 'hosting' : 'billing';
    await post('transfer', staff, { department: target, reason: 'Liên quan đến thanh toán' });
    const transferred = await keysRight();
    expect(transferred.department).toBe(target);
    expect(transferred.openOwnerKey).toBe('none');
    expect(await listed('owner=me', staff)).toEqual([]);

    await post('resolve-on-contact', agent, { note: 'Đã gia hạn lại cho khách ngay trong cuộc gọi' });
    await post('close', agent, { rootCause: 'billing_error', lessonLearned: 'Kiểm tra thanh toán trước', customerAccepted: true });
    expect((await keysRight()).openOwnerKey).toBe('done');
    expect(await listed(`owner=none&department=${target}`, agent)).not.toContain(caseNumber);
    expect(await listed('q=hong+nhung', agent)).toEqual([caseNumber]);

    await post('reopen', agent, { reason: 'Khách báo tên miền lại bị khóa' });
    expect((await keysRight()).openOwnerKey).toBe('none');
    expect(await listed(`owner=none&sort=deadline`, agent)).toContain(caseNumber);
    expect(await listed('q=le+thi+hong+nhung', agent)).toEqual([caseNumber]);
  });
});
