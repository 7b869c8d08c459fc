package mailin

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"strings"
)

// maxDepth bounds how deeply multiparts may nest; real mail nests three or
// four levels (mixed, related, alternative).
const maxDepth = 12

// errNoText is returned when a mail has neither a text/plain nor a
// text/html part.
var errNoText = errors.New("the mail has no text")

// header is what the parser needs of a mail or part header; net/mail's and
// textproto's both have it.
type header interface {
	Get(key string) string
}

// content is what a mail says: the first text/plain and the first
// text/html part (decoded to UTF-8) and how many other parts were skipped.
type content struct {
	plain, html       string
	hasPlain, hasHTML bool
	attachments       int
}

// text returns the words of the mail: the plain part when it says
// anything, else the text of the HTML part.
func (c content) text() (string, error) {
	if c.hasPlain && strings.TrimSpace(c.plain) != "" {
		return c.plain, nil
	}
	if c.hasHTML {
		return htmlToText(c.html), nil
	}
	if c.hasPlain {
		return c.plain, nil
	}
	return "", errNoText
}

// readContent walks the MIME tree of a mail with header h and body r.
func readContent(h header, r io.Reader) (content, error) {
	var c content
	if err := c.part(h, r, 0); err != nil {
		return content{}, err
	}
	return c, nil
}

func (c *content) part(h header, r io.Reader, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("multiparts nested more than %d deep", maxDepth)
	}
	ctype, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		// RFC 2045: no (or an unreadable) Content-Type means US-ASCII
		// plain text; a missing one is by far the common case.
		ctype, params = "text/plain", map[string]string{}
	}
	if disp, _, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil && disp == "attachment" {
		c.attachments++
		return nil
	}
	switch {
	case strings.HasPrefix(ctype, "multipart/"):
		boundary := params["boundary"]
		if boundary == "" {
			return fmt.Errorf("%s without a boundary", ctype)
		}
		mr := multipart.NewReader(r, boundary)
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("couldn't read a part of %s: %w", ctype, err)
			}
			if err := c.part(p.Header, p, depth+1); err != nil {
				return err
			}
		}
	case ctype == "text/plain" && !c.hasPlain:
		s, err := decodeText(h, r, params)
		if err != nil {
			return err
		}
		if strings.EqualFold(params["format"], "flowed") {
			s = unflow(s, strings.EqualFold(params["delsp"], "yes"))
		}
		c.plain, c.hasPlain = s, true
	case ctype == "text/html" && !c.hasHTML:
		s, err := decodeText(h, r, params)
		if err != nil {
			return err
		}
		c.html, c.hasHTML = s, true
	default:
		c.attachments++
	}
	return nil
}

// decodeText undoes the part's transfer encoding and charset, and makes
// every line end in "\n".
func decodeText(h header, r io.Reader, params map[string]string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, &stripSpace{r: r})
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("couldn't decode the text: %w", err)
	}
	s, err := decodeCharset(params["charset"], b)
	if err != nil {
		return "", err
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n"), nil
}

// stripSpace drops the spaces and tabs some clients leave in base64 lines,
// which encoding/base64 does not skip (it skips only CR and LF).
type stripSpace struct{ r io.Reader }

func (s *stripSpace) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != ' ' && c != '\t' {
			p[j] = c
			j++
		}
	}
	return j, err
}

// unflow joins the soft line breaks of format=flowed text (RFC 3676): a
// line that ends in a space continues on the next line of the same quote
// depth. The signature separator "-- " is never joined.
func unflow(s string, delsp bool) string {
	lines := strings.Split(s, "\n")
	var out []string
	cur, joining, curDepth := "", false, 0
	for _, l := range lines {
		depth := len(l) - len(strings.TrimLeft(l, ">"))
		body := strings.TrimPrefix(l[depth:], " ") // space-stuffing
		if joining && depth != curDepth {
			out = append(out, cur)
			joining = false
		}
		if !joining {
			cur, curDepth = l[:depth], depth
			if depth > 0 {
				cur += " "
			}
		}
		if strings.HasSuffix(body, " ") && body != "-- " {
			if delsp {
				body = body[:len(body)-1]
			}
			cur += body
			joining = true
			continue
		}
		out = append(out, cur+body)
		joining = false
	}
	if joining {
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
}
