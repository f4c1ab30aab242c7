// Command ferretdb runs FerretDB v1 (SQLite backend) for development and tests.
//
// We embed the library instead of `go install .../cmd/ferretdb` because that binary
// panics at start when built from the module proxy (missing version.txt, FerretDB #2982).
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite directory URI (must end with /)")
	flag.Parse()

	if err := os.MkdirAll(trimFileScheme(*sqliteURL), 0o755); err != nil {
		log.Fatalf("cannot create data directory: %v", err)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: *sqliteURL,
		Logger:    logger,
	})
	if err != nil {
		log.Fatalf("cannot start FerretDB: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log.Printf("FerretDB listening on %s (%s)", *listen, f.MongoDBURI())
	if err := f.Run(ctx); err != nil {
		log.Fatalf("FerretDB stopped: %v", err)
	}
}

func trimFileScheme(u string) string {
	const scheme = "file:"
	if len(u) >= len(scheme) && u[:len(scheme)] == scheme {
		return u[len(scheme):]
	}
	return u
}
