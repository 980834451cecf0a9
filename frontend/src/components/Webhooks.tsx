import { useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import type { ProjectWebhooksQuery, WebhookTopic } from "../gql/graphql";
import { canRedeliver, defaultOverlap, fromNow, overlapChoices, pendingLabel, stateClass, stateLine, toggleTopic, topicLabels, webhookTopics } from "../lib/webhooks";
import { Loading, Problem } from "./States";

const WebhooksQuery = graphql(`
  query ProjectWebhooks($projectKey: String!) {
    webhooks(projectKey: $projectKey) { id url description topics createdAt createdBy state pending delivered lastDeliveredAt attempts lastAttemptAt lastStatus lastError nextAttemptAt parkedAt previousSecretUntil }
  }
`);

// The mutations ask for little: each returns a Webhook, which makes the
// list (context below) read itself again.
const CreateWebhook = graphql(`
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) { webhook { id } secret }
  }
`);

const RotateWebhookSecret = graphql(`
  mutation RotateWebhookSecret($input: RotateWebhookSecretInput!) {
    rotateWebhookSecret(input: $input) { webhook { id previousSecretUntil } secret }
  }
`);

const RedeliverWebhook = graphql(`
  mutation RedeliverWebhook($id: ID!) {
    redeliverWebhook(id: $id) { webhook { id } changed }
  }
`);

const DeleteWebhook = graphql(`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id) { webhook { id } }
  }
`);

// A signing secret the hub just made: it is in this answer only.
interface Revealed {
  webhookId: string;
  url: string;
  secret: string;
  how: "created" | "rotated";
  oldUntil?: string | null;
}

// When shows a time as how long ago or how soon, the exact time on hover;
// a dash when there is none.
function When({ t }: { t: string | null | undefined }) {
  if (!t) return <span className="muted">—</span>;
  return <time dateTime={t} title={new Date(t).toLocaleString()}>{fromNow(t)}</time>;
}

// SecretOnce shows a signing secret the one time the hub gives it out.
function SecretOnce({ revealed, onDone }: { revealed: Revealed; onDone: () => void }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = () => {
    navigator.clipboard.writeText(revealed.secret).then(() => setCopied("yes"), () => setCopied("no"));
  };
  return (
    <div className="info" role="status" data-testid="webhook-secret-once" data-webhook={revealed.webhookId} data-how={revealed.how}>
      <p>
        <strong>{revealed.how === "created" ? "Receiver created." : "Secret rotated."}</strong>{" "}
        The signing secret of <code>{revealed.url}</code> is shown <strong>only this once</strong>: put it in the receiver's
        configuration now. The hub cannot show it again; if it is lost, rotate the secret.
        {revealed.how === "rotated" && (revealed.oldUntil
          ? <> The old secret keeps signing deliveries beside it; it stops <When t={revealed.oldUntil} />.</>
          : <> The old secret no longer signs.</>)}
      </p>
      <p>
        <code className="secret" data-testid="webhook-secret">{revealed.secret}</code>{" "}
        <button type="button" onClick={copy}>Copy</button>{" "}
        {copied === "yes" && <span className="muted">copied</span>}
        {copied === "no" && <span className="muted">the browser would not copy it: select it and copy it by hand</span>}
      </p>
      <button type="button" onClick={onDone}>I have stored it</button>
    </div>
  );
}

type Row = ProjectWebhooksQuery["webhooks"][number];

// Receiver is one row of the list with its actions; rotating and deleting
// each ask once more before they act.
function Receiver({ w, onSecret, onDeleted }: { w: Row; onSecret: (r: Revealed) => void; onDeleted: (id: string) => void }) {
  const [asking, setAsking] = useState<"rotate" | "delete" | null>(null);
  const [overlap, setOverlap] = useState(defaultOverlap);
  const [said, setSaid] = useState<string | null>(null);
  const [rotateState, rotate] = useMutation(RotateWebhookSecret);
  const [redeliverState, redeliver] = useMutation(RedeliverWebhook);
  const [deleteState, del] = useMutation(DeleteWebhook);
  const busy = rotateState.fetching || redeliverState.fetching || deleteState.fetching;
  const line = stateLine(w);
  const doRotate = async () => {
    setSaid(null);
    const r = await rotate({ input: { id: w.id, overlapSeconds: overlap } });
    if (!r.data) return;
    setAsking(null);
    const got = r.data.rotateWebhookSecret;
    onSecret({ webhookId: got.webhook.id, url: w.url, secret: got.secret, how: "rotated", oldUntil: got.webhook.previousSecretUntil });
  };
  const doRedeliver = async () => {
    setSaid(null);
    const r = await redeliver({ id: w.id });
    if (r.data) setSaid(r.data.redeliverWebhook.changed ? "Its next event is sent again now, its attempts counted from zero." : "It was not waiting: there was nothing to send again.");
  };
  const doDelete = async () => {
    const r = await del({ id: w.id });
    if (r.data) onDeleted(w.id);
  };
  const error = rotateState.error ?? redeliverState.error ?? deleteState.error;
  return (
    <tr data-webhook={w.id} data-url={w.url} data-state={w.state} data-delivered={w.delivered} className={w.state === "PARKED" ? "parked" : undefined}>
      <td>
        <code>{w.url}</code>
        {w.description && <div className="muted">{w.description}</div>}
        <div data-testid="webhook-topics">{w.topics.map((t) => <code key={t} className="sample" title={topicLabels[t]}>{t}</code>)}</div>
        <div className="muted">by {w.createdBy}, <When t={w.createdAt} /></div>
      </td>
      <td data-field="state">
        <span className={`vstatus ${stateClass[w.state]}`}>{line.problem ? `⚠ ${w.state}` : w.state}</span>
        <div className={line.problem ? "error" : "muted"}>{line.text}</div>
      </td>
      <td className="num" data-field="delivered">{w.delivered}</td>
      <td className="num" data-field="pending">{pendingLabel(w.pending)}</td>
      <td data-field="last-attempt">
        {!w.lastAttemptAt ? <span className="muted">none yet</span> : <>
          <div data-field="last-status">{w.lastStatus !== null && w.lastStatus !== undefined ? <>HTTP <code>{w.lastStatus}</code></> : <span className="muted">no HTTP status</span>}</div>
          <div className="muted"><When t={w.lastAttemptAt} /></div>
        </>}
        {w.lastError && <div className="error" data-field="last-error">{w.lastError}</div>}
      </td>
      <td>
        <ul className="plain">
          <li data-field="last-delivered"><span className="muted">last delivered</span> <When t={w.lastDeliveredAt} /></li>
          <li data-field="next-attempt"><span className="muted">next attempt</span> <When t={w.nextAttemptAt} /></li>
          <li data-field="parked"><span className="muted">parked</span> <When t={w.parkedAt} /></li>
          <li data-field="previous-secret-until"><span className="muted">old secret stops signing</span> <When t={w.previousSecretUntil} /></li>
        </ul>
      </td>
      <td>
        <div className="row actions">
          <button type="button" disabled={busy} onClick={() => setAsking(asking === "rotate" ? null : "rotate")}>Rotate secret</button>
          <button type="button" disabled={busy || !canRedeliver(w.state)} title={canRedeliver(w.state) ? "send its next event again now" : "it is not waiting: nothing to send again"}
            onClick={() => void doRedeliver()}>Redeliver</button>
          <button type="button" disabled={busy} onClick={() => setAsking(asking === "delete" ? null : "delete")}>Delete</button>
        </div>
        {asking === "rotate" && (
          <div className="warn" role="group" aria-label="rotate the secret">
            <label>The old secret keeps signing for{" "}
              <select aria-label="overlap" value={overlap} onChange={(e) => setOverlap(Number(e.target.value))}>
                {overlapChoices.map((c) => <option key={c.seconds} value={c.seconds}>{c.label}</option>)}
              </select>
            </label>
            <div className="row actions">
              <button type="button" disabled={busy} onClick={() => void doRotate()}>Rotate now</button>
              <button type="button" onClick={() => setAsking(null)}>Cancel</button>
            </div>
          </div>
        )}
        {asking === "delete" && (
          <div className="warn" role="group" aria-label="delete the receiver">
            <span>Delete this receiver? Nothing more is sent to it.</span>
            <div className="row actions">
              <button type="button" disabled={busy} onClick={() => void doDelete()}>Yes, delete it</button>
              <button type="button" onClick={() => setAsking(null)}>Keep it</button>
            </div>
          </div>
        )}
        {said && <p className="muted" role="status">{said}</p>}
        {error && <Problem error={error} />}
      </td>
    </tr>
  );
}

// NewReceiver makes a receiver of the project's events of the topics
// picked; the hub says why when it refuses the URL or another field.
function NewReceiver({ projectKey, onCreated }: { projectKey: string; onCreated: (r: Revealed) => void }) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [topics, setTopics] = useState<WebhookTopic[]>([]);
  const [state, create] = useMutation(CreateWebhook);
  const submit = async () => {
    const sent = url.trim();
    const r = await create({ input: { projectKey, url: sent, description: description.trim(), topics } });
    if (!r.data) return;
    setUrl("");
    setDescription("");
    setTopics([]);
    const got = r.data.createWebhook;
    onCreated({ webhookId: got.webhook.id, url: sent, secret: got.secret, how: "created" });
  };
  return (
    <form className="promote" data-testid="new-webhook" onSubmit={(e) => { e.preventDefault(); if (url.trim() && topics.length > 0) void submit(); }}>
      <h4>New receiver</h4>
      <label>URL <input aria-label="receiver url" inputMode="url" size={60} placeholder="https://receiver.example/hooks/exphub" value={url} onChange={(e) => setUrl(e.target.value)} /></label>
      <label>Description <input aria-label="receiver description" placeholder="optional" size={60} value={description} onChange={(e) => setDescription(e.target.value)} /></label>
      <fieldset>
        <legend>Topics</legend>
        <ul className="plain">
          {webhookTopics.map((t) => (
            <li key={t}>
              <label>
                <input type="checkbox" name="topic" value={t} checked={topics.includes(t)} onChange={() => setTopics((c) => toggleTopic(c, t))} />{" "}
                <code>{t}</code> <span className="muted">{topicLabels[t]}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <p>
        <button type="submit" disabled={state.fetching || !url.trim() || topics.length === 0}>Create receiver</button>
        {topics.length === 0 && <span className="muted"> pick at least one topic</span>}
      </p>
      {state.error && <Problem error={state.error} />}
    </form>
  );
}

// Webhooks is a project's webhook receivers, for its admins: where each
// one's delivery stands, a form for a new one, and what an admin does
// with one (rotate its secret, send a waiting event again, delete it).
export default function Webhooks({ projectKey }: { projectKey: string }) {
  // Every mutation answers with a Webhook: the list reads itself again,
  // even when it was empty.
  const context = useMemo(() => ({ additionalTypenames: ["Webhook"] }), []);
  const [{ data, error, fetching }, reexecute] = useQuery({ query: WebhooksQuery, variables: { projectKey }, context, requestPolicy: "cache-and-network" });
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  // The page shows this panel to admins only; an answer that says the
  // caller is not one (their role changed meanwhile) hides it, as it would
  // have been hidden.
  if (error?.graphQLErrors.some((e) => e.extensions?.["code"] === "FORBIDDEN")) return null;
  const hooks = data?.webhooks ?? [];
  const parked = hooks.filter((w) => w.state === "PARKED").length;
  return (
    <div className="card webhooks" data-testid="webhooks" data-count={data ? hooks.length : undefined}>
      <div className="row">
        <h3>Webhooks <small className="muted">{data && hooks.length}</small></h3>
        <span className="spacer" />
        <button type="button" disabled={fetching} onClick={() => reexecute({ requestPolicy: "network-only" })}>Refresh</button>
      </div>
      <p className="muted">
        The hub POSTs each of the project's events of a receiver's topics to it, in order, signed as Standard Webhooks says
        (headers webhook-id, webhook-timestamp, webhook-signature). Only the project's admins see this.
      </p>
      {revealed && <SecretOnce revealed={revealed} onDone={() => setRevealed(null)} />}
      {parked > 0 && (
        <p className="warn" role="status" data-testid="webhooks-parked">
          {parked === 1 ? "1 receiver is parked: nothing is sent to it" : `${parked} receivers are parked: nothing is sent to them`} until you redeliver. The events wait; none is lost.
        </p>
      )}
      {error && <Problem error={error} />}
      {fetching && !data && <Loading what="the webhook receivers" />}
      {data && (hooks.length === 0 ? <p className="muted">No receivers yet.</p> : (
        <div className="scroll">
          <table className="webhooks">
            <thead><tr><th>Receiver</th><th>State</th><th>Delivered</th><th>Pending</th><th>Last attempt</th><th>When</th><th /></tr></thead>
            <tbody>
              {hooks.map((w) => (
                <Receiver key={w.id} w={w} onSecret={setRevealed} onDeleted={(id) => setRevealed((r) => (r?.webhookId === id ? null : r))} />
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <NewReceiver projectKey={projectKey} onCreated={setRevealed} />
    </div>
  );
}
