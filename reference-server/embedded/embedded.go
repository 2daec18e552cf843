// Package embedded starts the reference server in-process for the suite: a main server on
// loopback with a temporary root and a test user, plus the users, paths and extra instances that
// provide every target condition, described as a harness.TargetConfig.
//
// It imports harness only for the types TargetConfig, Condition and ConditionName.
package embedded

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ftpconform/ftpconform/harness"
	refserver "github.com/ftpconform/ftpconform/reference-server"
)

// Options configure Start.
type Options struct {
	// Logger receives the servers' logs; nil discards them.
	Logger *slog.Logger
	// Faults are switched on in every instance (refserver.Faults lists them).
	Faults []string
	// Host is the loopback address to listen on: "127.0.0.1" (default) or "::1".
	Host string
	// MainOnly starts the main server alone, without the extra instances and condition users;
	// TargetConfig then describes only what the main server provides.
	MainOnly bool
	// TLS is how the suite will reach the servers. Every instance offers AUTH TLS, so explicit
	// TLS needs nothing more; with TLSImplicit every instance also listens for implicit TLS, and
	// the target URLs (ftps://) name those listeners.
	TLS harness.TLSMode
}

// Instance is a running set of reference servers.
type Instance struct {
	// Target is the main server as a URL: ftp://user:password@127.0.0.1:port/.
	Target string
	// TargetConfig describes where each condition is provided.
	TargetConfig *harness.TargetConfig
	// Root is the main server's root directory on disk.
	Root string
	// Servers are all running servers, the main one first.
	Servers []*refserver.Server

	tmp      string
	served   []chan error
	stopOnce sync.Once
	stopErr  error
}

// Condition settings of the embedded instances.
const (
	testUser        = "ftpconform"
	quotaLimit      = 4096
	connectionLimit = 2
	loginLimit      = 3 // failed logins before 421 (RFC 2577 §5: "3-5")
	idleSeconds     = 2
	startDelay      = time.Second
	storageBudget   = 1 // with a 1-byte file already there: no room at all
	refusedPattern  = "*.refused"
	refusedExample  = "name.refused"
	readOnlyDir     = "/readonly"
	busyFile        = "/busy.txt"
	ioErrorFile     = "/ioerror.bin"
	unknownPageFile = "/unknown-page-type.dat"
	mountName       = "/archive"
	homesDir        = "/homes"
	// restartMarkers makes RETR in block and compressed mode send a restart marker every so
	// many bytes (RFC 959 §3.5), so that restart from a server marker can be exercised.
	restartMarkers   = 16 * 1024
	passwordBytes    = 12
	ioErrorFileBytes = 64 * 1024
)

// Start starts the reference servers on loopback, each on a free port, with temporary roots.
func Start(opts Options) (_ *Instance, err error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	host := opts.Host
	if host == "" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("embedded: host %q is not a loopback address", host)
	}
	tmp, err := os.MkdirTemp("", "ftpconform-refserver-")
	if err != nil {
		return nil, fmt.Errorf("embedded: %v", err)
	}
	inst := &Instance{tmp: tmp, TargetConfig: &harness.TargetConfig{Conditions: map[harness.ConditionName]harness.Condition{}}}
	defer func() {
		if err != nil {
			inst.Stop(context.Background())
		}
	}()
	b := &builder{inst: inst, opts: opts, host: host}

	mainRoot, err := b.dir("main")
	if err != nil {
		return nil, err
	}
	inst.Root = mainRoot
	user := refserver.User{Name: testUser, Password: password()}
	mainCfg := refserver.Config{Root: mainRoot, Users: []refserver.User{user}}
	if !opts.MainOnly {
		if err := b.mainConditions(&mainCfg); err != nil {
			return nil, err
		}
	}
	srv, err := b.start(mainCfg)
	if err != nil {
		return nil, err
	}
	inst.Target = b.url(srv, user, "/")
	if opts.MainOnly {
		return inst, nil
	}
	if err := b.extraInstances(); err != nil {
		return nil, err
	}
	return inst, nil
}

// builder holds what Start needs while it builds the instances.
type builder struct {
	inst *Instance
	opts Options
	host string
}

// dir makes a directory under the instance's temporary directory.
func (b *builder) dir(name string) (string, error) {
	d := filepath.Join(b.inst.tmp, name)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", fmt.Errorf("embedded: %v", err)
	}
	return d, nil
}

// file writes a file under root, making its directory.
func file(root, rel string, content []byte) error {
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, content, 0o644)
}

// start starts one server on a free loopback port.
func (b *builder) start(cfg refserver.Config) (*refserver.Server, error) {
	cfg.Listen = net.JoinHostPort(b.host, "0")
	if b.opts.TLS == harness.TLSImplicit {
		cfg.ImplicitListen = net.JoinHostPort(b.host, "0")
	}
	cfg.Faults = append(cfg.Faults, b.opts.Faults...)
	srv, err := refserver.New(cfg, b.opts.Logger.With("instance", len(b.inst.Servers)))
	if err != nil {
		return nil, fmt.Errorf("embedded: %v", err)
	}
	if err := srv.Listen(); err != nil {
		return nil, fmt.Errorf("embedded: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	b.inst.Servers = append(b.inst.Servers, srv)
	b.inst.served = append(b.inst.served, done)
	return srv, nil
}

// url is a server's address with a user's credentials: its implicit TLS listener (ftps://) when
// the suite runs over implicit TLS.
func (b *builder) url(srv *refserver.Server, u refserver.User, scratch string) string {
	scheme, addr := "ftp", srv.Addr()
	if b.opts.TLS == harness.TLSImplicit {
		scheme, addr = "ftps", srv.ImplicitAddr()
	}
	_, port, _ := net.SplitHostPort(addr.String())
	return (&url.URL{Scheme: scheme, User: url.UserPassword(u.Name, u.Password), Host: net.JoinHostPort(b.host, port), Path: scratch}).String()
}

func (b *builder) set(name harness.ConditionName, c harness.Condition) {
	b.inst.TargetConfig.Conditions[name] = c
}

// mainConditions adds the per-user and per-path conditions to the main server.
func (b *builder) mainConditions(cfg *refserver.Config) error {
	root := cfg.Root
	acctLogin := refserver.User{Name: "acct-login", Password: password(), Account: "acct-" + password(), AccountLogin: true, Home: homesDir + "/acct-login"}
	acctStore := refserver.User{Name: "acct-store", Password: password(), Account: "acct-" + password(), AccountStore: true, Home: homesDir + "/acct-store"}
	quota := refserver.User{Name: "quota", Password: password(), Quota: quotaLimit, Home: homesDir + "/quota"}
	cfg.Users = append(cfg.Users, acctLogin, acctStore, quota)
	b.set(harness.CondAccountLogin, harness.Condition{User: acctLogin.Name, Password: acctLogin.Password, Account: acctLogin.Account})
	b.set(harness.CondAccountStore, harness.Condition{User: acctStore.Name, Password: acctStore.Password, Account: acctStore.Account})
	b.set(harness.CondQuota, harness.Condition{User: quota.Name, Password: quota.Password, Limit: quotaLimit})

	for rel, content := range map[string][]byte{
		readOnlyDir + "/README": []byte("Writes in this directory are refused.\n"),
		busyFile:                []byte("This file is always busy.\n"),
		ioErrorFile:             make([]byte, ioErrorFileBytes),
	} {
		if err := file(root, rel, content); err != nil {
			return fmt.Errorf("embedded: %v", err)
		}
	}
	cfg.ReadOnlyPaths = []string{readOnlyDir}
	cfg.BusyPaths = []string{busyFile}
	cfg.BusyWhileWriting = true
	cfg.IOErrorPaths = []string{ioErrorFile}
	cfg.RefusedNames = []string{refusedPattern}
	b.set(harness.CondReadOnlyDir, harness.Condition{Path: readOnlyDir})
	b.set(harness.CondBusyFile, harness.Condition{Path: busyFile})
	b.set(harness.CondIOError, harness.Condition{Path: ioErrorFile})
	b.set(harness.CondRefusedName, harness.Condition{Name: refusedExample})

	mount, err := b.dir("archive")
	if err != nil {
		return err
	}
	if err := file(mount, "/README", []byte("A mounted file system (SMNT).\n")); err != nil {
		return fmt.Errorf("embedded: %v", err)
	}
	cfg.Mounts = map[string]string{mountName: mount}
	b.set(harness.CondMount, harness.Condition{Path: mountName})
	cfg.RestartMarkerInterval = restartMarkers
	return nil
}

// extraInstances starts one server for each server-wide condition.
func (b *builder) extraInstances() error {
	type extra struct {
		name  harness.ConditionName
		setup func(cfg *refserver.Config, root string) error
		cond  func(c *harness.Condition)
	}
	extras := []extra{
		{harness.CondStartDelay, func(cfg *refserver.Config, _ string) error {
			cfg.StartDelay = refserver.Duration(startDelay)
			return nil
		}, nil},
		{harness.CondConnectionLimit, func(cfg *refserver.Config, _ string) error {
			cfg.MaxConnections = connectionLimit
			return nil
		}, func(c *harness.Condition) { c.Limit = connectionLimit }},
		{harness.CondLoginLimit, func(cfg *refserver.Config, _ string) error {
			cfg.MaxLoginFailures = loginLimit
			return nil
		}, func(c *harness.Condition) { c.Limit = loginLimit }},
		{harness.CondIdleTimeout, func(cfg *refserver.Config, _ string) error {
			cfg.IdleTimeout = refserver.Duration(idleSeconds * time.Second)
			return nil
		}, func(c *harness.Condition) { c.Seconds = idleSeconds }},
		{harness.CondDiskFull, func(cfg *refserver.Config, root string) error {
			cfg.StorageBudget = storageBudget
			return file(root, "/.filler", make([]byte, storageBudget))
		}, nil},
		{harness.CondPageStructure, func(cfg *refserver.Config, root string) error {
			cfg.PageStructure = true
			cfg.UnknownPageTypePaths = []string{unknownPageFile}
			return file(root, unknownPageFile, []byte("A file whose page type this server does not know.\n"))
		}, func(c *harness.Condition) { c.Path = unknownPageFile }},
		{harness.CondAnnounceOpen, func(cfg *refserver.Config, _ string) error {
			cfg.PassiveReply125 = true
			return nil
		}, nil},
		{harness.CondKeepData, func(cfg *refserver.Config, _ string) error {
			cfg.KeepDataConnection = true
			return nil
		}, nil},
		{harness.CondTLSRequired, func(cfg *refserver.Config, _ string) error {
			cfg.RequireTLS = true
			return nil
		}, nil},
		{harness.CondProtPrivate, func(cfg *refserver.Config, _ string) error {
			cfg.RequireProtectedData = true
			return nil
		}, nil},
		{harness.CondTLSSessionReuse, func(cfg *refserver.Config, _ string) error {
			cfg.TLSSessionReuse = true
			return nil
		}, nil},
	}
	for _, e := range extras {
		root, err := b.dir(string(e.name))
		if err != nil {
			return err
		}
		user := refserver.User{Name: testUser, Password: password()}
		cfg := refserver.Config{Root: root, Users: []refserver.User{user}}
		if err := e.setup(&cfg, root); err != nil {
			return fmt.Errorf("embedded: %s: %v", e.name, err)
		}
		srv, err := b.start(cfg)
		if err != nil {
			return err
		}
		c := harness.Condition{Target: b.url(srv, user, "/"), User: user.Name, Password: user.Password}
		if e.cond != nil {
			e.cond(&c)
		}
		b.set(e.name, c)
	}
	return nil
}

// password is a random password (hex, so that it needs no escaping in a URL).
func password() string {
	b := make([]byte, passwordBytes)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// Stop shuts every server down (421 to their clients) and removes the temporary directories.
// It is safe to call more than once.
func (i *Instance) Stop(ctx context.Context) error {
	i.stopOnce.Do(func() {
		errs := make([]error, len(i.Servers))
		var wg sync.WaitGroup
		for n, srv := range i.Servers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := srv.Shutdown(ctx)
				if serr := <-i.served[n]; err == nil {
					err = serr
				}
				if err != nil {
					errs[n] = fmt.Errorf("server %d: %v", n, err)
				}
			}()
		}
		wg.Wait()
		if i.tmp != "" {
			if err := os.RemoveAll(i.tmp); err != nil {
				errs = append(errs, err)
			}
		}
		i.stopErr = errors.Join(errs...)
	})
	return i.stopErr
}
