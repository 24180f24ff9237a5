// Package static embeds the site's CSS, images and the little JavaScript the
// admin needs, so the binary serves every asset itself and loads nothing
// from another host.
package static

import "embed"

// Files are served under /static/ with content-hashed names (app/web.Assets).
//
//go:embed css img js
var Files embed.FS
