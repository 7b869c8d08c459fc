package ingest

import (
	"archive/zip"
	"io"
	"os"
	"path"
	"strings"

	"github.com/andon-chat/andon/knowledge"
)

// Bounds of a zip archive, against zip bombs: an archive is a folder of
// Markdown files, and no help centre needs more than this.
const (
	MaxZipBytes     = 64 << 20  // the archive itself
	MaxZipEntries   = 20000     // files and folders
	MaxUnzipped     = 256 << 20 // all files unpacked
	MaxZipFileBytes = 8 << 20   // one file unpacked
	// MaxZipRatio is the most one file may expand (unpacked/packed) once it
	// is over 1 MiB; text compresses about 3-10 times, bombs thousands.
	MaxZipRatio = 100
)

// LoadZip reads a zip archive of a Markdown folder (what `andon export`
// writes) as LoadFS reads a folder. name is how the archive is called in
// errors. Names that leave the archive ("../x", "/etc/x", "C:\x") refuse
// the whole archive, as do archives over the bounds above.
func LoadZip(name string, r io.ReaderAt, size int64) ([]knowledge.Article, error) {
	var errs Errors
	if size > MaxZipBytes {
		errs.addf(name, 0, "", "the archive is %d bytes; at most %d are read", size, MaxZipBytes)
		return nil, &errs
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && err != zip.ErrInsecurePath {
		errs.add(&Error{File: name, Msg: "not a zip archive", Err: err})
		return nil, &errs
	}
	if len(zr.File) > MaxZipEntries {
		errs.addf(name, 0, "", "the archive holds %d entries; at most %d are read", len(zr.File), MaxZipEntries)
		return nil, &errs
	}
	var total uint64
	for _, f := range zr.File {
		where := name + "/" + f.Name
		if msg := unsafeZipName(f.Name); msg != "" {
			errs.addf(where, 0, "", "refused: %s", msg)
			continue
		}
		total += f.UncompressedSize64
		switch {
		case f.UncompressedSize64 > MaxZipFileBytes:
			errs.addf(where, 0, "", "unpacks to %d bytes; a file may have at most %d", f.UncompressedSize64, MaxZipFileBytes)
		case f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > MaxZipRatio*max(f.CompressedSize64, 1):
			errs.addf(where, 0, "", "refused: expands %d times (at most %d)", f.UncompressedSize64/max(f.CompressedSize64, 1), MaxZipRatio)
		}
	}
	if total > MaxUnzipped {
		errs.addf(name, 0, "", "unpacks to %d bytes; at most %d are read", total, MaxUnzipped)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	// archive/zip refuses to read past a file's declared size, so the
	// declared sizes checked above bound what is unpacked.
	all := loadDir(zr, ".", func(rel string) string { return name + "/" + rel }, &errs)
	return finishAll(all, &errs)
}

// unsafeZipName explains why an entry name must not be unpacked, or "".
func unsafeZipName(n string) string {
	switch {
	case n == "":
		return "an entry without a name"
	case strings.Contains(n, `\`):
		return "a backslash in the name (a Windows path)"
	case strings.HasPrefix(n, "/"), len(n) > 1 && n[1] == ':':
		return "an absolute path"
	case strings.ContainsRune(n, 0):
		return "a NUL byte in the name"
	}
	for _, part := range strings.Split(strings.TrimSuffix(n, "/"), "/") {
		if part == ".." {
			return "a path leaving the archive (..)"
		}
	}
	if path.Clean(n) != strings.TrimSuffix(n, "/") && !strings.HasPrefix(n, "./") {
		return "a name that is not a clean path"
	}
	return ""
}

// loadZipFile is Load for a .zip path.
func loadZipFile(p string, errs *Errors) []located {
	f, err := os.Open(p)
	if err != nil {
		errs.add(&Error{File: p, Msg: "couldn't read", Err: err})
		return nil
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		errs.add(&Error{File: p, Msg: "couldn't read", Err: err})
		return nil
	}
	arts, err := LoadZip(p, f, info.Size())
	if err != nil {
		if e, ok := err.(*Errors); ok {
			for _, x := range e.List {
				errs.add(x)
			}
			errs.Omitted += e.Omitted
		}
		return nil
	}
	out := make([]located, len(arts))
	for i, a := range arts {
		out[i] = located{article: a, file: p}
	}
	return out
}
