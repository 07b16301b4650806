/**
 * What the last action of a view came to, under its toolbar: a notice (announced politely, `role="status"`) and an
 * error (announced at once, `role="alert"`), each only while set.
 */
export function StatusLines(props: { notice: string | undefined; error: string | undefined }) {
  return (
    <>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
    </>
  );
}
