import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toCaseIndexRow, type CaseIndexRow } from '@cg/core';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

const run = promisify(execFile);
const CLI = join(__dirname, '../dist/main.js');

/** `cases:reindex` repairs the lists' index (issue 13): a missing row, a stale one, a row without a case. */
describe('npm run cli -- cases:reindex', () => {
  let stack: TestStack;
  const cli = (...args: string[]) => run('node', [CLI, ...args], { env: { ...stack.env, LOG_LEVEL: 'silent' } });

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  const newCase = async (name: string) => {
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: await stack.tokenFor('hotline_operator'),
      json: { caller: { name, phone: '0912345678' }, notes: 'Website không truy cập được từ sáng nay.', callId: `call-${randomUUID()}` },
    });
    expect(res.status).toBe(202);
    const caseNumber = res.body.caseNumber as string;
    await waitFor(`case ${caseNumber} and its row`, async () => (await stack.db.cases.index.get(caseNumber)) ?? undefined);
    return caseNumber;
  };
  const rows = () => stack.db.connection.collection<CaseIndexRow>('case_index');
  const inStep = async (caseNumber: string) => {
    const c = (await stack.db.cases.findByCaseNumber(caseNumber))!;
    expect(JSON.parse(JSON.stringify(await stack.db.cases.index.get(caseNumber)))).toEqual(JSON.parse(JSON.stringify(toCaseIndexRow(c))));
  };

  it('writes a missing row, rewrites a stale one, removes one without a case; a second run finds nothing', async () => {
    const [missing, stale, fine] = [await newCase('Phạm Minh Khôi'), await newCase('Vũ Thu Trang'), await newCase('Bùi Gia Huy')];
    await rows().deleteOne({ _id: missing });
    const staleRow = toCaseIndexRow((await stack.db.cases.findByCaseNumber(stale))!);
    await rows().replaceOne({ _id: stale }, { ...staleRow, version: staleRow.version - 1, status: 'closed', openOwnerKey: 'done' });
    await rows().insertOne({ ...staleRow, _id: 'KN99-99999', caseNumber: 'KN99-99999' });
    const listed = async () =>
      (await stack.db.cases.list({ q: 'website' }, { limit: 50 })).items
        .map((i) => i.caseNumber)
        .filter((n) => [missing, stale, 'KN99-99999'].includes(n));
    expect((await listed()).sort()).toEqual([stale, 'KN99-99999'].sort());

    const first = JSON.parse((await cli('cases:reindex')).stdout) as { reindexed: number };
    expect(first.reindexed).toBeGreaterThanOrEqual(2);
    for (const n of [missing, stale, fine]) await inStep(n);
    expect(await stack.db.cases.index.get('KN99-99999')).toBeNull();
    expect((await listed()).sort()).toEqual([missing, stale].sort());

    expect(JSON.parse((await cli('cases:reindex')).stdout)).toEqual({ reindexed: 0, unchanged: 0 });
  });
});
