import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { useProject } from "../components/ProjectPicker";
import { Loading, Problem } from "../components/States";
import { TemplateEditor } from "../components/TemplateEditor";
import { canWrite } from "../lib/project";
import { describeSelector } from "../lib/templates";

const TemplatesQuery = graphql(`
  query ValidationTemplates($projectKey: String!) {
    validationTemplates(projectKey: $projectKey) {
      id name description version updatedAt updatedBy
      selector { namespace name featureView tags }
    }
  }
`);

// Templates lists a project's validation templates — suites written once
// with parameters, for the datasets their selector matches (each
// template's page lists the suites that follow it); a contributor writes
// a new one here.
export default function Templates() {
  const { project, picker } = useProject();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [{ data, error, fetching }] = useQuery({ query: TemplatesQuery, variables: { projectKey: project?.key ?? "" }, pause: !project });
  const templates = data?.validationTemplates ?? [];
  return (
    <section>
      <div className="row">
        <h1>Validation templates</h1>
        {picker}
      </div>
      <p className="muted">A template is a validation suite written once with parameters (<code>${"{name}"}</code>) for the datasets its selector matches. Applying it to a dataset makes a suite that follows it; a new version of the template renders every such suite again.</p>
      {fetching && !data && <Loading what="the templates" />}
      {error && <Problem error={error} />}
      {data && (
        <div className="card" data-testid="templates">
          {templates.length === 0 ? <p className="muted">No templates in this project yet.</p> : (
            <table className="catalog">
              <thead><tr><th>Template</th><th>Version</th><th>For</th><th>Changed</th></tr></thead>
              <tbody>
                {templates.map((t) => (
                    <tr key={t.id} data-testid="template" data-name={t.name}>
                      <td><Link to={`/templates/${t.id}`}>{t.name}</Link>{t.description && <div className="muted small">{t.description}</div>}</td>
                      <td>v{t.version}</td>
                      <td>{describeSelector(t.selector)}</td>
                      <td>{new Date(t.updatedAt).toLocaleString()} <span className="muted">by {t.updatedBy}</span></td>
                    </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      {project && canWrite(project.myRole) && (creating
        ? <TemplateEditor projectKey={project.key} onDone={(id) => { setCreating(false); if (id) navigate(`/templates/${id}`); }} />
        : <p><button onClick={() => setCreating(true)}>New template</button></p>)}
    </section>
  );
}
