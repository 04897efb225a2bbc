package search

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Progress is told what the search loop does. All calls come from the
// loop's goroutine.
type Progress interface {
	Begin(run *Run, evaluations, workers int)
	Started(t *Trial, finished, running int)
	Finished(t *Trial, run *Run, finished int)
	Interrupted(t *Trial)
	End(run *Run)
}

// LogProgress writes one line per event: the plain log for files, pipes
// and CI.
type LogProgress struct {
	W     io.Writer
	total int
	eta   eta
}

// Begin implements Progress.
func (p *LogProgress) Begin(run *Run, evaluations, workers int) {
	p.total = evaluations
	p.eta.begin(len(run.Finished()))
}

// Started implements Progress.
func (p *LogProgress) Started(t *Trial, finished, running int) {
	fmt.Fprintf(p.W, "[%d/%d] trial %d: %s\n", finished+running, p.total, t.ID, t.Term)
}

// Finished implements Progress.
func (p *LogProgress) Finished(t *Trial, run *Run, finished int) {
	fmt.Fprintf(p.W, "[%d/%d] trial %d %s  (%.0fs; %s)\n", finished, p.total, t.ID, outcome(t), t.Seconds, p.eta.line(finished, p.total))
	if best := run.Best(); best != nil {
		fmt.Fprintf(p.W, "      incumbent: %s  %s\n", ScoreText(best), best.Term)
	}
}

// Interrupted implements Progress.
func (p *LogProgress) Interrupted(t *Trial) {
	fmt.Fprintf(p.W, "trial %d interrupted; it will run again when the run is resumed\n", t.ID)
}

// End implements Progress.
func (p *LogProgress) End(*Run) {}

// eta estimates the remaining time from this session's finished trials.
type eta struct {
	start     time.Time
	startDone int
}

func (e *eta) begin(done int) { e.start, e.startDone = time.Now(), done }

func (e *eta) estimate(done, total int) (elapsed, left time.Duration, ok bool) {
	elapsed = time.Since(e.start)
	n := done - e.startDone
	if n <= 0 || done >= total {
		return elapsed, 0, done >= total
	}
	return elapsed, time.Duration(float64(elapsed) / float64(n) * float64(total-done)), true
}

func (e *eta) line(done, total int) string {
	elapsed, left, ok := e.estimate(done, total)
	s := elapsed.Round(time.Second).String() + " elapsed"
	if ok && done < total {
		s += ", ETA " + left.Round(time.Second).String()
	}
	return s
}

// BarProgress draws one status line on a terminal: a bar of evaluations
// done, the ETA and the incumbent, redrawn every second and at each event.
type BarProgress struct {
	W     io.Writer
	Width int // of the whole line; 0 = 100

	mu       sync.Mutex
	total    int
	done     int
	running  int
	best     string
	eta      eta
	stop     chan struct{}
	finished sync.WaitGroup
}

// Begin implements Progress.
func (p *BarProgress) Begin(run *Run, evaluations, workers int) {
	p.mu.Lock()
	p.total, p.done = evaluations, len(run.Finished())
	p.eta.begin(p.done)
	p.setBest(run)
	p.stop = make(chan struct{})
	p.mu.Unlock()
	p.finished.Add(1)
	go func() {
		defer p.finished.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-tick.C:
				p.mu.Lock()
				p.draw()
				p.mu.Unlock()
			}
		}
	}()
}

func (p *BarProgress) setBest(run *Run) {
	if b := run.Best(); b != nil {
		p.best = fmt.Sprintf("best %s %s", ScoreText(b), b.Term)
	}
}

func (p *BarProgress) draw() {
	width := p.Width
	if width == 0 {
		width = 100
	}
	const barLen = 24
	filled := 0
	if p.total > 0 {
		filled = barLen * p.done / p.total
	}
	_, left, ok := p.eta.estimate(p.done, p.total)
	etaS := "ETA -"
	if ok {
		etaS = "ETA " + left.Round(time.Second).String()
	}
	line := fmt.Sprintf("[%s%s] %d/%d  %d running  %s  %s", strings.Repeat("#", filled), strings.Repeat(".", barLen-filled),
		p.done, p.total, p.running, etaS, p.best)
	if r := []rune(line); len(r) > width {
		line = string(r[:width-1]) + "…"
	}
	fmt.Fprintf(p.W, "\r%s\x1b[K", line)
}

// Started implements Progress.
func (p *BarProgress) Started(t *Trial, finished, running int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running = running
	p.draw()
}

// Finished implements Progress.
func (p *BarProgress) Finished(t *Trial, run *Run, finished int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = finished
	p.running--
	p.setBest(run)
	if !t.OK() {
		fmt.Fprintf(p.W, "\r\x1b[Ktrial %d %s\n", t.ID, outcome(t))
	}
	p.draw()
}

// Interrupted implements Progress.
func (p *BarProgress) Interrupted(t *Trial) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running--
	fmt.Fprintf(p.W, "\r\x1b[Ktrial %d interrupted; it will run again when the run is resumed\n", t.ID)
}

// End implements Progress.
func (p *BarProgress) End(*Run) {
	close(p.stop)
	p.finished.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw()
	fmt.Fprintln(p.W)
}
