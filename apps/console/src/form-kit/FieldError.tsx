import type { FieldProblem } from '../api/types';

/** The server's message for one field (problem+json `errors`), tied to its input by id. */
export function FieldError({ id, field, problems }: { id: string; field: string; problems: FieldProblem[] }) {
  const text = problems
    .filter((p) => p.field === field)
    .map((p) => p.message)
    .join('; ');
  return (
    <small id={id} class="field-error">
      {text}
    </small>
  );
}

export const invalid = (field: string, problems: FieldProblem[]): boolean | undefined =>
  problems.some((p) => p.field === field) || undefined;
