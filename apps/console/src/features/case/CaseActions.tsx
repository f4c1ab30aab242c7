import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  DEFAULT_DEPARTMENTS,
  DEFAULT_ROOT_CAUSES,
  PRIORITIES,
  TRIAGE,
  VERIFICATION_METHODS,
  type CaseAction,
  type CaseStatus,
} from '@cg/contracts';
import type { CaseActionBodies, CaseActionPath, CaseView } from '../../api/types';
import { useConsole } from '../../app/context';
import { formText } from '../../form-kit/format';
import { ActionForm, Choices, Field } from './ActionForm';
import { PossibleDuplicates } from './PossibleDuplicates';

/** The step each state waits for: its form starts open (the others stay folded). */
const NEXT_STEP: Record<CaseStatus, readonly CaseAction[]> = {
  triage: ['reclassify', 'verify'],
  routed: ['verify'],
  in_progress: ['report'],
  resolution_reported: ['draft'],
  answer_pending_approval: ['approve'],
  answer_ready: ['deliver'],
  answered: ['close'],
  closed: ['reopen'],
  reopened: ['draft'],
  merged: [],
};

const ROOT_CAUSE_LABELS: Record<(typeof DEFAULT_ROOT_CAUSES)[number], string> = {
  registry_or_provider: 'Registry or provider',
  our_system_fault: 'Our system’s fault',
  billing_error: 'Billing error',
  staff_error: 'Staff error',
  customer_misunderstanding: 'Customer misunderstanding',
  third_party: 'Third party',
  not_a_fault: 'Not a fault',
};

const VERIFICATION_LABELS: Record<(typeof VERIFICATION_METHODS)[number], string> = {
  call: 'Phone call',
  email: 'Email',
  chat: 'Chat',
  letter: 'Letter',
  in_person: 'In person',
};

const CHANNEL_OPTIONS = ['', 'email', 'livechat', 'hotline', 'postal'] as const;

/**
 * The close form's choices: the active categories admins keep (GET /api/v1/root-causes); the seeded
 * ones until that answers, or if it cannot (the server checks the choice either way).
 */
function useActiveRootCauses(): { value: string; label: string }[] {
  const { api } = useConsole();
  const [options, setOptions] = useState<{ value: string; label: string }[]>(() =>
    DEFAULT_ROOT_CAUSES.map((r) => ({ value: r, label: ROOT_CAUSE_LABELS[r] })),
  );
  useEffect(() => {
    let live = true;
    api
      .rootCauses()
      .then(({ items }) => {
        if (live) setOptions(items.filter((r) => r.active).map((r) => ({ value: r.code, label: r.labelEn })));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api]);
  return options;
}

/** Optional text: present only when filled in. */
function optional<K extends string>(form: FormData, key: K): Partial<Record<K, string>> {
  const v = formText(form, key).trim();
  return v ? ({ [key]: v } as Record<K, string>) : {};
}

/**
 * What the signed-in member of staff may do to this case now: exactly the actions the case state
 * machine allows in its state and the permissions table gives the role (both from @cg/core), each
 * as a small form. The server decides again (owner, department, sign-off) and says why it refuses.
 */
export function CaseActions({ c, onDone }: { c: CaseView; onDone: () => void }) {
  const { api, canAct, session } = useConsole();
  const rootCauseOptions = useActiveRootCauses();
  const me = session.staff;
  const mine = c.owner?.id === me.staffId;
  const supervisor = me.role === 'supervisor' || me.role === 'admin';
  const send =
    <P extends CaseActionPath>(path: P, body: (f: FormData) => CaseActionBodies[P]) =>
    (f: FormData) =>
      api.caseAction(c.caseNumber, path, body(f));
  const open = (a: CaseAction) => NEXT_STEP[c.status].includes(a);
  // The server's template: case number, dates, the complaint, findings and cause, remedy, how to go further.
  const [templateError, setTemplateError] = useState('');
  async function fillFromTemplate() {
    const box = document.getElementById('act-draft-text') as HTMLTextAreaElement | null;
    if (!box) return;
    setTemplateError('');
    try {
      box.value = (await api.answerTemplate(c.caseNumber)).text;
    } catch (err) {
      setTemplateError(err instanceof Error ? err.message : String(err));
    }
    box.focus();
  }
  const otherDepartments = DEFAULT_DEPARTMENTS.filter((d) => d !== c.department).map((d) => ({ value: d, label: d }));

  const forms: { action: CaseAction; show?: boolean; el: () => ComponentChildren }[] = [
    {
      action: 'reclassify',
      el: () => (
        <ActionForm
          id="reclassify"
          title="Move to a department"
          submitLabel="Move"
          open={open('reclassify')}
          send={(f) => api.reclassify(c.caseNumber, formText(f, 'department'))}
          onDone={onDone}
        >
          {(fp) => (
            <Field
              f={fp}
              name="department"
              label="Department"
              kind="select"
              value={c.department === TRIAGE ? (c.classification?.bestGuess ?? DEFAULT_DEPARTMENTS[0]) : c.department}
              options={DEFAULT_DEPARTMENTS}
            />
          )}
        </ActionForm>
      ),
    },
    {
      action: 'verify',
      el: () => (
        <ActionForm
          id="verify"
          title={c.verification ? 'Verify again with the customer' : 'Verify with the customer'}
          submitLabel="Mark verified"
          open={open('verify') && !c.verification}
          send={send('verify', (f) => ({
            how: formText(f, 'how') as CaseActionBodies['verify']['how'],
            ...optional(f, 'customerRequest'),
            ...(formText(f, 'priority') ? { priority: formText(f, 'priority') as CaseActionBodies['verify']['priority'] } : {}),
          }))}
          onDone={onDone}
        >
          {(fp) => (
            <>
              <Field
                f={fp}
                name="how"
                label="How it was confirmed"
                kind="select"
                value={c.channel === 'livechat' ? 'chat' : c.channel === 'email' ? 'email' : c.channel === 'postal' ? 'letter' : 'call'}
                options={VERIFICATION_METHODS.map((m) => ({ value: m, label: VERIFICATION_LABELS[m] }))}
              />
              <Field f={fp} name="customerRequest" label="What the customer asks for, in their words" kind="textarea" />
              <Field f={fp} name="priority" label="Priority" kind="select" value={c.priority} options={PRIORITIES} />
            </>
          )}
        </ActionForm>
      ),
    },
    {
      action: 'claim',
      show: !mine,
      el: () => (
        <ActionForm id="claim" title="Claim" submitLabel="Claim this case" inline send={send('claim', () => ({}))} onDone={onDone} />
      ),
    },
    {
      action: 'release',
      show: mine || supervisor,
      el: () => (
        <ActionForm
          id="release"
          title="Give back to the queue"
          submitLabel="Release"
          send={send('release', (f) => optional(f, 'reason'))}
          onDone={onDone}
        >
          {(fp) => <Field f={fp} name="reason" label="Reason (optional)" />}
        </ActionForm>
      ),
    },
    {
      action: 'assign',
      el: () => (
        <ActionForm
          id="assign"
          title="Assign to a person"
          submitLabel="Assign"
          send={send('assign', (f) => ({ assignee: formText(f, 'assignee').trim(), ...optional(f, 'note') }))}
          onDone={onDone}
        >
          {(fp) => (
            <>
              <Field f={fp} name="assignee" label="Staff email" type="email" required />
              <Field f={fp} name="note" label="Note (optional)" />
            </>
          )}
        </ActionForm>
      ),
    },
    {
      action: 'note',
      el: () => (
        <ActionForm
          id="note"
          title="Internal note"
          submitLabel="Add note"
          send={(f) => {
            // With files: one multipart request (checked by content on the server); without: the plain note.
            const files = f.getAll('files').filter((x): x is File => x instanceof File && x.size > 0);
            return files.length
              ? api.caseExtras.noteWithFiles(c.caseNumber, formText(f, 'text'), files)
              : api.caseAction(c.caseNumber, 'notes', { text: formText(f, 'text') });
          }}
          onDone={onDone}
        >
          {(fp) => (
            <>
              <Field f={fp} name="text" label="Note (staff only, never sent to the customer)" kind="textarea" required />
              <div class="field">
                <label for="act-note-files">Attach files (optional: images, PDF, .txt/.log/.csv; up to 5 of 5 MB)</label>
                <input
                  id="act-note-files"
                  name="files"
                  type="file"
                  multiple
                  accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,.txt,.log,.csv"
                  aria-describedby="act-note-files-error"
                  aria-invalid={fp.problems.some((p) => p.field.startsWith('files')) || undefined}
                />
                <small id="act-note-files-error" class="field-error">
                  {fp.problems
                    .filter((p) => p.field.startsWith('files'))
                    .map((p) => p.message)
                    .join('; ')}
                </small>
              </div>
            </>
          )}
        </ActionForm>
      ),
    },
    {
      action: 'merge',
      el: () => (
        <ActionForm
          id="merge"
          title="Merge into another case (duplicate)"
          submitLabel="Merge this case"
          send={(f) =>
            api.caseExtras.merge(c.caseNumber, formText(f, 'into').trim().toUpperCase(), formText(f, 'reason').trim() || undefined)
          }
          onDone={onDone}
        >
          {(fp) => (
            <>
              <p class="hint">This case joins the one you name: its journal and attachments are copied there and it leaves every queue.</p>
              <PossibleDuplicates caseNumber={c.caseNumber} />
              <Field f={fp} name="into" label="Case number to keep (e.g. KN26-00042)" required />
              <Field f={fp} name="reason" label="Why they are the same complaint (optional)" />
            </>
          )}
        </ActionForm>
      ),
    },
    {
      action: 'collaborate',
      el: () => (
        <ActionForm
          id="collaborate"
          title="Bring in other departments"
          submitLabel="Bring in"
          send={send('collaborators', (f) => ({ departments: f.getAll('departments').map(String), ...optional(f, 'note') }))}
          onDone={onDone}
        >
          {(fp) => (
            <>
              <Choices f={fp} name="departments" legend="Departments" type="checkbox" options={otherDepartments} />
              <Field f={fp} name="note" label="Note (optional)" />
            </>
          )}
        </ActionForm>
      ),
    },
    {
      action: 'transfer',
      el: () => (
        <ActionForm
          id="transfer"
          title="Transfer to another department"
          submitLabel="Transfer"
          send={send('transfer', (f) => ({ department: formText(f, 'department'), reason: formText(f, 'reason') }))}
          onDone={onDone}
        >
          {(fp) => (
            <>
              <Field f={fp} name="department" label="Department" kind="select" options={otherDepartments} />
              <Field f={fp} name="reason" label="Reason" kind="textarea" required />
            </>
          )}
        </ActionForm>
      ),
    },
    {
      action: 'escalate',
      el: () => (
        <ActionForm
          id="escalate"
          title="Escalate to a supervisor"
          submitLabel="Escalate"
          send={send('escalate', (f) => ({ reason: formText(f, 'reason') }))}
          onDone={onDone}
        >
          {(fp) => <Field f={fp} name="reason" label="Why it is beyond your authority" kind="textarea" required />}
        </ActionForm>
      ),
    },
    {
      action: 'extend',
      el: () => (
        <ActionForm
          id="extend"
          title="Extend the target deadline"
          submitLabel="Extend"
          send={(f) => api.extend(c.caseNumber, Number(formText(f, 'extraWorkingDays')), formText(f, 'reason'))}
          onDone={onDone}
        >
          {(fp) => (
            <>
              <Field f={fp} name="extraWorkingDays" label="Extra working days" type="number" value="3" />
              <Field f={fp} name="reason" label="Reason" required />
            </>
          )}
        </ActionForm>
      ),
    },
    {
      action: 'report',
      show: mine || supervisor,
      el: () => (
        <ActionForm
          id="report"
          title="Report the result to customer support"
          submitLabel="Report result"
          open={open('report')}
          send={send('report', (f) => ({
            findings: formText(f, 'findings'),
            cause: formText(f, 'cause'),
            remedy: formText(f, 'remedy'),
            ...optional(f, 'tellCustomer'),
          }))}
          onDone={onDone}
        >
          {(fp) => (
            <>
              <Field f={fp} name="findings" label="Findings" kind="textarea" required />
              <Field f={fp} name="cause" label="Cause" kind="textarea" required />
              <Field f={fp} name="remedy" label="Remedy" kind="textarea" required />
              <Field f={fp} name="tellCustomer" label="Tell the customer specifically (optional)" kind="textarea" />
            </>
          )}
        </ActionForm>
      ),
    },
    {
      action: 'draft',
      el: () => (
        <ActionForm
          id="draft"
          title={c.answer?.status === 'returned' ? 'Redraft the answer' : 'Draft the answer'}
          submitLabel="Save draft"
          open={open('draft')}
          send={send('answer', (f) => ({ text: formText(f, 'text'), ...(f.get('answerInWriting') ? { answerInWriting: true } : {}) }))}
          onDone={onDone}
        >
          {(fp) => (
            <>
              {c.answer?.status === 'returned' && (
                <p class="returned">
                  Returned by {c.answer.returnedBy?.name}: {c.answer.returnComment}
                </p>
              )}
              <Field f={fp} name="text" label="Answer to the customer" kind="textarea" rows={7} value={c.answer?.text} required />
              <button type="button" class="link" onClick={() => void fillFromTemplate()}>
                Fill from the template
              </button>
              <small class="field-error" role="alert">
                {templateError}
              </small>
              {!c.answerInWriting && (
                <label class="check">
                  <input type="checkbox" name="answerInWriting" /> Answer in writing (a supervisor signs it off)
                </label>
              )}
            </>
          )}
        </ActionForm>
      ),
    },
    {
      action: 'approve',
      el: () => (
        <ActionForm
          id="approve"
          title="Sign off the written answer"
          submitLabel="Approve"
          open={open('approve')}
          send={send('answer/approve', (f) => optional(f, 'comment'))}
          onDone={onDone}
        >
          {(fp) => <Field f={fp} name="comment" label="Comment (optional)" />}
        </ActionForm>
      ),
    },
    {
      action: 'return',
      el: () => (
        <ActionForm
          id="return"
          title="Return the draft with comments"
          submitLabel="Return draft"
          send={send('answer/return', (f) => ({ comment: formText(f, 'comment') }))}
          onDone={onDone}
        >
          {(fp) => <Field f={fp} name="comment" label="Comment for the drafter" kind="textarea" required />}
        </ActionForm>
      ),
    },
    {
      action: 'deliver',
      el: () => (
        <ActionForm
          id="deliver"
          title="Record the delivery"
          submitLabel="Mark delivered"
          open={open('deliver')}
          send={send('deliver', (f) => ({
            ...(formText(f, 'via') ? { via: formText(f, 'via') as NonNullable<CaseActionBodies['deliver']['via']> } : {}),
            ...optional(f, 'note'),
          }))}
          onDone={onDone}
        >
          {(fp) => (
            <>
              <Field
                f={fp}
                name="via"
                label="Delivered via"
                kind="select"
                options={CHANNEL_OPTIONS.map((v) => ({ value: v, label: v || `the channel it came from (${c.channel})` }))}
              />
              <Field f={fp} name="note" label="Note (optional: who, when, the outcome of the call)" />
            </>
          )}
        </ActionForm>
      ),
    },
    {
      action: 'redeliver',
      show: c.answer?.delivery?.status === 'failed',
      el: () => (
        <ActionForm
          id="deliver-again"
          title="Deliver the answer again"
          submitLabel="Deliver again"
          open
          send={send('deliver-again', (f) => ({
            ...(formText(f, 'via') ? { via: formText(f, 'via') as NonNullable<CaseActionBodies['deliver-again']['via']> } : {}),
            ...optional(f, 'note'),
          }))}
          onDone={onDone}
        >
          {(fp) => (
            <>
              <Field
                f={fp}
                name="via"
                label="Deliver via"
                kind="select"
                options={CHANNEL_OPTIONS.map((v) => ({
                  value: v,
                  label: v || `the same channel (${c.answer?.delivery?.via ?? c.channel})`,
                }))}
              />
              <Field f={fp} name="note" label="Note (optional: what changed since it failed)" />
            </>
          )}
        </ActionForm>
      ),
    },
    {
      action: 'confirm_reply_address',
      el: () => (
        <ActionForm
          id="reply-address"
          title="Where replies go"
          submitLabel="Confirm"
          open={(c.senderAlerts ?? []).some((a) => !a.reviewedAt)}
          send={(f) => api.caseAction(c.caseNumber, 'reply-address', { note: formText(f, 'note'), ...optional(f, 'email') })}
          onDone={onDone}
        >
          {(fp) => (
            <>
              <Field f={fp} name="email" label={`New address (empty: keep ${c.customer?.email ?? 'none'})`} type="email" />
              <Field f={fp} name="note" label="How it was confirmed with the customer" kind="textarea" required />
            </>
          )}
        </ActionForm>
      ),
    },
    {
      action: 'resolve_on_contact',
      show: c.channel === 'hotline' || c.channel === 'livechat',
      el: () => (
        <ActionForm
          id="resolve-on-contact"
          title="Resolved during the contact"
          submitLabel="Mark resolved"
          send={send('resolve-on-contact', (f) => ({ note: formText(f, 'note') }))}
          onDone={onDone}
        >
          {(fp) => <Field f={fp} name="note" label="What was agreed with the customer" kind="textarea" required />}
        </ActionForm>
      ),
    },
    {
      action: 'close',
      el: () => (
        <ActionForm
          id="close"
          title="Close with the root cause"
          submitLabel="Close case"
          open={open('close')}
          send={send('close', (f) => ({
            rootCause: formText(f, 'rootCause'),
            lessonLearned: formText(f, 'lessonLearned'),
            // Unanswered, the server names the field (no silent default).
            customerAccepted: (f.get('customerAccepted') === null ? undefined : f.get('customerAccepted') === 'yes') as boolean,
          }))}
          onDone={onDone}
        >
          {(fp) => (
            <>
              <Field f={fp} name="rootCause" label="Root cause" kind="select" options={rootCauseOptions} />
              <Field f={fp} name="lessonLearned" label="Lesson learned" kind="textarea" required />
              <Choices
                f={fp}
                name="customerAccepted"
                legend="Did the customer accept the outcome?"
                type="radio"
                options={[
                  { value: 'yes', label: 'Yes' },
                  { value: 'no', label: 'No' },
                ]}
              />
            </>
          )}
        </ActionForm>
      ),
    },
    {
      action: 'reopen',
      el: () => (
        <ActionForm
          id="reopen"
          title="Reopen (the customer is not satisfied)"
          submitLabel="Reopen"
          open={open('reopen')}
          send={send('reopen', (f) => ({
            reason: formText(f, 'reason'),
            ...(me.role === 'hotline_operator' ? { via: 'hotline' as const } : {}),
            ...optional(f, 'customerPhone'),
            ...optional(f, 'customerEmail'),
          }))}
          onDone={onDone}
        >
          {(fp) => (
            <>
              <Field f={fp} name="reason" label="The customer’s reason" kind="textarea" required />
              <Field f={fp} name="customerPhone" label="Caller’s phone (checked against the case)" type="tel" />
              <Field f={fp} name="customerEmail" label="or caller’s email" type="email" />
            </>
          )}
        </ActionForm>
      ),
    },
  ];

  const shown = forms.filter((x) => x.show !== false && canAct(c.status, x.action));
  if (shown.length === 0) return <p class="hint">Nothing for your role to do on this case while it is {c.status}.</p>;
  return (
    <section class="actions" aria-labelledby="actions-title">
      <h4 id="actions-title">What you can do</h4>
      {shown.map((x) => (
        <div key={x.action}>{x.el()}</div>
      ))}
    </section>
  );
}
