// Command ferretdb runs FerretDB v1 for development and tests, on its PostgreSQL backend
// (the default of scripts/services.sh) or its SQLite backend.
//
// We embed the library instead of `go install .../cmd/ferretdb` because that binary
// panics at start when built from the module proxy (missing version.txt, FerretDB #2982).
//
// Every flag can also come from the environment (the flag wins):
//
//	--listen-addr     FERRETDB_LISTEN_ADDR     TCP address to listen on
//	--handler         FERRETDB_HANDLER         postgresql or sqlite
//	--postgresql-url  FERRETDB_POSTGRESQL_URL  e.g. postgres://postgres@127.0.0.1:5433/ferretdb
//	--sqlite-url      FERRETDB_SQLITE_URL      SQLite directory URI, ending with /
//	--jsonb-gin       FERRETDB_JSONB_GIN       true (default) or false: see jsonb_gin.go
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", env("FERRETDB_LISTEN_ADDR", "127.0.0.1:27017"), "TCP address to listen on")
	handler := flag.String("handler", env("FERRETDB_HANDLER", "sqlite"), "backend: postgresql or sqlite")
	pgURL := flag.String("postgresql-url", env("FERRETDB_POSTGRESQL_URL", ""), "PostgreSQL URL (postgresql handler)")
	sqliteURL := flag.String("sqlite-url", env("FERRETDB_SQLITE_URL", "file:data/"), "SQLite directory URI, must end with / (sqlite handler)")
	jsonbGIN := flag.Bool("jsonb-gin", env("FERRETDB_JSONB_GIN", "true") == "true", "postgresql handler: GIN companions of single-field indexes, so pushed-down equalities use an index (jsonb_gin.go)")
	flag.Parse()

	config := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Handler:  *handler,
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	backend := ""
	switch *handler {
	case "postgresql":
		if *pgURL == "" {
			log.Fatal("--handler postgresql needs --postgresql-url (or FERRETDB_POSTGRESQL_URL)")
		}
		config.PostgreSQLURL = *pgURL
		backend = redactURL(*pgURL)
		if *jsonbGIN {
			config.PostgreSQLURL = withCustomPlans(*pgURL)
			if err := installJSONBGINCompanions(context.Background(), *pgURL); err != nil {
				log.Printf("warning: indexes will not serve filters (GIN companions not installed): %v", err)
			} else {
				// Existing tables get theirs in the background: on a large database this takes a while.
				go func() {
					if n, err := reconcileJSONBGINCompanions(context.Background(), *pgURL); err != nil {
						log.Printf("warning: GIN companions of existing indexes: %v", err)
					} else if n > 0 {
						log.Printf("GIN companions: %d created or dropped for existing indexes", n)
					}
				}()
			}
		}
	case "sqlite":
		if err := os.MkdirAll(strings.TrimPrefix(*sqliteURL, "file:"), 0o755); err != nil {
			log.Fatalf("cannot create data directory: %v", err)
		}
		config.SQLiteURL = *sqliteURL
		backend = *sqliteURL
	default:
		log.Fatalf("unknown --handler %q: use postgresql or sqlite", *handler)
	}

	f, err := ferretdb.New(config)
	if err != nil {
		log.Fatalf("cannot start FerretDB: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log.Printf("FerretDB listening on %s (%s), %s backend at %s", *listen, f.MongoDBURI(), *handler, backend)
	if err := f.Run(ctx); err != nil {
		log.Fatalf("FerretDB stopped: %v", err)
	}
}

func env(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return fallback
}

// redactURL hides a password in a PostgreSQL URL before it is logged.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Sprintf("(unparsable URL, %d characters)", len(raw))
	}
	return u.Redacted()
}
