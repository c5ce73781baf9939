package main

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// chart is an experiment's plot: one or more series of points against a
// shared x axis. It is drawn with gonum/plot, whose SVG any browser opens.
type chart struct {
	title, x, y string
	logX, logY  bool
	// The legend goes in the top left corner unless these move it where
	// the curves leave room.
	legendRight, legendBottom bool
	series                    []series
}

// series is one line of a chart. A reference series (a published table, a
// model) is drawn dashed, so that the eye tells measurement from claim.
type series struct {
	name       string
	xs, ys     []float64
	reference  bool
	pointsOnly bool
}

// add appends a series to c and returns c.
func (c *chart) add(s series) *chart {
	c.series = append(c.series, s)
	return c
}

// save draws c into the SVG file path.
func (c *chart) save(path string) error {
	p := plot.New()
	p.Title.Text = c.title
	p.X.Label.Text = c.x
	p.Y.Label.Text = c.y
	if c.logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	if c.logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top = !c.legendBottom
	p.Legend.Left = !c.legendRight
	for i, s := range c.series {
		pts, err := s.points(c.logX, c.logY)
		if err != nil {
			return fmt.Errorf("plot %q, series %q: %w", c.title, s.name, err)
		}
		col := plotutil.Color(i)
		if !s.pointsOnly {
			l, err := plotter.NewLine(pts)
			if err != nil {
				return err
			}
			l.Color = col
			l.Width = vg.Points(1.5)
			if s.reference {
				l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			}
			p.Add(l)
			p.Legend.Add(s.name, l)
		}
		if !s.reference {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return err
			}
			sc.Color = col
			sc.Shape = draw.CircleGlyph{}
			sc.Radius = vg.Points(2)
			p.Add(sc)
			if s.pointsOnly {
				p.Legend.Add(s.name, sc)
			}
		}
	}
	return p.Save(16*vg.Centimeter, 10*vg.Centimeter, path)
}

// points returns s's points, leaving out those a log axis cannot show and
// any NaN, which are gaps in the data rather than errors.
func (s series) points(logX, logY bool) (plotter.XYs, error) {
	if len(s.xs) != len(s.ys) {
		return nil, fmt.Errorf("%d x values for %d y values", len(s.xs), len(s.ys))
	}
	var pts plotter.XYs
	for i := range s.xs {
		x, y := s.xs[i], s.ys[i]
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) ||
			(logX && x <= 0) || (logY && y <= 0) {
			continue
		}
		pts = append(pts, plotter.XY{X: x, Y: y})
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("no point to draw")
	}
	return pts, nil
}
