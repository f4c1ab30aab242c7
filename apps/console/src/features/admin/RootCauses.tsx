import { useState } from 'preact/hooks';
import type { FieldProblem } from '../../api/types';
import { useConsole } from '../../app/context';
import { FieldError, invalid } from '../../form-kit/FieldError';
import { formText } from '../../form-kit/format';
import { messageOf, problemsOf, useLoaded } from './use-admin-data';

/** The root-cause categories cases are closed with: add, relabel, retire (a retired one stays on old cases). */
export function RootCauses() {
  const { api } = useConsole();
  const admin = api.admin;
  const { data, error, reload } = useLoaded(() => admin.rootCauses());
  const [status, setStatus] = useState('');
  const [problems, setProblems] = useState<FieldProblem[]>([]);

  const run = async (work: () => Promise<string>) => {
    try {
      setStatus(await work());
      setProblems([]);
      reload();
    } catch (err) {
      setStatus(messageOf(err));
      setProblems(problemsOf(err));
    }
  };

  async function add(ev: SubmitEvent) {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    await run(async () => {
      const added = await admin.addRootCause({
        code: formText(f, 'code').trim(),
        labelVi: formText(f, 'labelVi').trim(),
        labelEn: formText(f, 'labelEn').trim(),
      });
      form.reset();
      return `Added ${added.code}.`;
    });
  }

  async function relabel(ev: SubmitEvent, code: string) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget as HTMLFormElement);
    await run(async () => {
      await admin.changeRootCause(code, { labelVi: formText(f, 'labelVi').trim(), labelEn: formText(f, 'labelEn').trim() });
      return `${code}: labels saved.`;
    });
  }

  return (
    <div class="card">
      <h2>Root causes</h2>
      <div aria-live="polite" id="root-causes-status">
        {(status || error) && <p class={error ? 'error' : 'notice'}>{error || status}</p>}
      </div>
      <table id="root-cause-table">
        <caption>Categories offered when a case is closed (retired ones stay readable on old cases)</caption>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Labels (Vietnamese, English)</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {data?.items.map((c) => (
            <tr key={c.code} data-code={c.code}>
              <td>{c.code}</td>
              <td>
                <form class="row" onSubmit={(ev) => relabel(ev, c.code)}>
                  <label>
                    VI <input name="labelVi" defaultValue={c.labelVi} required />
                  </label>
                  <label>
                    EN <input name="labelEn" defaultValue={c.labelEn} required />
                  </label>
                  <button type="submit" aria-label={`Save the labels of ${c.code}`}>
                    Save
                  </button>
                </form>
              </td>
              <td>
                {c.active ? 'active' : 'retired'}{' '}
                <button
                  type="button"
                  aria-label={`${c.active ? 'Retire' : 'Bring back'} ${c.code}`}
                  onClick={() =>
                    run(async () => {
                      const changed = await admin.changeRootCause(c.code, { active: !c.active });
                      return `${changed.code} is ${changed.active ? 'offered again' : 'retired'}.`;
                    })
                  }
                >
                  {c.active ? 'Retire' : 'Bring back'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form id="root-cause-add" onSubmit={add} noValidate>
        <fieldset>
          <legend>New category</legend>
          <div class="row">
            <label>
              Code{' '}
              <input
                name="code"
                required
                pattern="[a-z][a-z0-9_]{1,39}"
                aria-invalid={invalid('code', problems)}
                aria-describedby="rc-code-error"
              />
              <FieldError id="rc-code-error" field="code" problems={problems} />
            </label>
            <label>
              Vietnamese label <input name="labelVi" required aria-invalid={invalid('labelVi', problems)} aria-describedby="rc-vi-error" />
              <FieldError id="rc-vi-error" field="labelVi" problems={problems} />
            </label>
            <label>
              English label <input name="labelEn" required aria-invalid={invalid('labelEn', problems)} aria-describedby="rc-en-error" />
              <FieldError id="rc-en-error" field="labelEn" problems={problems} />
            </label>
          </div>
          <button type="submit">Add category</button>
        </fieldset>
      </form>
    </div>
  );
}
