package config

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestLoadRejects feeds one kind of bad input per case and expects exactly
// these problems, each with file, line and key.
func TestLoadRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{
			name: "unknown key",
			doc:  "[server]\nadress = \"127.0.0.1:80\"\n",
			want: []string{"andon.toml:2: unknown key server.adress"},
		},
		{
			name: "unknown key close to a real one",
			doc:  "[server]\naddress = \"127.0.0.1:80\"\n",
			want: []string{"andon.toml:2: unknown key server.address (did you mean server.addr?)"},
		},
		{
			name: "unknown table",
			doc:  "# comment\n[servers]\naddr = \"127.0.0.1:80\"\n",
			want: []string{"andon.toml:2: unknown key servers (did you mean server?)"},
		},
		{
			name: "unknown key in the second site",
			doc:  "[[site]]\nname = \"a\"\n\n[[site]]\nname = \"b\"\ncolour = \"#ffffff\"\n",
			want: []string{"andon.toml:6: unknown key site[1].colour (did you mean site[1].color?)"},
		},
		{
			name: "unknown key in an inline table",
			doc:  "site = [{ name = \"a\" }, { name = \"b\", bogus = 1 }]\n",
			want: []string{"andon.toml:1: unknown key site[1].bogus"},
		},
		{
			name: "unknown dotted key",
			doc:  "server.tls.cert = \"x.pem\"\n",
			want: []string{"andon.toml:1: unknown key server.tls"},
		},
		{
			name: "unknown key that starts like a real one",
			doc:  "[server]\nlog = \"debug\"\n",
			want: []string{"andon.toml:2: unknown key server.log (did you mean server.log_level?)"},
		},
		{
			name: "unknown key in an array of tables in a table",
			doc:  "[bot]\nanswer_threshold = 0.5\n\n[[bot.sensitive]]\nname = \"billing\"\npatterns = [\"refund\"]\nteams = \"finance\"\n",
			want: []string{"andon.toml:7: unknown key bot.sensitive[0].teams (did you mean bot.sensitive[0].team?)"},
		},
		{
			name: "unknown keys all at once",
			doc:  "[server]\nadress = \"x\"\n[store]\ndriverr = \"sqlite\"\n",
			want: []string{
				"andon.toml:2: unknown key server.adress",
				"andon.toml:4: unknown key store.driverr (did you mean store.driver?)",
			},
		},
		{
			name: "string expected",
			doc:  "# andon\n\n[server]\n# where to listen\naddr = 8080\n",
			want: []string{"andon.toml:5: server.addr: expected a string, got an integer"},
		},
		{
			name: "integer expected",
			doc:  "[limits]\nsend_queue = 1.5\n",
			want: []string{"andon.toml:2: limits.send_queue: expected an integer, got a float"},
		},
		{
			name: "number expected",
			doc:  "[bot]\nanswer_threshold = \"high\"\n",
			want: []string{"andon.toml:2: bot.answer_threshold: expected a number, got a string"},
		},
		{
			name: "boolean expected",
			doc:  "[knowledge]\nload_demo = \"yes\"\n",
			want: []string{"andon.toml:2: knowledge.load_demo: expected a boolean, got a string"},
		},
		{
			name: "date where a string belongs",
			doc:  "[server]\ndata_dir = 2024-01-01\n",
			want: []string{"andon.toml:2: server.data_dir: expected a string, got a date"},
		},
		{
			name: "array expected",
			doc:  "[[site]]\nname = \"a\"\nallowed_origins = \"https://a.example.com\"\n",
			want: []string{"andon.toml:3: site[0].allowed_origins: expected an array of strings, got a string"},
		},
		{
			name: "array element of the wrong type, on its own line",
			doc:  "[[site]]\nname = \"a\"\nallowed_origins = [\n  \"https://a.example.com\",\n  42,\n]\n",
			want: []string{"andon.toml:5: site[0].allowed_origins[1]: expected a string, got an integer"},
		},
		{
			name: "table expected",
			doc:  "server = \"127.0.0.1:8080\"\n",
			want: []string{"andon.toml:1: server: expected a table, got a string"},
		},
		{
			name: "table written as an array of tables",
			doc:  "[[server]]\naddr = \"127.0.0.1:8080\"\n",
			want: []string{"andon.toml:1: server: expected a table, got an array of tables"},
		},
		{
			name: "array of tables written as a table",
			doc:  "[site]\nname = \"a\"\n",
			want: []string{"andon.toml:1: site: expected an array of tables, got a table (write [[site]])"},
		},
		{
			name: "map expected",
			doc:  "[[site]]\nname = \"a\"\ngreeting = \"hello\"\n",
			want: []string{"andon.toml:3: site[0].greeting: expected a table, got a string"},
		},
		{
			name: "map value of the wrong type",
			doc:  "[[site]]\nname = \"a\"\n[site.greeting]\nen = \"hello\"\nsv = 1\n",
			want: []string{"andon.toml:5: site[0].greeting.sv: expected a string, got an integer"},
		},
		{
			name: "duration as a bare integer",
			doc:  "[limits]\nping_interval = 25\n",
			want: []string{`andon.toml:2: limits.ping_interval: expected a duration string such as "30s", got an integer`},
		},
		{
			name: "duration that does not parse",
			doc:  "[ollama]\ntimeout = \"soon\"\n",
			want: []string{`andon.toml:2: ollama.timeout: invalid duration "soon" (write it like "30s", "5m" or "1h30m")`},
		},
		{
			name: "dotted key through a duration",
			doc:  "[server]\nshutdown_timeout.seconds = 10\n",
			want: []string{`andon.toml:2: server.shutdown_timeout: expected a duration string such as "30s", got a table`},
		},
		{
			name: "wrong types all at once",
			doc:  "[server]\naddr = 8080\n[limits]\nping_interval = 25\nmax_connections = \"many\"\n",
			want: []string{
				"andon.toml:2: server.addr: expected a string, got an integer",
				`andon.toml:4: limits.ping_interval: expected a duration string such as "30s", got an integer`,
				"andon.toml:5: limits.max_connections: expected an integer, got a string",
			},
		},
		{
			name: "syntax error",
			doc:  "[server\naddr = \"127.0.0.1:8080\"\n",
			want: []string{"andon.toml:1:8: syntax error: expected ']' to close table name"},
		},
		{
			name: "syntax error further down",
			doc:  "[server]\naddr = \"127.0.0.1:8080\nlog_level = \"info\"\n",
			want: []string{"andon.toml:2:23: syntax error: basic strings cannot have new lines"},
		},
		{
			name: "key defined twice",
			doc:  "[server]\naddr = \"127.0.0.1:1\"\naddr = \"127.0.0.1:2\"\n",
			want: []string{"andon.toml:3: server.addr: key addr is already defined"},
		},
		{
			name: "impossible value",
			doc:  "[server]\naddr = \"127.0.0.1:8080\"\n\n[limits]\nsend_queue = 64\n\n\n\n\n\n\nmax_message_bytes = 0\n",
			want: []string{"andon.toml:12: limits.max_message_bytes: must be between 64 and 1048576 (got 0)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, tt.doc)
			cfg, err := load(path, noEnv)
			if got := problems(t, path, err); !equalLines(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if err != nil && !reflect.DeepEqual(cfg, Config{}) {
				t.Errorf("Load returned a config with its error: %+v", cfg)
			}
		})
	}
}

// TestLoadReportsAllProblems checks that unknown keys and every impossible
// value come back together, in line order, each at its own line.
func TestLoadReportsAllProblems(t *testing.T) {
	t.Parallel()
	doc := `[server]
addr = "localhost"
log_level = "verbose"
read_header_timeout = "0s"

[store]
driver = "postgres"

[limits]
ping_interval = "30s"
pong_timeout = "20s"

[[site]]
name = "shop"
allowed_origins = ["https://shop.example.com/", "https://*.example.com", "ftp://x.example.com"]
color = "blue"

[[site]]
title = "No name"

[[site]]
name = "shop"
position = "top"

[bot]
answer_threshold = 0.4
clarify_threshold = 0.6
colour = "red"

[[bot.sensitive]]
name = "billing"
patterns = ["(refund"]

[knowledge]
embedder = "ollama"
`
	want := []string{
		`andon.toml:2: server.addr: must be host:port, such as "127.0.0.1:8080" or ":8080" (got "localhost")`,
		`andon.toml:3: server.log_level: must be one of "debug", "info", "warn", "error" (got "verbose")`,
		`andon.toml:4: server.read_header_timeout: must be longer than 0 (got 0s)`,
		`andon.toml:7: store.dsn: required when store.driver = "postgres" (or set ANDON_STORE_DSN or ANDON_STORE_DSN_FILE)`,
		`andon.toml:11: limits.pong_timeout: must be longer than limits.ping_interval (30s), or connections time out between two pings (got 20s)`,
		`andon.toml:15: site[0].allowed_origins[0]: must have no path, query or user info: write "https://shop.example.com" (got "https://shop.example.com/")`,
		`andon.toml:15: site[0].allowed_origins[2]: scheme must be http or https (got "ftp://x.example.com")`,
		`andon.toml:16: site[0].color: must be a colour written "#RRGGBB", such as "#1f6feb" (got "blue")`,
		`andon.toml:18: site[1].name: required`,
		`andon.toml:22: site[2].name: duplicate site name "shop" (first defined on line 14)`,
		`andon.toml:23: site[2].position: must be one of "right", "left" (got "top")`,
		`andon.toml:27: bot.clarify_threshold: must not be above bot.answer_threshold (0.4) (got 0.6)`,
		`andon.toml:28: unknown key bot.colour`,
		"andon.toml:32: bot.sensitive[0].patterns[0]: invalid regular expression: missing closing ): `(refund`",
		`andon.toml:35: ollama.embed_model: required when knowledge.embedder = "ollama", for example "nomic-embed-text"`,
	}
	path := writeConfig(t, doc)
	_, err := load(path, noEnv)
	if got := problems(t, path, err); !equalLines(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoadFillsDefaults(t *testing.T) {
	t.Parallel()
	doc := `[server]
addr = ":9090"

[limits]
ping_interval = "10s"

[[site]]
name = "shop"
allowed_origins = ["https://shop.example.com"]
greeting.en = "Order questions?"

[bot]
answer_threshold = 1
`
	path := writeConfig(t, doc)
	got, err := load(path, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := Defaults()
	want.Server.Addr = ":9090"
	want.Limits.PingInterval = Duration(10 * time.Second)
	shop := defaultSite("shop")
	shop.AllowedOrigins = []string{"https://shop.example.com"}
	shop.Greeting = map[string]string{"en": "Order questions?"}
	want.Sites = []Site{shop, defaultSite(DefaultSite)}
	want.Bot.AnswerThreshold = 1
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load:\n%+v\nwant:\n%+v", got, want)
	}
}

func TestLoadKeepsAConfiguredDefaultSite(t *testing.T) {
	t.Parallel()
	doc := `site = [
  { name = "default", title = "Help", allowed_origins = ["https://www.example.com"] },
  { name = "docs", position = "left" },
]
`
	path := writeConfig(t, doc)
	cfg, err := load(path, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sites) != 2 {
		t.Fatalf("sites = %+v, want default and docs only", cfg.Sites)
	}
	def, ok := cfg.Site("")
	if !ok || def.Title != "Help" || def.Color != "#1f6feb" || len(def.Greeting) != 2 {
		t.Errorf(`Site("") = %+v, %v; want the configured default site with default colour and greetings`, def, ok)
	}
	docs, ok := cfg.Site("docs")
	if !ok || docs.Position != "left" || docs.Title != "Support" {
		t.Errorf(`Site("docs") = %+v, %v`, docs, ok)
	}
	if _, ok := cfg.Site("nope"); ok {
		t.Error(`Site("nope") found a site`)
	}
	// Sites must not share the default greeting map.
	def.Greeting["en"] = "changed"
	if docs.Greeting["en"] == "changed" {
		t.Error("sites share one greeting map")
	}
}

func TestLoadWithoutFile(t *testing.T) {
	t.Parallel()
	cfg, err := load("", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg, Defaults()) {
		t.Errorf("load(\"\") = %+v, want Defaults()", cfg)
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	_, err := load(t.TempDir()+"/absent.toml", noEnv)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}
