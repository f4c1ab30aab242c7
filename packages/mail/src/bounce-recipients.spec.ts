import { trustedBounceRecipients } from './bounce-recipients';

describe('trustedBounceRecipients', () => {
  it('keeps only the original recipient', () => {
    expect(trustedBounceRecipients({ failedRecipients: ['an@example.vn', 'victim@example.vn'] }, 'An@Example.vn')).toEqual([
      'an@example.vn',
    ]);
    expect(trustedBounceRecipients({ failedRecipients: ['<an@example.vn>'] }, 'Nguyễn An <an@example.vn>')).toEqual(['an@example.vn']);
  });

  it('falls back to the original recipient when the report names none', () => {
    expect(trustedBounceRecipients({ failedRecipients: [] }, 'an@example.vn')).toEqual(['an@example.vn']);
  });

  it('refuses a report naming only addresses we did not write to', () => {
    expect(trustedBounceRecipients({ failedRecipients: ['victim@example.vn'] }, 'an@example.vn')).toBeNull();
  });
});
