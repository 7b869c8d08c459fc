package knowledge

import "context"

// Embedder turns texts into vectors for the vector index. The built-in
// HashEmbedder needs no model; an Ollama embedder plugs in behind the same
// interface.
type Embedder interface {
	// ID names the model and every setting that changes its vectors, so a
	// persisted index built with another ID is rebuilt instead of mixed.
	ID() string
	// Dim is the length of every vector Embed returns.
	Dim() int
	// Embed returns one vector per text, in order. Vectors need not be
	// normalised; the index normalises them.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Fitter is an Embedder that learns from the knowledge base itself (such as
// the built-in embedder's IDF weights). The index fits it on every text it
// will hold and stores the fitted state, so a restart embeds queries
// exactly as the stored vectors were embedded. Fitting returns a copy:
// searches keep using the old one until the index built with the new one
// is ready.
type Fitter interface {
	Embedder
	// Fit returns a copy fitted to the corpus; its ID reflects the fit.
	Fit(texts []string) Fitter
	// MarshalState returns what Fit learned.
	MarshalState() ([]byte, error)
	// WithState returns a copy with a state from MarshalState.
	WithState(data []byte) (Fitter, error)
}
