package ui

import "time"

func unixMilli(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func axisForTest(start, end int64) axis {
	return axis{start: unixMilli(start), span: unixMilli(end).Sub(unixMilli(start))}
}
