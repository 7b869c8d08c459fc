package knowledge

// Compare says what importing arts into a base holding current would do,
// without changing anything: the preview of an import. It follows Import's
// rules (a missing status means published; the content hash decides
// whether an article changed).
func Compare(current, arts []Article) ImportReport {
	hashes := make(map[string]string, len(current))
	for _, a := range current {
		hashes[a.ID] = a.Hash
	}
	var rep ImportReport
	for _, a := range arts {
		if a.Status == "" {
			a.Status = Published
		}
		old, ok := hashes[a.ID]
		switch {
		case !ok:
			rep.Added = append(rep.Added, a.ID)
		case old == a.ContentHash():
			rep.Unchanged = append(rep.Unchanged, a.ID)
		default:
			rep.Updated = append(rep.Updated, a.ID)
		}
	}
	return rep
}
