"""Validate Kubernetes manifests against the API schemas of several versions.

Usage: k8svalidate.py VERSIONS FILE...   (VERSIONS comma-separated, e.g. 1.29,1.30,1.31)

Each FILE holds YAML documents (helm template output). Every document is
checked with kubernetes-validate's strict schemas (unknown fields are
errors) for every version. Prints one JSON object per document and version:
{"file", "kind", "name", "version", "status": "ok"|"error"|"no-schema", "error"}.
A kind without a schema (a custom resource such as ServiceMonitor) is
reported as "no-schema", for the caller to decide about. Exit status 0 unless
a file cannot be read or parsed.
"""
import json
import sys

import yaml
from kubernetes_validate import utils


def main():
    versions = sys.argv[1].split(",")
    for path in sys.argv[2:]:
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        for doc in docs:
            kind = doc.get("kind", "")
            name = (doc.get("metadata") or {}).get("name", "")
            for version in versions:
                out = {"file": path, "kind": kind, "name": name, "version": version}
                try:
                    utils.validate(doc, version, strict=True)
                    out["status"] = "ok"
                except utils.SchemaNotFoundError as e:
                    out["status"], out["error"] = "no-schema", e.message
                except utils.ValidationError as e:
                    where = "/".join(str(p) for p in e.absolute_path)
                    out["status"], out["error"] = "error", "%s: %s" % (where or "(document)", e.message)
                print(json.dumps(out))


if __name__ == "__main__":
    main()
