package escpos

// transliterations are what a character becomes on a page that lacks it.
// A replacement is itself encoded, so "€" prints as "EUR" only where the
// page has no €, and "«" as '"' only where it has no «. Accented letters
// need no entry: Encode falls back to the bare letter.
var transliterations = map[rune]string{
	// Currency signs that some pages lack, as ISO codes.
	'€': "EUR", '₿': "BTC", '£': "GBP", '¥': "JPY", '₽': "RUB", '₴': "UAH", '₺': "TRY",
	'₹': "INR", '₩': "KRW", '₪': "ILS", '₫': "VND", '₦': "NGN", '฿': "THB", '₸': "KZT",
	'₾': "GEL", '¢': "c",

	// Quotes and apostrophes.
	'“': `"`, '”': `"`, '„': `"`, '‟': `"`, '«': `"`, '»': `"`, '″': `"`,
	'‘': "'", '’': "'", '‚': "'", '‛': "'", '‹': "'", '›': "'", '′': "'", '´': "'",

	// Dashes, hyphens and minus.
	'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '―': "-", '−': "-",

	// Punctuation and symbols.
	'…': "...", '•': "*", '·': ".", '×': "x", '÷': "/", '™': "TM", '©': "(C)", '®': "(R)",
	'°': "o", '±': "+/-", '½': "1/2", '¼': "1/4", '¾': "3/4", '¡': "!", '¿': "?",
	'→': "->", '←': "<-", '≤': "<=", '≥': ">=", '≠': "!=", '✓': "v", '§': "S", '¶': "P",

	// Letters without a decomposition.
	'ß': "ss", 'ẞ': "SS", 'æ': "ae", 'Æ': "AE", 'œ': "oe", 'Œ': "OE", 'ø': "o", 'Ø': "O",
	'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ð': "d", 'Ð': "D", 'þ': "th", 'Þ': "TH",
	'ı': "i", 'ħ': "h", 'Ħ': "H", 'ŧ': "t", 'Ŧ': "T", 'ĸ': "k", 'ŋ': "n", 'Ŋ': "N",

	// Spaces of every width print as one space; invisible ones not at all.
	'\u00A0': " ", '\u2000': " ", '\u2001': " ", '\u2002': " ", '\u2003': " ", '\u2004': " ",
	'\u2005': " ", '\u2006': " ", '\u2007': " ", '\u2008': " ", '\u2009': " ", '\u200A': " ",
	'\u202F': " ", '\u205F': " ", '\u3000': " ",
	'\u00AD': "", '\u200B': "", '\u200C': "", '\u200D': "", '\u2060': "", '\uFEFF': "",
}
