package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// CIFAR-10 per-channel (R, G, B) normalisation, the figures NAS-Bench-201
// uses: mean (125.3, 123.0, 113.9)/255 and std (63.0, 62.1, 66.7)/255.
var (
	CIFAR10Mean = []float64{125.3 / 255, 123.0 / 255, 113.9 / 255}
	CIFAR10Std  = []float64{63.0 / 255, 62.1 / 255, 66.7 / 255}
)

// CIFAR10TrainFiles and CIFAR10TestFile are the files of CIFAR-10's binary
// version (cifar-10-binary.tar.gz, which unpacks them into
// cifar-10-batches-bin/) that [CIFAR10] reads. Each holds records of one
// label byte (0..9) and 3,072 pixel bytes: the 32×32 red plane, then the
// green and the blue one, row by row.
var (
	CIFAR10TrainFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}
	CIFAR10TestFile   = "test_batch.bin"
)

// cifarRecord is the size of one record: a label byte and 3×32×32 pixels.
const cifarRecord = 1 + 3*32*32

// CIFAR10 reads CIFAR-10's training images (data_batch_1.bin to
// data_batch_5.bin, 50,000 in the full dataset) and test images
// (test_batch.bin, 10,000) from dir, or from dir/cifar-10-batches-bin when
// dir is where the archive was unpacked. Pixels are normalised per channel
// with [CIFAR10Mean] and [CIFAR10Std]. A missing file is an error that
// names the files expected.
func CIFAR10(dir string) (train, test *Set, err error) {
	if dir, err = cifarDir(dir); err != nil {
		return nil, nil, err
	}
	if train, err = readCIFAR("cifar10-train", dir, CIFAR10TrainFiles); err != nil {
		return nil, nil, err
	}
	if test, err = readCIFAR("cifar10-test", dir, []string{CIFAR10TestFile}); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// cifarDir is dir, or dir/cifar-10-batches-bin when the files are there.
func cifarDir(dir string) (string, error) {
	if dir == "" {
		return "", fmt.Errorf("data: CIFAR-10 needs a directory (the -data flag) holding %s", cifarFileList())
	}
	if _, err := os.Stat(filepath.Join(dir, CIFAR10TestFile)); errors.Is(err, fs.ErrNotExist) {
		if sub := filepath.Join(dir, "cifar-10-batches-bin"); isDir(sub) {
			dir = sub
		}
	}
	return dir, nil
}

// CheckCIFAR10 reports, without reading them, whether dir (or
// dir/cifar-10-batches-bin) holds CIFAR-10's binary files, as [CIFAR10]
// needs them: the error names the first file missing or not a whole
// number of records.
func CheckCIFAR10(dir string) error {
	dir, err := cifarDir(dir)
	if err != nil {
		return err
	}
	for _, f := range append(slices.Clone(CIFAR10TrainFiles), CIFAR10TestFile) {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			return fmt.Errorf("data: CIFAR-10: no %s in %s; the directory must hold %s", f, dir, cifarFileList())
		}
		if st.Size() == 0 || st.Size()%cifarRecord != 0 {
			return fmt.Errorf("data: CIFAR-10: %s has %d bytes, not a whole number of %d-byte records (1 label byte + 3,072 pixels)", filepath.Join(dir, f), st.Size(), cifarRecord)
		}
	}
	return nil
}

func cifarFileList() string {
	return strings.Join(CIFAR10TrainFiles, ", ") + " and " + CIFAR10TestFile + " (CIFAR-10's binary version)"
}

func isDir(name string) bool {
	st, err := os.Stat(name)
	return err == nil && st.IsDir()
}

// readCIFAR reads and concatenates the records of files in dir.
func readCIFAR(name, dir string, files []string) (*Set, error) {
	var pix []uint8
	var labels []int
	for _, f := range files {
		path := filepath.Join(dir, f)
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("data: CIFAR-10: no %s in %s; the directory must hold %s", f, dir, cifarFileList())
		}
		if err != nil {
			return nil, fmt.Errorf("data: CIFAR-10: %w", err)
		}
		if len(b) == 0 || len(b)%cifarRecord != 0 {
			return nil, fmt.Errorf("data: CIFAR-10: %s has %d bytes, not a whole number of %d-byte records (1 label byte + 3,072 pixels)", path, len(b), cifarRecord)
		}
		if pix == nil {
			pix = make([]uint8, 0, len(files)*(len(b)/cifarRecord)*(cifarRecord-1))
		}
		for r := 0; r < len(b); r += cifarRecord {
			if l := b[r]; l > 9 {
				return nil, fmt.Errorf("data: CIFAR-10: %s: record %d has label %d, want 0..9", path, r/cifarRecord, l)
			}
			labels = append(labels, int(b[r]))
			pix = append(pix, b[r+1:r+cifarRecord]...)
		}
	}
	s, err := NewBytes(name, 3, 32, 32, 10, pix, labels, 0, 1)
	if err != nil {
		return nil, err
	}
	s.ChannelMean, s.ChannelStd = CIFAR10Mean, CIFAR10Std
	return s, nil
}
