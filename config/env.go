package config

import (
	"fmt"
	"os"
	"strings"
)

// plainEnv are overrides for deployment: a container sets where to listen
// and where to keep data without a file.
var plainEnv = []struct {
	name string
	key  path
	set  func(*Config, string)
}{
	{"ANDON_ADDR", path{}.key("server").key("addr"), func(c *Config, v string) { c.Server.Addr = v }},
	{"ANDON_DATA_DIR", path{}.key("server").key("data_dir"), func(c *Config, v string) { c.Server.DataDir = v }},
	{"ANDON_LOG_LEVEL", path{}.key("server").key("log_level"), func(c *Config, v string) { c.Server.LogLevel = v }},
}

// listEnv are comma-separated lists, for deployment: a container behind a
// load balancer names its proxies without a file. Spaces around entries and
// empty entries are dropped.
var listEnv = []struct {
	name string
	key  path
	set  func(*Config, []string)
}{
	{"ANDON_TRUSTED_PROXIES", path{}.key("server").key("trusted_proxies"), func(c *Config, v []string) { c.Server.TrustedProxies = v }},
}

// secretEnv are secrets, which may be given directly (NAME) or, better, as a
// file (NAME_FILE, as with Docker and Kubernetes secrets) so that they stay
// out of the process environment and the config file.
var secretEnv = []envVar{
	{"ANDON_SECRET", path{}.key("server").key("secret"), func(c *Config, v string) { c.Server.Secret = v }},
	{"ANDON_STORE_DSN", path{}.key("store").key("dsn"), func(c *Config, v string) { c.Store.DSN = v }},
	{"ANDON_SMTP_PASSWORD", path{}.key("smtp").key("password"), func(c *Config, v string) { c.SMTP.Password = v }},
}

// envVar is one environment override of the key at key.
type envVar struct {
	name string
	key  path
	set  func(*Config, string)
}

// siteSecretEnv are the identity secrets of the configured sites,
// ANDON_SITE_<NAME>_IDENTITY_SECRET with the site name in capitals and "-"
// written "_" (so sites "a-b" and "a_b" share one variable).
func siteSecretEnv(cfg *Config) []envVar {
	vars := make([]envVar, 0, len(cfg.Sites))
	for i, s := range cfg.Sites {
		if s.Name == "" {
			continue
		}
		name := "ANDON_SITE_" + strings.ToUpper(strings.ReplaceAll(s.Name, "-", "_")) + "_IDENTITY_SECRET"
		vars = append(vars, envVar{name, path{}.key("site").at(i).key("identity_secret"),
			func(c *Config, v string) { c.Sites[i].IdentitySecret = v }})
	}
	return vars
}

// applyEnv applies the environment overrides to cfg and notes in loc which
// keys they set, so that problems with those values name the variable rather
// than a line of the file. An empty variable counts as unset.
func applyEnv(cfg *Config, lookupEnv func(string) (string, bool), loc *locator) Errors {
	get := func(name string) string {
		v, _ := lookupEnv(name)
		return v
	}
	var errs Errors
	for _, e := range plainEnv {
		if v := get(e.name); v != "" {
			e.set(cfg, v)
			loc.env[e.key.String()] = "env " + e.name
		}
	}
	for _, e := range listEnv {
		v := get(e.name)
		if v == "" {
			continue
		}
		var items []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
		e.set(cfg, items)
		// A bad entry is reported as the variable's, not a line of the file.
		loc.env[e.key.String()] = "env " + e.name
		for i := range items {
			loc.env[e.key.at(i).String()] = "env " + e.name
		}
	}
	for _, e := range append(secretEnv[:len(secretEnv):len(secretEnv)], siteSecretEnv(cfg)...) {
		fileVar := e.name + "_FILE"
		v, file := get(e.name), get(fileVar)
		switch {
		case v != "" && file != "":
			errs = append(errs, &Error{File: "env " + e.name, Key: e.key.String(),
				Msg: fmt.Sprintf("both %s and %s are set; use one", e.name, fileVar)})
		case v != "":
			e.set(cfg, v)
			loc.env[e.key.String()] = "env " + e.name
		case file != "":
			b, err := os.ReadFile(file)
			if err != nil {
				errs = append(errs, &Error{File: "env " + fileVar, Key: e.key.String(),
					Msg: fmt.Sprintf("couldn't read the secret file: %v", err)})
				continue
			}
			s := strings.TrimSpace(string(b))
			if s == "" {
				errs = append(errs, &Error{File: "env " + fileVar, Key: e.key.String(),
					Msg: fmt.Sprintf("%s is empty", file)})
				continue
			}
			e.set(cfg, s)
			loc.env[e.key.String()] = "env " + fileVar
		}
	}
	return errs
}
