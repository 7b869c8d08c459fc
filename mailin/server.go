package mailin

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/andon-chat/andon/internal/keyrate"
	"github.com/andon-chat/andon/store"
	"github.com/emersion/go-smtp"
)

// Hub is what the server needs of the conversation hub.
type Hub interface {
	Conversation(ctx context.Context, id string) (store.Conversation, error)
	PostVisitorMessage(ctx context.Context, id, clientID, text string) (m store.Message, duplicate bool, err error)
	AskForHuman(ctx context.Context, id string) error
}

// DefaultMaxBytes is the largest mail accepted when Options.MaxBytes is 0.
const DefaultMaxBytes = 1 << 20

// DefaultMaxTextBytes bounds the visitor's words of one mail when
// Options.MaxTextBytes is 0.
const DefaultMaxTextBytes = 16 << 10

// Options are what a Server needs. Hub and Signer are required.
type Options struct {
	Hub    Hub
	Signer Signer
	// MaxBytes is the largest mail accepted, in bytes (552 above it).
	MaxBytes int64
	// MaxTextBytes is the longest reply, in bytes, once the quoted mail is
	// removed; longer ones are refused with 552 rather than cut short.
	MaxTextBytes int
	// Hostname is the name the server greets with; "" means the signer's
	// domain.
	Hostname string
	// Timeout bounds each command's read and each reply's write, and the
	// posting of one mail; 0 means one minute.
	Timeout time.Duration
	// Logger receives each mail's fate; nil discards.
	Logger *slog.Logger

	// MaxConnections bounds the SMTP connections open at once; more are
	// answered 421 and closed. 0 means DefaultMaxConnections.
	MaxConnections int
	// MaxMailsPerConnection bounds the mails of one connection; the next
	// MAIL is answered 421 and the connection closed. 0 means the default.
	MaxMailsPerConnection int
	// PerSender limits mails per envelope sender, PerConversation mails
	// into one conversation, from all senders and connections together;
	// over either, the command is answered 451 so that a real mail server
	// tries again later. Zero values mean the defaults.
	PerSender       Rate
	PerConversation Rate
	// Now is the clock of the rate limits; nil is time.Now.
	Now func() time.Time
}

// Server is the SMTP server for reply addresses. Create it with New, start
// it with Listen, stop it with Close.
type Server struct {
	hub      Hub
	signer   Signer
	maxText  int
	maxBytes int64
	timeout  time.Duration
	log      *slog.Logger
	smtp     *smtp.Server
	now      func() time.Time

	maxConns   int
	maxPerConn int
	perSender  *keyrate.Limiter
	perConv    *keyrate.Limiter

	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	ln      net.Listener
	closed  bool
	working sync.WaitGroup // commands using the hub
	served  chan struct{}  // closed when Serve returned
}

// New returns a server that is not yet listening.
func New(opts Options) (*Server, error) {
	if opts.Hub == nil {
		return nil, errors.New("couldn't create the mail server: no hub")
	}
	if opts.Signer.Domain() == "" {
		return nil, errors.New("couldn't create the mail server: no domain for the reply addresses")
	}
	s := &Server{
		hub: opts.Hub, signer: opts.Signer, maxText: opts.MaxTextBytes, maxBytes: opts.MaxBytes,
		timeout: opts.Timeout, log: opts.Logger,
	}
	if s.maxBytes <= 0 {
		s.maxBytes = DefaultMaxBytes
	}
	if s.maxText <= 0 {
		s.maxText = DefaultMaxTextBytes
	}
	if s.timeout <= 0 {
		s.timeout = time.Minute
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.now = opts.Now
	if s.now == nil {
		s.now = time.Now
	}
	s.maxConns = cmp.Or(max(opts.MaxConnections, 0), DefaultMaxConnections)
	s.maxPerConn = cmp.Or(max(opts.MaxMailsPerConnection, 0), DefaultMaxMailsPerConnection)
	sr := orRate(opts.PerSender, Rate{Every: DefaultSenderEvery, Burst: DefaultSenderBurst})
	cr := orRate(opts.PerConversation, Rate{Every: DefaultConversationEvery, Burst: DefaultConversationBurst})
	s.perSender = keyrate.New(sr.Every, sr.Burst, maxRateKeys)
	s.perConv = keyrate.New(cr.Every, cr.Burst, maxRateKeys)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = opts.Hostname
	if srv.Domain == "" {
		srv.Domain = s.signer.Domain()
	}
	srv.MaxMessageBytes = s.maxBytes
	srv.MaxRecipients = 10
	srv.ReadTimeout = s.timeout
	srv.WriteTimeout = s.timeout
	srv.ErrorLog = logAdapter{s.log}
	s.smtp = srv
	return s, nil
}

// Listen binds addr (host:port; port 0 picks a free one) and serves in the
// background until Close.
func (s *Server) Listen(addr string) error {
	raw, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("couldn't listen for mail on %s: %w", addr, err)
	}
	// The refusal of a connection over the cap must not hold up the
	// accept loop: a second is plenty for one line into a new socket.
	ln := &capListener{Listener: raw, max: int64(s.maxConns), domain: s.smtp.Domain, timeout: min(s.timeout, time.Second)}
	s.mu.Lock()
	if s.closed || s.ln != nil {
		s.mu.Unlock()
		ln.Close()
		return errors.New("couldn't listen for mail: the server is closed or already listening")
	}
	s.ln = ln
	s.served = make(chan struct{})
	s.mu.Unlock()
	go func() {
		defer close(s.served)
		if err := s.smtp.Serve(ln); err != nil {
			s.log.Error("the mail server stopped", "err", err)
		}
	}()
	s.log.Info("receiving mail", "addr", ln.Addr().String(), "domain", s.signer.Domain())
	return nil
}

// Addr is the address listened on, or nil before Listen.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Close stops accepting, drops open connections (a sender whose mail was
// cut off sends it again; a repeat is stored once) and waits for the
// commands still using the hub, so nothing touches it after Close returns.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	listening := s.ln != nil
	s.mu.Unlock()
	var err error
	if listening {
		err = s.smtp.Close()
		// go-smtp closes only the listeners Serve has registered; one that
		// was handed over a moment ago may not be yet.
		if cerr := s.ln.Close(); cerr != nil && !errors.Is(cerr, net.ErrClosed) && err == nil {
			err = cerr
		}
		<-s.served
	}
	s.working.Wait()
	s.cancel()
	return err
}

// begin registers a command that uses the hub; false when the server is closing.
func (s *Server) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.working.Add(1)
	return true
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	ss := &session{s: s}
	if c.Conn() != nil {
		ss.conn = c.Conn()
		ss.remote = c.Conn().RemoteAddr().String()
	}
	return ss, nil
}

func orRate(r, def Rate) Rate {
	if r.Every <= 0 || r.Burst <= 0 {
		return def
	}
	return r
}

// logAdapter gives go-smtp's internal errors to slog.
type logAdapter struct{ log *slog.Logger }

func (l logAdapter) Printf(format string, v ...any) {
	l.log.Warn("smtp: " + fmt.Sprintf(format, v...))
}

func (l logAdapter) Println(v ...any) {
	l.log.Warn("smtp: " + fmt.Sprint(v...))
}

// session is one SMTP connection's current transaction.
type session struct {
	s      *Server
	conn   net.Conn
	remote string
	mails  int      // MAIL commands on this connection
	from   string   // envelope sender; "" for a bounce
	convs  []string // conversations of the accepted recipients
}

func (ss *session) Reset() {
	ss.from, ss.convs = "", nil
}

func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.mails++
	if ss.mails > ss.s.maxPerConn {
		ss.s.log.Info("mail refused: too many on one connection", "max", ss.s.maxPerConn, "remote", ss.remote)
		hangUpAfterReply(ss.conn)
		return reject(421, smtp.EnhancedCode{4, 7, 0}, fmt.Sprintf("Too many mails on one connection (at most %d), closing: please reconnect later", ss.s.maxPerConn))
	}
	key := strings.ToLower(from)
	if key == "" {
		key = "<>"
	}
	if ok, next := ss.s.perSender.Allow(key, ss.s.now()); !ok {
		ss.s.log.Info("mail refused: sender over its rate", "from", from, "remote", ss.remote)
		return reject(451, smtp.EnhancedCode{4, 7, 1}, fmt.Sprintf("Too many mails from this sender, please try again in %s", retryIn(next.Sub(ss.s.now()))))
	}
	ss.from = from
	return nil
}

// retryIn is a wait in whole seconds or minutes for an SMTP reply.
func retryIn(d time.Duration) string {
	if d < 2*time.Minute {
		return fmt.Sprintf("%d seconds", max(1, int((d+time.Second-1)/time.Second)))
	}
	return fmt.Sprintf("%d minutes", int((d+time.Minute-1)/time.Minute))
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	id, err := ss.s.signer.Parse(to)
	if err != nil {
		ss.s.log.Info("mail refused: not a reply address", "to", to, "remote", ss.remote)
		return reject(550, smtp.EnhancedCode{5, 1, 1}, "No such mailbox: this server only takes answers to the reply address of a support conversation")
	}
	if !ss.s.begin() {
		return reject(421, smtp.EnhancedCode{4, 3, 2}, "Shutting down, please try again later")
	}
	defer ss.s.working.Done()
	ctx, cancel := context.WithTimeout(ss.s.ctx, ss.s.timeout)
	defer cancel()
	if _, err := ss.s.hub.Conversation(ctx, id); errors.Is(err, store.ErrNotFound) {
		return reject(550, smtp.EnhancedCode{5, 1, 1}, "No such mailbox: that conversation no longer exists")
	} else if err != nil {
		ss.s.log.Error("couldn't look up a conversation for mail", "conversation", id, "err", err)
		return reject(451, smtp.EnhancedCode{4, 3, 0}, "Temporary failure, please try again later")
	}
	for _, c := range ss.convs {
		if c == id {
			return nil
		}
	}
	if ok, next := ss.s.perConv.Allow(id, ss.s.now()); !ok {
		ss.s.log.Info("mail refused: conversation over its mail rate", "conversation", id, "remote", ss.remote)
		return reject(451, smtp.EnhancedCode{4, 7, 1}, fmt.Sprintf("Too many mails into this conversation, please try again in %s", retryIn(next.Sub(ss.s.now()))))
	}
	ss.convs = append(ss.convs, id)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code == 552 {
		ss.s.log.Info("mail refused: too large", "max_bytes", ss.s.maxBytes, "remote", ss.remote)
		return reject(552, smtp.EnhancedCode{5, 3, 4}, fmt.Sprintf("Message too large: replies of up to %d bytes are accepted", ss.s.maxBytes))
	}
	if err != nil {
		return err
	}
	if !ss.s.begin() {
		return reject(421, smtp.EnhancedCode{4, 3, 2}, "Shutting down, please try again later")
	}
	defer ss.s.working.Done()
	ctx, cancel := context.WithTimeout(ss.s.ctx, ss.s.timeout)
	defer cancel()
	return ss.s.deliver(ctx, ss.from, ss.convs, raw)
}

// reject is an SMTP reply other than 250.
func reject(code int, enhanced smtp.EnhancedCode, msg string) *smtp.SMTPError {
	return &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: msg}
}
