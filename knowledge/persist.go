package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/philippgille/chromem-go"
)

// Files of the persisted index in Options.Dir. The manifest is written
// last and names what the other files hold, so a crash mid-save leaves the
// old manifest pointing at files it cannot verify and the index is rebuilt.
const (
	indexFile    = "index.gob"      // chromem-go export: one document per unit
	stateFile    = "index.embedder" // the fitted embedder's state
	manifestFile = "index.json"
	manifestV    = 2 // 2: checksums of the vector and state files
	collection   = "units"
)

// manifest records what the persisted vectors were made from.
type manifest struct {
	Version    int               `json:"version"`
	EmbedderID string            `json:"embedder_id"`
	Dim        int               `json:"dim"`
	ChunkMax   int               `json:"chunk_max_chars"`
	Articles   map[string]string `json:"articles"` // ID -> content hash
	Units      int               `json:"units"`
	FitBase    int               `json:"fit_base,omitempty"`
	Drift      int               `json:"drift,omitempty"`
	// IndexSHA256 and StateSHA256 are the SHA-256 of the vector file and
	// the embedder state as written: a file changed or damaged since is
	// rebuilt, not served.
	IndexSHA256 string `json:"index_sha256"`
	StateSHA256 string `json:"state_sha256,omitempty"`
}

// embedFunc gives chromem-go our embedder, so it never falls back to its
// default (OpenAI) embedding function.
func embedFunc(emb Embedder) chromem.EmbeddingFunc {
	return func(ctx context.Context, text string) ([]float32, error) {
		vs, err := emb.Embed(ctx, []string{text})
		if err != nil {
			return nil, err
		}
		if len(vs) != 1 {
			return nil, errors.New("embedder returned no vector")
		}
		return vs[0], nil
	}
}

// load restores vectors from Dir when they were made by the same embedder
// with the same settings; anything else is an error and the caller rebuilds.
func (ix *indexer) load(ctx context.Context) error {
	b := ix.b
	raw, err := os.ReadFile(filepath.Join(b.dir, manifestFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil // nothing saved yet
	}
	if err != nil {
		return fmt.Errorf("couldn't read manifest: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("couldn't read manifest: %w", err)
	}
	if m.Version != manifestV || m.ChunkMax != b.chunkMax || m.Dim != b.emb.Dim() {
		return fmt.Errorf("index was built with other settings (version %d, chunks %d, dim %d)", m.Version, m.ChunkMax, m.Dim)
	}
	emb := b.emb
	if b.fitter != nil {
		state, err := os.ReadFile(filepath.Join(b.dir, stateFile))
		if err != nil {
			return fmt.Errorf("couldn't read embedder state: %w", err)
		}
		if sum := sha256Hex(state); sum != m.StateSHA256 {
			return fmt.Errorf("embedder state has checksum %s, manifest says %s", sum, m.StateSHA256)
		}
		if emb, err = b.fitter.WithState(state); err != nil {
			return err
		}
	}
	if id := emb.ID(); id != m.EmbedderID {
		return fmt.Errorf("embedder changed from %q to %q", m.EmbedderID, id)
	}
	if sum, err := fileSHA256(filepath.Join(b.dir, indexFile)); err != nil {
		return fmt.Errorf("couldn't read vectors: %w", err)
	} else if sum != m.IndexSHA256 {
		return fmt.Errorf("vector file has checksum %s, manifest says %s", sum, m.IndexSHA256)
	}
	db := chromem.NewDB()
	if err := db.ImportFromFile(filepath.Join(b.dir, indexFile), ""); err != nil {
		return fmt.Errorf("couldn't import vectors: %w", err)
	}
	col := db.GetCollection(collection, embedFunc(emb))
	if col == nil {
		return errors.New("vector file has no collection")
	}
	if col.Count() != m.Units {
		return fmt.Errorf("vector file has %d vectors, manifest says %d", col.Count(), m.Units)
	}
	if err := allFinite(ctx, col, m.Dim); err != nil {
		return err
	}
	// The store is the truth: build looks vectors up per unit of the
	// articles the store holds now.
	ix.loaded = col
	ix.rows = make(map[string]int32)
	ix.emb = emb
	ix.hashes = m.Articles
	ix.embID = m.EmbedderID
	ix.fitBase, ix.drift = m.FitBase, m.Drift
	return nil
}

// save writes the chromem-go export, the embedder state and the manifest.
func (ix *indexer) save() error {
	b := ix.b
	s := ix.last
	if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return fmt.Errorf("couldn't create %s: %w", b.dir, err)
	}
	db := chromem.NewDB()
	col, err := db.CreateCollection(collection, map[string]string{"embedder": s.emb.ID()}, embedFunc(s.emb))
	if err != nil {
		return fmt.Errorf("couldn't create collection: %w", err)
	}
	units := 0
	stateSum := ""
	ctx := context.Background()
	for u, un := range s.units {
		v := s.row(u, nil)
		if isZero(v) || !finite(v) {
			continue
		}
		doc := chromem.Document{
			ID:        s.unitIDs[u],
			Metadata:  map[string]string{"article": s.arts[un.art].ID, "kind": string(un.kind.letter())},
			Embedding: v,
		}
		if err := col.AddDocument(ctx, doc); err != nil {
			return fmt.Errorf("couldn't add vector %q: %w", doc.ID, err)
		}
		units++
	}
	if err := writeAtomic(filepath.Join(b.dir, indexFile), func(path string) error {
		return db.ExportToFile(path, false, "")
	}); err != nil {
		return err
	}
	if f, ok := s.emb.(Fitter); ok {
		state, err := f.MarshalState()
		if err != nil {
			return err
		}
		if err := writeAtomic(filepath.Join(b.dir, stateFile), func(path string) error {
			return os.WriteFile(path, state, 0o600)
		}); err != nil {
			return err
		}
		stateSum = sha256Hex(state)
	}
	m := manifest{
		Version: manifestV, EmbedderID: s.emb.ID(), Dim: s.dim, ChunkMax: b.chunkMax,
		Articles: ix.hashes, Units: units, FitBase: ix.fitBase, Drift: ix.drift,
	}
	m.StateSHA256 = stateSum
	if m.IndexSHA256, err = fileSHA256(filepath.Join(b.dir, indexFile)); err != nil {
		return fmt.Errorf("couldn't read back the vectors: %w", err)
	}
	raw, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return fmt.Errorf("couldn't encode manifest: %w", err)
	}
	return writeAtomic(filepath.Join(b.dir, manifestFile), func(path string) error {
		return os.WriteFile(path, raw, 0o600)
	})
}

// writeAtomic writes through a temporary file and renames it into place.
// The temporary file's name is its own, because another process on the
// same data directory (andon ingest next to a running server) may be
// writing the same file at the same time.
func writeAtomic(path string, write func(tmp string) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("couldn't write %s: %w", path, err)
	}
	tmp := f.Name()
	f.Close()
	if err := write(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("couldn't write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("couldn't write %s: %w", path, err)
	}
	return nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// allFinite checks every loaded vector: a NaN or an infinity would make
// every similarity with it NaN and the ranking meaningless. chromem-go
// has no iterator; a query for all documents returns them all.
func allFinite(ctx context.Context, col *chromem.Collection, dim int) error {
	n := col.Count()
	if n == 0 {
		return nil
	}
	probe := make([]float32, dim)
	for i := range probe {
		probe[i] = 1
	}
	docs, err := col.QueryEmbedding(ctx, probe, n, nil, nil)
	if err != nil {
		return fmt.Errorf("couldn't read the vectors back: %w", err)
	}
	if len(docs) != n {
		return fmt.Errorf("read %d of %d vectors back", len(docs), n)
	}
	for _, d := range docs {
		if len(d.Embedding) != dim || !finite(d.Embedding) {
			return fmt.Errorf("vector %q is not %d finite numbers", d.ID, dim)
		}
	}
	return nil
}

func finite(v []float32) bool {
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return false
		}
	}
	return true
}

func isZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}
