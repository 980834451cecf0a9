import { useState } from "react";
import { useClient, useMutation, type CombinedError } from "urql";
import { graphql } from "../gql";
import { jsonDownload, sha256Hex, signOffProblem } from "../lib/approvals";
import { saveFile } from "./Download";
import { Problem } from "./States";

const PackForSignOffQuery = graphql(`
  query PackForSignOff($id: ID!) {
    evidencePack(promotionRequestId: $id)
  }
`);

const SignOffMutation = graphql(`
  mutation SignOffPack($input: SignOffInput!) {
    signOff(input: $input) { signOff { id digest decision signedBy } }
  }
`);

export type SignOffRow = { id: string; decision: string; findings?: string | null; signedBy: string; signedAt: string; digest: string };

// SignOffs lists compliance sign-offs, oldest first: of a request's packs,
// or of a project's reports.
export function SignOffs({ rows, empty = "No compliance sign-off yet.", what = "pack" }: { rows: readonly SignOffRow[]; empty?: string; what?: string }) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="plain decisions" data-testid="sign-offs">
      {rows.map((s) => (
        <li key={s.id} data-decision={s.decision} data-digest={s.digest}>
          <span className={`verdict ${s.decision === "ACCEPTED" ? "passed" : "failed"}`}>{s.decision.toLowerCase()}</span> by <strong>{s.signedBy}</strong>{" "}
          <span className="muted">{new Date(s.signedAt).toLocaleString()} · {what} <code title={s.digest}>{s.digest.slice(0, 12)}</code></span>
          {s.findings && <blockquote>{s.findings}</blockquote>}
        </li>
      ))}
    </ul>
  );
}

// SignOffForm lets the auditor sign off the evidence pack: it prepares the
// pack as the file it saves (pretty-printed JSON), shows that file's
// SHA-256, saves the exact file on demand, and sends those bytes with the
// decision, so the digest the hub records is the digest of the file kept.
export function SignOffForm({ requestId, onSigned }: { requestId: string; onSigned: () => void }) {
  const client = useClient();
  const [pack, setPack] = useState<{ name: string; text: string; digest: string | null } | null>(null);
  const [loadError, setLoadError] = useState<CombinedError | null>(null);
  const [findings, setFindings] = useState("");
  const [state, signOff] = useMutation(SignOffMutation);
  const [said, setSaid] = useState<string | null>(null);
  const prepare = async () => {
    setSaid(null);
    const r = await client.query(PackForSignOffQuery, { id: requestId }, { requestPolicy: "network-only" }).toPromise();
    setLoadError(r.error ?? null);
    if (!r.data) return;
    const f = jsonDownload("evidence", requestId, r.data.evidencePack);
    setPack({ ...f, digest: await sha256Hex(f.text) });
  };
  const send = async (decision: "ACCEPTED" | "REJECTED") => {
    if (!pack) return;
    const r = await signOff({ input: { subject: "EVIDENCE_PACK", document: pack.text, decision, findings: findings.trim() || null } });
    if (r.data) {
      const s = r.data.signOff.signOff;
      setSaid(`${s.decision === "ACCEPTED" ? "Accepted" : "Rejected"}: sign-off ${s.id} of the pack with SHA-256 ${s.digest}.`);
      setPack(null);
      setFindings("");
      onSigned();
    }
  };
  const acceptProblem = signOffProblem("ACCEPTED", findings);
  const rejectProblem = signOffProblem("REJECTED", findings);
  return (
    <form className="decide" data-testid="sign-off" onSubmit={(e) => e.preventDefault()}>
      {!pack ? (
        <button onClick={prepare}>Prepare the evidence pack for sign-off</button>
      ) : (
        <>
          <p data-testid="sign-off-digest">
            The pack as of now{pack.digest && <>, SHA-256 <code>{pack.digest}</code></>}.{" "}
            <button onClick={() => saveFile(pack.name, pack.text, "application/json")}>Download this exact file</button>{" "}
            <span className="muted">(check it with hubctl evidence verify; hubctl signoff status finds this sign-off by it)</span>
          </p>
          <label>Findings <span className="muted">(optional to accept, required to reject)</span>
            <textarea aria-label="findings" rows={3} value={findings} onChange={(e) => setFindings(e.target.value)} />
          </label>
          <div className="row">
            <button disabled={state.fetching || acceptProblem !== null} onClick={() => send("ACCEPTED")}>Accept the pack</button>
            <button disabled={state.fetching || rejectProblem !== null} onClick={() => send("REJECTED")}>Reject the pack</button>
            {rejectProblem && findings !== "" && <span className="muted">{rejectProblem}</span>}
          </div>
        </>
      )}
      {loadError && <Problem error={loadError} />}
      {state.error && <Problem error={state.error} />}
      {said && <p className="muted" role="status">{said}</p>}
    </form>
  );
}
