package exec

import (
	"context"
	"os"
	"path/filepath"
	"sync"
)

// binCache holds the candidate binaries built so far, by code hash, in a
// directory: a candidate whose code was built before is linked (or
// copied), not built again. Builds of one hash are serialised.
type binCache struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex // per code hash, while building
}

func (c *binCache) lock(hash string) *sync.Mutex {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.locks == nil {
		c.locks = map[string]*sync.Mutex{}
	}
	mu := c.locks[hash]
	if mu == nil {
		mu = &sync.Mutex{}
		c.locks[hash] = mu
	}
	return mu
}

// build puts the binary of the candidate in dir, whose code has the given
// hash, at dir/BinaryName: from cacheDir when it is there, else by calling
// build and then adding the result to cacheDir. Without a cacheDir or a
// hash it just builds.
func (c *binCache) build(ctx context.Context, cacheDir, dir, hash string, build func(context.Context, string) ([]byte, error)) ([]byte, error) {
	if cacheDir == "" || hash == "" {
		return build(ctx, dir)
	}
	mu := c.lock(hash)
	mu.Lock()
	defer mu.Unlock()

	cached := filepath.Join(cacheDir, hash)
	bin := filepath.Join(dir, BinaryName)
	if _, err := os.Stat(cached); err == nil {
		_ = os.Remove(bin)
		if os.Link(cached, bin) == nil || copyFile(cached, bin) == nil {
			return nil, nil
		}
	}
	// The old binary may be a link to a cache entry: never build over it.
	_ = os.Remove(bin)
	out, err := build(ctx, dir)
	if err != nil {
		return out, err
	}
	if err := os.MkdirAll(cacheDir, 0o755); err == nil {
		// Link under a temporary name and rename: a process killed here
		// leaves no half-written cache entry.
		tmp := cached + ".tmp"
		_ = os.Remove(tmp)
		if os.Link(bin, tmp) == nil || copyFile(bin, tmp) == nil {
			_ = os.Rename(tmp, cached)
		}
	}
	return out, nil
}
