package e2e

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write the README screenshots to docs/img")

// maxScreenshotBytes keeps the committed PNGs small.
const maxScreenshotBytes = 128 << 10

// TestScreenshots takes the README's screenshots, light and dark, at
// 1280×800 after a paste whose verdict is an invalid refresh token; with
// -update-screenshots it writes them to docs/img. Either way it checks
// their size and that the verdict is in them.
func TestScreenshots(t *testing.T) {
	paste := layoutPaste(t)
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			tb := openInspector(t)
			tb.setViewport(1280, 800, false)
			if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
			}); err != nil {
				t.Fatal(err)
			}
			tb.waitJS("the colour scheme", `matchMedia("(prefers-color-scheme: `+scheme+`)").matches`, 5*time.Second)
			tb.paste(paste)
			tb.verdict("invalid_refresh_token")
			eval[bool](tb, `(document.activeElement.blur(), true)`)
			shot, err := chromedp.Call(tb.ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng})
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(shot.Data))
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 800 {
				t.Fatalf("screenshot is %dx%d", b.Dx(), b.Dy())
			}
			small := compress(t, img)
			if len(small) > maxScreenshotBytes {
				t.Errorf("screenshot is %d bytes, over %d", len(small), maxScreenshotBytes)
			}
			if *updateScreenshots {
				path := filepath.Join("..", "docs", "img", "inspector-"+scheme+".png")
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, small, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// compress re-encodes img as a paletted PNG of its 256 most frequent
// colours (a flat UI has few; the rest are anti-aliasing shades) at the
// best compression.
func compress(t *testing.T, img image.Image) []byte {
	t.Helper()
	b := img.Bounds()
	counts := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	colours := make([]color.RGBA, 0, len(counts))
	for c := range counts {
		colours = append(colours, c)
	}
	slices.SortFunc(colours, func(a, b color.RGBA) int { return counts[b] - counts[a] })
	pal := make(color.Palette, 0, 256)
	for _, c := range colours[:min(256, len(colours))] {
		pal = append(pal, c)
	}
	paletted := image.NewPaletted(b, pal)
	draw.Draw(paletted, b, img, b.Min, draw.Src)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, paletted); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
