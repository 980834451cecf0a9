import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import type { Role } from "../gql/graphql";
import { chooseProject, lastProject, rememberProject } from "../lib/project";
import { Loading, Problem } from "./States";

const PickerQuery = graphql(`
  query ProjectPicker($q: String) {
    projects(filter: { nameContains: $q }, first: 20) { totalCount edges { node { key name myRole } } }
  }
`);

const ProjectQuery = graphql(`
  query PickedProject($key: String!) {
    project(key: $key) { key name myRole }
  }
`);

export interface PickedProject {
  key: string;
  name: string;
  myRole: Role;
}

// useProject returns the project a view shows (?project= in the URL, else
// the last one picked, else the first) and a picker for it: a search box
// over the projects the caller may read, however many there are.
export function useProject(): { project: PickedProject | null; picker: React.ReactNode; unreadable: string | null } {
  const [params, setParams] = useSearchParams();
  const [typed, setTyped] = useState("");
  const [list] = useQuery({ query: PickerQuery, variables: { q: typed.trim() || null } });
  const first = list.data?.projects.edges.map((e) => e.node.key) ?? [];
  const wanted = params.get("project") ?? lastProject();
  // The remembered project counts only while the caller may read it; the
  // project query answers null otherwise.
  const [picked] = useQuery({ query: ProjectQuery, variables: { key: wanted ?? "" }, pause: !wanted });
  const readable = picked.data?.project ? [picked.data.project.key] : [];
  const settled = !wanted || !!picked.data || !!picked.error;
  const key = settled && list.data ? chooseProject(params.get("project"), [...readable, ...first], readable[0] ?? null) : null;
  const project = picked.data?.project?.key === key ? picked.data.project : list.data?.projects.edges.find((e) => e.node.key === key)?.node ?? null;
  useEffect(() => {
    if (project) rememberProject(project.key);
  }, [project]);
  const pick = (k: string) => {
    const p = new URLSearchParams();
    p.set("project", k);
    setParams(p);
    setTyped("");
  };
  let picker: React.ReactNode;
  if (list.error) picker = <Problem error={list.error} />;
  else if (!list.data) picker = <Loading what="your projects" />;
  else if (list.data.projects.totalCount === 0 && !typed) picker = <p className="muted">You can read no project yet: ask an admin for a role.</p>;
  else {
    const options = list.data.projects.edges.map((e) => e.node);
    picker = (
      <form className="picker" onSubmit={(e) => { e.preventDefault(); const exact = options.find((o) => o.key === typed.trim()) ?? (options.length === 1 ? options[0] : undefined); if (exact) pick(exact.key); }}>
        <label>Project{" "}
          <input aria-label="project" list="project-options" placeholder={project ? `${project.key}: type to switch` : "type to find a project"} value={typed} onChange={(e) => {
            const v = e.target.value;
            setTyped(v);
            // Choosing from the list (not typing) switches at once.
            const typing = (e.nativeEvent as InputEvent).inputType?.startsWith("insertText") || (e.nativeEvent as InputEvent).inputType?.startsWith("delete");
            if (!typing && options.some((o) => o.key === v)) pick(v);
          }} />
        </label>
        <datalist id="project-options">
          {options.map((o) => <option key={o.key} value={o.key}>{o.name}</option>)}
        </datalist>
        {typed && list.data.projects.totalCount === 0 && <span className="muted"> no project matches</span>}
      </form>
    );
  }
  // The project the URL names when the caller may not read it (or it does
  // not exist): views say so rather than show nothing.
  const unreadable = key !== null && !project && picked.data && !picked.data.project ? key : null;
  return { project, picker, unreadable };
}
