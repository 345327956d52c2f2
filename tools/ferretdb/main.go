// Command ferretdb runs FerretDB v1 embedded, on SQLite, for machines with no MongoDB server.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("dir", "./data/ferretdb", "SQLite data directory")
	handler := flag.String("handler", "sqlite", "backend handler: sqlite or postgresql")
	pgURL := flag.String("postgresql-url", "postgres://127.0.0.1:5432/postgres", "PostgreSQL URL for the postgresql handler")
	flag.Parse()

	abs, err := filepath.Abs(*dir)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		log.Fatal(err)
	}

	cfg := &ferretdb.Config{
		Handler:  *handler,
		Listener: ferretdb.ListenerConfig{TCP: *listen},
	}
	if *handler == "sqlite" {
		cfg.SQLiteURL = "file:" + abs + "/"
	} else {
		cfg.PostgreSQLURL = *pgURL
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	log.Printf("ferretdb listening on %s (handler %s)", *listen, *handler)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}
