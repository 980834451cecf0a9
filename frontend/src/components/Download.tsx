import { useState } from "react";
import { useClient, type AnyVariables, type CombinedError, type TypedDocumentNode } from "urql";
import { jsonDownload } from "../lib/approvals";
import { Problem } from "./States";

// saveFile hands text to the browser as a download named name.
export function saveFile(name: string, text: string, type: string): void {
  saveBlob(name, new Blob([text], { type }));
}

// saveBlob hands bytes to the browser as a download named name.
export function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

interface Props<F extends string, V extends AnyVariables> {
  label: string;
  // A query whose one field, field, is a JSON document.
  query: TypedDocumentNode<{ [K in F]: unknown }, V>;
  variables: V;
  field: F;
  // The file is prefix-id.json.
  prefix: string;
  id: string;
}

// DownloadJson is a button that asks the hub for a JSON document when
// pressed (not before: they can be large) and saves it as a file.
export function DownloadJson<F extends string, V extends AnyVariables>({ label, query, variables, field, prefix, id }: Props<F, V>) {
  const client = useClient();
  const [state, setState] = useState<{ busy: boolean; error: CombinedError | null }>({ busy: false, error: null });
  const run = async () => {
    setState({ busy: true, error: null });
    const r = await client.query(query, variables, { requestPolicy: "network-only" }).toPromise();
    if (r.data) {
      const f = jsonDownload(prefix, id, r.data[field]);
      saveFile(f.name, f.text, "application/json");
    }
    setState({ busy: false, error: r.error ?? null });
  };
  return (
    <>
      <button onClick={run} disabled={state.busy}>{state.busy ? "Preparing…" : label}</button>
      {state.error && <Problem error={state.error} />}
    </>
  );
}
