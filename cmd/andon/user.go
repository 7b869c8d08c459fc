package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/store"
)

const userUsage = `usage:
  andon user add --email E --role admin|agent|editor [--name N] [--teams a,b] [--password-stdin] [--url URL]
  andon user list
  andon user reset --email E [--url URL]   (prints a one-time password reset link)
  andon user disable --email E    (they cannot log in; their sessions end)
  andon user enable --email E
each also takes [--config FILE] [--data DIR]
Links are built on --url, else server.public_url, else server.addr of the
config (read like serve: --config, then ANDON_* variables).
`

// runUser implements `andon user ...`: console users managed from the
// server's shell, straight on the store (the server may be running).
// Without --password-stdin, add prints a one-time invitation link rather
// than taking a password on the command line, where it would end up in the
// shell history.
func runUser(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, userUsage)
		return 2
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "TOML config file")
	data := fs.String("data", "", "data directory (overrides server.data_dir)")
	var email, role, name, teams *string
	var passwordStdin *bool
	baseURL := new(string)
	switch sub {
	case "add":
		email = fs.String("email", "", "e-mail address (the login)")
		role = fs.String("role", "", "admin, agent or editor")
		name = fs.String("name", "", "display name (default: from the e-mail)")
		teams = fs.String("teams", "", "comma-separated team names")
		passwordStdin = fs.Bool("password-stdin", false, "read the password from the first line of stdin instead of printing an invitation link")
		baseURL = fs.String("url", "", "where people reach the server, for the link (default: server.public_url, else server.addr)")
	case "reset":
		email = fs.String("email", "", "the user's e-mail address")
		baseURL = fs.String("url", "", "where people reach the server, for the link (default: server.public_url, else server.addr)")
	case "disable", "enable":
		email = fs.String("email", "", "the user's e-mail address")
	case "list":
	case "help", "-h", "--help":
		fmt.Fprint(stdout, userUsage)
		return 0
	default:
		fmt.Fprintf(stderr, "andon user: unknown subcommand %q\n\n%s", sub, userUsage)
		return 2
	}
	if err := fs.Parse(rest); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "andon user %s: unexpected argument %q\n\n%s", sub, fs.Arg(0), userUsage)
		return 2
	}
	if email != nil && strings.TrimSpace(*email) == "" {
		fmt.Fprintf(stderr, "andon user %s: --email is required\n\n%s", sub, userUsage)
		return 2
	}
	if role != nil && *role == "" {
		fmt.Fprintf(stderr, "andon user add: --role is required (admin, agent or editor)\n\n%s", userUsage)
		return 2
	}
	var password string
	if passwordStdin != nil && *passwordStdin {
		p, err := readPassword(stdin)
		if err != nil {
			fmt.Fprintln(stderr, "andon user add:", err)
			return 1
		}
		password = p
	}

	cfg, err := loadConfig(*cfgPath, "", *data)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	public := cfg.Server.PublicURL
	if *baseURL != "" {
		public = *baseURL
	}
	svc, closeStore, err := app.UserAdmin(ctx, cfg, public, newLogger(cfg, stderr))
	if err != nil {
		fmt.Fprintf(stderr, "andon user %s: %v\n", sub, err)
		return 1
	}
	defer closeStore()

	if public == "" && (sub == "add" && password == "" || sub == "reset") {
		// The link can only name the listen address, which is right on
		// this machine and wrong behind a proxy or another name: say so.
		fmt.Fprintf(stderr, "note: server.public_url is not set, so the link names server.addr (%s); if people reach the server at another address, set server.public_url or pass --url\n", auth.LocalURL(cfg.Server.Addr))
	}
	switch sub {
	case "add":
		err = userAdd(ctx, svc, stdout, auth.NewUser{Email: *email, Name: *name, Role: *role, Teams: splitList(*teams), Password: password})
	case "list":
		err = userList(ctx, svc, stdout)
	case "reset":
		err = userReset(ctx, svc, stdout, *email)
	case "disable", "enable":
		err = userSetDisabled(ctx, svc, stdout, *email, sub == "disable")
	}
	if err != nil {
		var ae *auth.Error
		if errors.As(err, &ae) {
			fmt.Fprintf(stderr, "andon user %s: %s\n", sub, ae.Message)
		} else {
			fmt.Fprintf(stderr, "andon user %s: %v\n", sub, err)
		}
		return 1
	}
	return 0
}

// readPassword reads the first line of r (for `echo "$PW" | andon user add
// --password-stdin`).
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("couldn't read the password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("--password-stdin: stdin is empty; pipe the password in, or leave the flag out to print an invitation link")
	}
	return line, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func userAdd(ctx context.Context, svc *auth.Service, stdout io.Writer, in auth.NewUser) error {
	u, link, err := svc.AddUser(ctx, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added %s (%s) as %s%s\n", u.Email, u.Name, u.Role, teamsSuffix(u.Teams))
	if link != "" {
		fmt.Fprintf(stdout, "one-time invitation link (send it privately; it works once):\n  %s\n", link)
	}
	return nil
}

func userList(ctx context.Context, svc *auth.Service, stdout io.Writer) error {
	us, err := svc.Users(ctx)
	if err != nil {
		return err
	}
	if len(us) == 0 {
		fmt.Fprintln(stdout, "no users yet: `andon serve` prints a one-time setup link for the first admin, or use `andon user add`")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tTEAMS\tSTATUS\tLAST LOGIN")
	for _, u := range us {
		last := "never"
		if !u.LastLoginAt.IsZero() {
			last = u.LastLoginAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		teams := strings.Join(u.Teams, ",")
		if teams == "" {
			teams = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, teams, userStatus(u), last)
	}
	return tw.Flush()
}

func userStatus(u store.User) string {
	switch {
	case u.Disabled:
		return "disabled"
	case !u.HasPassword:
		return "invited"
	case time.Now().Before(u.LockedUntil):
		return "locked until " + u.LockedUntil.UTC().Format("15:04 UTC")
	}
	return "active"
}

func userReset(ctx context.Context, svc *auth.Service, stdout io.Writer, email string) error {
	u, err := svc.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	link, expires, err := svc.ResetLink(ctx, u.ID, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "one-time password reset link for %s (valid until %s; the current password works until it is used):\n  %s\n",
		u.Email, expires.UTC().Format("2006-01-02 15:04 UTC"), link)
	return nil
}

func userSetDisabled(ctx context.Context, svc *auth.Service, stdout io.Writer, email string, disabled bool) error {
	u, err := svc.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	if _, err := svc.SetDisabled(ctx, u.ID, disabled); err != nil {
		return err
	}
	if disabled {
		fmt.Fprintf(stdout, "disabled %s: they cannot log in, and their sessions have ended\n", u.Email)
	} else {
		fmt.Fprintf(stdout, "enabled %s\n", u.Email)
	}
	return nil
}

func teamsSuffix(teams []string) string {
	if len(teams) == 0 {
		return ""
	}
	return " in " + strings.Join(teams, ", ")
}
