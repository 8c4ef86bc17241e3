// Command icons draws tokenscope's PNG icons into web/. The SVG icon is
// hand-written (web/icon.svg); this draws the same picture, a dark rounded
// tile with three bars in the header / payload / signature colours, so the
// committed PNGs can be regenerated without an image editor:
//
//	go run ./tools/icons -out web
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
)

var (
	tile = color.RGBA{0x1b, 0x1d, 0x23, 0xff}
	bars = []color.RGBA{
		{0xef, 0x5b, 0x5b, 0xff}, // header
		{0xb3, 0x7f, 0xeb, 0xff}, // payload
		{0x3d, 0xa5, 0xd9, 0xff}, // signature
	}
)

func main() {
	out := flag.String("out", "web", "output `dir`")
	flag.Parse()
	for _, size := range []int{192, 512} {
		path := filepath.Join(*out, fmt.Sprintf("icon-%d.png", size))
		if err := write(path, draw(size)); err != nil {
			fmt.Fprintln(os.Stderr, "icons:", err)
			os.Exit(1)
		}
	}
}

// draw works on a 64-unit grid, matching the SVG's viewBox.
func draw(size int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	u := float64(size) / 64
	for y := range size {
		for x := range size {
			if inRoundedRect(float64(x)+0.5, float64(y)+0.5, 0, 0, 64*u, 64*u, 12*u) {
				img.SetRGBA(x, y, tile)
			}
		}
	}
	for i, c := range bars {
		top := (14 + float64(i)*14) * u
		width := []float64{24, 40, 32}[i] * u
		fill(img, 12*u, top, width, 8*u, 4*u, c)
	}
	return img
}

func fill(img *image.RGBA, x0, y0, w, h, r float64, c color.RGBA) {
	for y := int(y0); y <= int(y0+h); y++ {
		for x := int(x0); x <= int(x0+w); x++ {
			if inRoundedRect(float64(x)+0.5, float64(y)+0.5, x0, y0, w, h, r) {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

func inRoundedRect(px, py, x0, y0, w, h, r float64) bool {
	if px < x0 || py < y0 || px > x0+w || py > y0+h {
		return false
	}
	cx := min(max(px, x0+r), x0+w-r)
	cy := min(max(py, y0+r), y0+h-r)
	dx, dy := px-cx, py-cy
	return dx*dx+dy*dy <= r*r
}

func write(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encoding %s: %w", path, err)
	}
	return f.Close()
}
