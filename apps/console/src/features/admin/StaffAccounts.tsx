import { useState } from 'preact/hooks';
import { DEFAULT_DEPARTMENTS, STAFF_ROLES, type StaffAccountView, type StaffRole } from '@cg/contracts';
import type { FieldProblem } from '../../api/types';
import { useConsole } from '../../app/context';
import { FieldError, invalid } from '../../form-kit/FieldError';
import { formatDateTime, formText } from '../../form-kit/format';
import { messageOf, problemsOf, useLoaded } from './use-admin-data';

/** Staff accounts: the list, a new account, and per account role/department/title, disable/enable, password reset. */
export function StaffAccounts() {
  const { api, session } = useConsole();
  const admin = api.admin;
  const { data, error, reload } = useLoaded(() => admin.staff());
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState('');
  const [editing, setEditing] = useState<string | null>(null);

  const run = async (work: () => Promise<string>) => {
    try {
      setNotice(await work());
      setFailure('');
      setProblems([]);
      reload();
    } catch (err) {
      setNotice('');
      setFailure(messageOf(err));
      setProblems(problemsOf(err));
    }
  };

  async function create(ev: SubmitEvent) {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const department = formText(f, 'department');
    const title = formText(f, 'title').trim();
    await run(async () => {
      const created = await admin.createStaff({
        email: formText(f, 'email').trim(),
        name: formText(f, 'name').trim(),
        role: formText(f, 'role') as StaffRole,
        ...(department ? { department } : {}),
        ...(title ? { title } : {}),
      });
      form.reset();
      return `Created ${created.account.email}. Temporary password (shown once): ${created.temporaryPassword ?? ''}`;
    });
  }

  return (
    <div class="card">
      <h2>Staff accounts</h2>
      <form id="staff-create" onSubmit={create} noValidate>
        <fieldset>
          <legend>New account</legend>
          <div class="row">
            <label>
              E-mail (sign-in){' '}
              <input name="email" type="email" required aria-invalid={invalid('email', problems)} aria-describedby="staff-email-error" />
              <FieldError id="staff-email-error" field="email" problems={problems} />
            </label>
            <label>
              Name <input name="name" required aria-invalid={invalid('name', problems)} aria-describedby="staff-name-error" />
              <FieldError id="staff-name-error" field="name" problems={problems} />
            </label>
            <label>
              Role{' '}
              <select name="role" aria-invalid={invalid('role', problems)} aria-describedby="staff-role-error">
                {STAFF_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
              <FieldError id="staff-role-error" field="role" problems={problems} />
            </label>
            <label>
              Department (department staff){' '}
              <select name="department" aria-invalid={invalid('department', problems)} aria-describedby="staff-department-error">
                <option value="">—</option>
                {DEFAULT_DEPARTMENTS.map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
              </select>
              <FieldError id="staff-department-error" field="department" problems={problems} />
            </label>
            <label>
              Title (on signed letters){' '}
              <input name="title" aria-invalid={invalid('title', problems)} aria-describedby="staff-title-error" />
              <FieldError id="staff-title-error" field="title" problems={problems} />
            </label>
          </div>
          <button type="submit">Create account</button>
        </fieldset>
      </form>
      <div aria-live="polite" id="staff-result">
        {notice && <p class="notice">{notice}</p>}
        {(failure || error) && (
          <p class="error" role="alert">
            {failure || error}
          </p>
        )}
      </div>
      {data && (
        <table id="staff-table">
          <caption>Every staff account</caption>
          <thead>
            <tr>
              <th scope="col">E-mail</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Department</th>
              <th scope="col">Title</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((a) =>
              editing === a.id ? (
                <StaffEditRow key={a.id} account={a} onDone={() => setEditing(null)} run={run} problems={problems} />
              ) : (
                <tr key={a.id} data-email={a.email}>
                  <td>{a.email}</td>
                  <td>{a.name}</td>
                  <td>{a.role}</td>
                  <td>{a.department ?? ''}</td>
                  <td>{a.title ?? ''}</td>
                  <td>{a.active ? 'active' : 'disabled'}</td>
                  <td>{formatDateTime(a.lastLoginAt)}</td>
                  <td>
                    <button type="button" onClick={() => setEditing(a.id)} aria-label={`Change ${a.email}`}>
                      Change
                    </button>{' '}
                    {a.id !== session.staff.staffId && (
                      <button
                        type="button"
                        aria-label={`${a.active ? 'Disable' : 'Enable'} ${a.email}`}
                        onClick={() =>
                          run(async () => {
                            const changed = await admin.setStaffActive(a.id, !a.active);
                            return `${changed.email} is ${changed.active ? 'enabled' : 'disabled (signed out everywhere)'}.`;
                          })
                        }
                      >
                        {a.active ? 'Disable' : 'Enable'}
                      </button>
                    )}{' '}
                    <button
                      type="button"
                      aria-label={`Reset the password of ${a.email}`}
                      onClick={() =>
                        run(async () => {
                          const reset = await admin.resetPassword(a.id);
                          return `New temporary password for ${reset.account.email} (shown once): ${reset.temporaryPassword ?? ''}`;
                        })
                      }
                    >
                      Reset password
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}

function StaffEditRow(props: {
  account: StaffAccountView;
  problems: FieldProblem[];
  run: (work: () => Promise<string>) => Promise<void>;
  onDone: () => void;
}) {
  const { api } = useConsole();
  const admin = api.admin;
  const a = props.account;
  const id = (field: string) => `edit-${a.id}-${field}`;
  async function save(ev: SubmitEvent) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget as HTMLFormElement);
    const role = formText(f, 'role') as StaffRole;
    const department = formText(f, 'department');
    await props.run(async () => {
      const changed = await admin.changeStaff(a.id, {
        name: formText(f, 'name').trim(),
        role,
        department: role === 'department_staff' ? department || null : null,
        title: formText(f, 'title').trim() || null,
      });
      props.onDone();
      return `${changed.email} saved${changed.role !== a.role || changed.department !== a.department ? ' (signed out: role or department changed)' : ''}.`;
    });
  }
  return (
    <tr>
      <td colSpan={8}>
        <form id={`staff-edit-${a.id}`} class="row" onSubmit={save}>
          <strong>{a.email}</strong>
          <label>
            Name <input id={id('name')} name="name" defaultValue={a.name} required />
          </label>
          <label>
            Role{' '}
            <select name="role" defaultValue={a.role}>
              {STAFF_ROLES.map((r) => (
                <option key={r} value={r} selected={r === a.role}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <label>
            Department{' '}
            <select name="department" aria-describedby={id('department-error')}>
              <option value="">—</option>
              {DEFAULT_DEPARTMENTS.map((d) => (
                <option key={d} value={d} selected={d === a.department}>
                  {d}
                </option>
              ))}
            </select>
            <FieldError id={id('department-error')} field="department" problems={props.problems} />
          </label>
          <label>
            Title <input name="title" defaultValue={a.title ?? ''} />
          </label>
          <button type="submit">Save</button>{' '}
          <button type="button" onClick={props.onDone}>
            Cancel
          </button>
        </form>
      </td>
    </tr>
  );
}
