package config

import (
	"errors"
	"testing"
)

// FuzzDecode checks that no document makes decoding panic, and that every
// problem it reports is located in the file.
func FuzzDecode(f *testing.F) {
	f.Add(Example())
	for _, seed := range []string{
		"[server]\naddr = 1\n[server]\n",
		"site = [{name = 'a'}]\n[[site]]\nname = 'b'\n",
		"[[site]]\n[site]\n",
		"a.b = 1\n[a]\nc = 2\n",
		"[[site.greeting]]\nen = 'x'\n",
		"[bot]\nsensitive = [{name = 'x', patterns = ['(']}]\n",
		"site = 'x'\n[[site]]\n",
		"[limits]\nmax_frame_bytes = 99999999999999999999\n",
		"[[site]]\ngreeting = { en = 1 }\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		_, _, errs, _ := decode("andon.toml", []byte(doc))
		for _, e := range errs {
			if e.File != "andon.toml" {
				t.Errorf("%v: not located in the file", e)
			}
		}
		var target Errors
		if len(errs) > 0 && !errors.As(error(errs), &target) {
			t.Error("not Errors")
		}
	})
}
