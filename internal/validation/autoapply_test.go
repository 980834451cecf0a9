package validation_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/exphub/exphub/internal/neo4jtest"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/testwait"
	"github.com/exphub/exphub/internal/validation"
)

// TestTemplateAppliesItselfOnArrival: a template that applies itself
// makes its suite on a dataset its selector matches when a version of it
// arrives, and the suite validates that version; a second version gets
// no second suite; a dataset the selector does not match gets none; a
// template with a parameter without a default cannot apply itself.
func TestTemplateAppliesItselfOnArrival(t *testing.T) {
	f := newArrivalFixture(t)
	ctx := t.Context()
	def := func(v string) *string { return &v }
	in := store.ValidationTemplateInput{ProjectKey: f.key, Name: "keys", Text: "rules:\n  - {type: not_null, column: ${key}}\n  - {type: row_count_between, min: 1}\n",
		Params: []store.TemplateParam{{Name: "key", Default: def("id")}}, Selector: store.DatasetSelector{Namespace: "file", Name: "ord*"}, AutoApply: true}
	if err := validation.CheckTemplate(in); err != nil {
		t.Fatal(err)
	}
	tpl, err := f.st.CreateValidationTemplate(ctx, neo4jtest.Actor, in)
	if err != nil || !tpl.AutoApply {
		t.Fatalf("template: %+v, %v", tpl, err)
	}
	noDefault := in
	noDefault.Params = []store.TemplateParam{{Name: "key"}}
	if err := validation.CheckTemplate(noDefault); err == nil {
		t.Fatal("a template with a parameter without a default applied itself")
	}
	other, err := f.st.RegisterDataset(ctx, neo4jtest.Actor, store.RegisterDatasetInput{ProjectKey: f.key, Namespace: "file", Name: "customers"})
	if err != nil {
		t.Fatal(err)
	}
	v1 := f.register(t, "v1")
	if _, _, err := f.st.RegisterDatasetVersion(ctx, neo4jtest.Actor, store.RegisterDatasetVersionInput{DatasetID: other.ID, Version: "c1", URI: f.file, Digest: f.digest}); err != nil {
		t.Fatal(err)
	}
	f.follow(t, 4)
	suitesOf := func(dataset string) []map[string]any {
		return neo4jtest.Rows(t, `MATCH (:Dataset {id: $d})-[:HAS_SUITE]->(s:ValidationSuite) RETURN s.id AS id, s.templateId AS template, s.createdBy AS by`,
			map[string]any{"d": dataset})
	}
	var suiteID string
	if !testwait.Until(time.Minute, func() bool {
		s := suitesOf(f.dataset.ID)
		if len(s) != 1 {
			return false
		}
		suiteID, _ = s[0]["id"].(string)
		per, finished := f.runsOf(t, suiteID)
		return per[v1.ID] == 1 && finished == 1
	}) {
		t.Fatalf("no finished run of the template's suite on v1: suites %v", suitesOf(f.dataset.ID))
	}
	if s := suitesOf(f.dataset.ID)[0]; s["template"] != tpl.ID || s["by"] != validation.ActorTemplates {
		t.Fatalf("the suite made: %v; want one of template %s by %s", s, tpl.ID, validation.ActorTemplates)
	}
	v2 := f.register(t, "v2")
	if !testwait.Until(time.Minute, func() bool {
		per, finished := f.runsOf(t, suiteID)
		return per[v2.ID] == 1 && finished == 2
	}) {
		t.Fatal("the template's suite did not validate v2")
	}
	if s := suitesOf(f.dataset.ID); len(s) != 1 {
		t.Fatalf("after v2 the dataset has %d suites; want the one", len(s))
	}
	if s := suitesOf(other.ID); len(s) != 0 {
		t.Fatalf("customers, which the selector does not match, got suites %v", s)
	}
}

// TestTemplateLeavesAFullDatasetAlone: a dataset with as many suites as it
// may have gets no suite of a template that applies itself, and its
// registration is passed, validated by the suites it has.
func TestTemplateLeavesAFullDatasetAlone(t *testing.T) {
	f := newArrivalFixture(t)
	ctx := t.Context()
	for i := range store.MaxSuitesPerDataset {
		f.suite(t, fmt.Sprintf("s%02d", i), i > 0)
	}
	def := "id"
	if _, err := f.st.CreateValidationTemplate(ctx, neo4jtest.Actor, store.ValidationTemplateInput{ProjectKey: f.key, Name: "keys",
		Text: "rules:\n  - {type: not_null, column: ${key}}\n", Params: []store.TemplateParam{{Name: "key", Default: &def}}, AutoApply: true}); err != nil {
		t.Fatal(err)
	}
	first := neo4jtest.Rows(t, `MATCH (:Dataset {id: $d})-[:HAS_SUITE]->(s:ValidationSuite {name: 's00'}) RETURN s.id AS id`, map[string]any{"d": f.dataset.ID})[0]["id"].(string)
	v := f.register(t, "v1")
	f.follow(t, 4)
	if !testwait.Until(time.Minute, func() bool {
		per, finished := f.runsOf(t, first)
		return per[v.ID] == 1 && finished == 1
	}) {
		t.Fatal("the dataset's on-arrival suite did not validate v1")
	}
	if n := neo4jtest.Count(t, `MATCH (:Dataset {id: $d})-[:HAS_SUITE]->(s:ValidationSuite) RETURN count(s) AS n`, map[string]any{"d": f.dataset.ID}); n != store.MaxSuitesPerDataset {
		t.Fatalf("the full dataset has %d suites; want %d", n, store.MaxSuitesPerDataset)
	}
}
