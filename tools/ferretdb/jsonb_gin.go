package main

// Indexes that FerretDB v1.24's PostgreSQL backend can actually use.
//
// FerretDB pushes a top-level equality {k: v} down as `_jsonb->'k' @> '"v"'` (containment, so that
// it also matches an element of an array), but the indexes it creates for createIndexes (and for
// _id) are btree indexes on `(_jsonb->'k')`, which serve `=` and ranges, never `@>`. Every query is
// therefore a sequential scan, and on documents large enough to be TOASTed each scanned row is
// decompressed: 2 s for one case by number at 100,000 cases (BENCHMARKS.md, bench:queries).
//
// A GIN index on the same expression with jsonb_path_ops serves exactly `@>`, so it changes how
// PostgreSQL finds the rows, never which rows FerretDB gets. An event trigger gives every
// single-field btree index FerretDB creates on a top-level field (including each collection's
// `_id_`) such a companion, in the same transaction; reconcileJSONBGINCompanions gives one to
// tables created before the trigger and drops those whose btree is gone. Compound indexes get a
// companion for their first field, which is the one equality filters lead with.
//
// FerretDB sends its queries as prepared statements with the field name as a parameter
// (`_jsonb->$1 @> $2`). A generic plan cannot match an index on `_jsonb->'k'`, so FerretDB's
// connections run with plan_cache_mode=force_custom_plan (planned with the values, ~0.2 ms).

import (
	"context"
	_ "embed"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// companionSQL installs the functions and the event trigger (idempotent). Needs a superuser,
// which the embedded default's FerretDB connects as.
//
//go:embed jsonb_gin.sql
var companionSQL string

// installJSONBGINCompanions installs the event trigger in FerretDB's PostgreSQL database.
func installJSONBGINCompanions(ctx context.Context, pgURL string) error {
	conn, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)

	_, err = conn.Exec(ctx, companionSQL)
	return err
}

// reconcileJSONBGINCompanions creates the companions of indexes made before the trigger existed.
func reconcileJSONBGINCompanions(ctx context.Context, pgURL string) (int, error) {
	conn, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)

	var n int
	err = conn.QueryRow(ctx, `SELECT cg_jsonb_gin_reconcile()`).Scan(&n)
	return n, err
}

// withCustomPlans adds plan_cache_mode=force_custom_plan to FerretDB's connections (pgx passes
// unknown URL parameters as run-time settings) unless the URL sets it already.
func withCustomPlans(pgURL string) string {
	u, err := url.Parse(pgURL)
	if err != nil || !strings.HasPrefix(u.Scheme, "postgres") {
		return pgURL // a key=value connection string: left as it is
	}
	q := u.Query()
	if q.Get("plan_cache_mode") == "" {
		q.Set("plan_cache_mode", "force_custom_plan")
	}
	u.RawQuery = q.Encode()
	return fmt.Sprint(u)
}
