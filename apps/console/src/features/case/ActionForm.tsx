import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import type { FieldProblem } from '../../api/types';
import { FieldError, invalid } from '../../form-kit/FieldError';

/** The server's field problems of the form being filled (for the fields inside it). */
export interface FieldProps {
  problems: FieldProblem[];
  /** Prefix of this form's element ids (several forms share field names). */
  idPrefix: string;
}

/**
 * One step of the procedure as a small form: sends it, shows the
 * server's field errors beside their inputs and, for a refused transition (409), the server's
 * message naming the case's state and what may be done in it.
 */
export function ActionForm(props: {
  /** The action's name, for ids (`act-<id>`) and tests. */
  id: string;
  title: string;
  submitLabel: string;
  /** Opened at first: the step the case is waiting for. */
  open?: boolean;
  /** No fields: one button, not a disclosure. */
  inline?: boolean;
  /** Sends the submitted form; resolves once the server accepted it. */
  send: (form: FormData) => Promise<unknown>;
  onDone: () => void;
  children?: (fields: FieldProps) => ComponentChildren;
}) {
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const idPrefix = `act-${props.id}`;

  async function submit(ev: SubmitEvent) {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    setBusy(true);
    setProblems([]);
    setMessage('');
    try {
      await props.send(new FormData(form));
      form.reset();
      props.onDone();
    } catch (err) {
      if (err instanceof ApiError) {
        setProblems(err.fields);
        setMessage(
          err.refusal
            ? `${err.detail ?? err.title} (the case is ${err.refusal.state}; allowed now: ${err.refusal.allowedActions.join(', ') || 'nothing'})`
            : err.fields.length
              ? `${err.title}: see the marked fields.`
              : err.message,
        );
      } else setMessage(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const form = (
    <form id={idPrefix} class={props.inline ? 'inline-action' : undefined} onSubmit={submit} noValidate>
      {props.children?.({ problems, idPrefix })}
      <button type="submit" disabled={busy}>
        {props.submitLabel}
      </button>
      <p id={`${idPrefix}-message`} class="error" role="alert">
        {message}
      </p>
    </form>
  );
  if (props.inline) return form;
  return (
    <details class="action" open={props.open} data-action={props.id}>
      <summary>{props.title}</summary>
      {form}
    </details>
  );
}

/** A labelled input, textarea or select whose server error sits under it and is announced with it. */
export function Field(props: {
  f: FieldProps;
  name: string;
  label: string;
  /** The field's name in the server's problem (defaults to `name`). */
  serverField?: string;
  kind?: 'input' | 'textarea' | 'select';
  type?: string;
  required?: boolean;
  value?: string;
  placeholder?: string;
  rows?: number;
  options?: readonly (string | { value: string; label: string })[];
}) {
  const server = props.serverField ?? props.name;
  const id = `${props.f.idPrefix}-${props.name}`;
  const common = {
    id,
    name: props.name,
    required: props.required,
    'aria-invalid': invalid(server, props.f.problems),
    'aria-describedby': `${id}-error`,
  };
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.kind === 'textarea' ? (
        <textarea {...common} rows={props.rows ?? 3} defaultValue={props.value} placeholder={props.placeholder} />
      ) : props.kind === 'select' ? (
        <select {...common} defaultValue={props.value}>
          {(props.options ?? []).map((o) => {
            const { value, label } = typeof o === 'string' ? { value: o, label: o } : o;
            return (
              <option key={value} value={value}>
                {label}
              </option>
            );
          })}
        </select>
      ) : (
        <input {...common} type={props.type ?? 'text'} defaultValue={props.value} placeholder={props.placeholder} autocomplete="off" />
      )}
      <FieldError id={`${id}-error`} field={server} problems={props.f.problems} />
    </div>
  );
}

/** A group of choices (checkboxes or radios) with one legend and one server error. */
export function Choices(props: {
  f: FieldProps;
  name: string;
  legend: string;
  type: 'checkbox' | 'radio';
  options: readonly { value: string; label: string }[];
  serverField?: string;
}) {
  const server = props.serverField ?? props.name;
  const errorId = `${props.f.idPrefix}-${props.name}-error`;
  return (
    <fieldset class="choices" aria-describedby={errorId} aria-invalid={invalid(server, props.f.problems)}>
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o.value} class="check">
          <input type={props.type} name={props.name} value={o.value} /> {o.label}
        </label>
      ))}
      <FieldError id={errorId} field={server} problems={props.f.problems} />
    </fieldset>
  );
}
