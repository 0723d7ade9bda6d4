import type { components } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";

import { circles } from "../../api";
import { CopyButton } from "../../components/CopyButton";
import { PageHeading } from "../../components/Page";
import { fieldError, Loading, Problem } from "../../components/Problem";
import { useTimeZone } from "../../lib/session";
import { dateInWords } from "../Library";

type Scope = components["schemas"]["Scope"];
type Created = components["schemas"]["ServiceClientCreated"];
type Client = components["schemas"]["ServiceClientRead"];

const SCOPE_WORDS: Record<Scope, string> = {
  "groups:read": "Read circles (the directory and circles' details)",
  "sessions:read": "Read meetings and their times",
  "attendance:read": "Read attendance, with members' pseudonyms",
  "attendance:write": "Record attendance",
  "referrals:write": "Send referrals",
  "resources:read": "Read the library",
  "resources:write": "Write to the library (drafts, edits)",
};
const SCOPES = Object.keys(SCOPE_WORDS) as Scope[];

/** The secret, shown this once, with a way to copy it and a plain warning. */
function Secret({ created }: { created: Created }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="notice warning" aria-labelledby="secret-heading">
      <h2 id="secret-heading" tabIndex={-1} ref={heading}>
        Copy the secret of {created.name} now
      </h2>
      <p>
        This is the only time it is shown. Store it where the integration keeps its secrets; if it is lost, revoke the
        client and create a new one.
      </p>
      <dl className="contact-details">
        <dt>Client id</dt>
        <dd>
          <code>{created.client_id}</code>
        </dd>
        <dt>Client secret</dt>
        <dd>
          <code className="secret">{created.client_secret}</code>
        </dd>
      </dl>
      <CopyButton text={created.client_secret} label="Copy the secret" />
    </section>
  );
}

function ClientCard({ client, onRevoked }: { client: Client; onRevoked: () => void }) {
  const zone = useTimeZone();
  const dialog = useRef<HTMLDialogElement>(null);
  const heading = useId();
  const revoke = useMutation({ mutationFn: () => circles.admin.revokeServiceClient(client.client_id), onSuccess: onRevoked });
  return (
    <li className="card">
      <h3>{client.name}</h3>
      <ul className="meta">
        <li>{client.revoked_at ? `Revoked ${dateInWords(client.revoked_at, zone)}` : "Active"}</li>
        <li>Created {dateInWords(client.created_at, zone)}</li>
        <li>{client.last_used_at ? `Last used ${dateInWords(client.last_used_at, zone)}` : "Not used yet"}</li>
      </ul>
      <p className="small">{client.scopes.map((scope) => SCOPE_WORDS[scope]).join("; ")}</p>
      {client.revoked_at ? null : (
        <button type="button" className="button secondary" onClick={() => dialog.current?.showModal()}>
          Revoke {client.name}
        </button>
      )}
      <Problem error={revoke.error} />
      <dialog ref={dialog} aria-labelledby={heading}>
        <h2 id={heading}>Revoke {client.name}?</h2>
        <p>Its tokens stop working at once, and it cannot get new ones. This cannot be undone: a new client gets a new secret.</p>
        <div className="actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              dialog.current?.close();
              revoke.mutate();
            }}
          >
            Revoke
          </button>
          <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
            Keep it
          </button>
        </div>
      </dialog>
    </li>
  );
}

/** Integrator clients, for admins: what each may do, created with a secret shown once, revoked. */
export default function IntegrationsPage() {
  const queryClient = useQueryClient();
  const ids = { name: useId(), scopes: useId() };
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>([]);
  const [created, setCreated] = useState<Created | null>(null);
  const clients = useQuery({ queryKey: ["service-clients"], queryFn: circles.admin.serviceClients });
  const create = useMutation({
    mutationFn: () => circles.admin.createServiceClient({ name: name.trim(), scopes }),
    onSuccess: (answer) => {
      setCreated(answer);
      setName("");
      setScopes([]);
      void queryClient.invalidateQueries({ queryKey: ["service-clients"] });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    create.mutate();
  }

  return (
    <article className="narrow">
      <PageHeading title="Integrations" />
      <p>
        The counseling service's own systems call the API as clients with a secret. Give each one only what it needs.
      </p>
      {created ? <Secret created={created} /> : null}
      <form onSubmit={submit}>
        <h2>Add a client</h2>
        <div className="field">
          <label htmlFor={ids.name}>Name</label>
          <p className="hint" id={`${ids.name}-hint`}>
            What the system is, so others know it, e.g. "Intake referrals".
          </p>
          <input
            id={ids.name}
            aria-describedby={`${ids.name}-hint`}
            value={name}
            minLength={2}
            maxLength={100}
            required
            onChange={(event) => setName(event.target.value)}
          />
          {fieldError(create.error, "name") ? <p className="error">{fieldError(create.error, "name")}</p> : null}
        </div>
        <fieldset>
          <legend>What it may do</legend>
          {SCOPES.map((scope) => (
            <label className="choice" key={scope}>
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(event) => setScopes(event.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))}
              />
              {SCOPE_WORDS[scope]}
            </label>
          ))}
        </fieldset>
        <Problem error={create.error} />
        <div className="actions">
          <button type="submit" className="button" disabled={create.isPending || name.trim().length < 2 || scopes.length === 0}>
            Create the client
          </button>
        </div>
      </form>
      <h2>Clients</h2>
      {clients.isPending ? <Loading what="the clients" /> : null}
      <Problem error={clients.error} retry={() => void clients.refetch()} />
      {clients.data && clients.data.items.length === 0 ? <p className="muted">No clients yet.</p> : null}
      <ul className="cards">
        {(clients.data?.items ?? []).map((client) => (
          <ClientCard key={client.client_id} client={client} onRevoked={() => void queryClient.invalidateQueries({ queryKey: ["service-clients"] })} />
        ))}
      </ul>
    </article>
  );
}
