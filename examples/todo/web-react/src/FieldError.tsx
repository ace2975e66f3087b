/** The messages of one field, announced to screen readers as they change. */
export function FieldError({ field, messages }: { field: string; messages: readonly string[] | undefined }) {
  return (
    <p className="field-error" id={`${field}-error`} data-field-error={field} role="alert">
      {messages?.join(' ')}
    </p>
  );
}
