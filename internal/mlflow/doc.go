// Package mlflow maps the MLflow tracking API onto the hub's experiments
// and runs: which project an MLflow experiment lives in (the default
// project, or the project named by a "project/experiment" name), how
// MLflow's ids read as the hub's (a run id is the hub run's UUID as 32 hex
// digits, an experiment id is the hub's experiment id), and one Service
// method per MLflow operation that checks the caller's access and calls
// internal/tracking and internal/catalog, which hold the rules.
//
// It speaks MLflow's words (experiment names, run ids, statuses) but not
// HTTP or JSON: internal/api decodes the wire format. It holds no Cypher.
package mlflow
