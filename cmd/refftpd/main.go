// Command refftpd runs ftpconform's reference FTP server.
//
//	refftpd [--listen 127.0.0.1:2121] [--root DIR] [--users FILE] [--config FILE] [--fault NAME]...
//	        [--tls-cert FILE --tls-key FILE] [--implicit-listen ADDR] [--require-tls]
//
// With no flags it serves the current directory, read-only, to anonymous users, on
// 127.0.0.1:2121. See reference-server/README.md for the config file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	refserver "github.com/ftpconform/ftpconform/reference-server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil))
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // the server could not run (address in use...)
	exitUsage = 2 // bad flags or config
)

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// run is main without the process: it serves until ctx ends. onListen, when set, is called
// once the server listens (its addresses are known then).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, onListen func(*refserver.Server)) int {
	fs := flag.NewFlagSet("refftpd", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		listen     = fs.String("listen", "", "address to listen on (default 127.0.0.1:2121)")
		root       = fs.String("root", "", "directory to serve (default: the current directory)")
		usersFile  = fs.String("users", "", "users file: one name:password a line (bcrypt hashes accepted)")
		configFile = fs.String("config", "", "JSON config file (see reference-server/README.md); flags override it")
		pasvPorts  = fs.String("passive-ports", "", "port range for passive data connections, MIN-MAX")
		logLevel   = fs.String("log-level", "info", "debug, info, warn or error")
		listFaults = fs.Bool("list-faults", false, "print the fault catalogue and exit")
		tlsCert    = fs.String("tls-cert", "", "PEM certificate (chain) for FTPS, with --tls-key (default: a self-signed one)")
		tlsKey     = fs.String("tls-key", "", "PEM private key of --tls-cert")
		implicit   = fs.String("implicit-listen", "", "also listen here for implicit FTPS (TLS from the first byte)")
		requireTLS = fs.Bool("require-tls", false, "refuse logins without TLS: USER answers 530 until AUTH TLS")
		faults     multiFlag
	)
	fs.Var(&faults, "fault", "switch on a named fault (repeatable; --list-faults shows them)")
	usage := func() {
		fmt.Fprintf(stdout, "Usage: refftpd [flags]\n\nWith no flags: the current directory, read-only, anonymous, on 127.0.0.1:2121.\n\n")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return exitOK
		}
		fmt.Fprintf(stderr, "refftpd: %v (refftpd -h lists the flags)\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "refftpd: unexpected argument %q (refftpd -h lists the flags)\n", fs.Arg(0))
		return exitUsage
	}
	if *listFaults {
		for _, f := range refserver.Faults() {
			fmt.Fprintf(stdout, "%-24s %-16s RFC %-10s %s\n", f.Name, f.Group, f.RFC, f.Description)
		}
		return exitOK
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "refftpd: --log-level %q: expected debug, info, warn or error\n", *logLevel)
		return exitUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	var cfg refserver.Config
	if *configFile != "" {
		c, err := refserver.LoadConfig(*configFile)
		if err != nil {
			fmt.Fprintf(stderr, "refftpd: --config: %v\n", oneLine(err))
			return exitUsage
		}
		cfg = c
	}
	if *listen != "" {
		cfg.Listen = *listen
	}
	if *root != "" {
		cfg.Root = *root
	}
	if cfg.Root == "" {
		cfg.Root = "."
	}
	if *usersFile != "" {
		cfg.UsersFile = *usersFile
	}
	if *pasvPorts != "" {
		cfg.PassivePorts = *pasvPorts
	}
	if *tlsCert != "" || *tlsKey != "" {
		cfg.TLSCertFile, cfg.TLSKeyFile = *tlsCert, *tlsKey
	}
	if *implicit != "" {
		cfg.ImplicitListen = *implicit
	}
	if *requireTLS {
		cfg.RequireTLS = true
	}
	cfg.Faults = append(cfg.Faults, faults...)
	if len(cfg.Users) == 0 && cfg.UsersFile == "" {
		// Nobody named: anonymous, read-only.
		cfg.Users = []refserver.User{
			{Name: "anonymous", Anonymous: true, ReadOnly: true},
			{Name: "ftp", Anonymous: true, ReadOnly: true},
		}
	}
	srv, err := refserver.New(cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "refftpd: %v\n", oneLine(err))
		return exitUsage
	}
	if err := srv.Listen(); err != nil {
		fmt.Fprintf(stderr, "refftpd: %v\n", oneLine(err))
		return exitError
	}
	if onListen != nil {
		onListen(srv)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	select {
	case err := <-served:
		if err != nil {
			fmt.Fprintf(stderr, "refftpd: %v\n", oneLine(err))
			return exitError
		}
		return exitOK
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("shutdown aborted transfers", "err", err)
	}
	<-served
	return exitOK
}

// oneLine keeps an error on one line.
func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }
