package nasgc

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ModulePath is the import path of this module.
const ModulePath = "github.com/nasgc/nasgc"

// GoMod and GoSum are this module's go.mod and go.sum.
var (
	//go:embed go.mod
	GoMod []byte
	//go:embed go.sum
	GoSum []byte
)

// SourceDir returns the directory holding nasgc's source (its go.mod), which
// generated programs point at with a replace directive. $NASGC_ROOT wins;
// otherwise the directory this file was compiled from, when it still holds
// nasgc's go.mod.
func SourceDir() (string, error) {
	if dir := os.Getenv("NASGC_ROOT"); dir != "" {
		if isSource(dir) {
			return filepath.Abs(dir)
		}
		return "", fmt.Errorf("NASGC_ROOT=%s does not hold nasgc's go.mod (module %s)", dir, ModulePath)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		if dir := filepath.Dir(file); isSource(dir) {
			return dir, nil
		}
	}
	return "", errors.New("cannot find nasgc's source directory, which generated programs build against; set NASGC_ROOT to the directory of nasgc's go.mod")
}

func isSource(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	return err == nil && strings.Contains(string(b), "module "+ModulePath+"\n")
}
