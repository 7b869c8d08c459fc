package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/andon-chat/andon/store"
)

// testMessagesBefore: a transcript read backwards from its end in pages,
// each page in seq order, with nothing skipped or repeated.
func testMessagesBefore(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	for i := range 10 {
		appendText(t, s, id, fmt.Sprint("c", i), fmt.Sprint("m", i))
	}
	seqs := func(before int64, limit int) []int64 {
		t.Helper()
		ms, err := s.MessagesBefore(t.Context(), id, before, limit)
		if err != nil {
			t.Fatalf("MessagesBefore(%d, %d): %v", before, limit, err)
		}
		var out []int64
		for _, m := range ms {
			if m.Text != fmt.Sprint("m", m.Seq-1) {
				t.Errorf("message %d = %+v, out of place", m.Seq, m)
			}
			out = append(out, m.Seq)
		}
		return out
	}
	for _, tc := range []struct {
		before int64
		limit  int
		want   []int64
	}{
		{0, 3, []int64{8, 9, 10}},
		{-1, 3, []int64{8, 9, 10}},
		{8, 3, []int64{5, 6, 7}},
		{3, 3, []int64{1, 2}},
		{1, 3, nil},
		{100, 2, []int64{9, 10}},
		{0, 50, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{0, 0, nil},
	} {
		if got := seqs(tc.before, tc.limit); !slices.Equal(got, tc.want) {
			t.Errorf("MessagesBefore(before %d, limit %d) seqs = %v, want %v", tc.before, tc.limit, got, tc.want)
		}
	}
	// Paging from the end reaches the start exactly once per message.
	var all []int64
	for before := int64(0); ; {
		page := seqs(before, 4)
		if len(page) == 0 {
			break
		}
		all = append(page, all...)
		before = page[0]
	}
	if !slices.Equal(all, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) {
		t.Errorf("paging backwards by 4 read %v", all)
	}
	if _, err := s.MessagesBefore(t.Context(), "no-such", 0, 10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MessagesBefore of an unknown conversation = %v, want ErrNotFound", err)
	}
}
