package timeline

// MayMatterForTest exposes the prefilter to the external tests.
var MayMatterForTest = mayMatter
