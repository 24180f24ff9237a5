package auth

import "unicode"

// isNumeric is Python's str.isdigit(), which NumericPasswordValidator uses:
// true when every character is a digit and there is at least one.
func isNumeric(password string) bool {
	if password == "" {
		return false
	}
	for _, r := range password {
		if !isDigit(r) {
			return false
		}
	}
	return true
}

// isDigit reports Unicode Numeric_Type Decimal or Digit, Python's notion of a
// digit: the decimal digits of every script (category Nd) plus superscript,
// subscript, circled and similar digits. The ranges are the Digit-only
// characters, listed from Python 3.11's unicodedata (Unicode 14).
func isDigit(r rune) bool {
	if unicode.IsDigit(r) {
		return true
	}
	for _, span := range [...]struct{ lo, hi rune }{
		{0x00B2, 0x00B3},   // superscript two and three
		{0x00B9, 0x00B9},   // superscript one
		{0x1369, 0x1371},   // Ethiopic digits
		{0x19DA, 0x19DA},   // New Tai Lue tham digit one
		{0x2070, 0x2070},   // superscript zero
		{0x2074, 0x2079},   // superscripts four to nine
		{0x2080, 0x2089},   // subscripts
		{0x2460, 0x2468},   // circled digits
		{0x2474, 0x247C},   // parenthesized digits
		{0x2488, 0x2490},   // digits with full stop
		{0x24EA, 0x24EA},   // circled digit zero
		{0x24F5, 0x24FD},   // double circled digits
		{0x24FF, 0x24FF},   // negative circled digit zero
		{0x2776, 0x277E},   // dingbat negative circled digits
		{0x2780, 0x2788},   // dingbat circled sans-serif digits
		{0x278A, 0x2792},   // dingbat negative circled sans-serif digits
		{0x10A40, 0x10A43}, // Kharoshthi digits
		{0x10E60, 0x10E68}, // Rumi digits
		{0x11052, 0x1105A}, // Brahmi numbers
		{0x1F100, 0x1F10A}, // digits with full stop or comma
	} {
		if span.lo <= r && r <= span.hi {
			return true
		}
	}
	return false
}
