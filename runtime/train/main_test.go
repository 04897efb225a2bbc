package train

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mainArgs runs MainArgs and decodes the one JSON line it must print.
func mainArgs(t *testing.T, p Program, args ...string) (int, Result, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := MainArgs(context.Background(), p, args, &stdout, &stderr)
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("stdout has %d lines, want exactly 1 JSON line:\n%s", len(lines), stdout.String())
	}
	var res Result
	if err := json.Unmarshal([]byte(lines[0]), &res); err != nil {
		t.Fatalf("stdout is not a JSON result: %v\n%s", err, lines[0])
	}
	return code, res, stderr.String()
}

func TestMainBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-nosuchflag"},
		{"-epochs", "many"},
		{"-time-limit", "10"}, // a duration needs a unit
		{"-batch", "0"},
		{"-dataset", "cifar"},
		{"-lr", "-1"},
		{"extra"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, res, stderr := mainArgs(t, synthProgram(), args...)
			if code != ExitBadArgs || res.Status != StatusFailed || res.Failure != FailConfig {
				t.Errorf("exit %d, result %s/%s; want %d, failed/config", code, res.Status, res.Failure, ExitBadArgs)
			}
			if stderr == "" {
				t.Error("nothing on stderr")
			}
		})
	}
}

func TestMainHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := MainArgs(context.Background(), synthProgram(), []string{"-h"}, &stdout, &stderr); code != ExitOK {
		t.Errorf("-h: exit %d", code)
	}
	if !strings.Contains(stderr.String(), "-time-limit") {
		t.Errorf("-h printed no flag list:\n%s", stderr.String())
	}
}

func TestMainRun(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "r.json")
	code, res, stderr := mainArgs(t, synthProgram(), "-steps", "20", "-test", "64", "-seed", "9", "-lr", "0.1", "-result", file, "-q")
	if code != ExitOK || res.Status != StatusOK || res.Steps != 20 || res.Seed != 9 || res.TestImages != 64 || res.Term != "tiny" {
		t.Fatalf("exit %d, %+v", code, res)
	}
	if stderr != "" {
		t.Errorf("-q, but stderr has %q", stderr)
	}
	saved, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var res2 Result
	if err := json.Unmarshal(saved, &res2); err != nil || res2 != res {
		t.Errorf("-result file %q, err %v; want the printed result", saved, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestMainFailedRun(t *testing.T) {
	code, res, stderr := mainArgs(t, synthProgram(), "-lr", "1e6")
	if code != ExitFailed || res.Failure != FailNaNLoss {
		t.Errorf("exit %d, %+v", code, res)
	}
	if !strings.Contains(stderr, "nan_loss") {
		t.Errorf("stderr does not say why: %q", stderr)
	}
}
