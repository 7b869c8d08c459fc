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
// the built-in embedder's IDF weights). The index calls Fit with every text
// it will hold before embedding them, and stores the fitted state so that
// a restart embeds queries exactly as the stored vectors were embedded.
type Fitter interface {
	Embedder
	// Fit learns from the corpus; afterwards ID reflects the fitted state.
	Fit(texts []string)
	// MarshalState and UnmarshalState persist what Fit learned.
	MarshalState() ([]byte, error)
	UnmarshalState(data []byte) error
}
