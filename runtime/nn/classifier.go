package nn

import (
	"bufio"
	"errors"
	"fmt"
	"os"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Classifier runs a model's evaluation graph (BatchNorm on its running
// statistics) on images, for inference: it returns the model's output, one
// score per class, for each image. It shares its Net's parameters, so
// weights loaded into the Net with [Net.Load] after NewClassifier are used.
//
// A Classifier is not safe for concurrent use.
type Classifier struct {
	net     *Net
	batch   int
	image   int // values per image
	classes int
	x32     []float32
	x64     []float64
	vm      G.VM
	out     *G.Value
}

// NewClassifier builds m in evaluation mode for batches of batch images of
// shape (c, h, w). The model's output must be (batch, classes).
func NewClassifier(net *Net, m Model, batch, c, h, w int) (*Classifier, error) {
	if batch <= 0 {
		return nil, fmt.Errorf("nn: classifier batch %d: must be positive", batch)
	}
	b, in, out, err := net.Build(Eval, m, batch, c, h, w)
	if err != nil {
		return nil, err
	}
	if out.Dims() != 2 || out.Shape()[0] != batch {
		return nil, fmt.Errorf("nn: the model's output is %v, want (%d, classes)", out, batch)
	}
	cl := &Classifier{net: net, batch: batch, image: c * h * w, classes: out.Shape()[1]}
	var t *tensor.Dense
	if net.dtype == Float64 {
		cl.x64 = make([]float64, batch*cl.image)
		t = tensor.New(tensor.WithShape(batch, c, h, w), tensor.WithBacking(cl.x64))
	} else {
		cl.x32 = make([]float32, batch*cl.image)
		t = tensor.New(tensor.WithShape(batch, c, h, w), tensor.WithBacking(cl.x32))
	}
	if err := G.Let(in.n, t); err != nil {
		return nil, err
	}
	cl.out = b.Read(out)
	if cl.vm, err = b.Machine(); err != nil {
		return nil, err
	}
	return cl, nil
}

// Classes returns the number of scores per image.
func (c *Classifier) Classes() int { return c.classes }

// Scores returns the class scores of the images, whose values are
// concatenated (image after image, each channel-major, normalised as in
// training): len(images) must be a multiple of C·H·W. The result holds
// Classes() scores per image. Images are run a batch at a time; the last
// batch is padded with zeros, which changes no image's scores (the
// evaluation graph treats images independently).
func (c *Classifier) Scores(images []float32) ([]float32, error) {
	if c.vm == nil {
		return nil, errors.New("nn: the classifier is closed")
	}
	if len(images)%c.image != 0 {
		return nil, fmt.Errorf("nn: %d values are not whole images of %d values", len(images), c.image)
	}
	n := len(images) / c.image
	scores := make([]float32, 0, n*c.classes)
	for lo := 0; lo < n; lo += c.batch {
		hi := min(lo+c.batch, n)
		part := images[lo*c.image : hi*c.image]
		if c.x64 != nil {
			for i, v := range part {
				c.x64[i] = float64(v)
			}
			clear(c.x64[len(part):])
		} else {
			copy(c.x32, part)
			clear(c.x32[len(part):])
		}
		c.vm.Reset()
		if err := c.vm.RunAll(); err != nil {
			return nil, fmt.Errorf("nn: classifying: %w", err)
		}
		switch d := (*c.out).Data().(type) {
		case []float32:
			scores = append(scores, d[:(hi-lo)*c.classes]...)
		case []float64:
			for _, v := range d[:(hi-lo)*c.classes] {
				scores = append(scores, float32(v))
			}
		default:
			return nil, fmt.Errorf("nn: classifying: output of type %T", d)
		}
	}
	return scores, nil
}

// Predict returns the class of highest score of each image (see
// [Classifier.Scores] for the layout of images).
func (c *Classifier) Predict(images []float32) ([]int, error) {
	scores, err := c.Scores(images)
	if err != nil {
		return nil, err
	}
	classes := make([]int, len(scores)/c.classes)
	for i := range classes {
		row := scores[i*c.classes : (i+1)*c.classes]
		for j, v := range row {
			if v > row[classes[i]] {
				classes[i] = j
			}
		}
	}
	return classes, nil
}

// Close releases the classifier's machine.
func (c *Classifier) Close() error {
	if c.vm == nil {
		return nil
	}
	err := c.vm.Close()
	c.vm = nil
	return err
}

// Net returns the network whose parameters the classifier uses.
func (c *Classifier) Net() *Net { return c.net }

// LoadWeights loads the weights file at path (written by [Net.Save], e.g.
// by a training program's -weights flag) into the classifier's network.
func (c *Classifier) LoadWeights(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("nn: loading weights: %w", err)
	}
	defer f.Close()
	if err := c.net.Load(bufio.NewReader(f)); err != nil {
		return fmt.Errorf("%w (file %s)", err, path)
	}
	return nil
}
