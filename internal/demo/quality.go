package demo

import (
	"context"
	"encoding/json"
	"time"

	"github.com/exphub/exphub/internal/quality"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/validation"
)

// SeedQuality records the demo's data-quality story on a seeded scenario:
// the raw transactions contract passed on v1 and failed on v2 (merchants
// went missing), so everything built from v2 — the features, the training
// runs, the fraud models — is at risk. Results are recorded as the CI job
// of the ETL would push them (hubctl validate --push): the demo's data is
// not on this machine.
func SeedQuality(ctx context.Context, s *store.Store, sc *Scenario, now time.Time) error {
	rules := func(merchantNulls int64, rows int64) []quality.RuleResult {
		pct := func(n, d int64) *float64 { p := 100 * float64(n) / float64(d); return &p }
		notNull := quality.RuleResult{Index: 0, Type: "not_null", Column: "merchant", Severity: quality.SeverityError,
			Verdict: quality.VerdictPassed, Observed: 1.0, ElementCount: rows, UnexpectedPercent: pct(0, rows)}
		if merchantNulls > 0 {
			notNull.Verdict, notNull.Observed = quality.VerdictFailed, float64(rows-merchantNulls)/float64(rows)
			notNull.MissingCount, notNull.UnexpectedCount, notNull.UnexpectedPercent = merchantNulls, merchantNulls, pct(merchantNulls, rows)
			notNull.UnexpectedSample = []quality.Sample{{Row: 1812, Value: nil}, {Row: 90233, Value: nil}, {Row: 412771, Value: nil}}
		}
		return []quality.RuleResult{
			notNull,
			{Index: 1, Type: "unique", Column: "txn_id", Severity: quality.SeverityError, Verdict: quality.VerdictPassed, Observed: 1.0,
				ElementCount: rows, UnexpectedPercent: pct(0, rows)},
			{Index: 2, Type: "value_between", Column: "amount", Severity: quality.SeverityError, Verdict: quality.VerdictPassed, Observed: 1.0,
				ElementCount: rows, UnexpectedPercent: pct(0, rows)},
			{Index: 3, Type: "row_count_between", Severity: quality.SeverityError, Verdict: quality.VerdictPassed, Observed: float64(rows)},
		}
	}
	for _, v := range []struct {
		id            string
		rows, missing int64
		at            time.Duration
	}{
		{sc.FraudRawV1, 1_204_331, 0, -27 * 24 * time.Hour},
		{sc.FraudRawV2, 1_318_002, 16_970, -26 * 24 * time.Hour},
	} {
		res := quality.Result{Engine: "exphub", Suite: "transactions-contract", Format: quality.FormatParquet, RowCount: v.rows,
			Rules: rules(v.missing, v.rows), StartedAt: now.Add(v.at), FinishedAt: now.Add(v.at + 40*time.Second)}
		res.Finalize()
		raw, err := json.Marshal(res)
		if err != nil {
			return err
		}
		in, err := validation.RecordInput(v.id, "transactions-contract", string(raw))
		if err != nil {
			return err
		}
		if _, err := s.RecordValidationResult(ctx, "bob", in); err != nil {
			return err
		}
	}
	return nil
}
