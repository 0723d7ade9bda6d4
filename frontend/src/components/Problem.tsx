import { isApiError } from "@strength-circles/client";

/** What went wrong, in words: the server's own explanation when it gave one. */
export function Problem({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  const api = isApiError(error) ? error : null;
  const title = api?.title ?? "Something went wrong";
  const detail =
    api?.detail ?? "Please try again. If it keeps happening, reload the page.";
  return (
    <div className="notice error" role="alert">
      <span className="title">{title}</span>
      <p>{detail}</p>
      {api && api.kind === "server" && api.requestId ? (
        <p className="small">Reference for the team: {api.requestId}</p>
      ) : null}
      {retry && api && (api.kind === "network" || api.kind === "unavailable" || api.kind === "server") ? (
        <p>
          <button type="button" className="button secondary" onClick={retry}>
            Try again
          </button>
        </p>
      ) : null}
    </div>
  );
}

/** A message about one form field, if the server gave one. */
export function fieldError(error: unknown, field: string): string | undefined {
  return isApiError(error) ? error.fieldMessage(field) : undefined;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="spinner" role="status">
      Loading {what}…
    </p>
  );
}
