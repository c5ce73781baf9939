package web

import (
	"html"
	"regexp"
	"strings"
)

// markdown converts the subset of Markdown that docs/lab.md is written in
// to HTML: ATX headings, paragraphs, fenced code blocks, pipe tables with
// their alignment row, and inline code, **strong**, _emphasis_ (at word
// boundaries only, since the tables are full of names like
// bytes_per_entry), links and images. Everything else is text. Every
// piece of text is escaped, links are kept only to http(s) addresses (a
// relative one points into the repository, which a reader of the page may
// not have), and images only to the embedded plots, lab/NAME.svg: the
// output is safe to insert into the page whatever the file says. It is
// small on purpose; the lab's report is generated, so its syntax is fixed.
func markdown(src string) string {
	var out strings.Builder
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var para []string
	flush := func() {
		if len(para) > 0 {
			out.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
		case strings.HasPrefix(trimmed, "```"):
			flush()
			lang := strings.TrimSpace(strings.TrimPrefix(trimmed, "```"))
			var code []string
			for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
				code = append(code, lines[i])
			}
			class := ""
			if lang != "" && regexp.MustCompile(`^[A-Za-z0-9_-]+$`).MatchString(lang) {
				class = ` class="language-` + lang + `"`
			}
			out.WriteString("<pre><code" + class + ">" + html.EscapeString(strings.Join(code, "\n")) + "</code></pre>\n")
		case heading.MatchString(trimmed):
			flush()
			m := heading.FindStringSubmatch(trimmed)
			level := string(rune('0' + len(m[1])))
			out.WriteString("<h" + level + ` id="lab-` + slug(m[2]) + `">` + inline(m[2]) + "</h" + level + ">\n")
		case strings.HasPrefix(trimmed, "|") && i+1 < len(lines) && tableRule.MatchString(strings.TrimSpace(lines[i+1])):
			flush()
			head := cells(trimmed)
			align := cells(strings.TrimSpace(lines[i+1]))
			out.WriteString(`<div class="table-wrap" tabindex="0" role="region" aria-label="table, scrolls sideways"><table>` + "\n<thead><tr>")
			for j, c := range head {
				out.WriteString("<th" + alignAttr(align, j) + ">" + inline(c) + "</th>")
			}
			out.WriteString("</tr></thead>\n<tbody>\n")
			for i += 2; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				out.WriteString("<tr>")
				for j, c := range cells(strings.TrimSpace(lines[i])) {
					out.WriteString("<td" + alignAttr(align, j) + ">" + inline(c) + "</td>")
				}
				out.WriteString("</tr>\n")
			}
			i--
			out.WriteString("</tbody></table></div>\n")
		default:
			para = append(para, trimmed)
		}
	}
	flush()
	return out.String()
}

var (
	heading   = regexp.MustCompile(`^(#{1,6})\s+(.*)$`)
	tableRule = regexp.MustCompile(`^\|(\s*:?-{3,}:?\s*\|)+$`)
	// inlineToken finds, in order of precedence at each place: code,
	// an image, a link, strong, emphasis.
	inlineToken = regexp.MustCompile("`([^`]+)`" + `|!\[([^\]]*)\]\(([^)\s]*)\)|\[([^\]]+)\]\(([^)\s]*)\)|\*\*([^*]+)\*\*|(?:^|[\s(])_([^_\s](?:[^_]*[^_\s])?)_(?:$|[\s.,;:)])`)
	labImage    = regexp.MustCompile(`^lab/[a-z0-9_-]+\.svg$`)
)

// inline converts one block's inline markup.
func inline(s string) string {
	var out strings.Builder
	for s != "" {
		loc := inlineToken.FindStringSubmatchIndex(s)
		if loc == nil {
			out.WriteString(html.EscapeString(s))
			break
		}
		start, end := loc[0], loc[1]
		group := func(n int) string {
			if loc[2*n] < 0 {
				return ""
			}
			return s[loc[2*n]:loc[2*n+1]]
		}
		switch {
		case loc[2] >= 0:
			out.WriteString(html.EscapeString(s[:start]) + "<code>" + html.EscapeString(group(1)) + "</code>")
		case loc[4] >= 0:
			out.WriteString(html.EscapeString(s[:start]))
			if src := group(3); labImage.MatchString(src) {
				out.WriteString(`<img src="` + src + `" alt="` + html.EscapeString(group(2)) + `" loading="lazy">`)
			} else {
				out.WriteString(html.EscapeString(group(2)))
			}
		case loc[8] >= 0:
			out.WriteString(html.EscapeString(s[:start]))
			text, href := inline(group(4)), group(5)
			if strings.HasPrefix(href, "https://") || strings.HasPrefix(href, "http://") {
				out.WriteString(`<a href="` + html.EscapeString(href) + `">` + text + "</a>")
			} else {
				out.WriteString(text)
			}
		case loc[12] >= 0:
			out.WriteString(html.EscapeString(s[:start]) + "<strong>" + inline(group(6)) + "</strong>")
		default:
			// The match includes the character on either side of _..._;
			// keep them as text.
			inner := loc[14]
			out.WriteString(html.EscapeString(s[:inner-1]) + "<em>" + inline(group(7)) + "</em>")
			end = loc[15] + 1
		}
		s = s[end:]
	}
	return out.String()
}

// cells splits a table row on its pipes; "\|" is a literal pipe.
func cells(row string) []string {
	row = strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|")
	row = strings.ReplaceAll(row, `\|`, "\x00")
	parts := strings.Split(row, "|")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(strings.ReplaceAll(p, "\x00", "|"))
	}
	return parts
}

func alignAttr(rule []string, j int) string {
	if j >= len(rule) {
		return ""
	}
	r := rule[j]
	switch {
	case strings.HasPrefix(r, ":") && strings.HasSuffix(r, ":"):
		return ` class="center"`
	case strings.HasSuffix(r, ":"):
		return ` class="num"`
	}
	return ""
}

// slug makes a heading's text into an id.
func slug(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b.WriteRune(c)
		case c == ' ' || c == '-' || c == '_':
			b.WriteByte('-')
		}
	}
	return b.String()
}
