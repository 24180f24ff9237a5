package main

import (
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// submittedForm reads the page's form that has a submit button named
// button (the admin's change form has "_save"; the sign-out form beside it
// has none) and returns where it posts and what a browser would send on a
// click of that button: every enabled control with a name, hidden ones
// included, checkboxes and radios only when checked, a select's chosen
// options (its first one when none is marked), and the button itself.
func submittedForm(page io.Reader, button string) (action string, values url.Values, err error) {
	doc, err := goquery.NewDocumentFromReader(page)
	if err != nil {
		return "", nil, err
	}
	var form *goquery.Selection
	doc.Find("form").EachWithBreak(func(_ int, f *goquery.Selection) bool {
		if f.Find(`input[type="submit"], button[type="submit"], button:not([type])`).FilterFunction(func(_ int, b *goquery.Selection) bool {
			return b.AttrOr("name", "") == button
		}).Length() > 0 {
			form = f
			return false
		}
		return true
	})
	if form == nil {
		return "", nil, errors.New("no form with a submit button named " + strconv.Quote(button))
	}
	values = url.Values{}
	form.Find("input, select, textarea").Each(func(_ int, c *goquery.Selection) {
		name, ok := c.Attr("name")
		if !ok || name == "" || disabled(c) {
			return
		}
		switch goquery.NodeName(c) {
		case "input":
			switch strings.ToLower(c.AttrOr("type", "text")) {
			case "submit", "image", "button", "reset", "file":
			case "checkbox", "radio":
				if _, checked := c.Attr("checked"); checked {
					values.Add(name, c.AttrOr("value", "on"))
				}
			default:
				values.Add(name, c.AttrOr("value", ""))
			}
		case "select":
			options := c.Find("option").FilterFunction(func(_ int, o *goquery.Selection) bool { return !disabled(o) })
			chosen := options.Filter("[selected]")
			if chosen.Length() == 0 {
				if _, multiple := c.Attr("multiple"); multiple {
					return
				}
				chosen = options.First()
			}
			chosen.Each(func(_ int, o *goquery.Selection) {
				values.Add(name, o.AttrOr("value", strings.TrimSpace(o.Text())))
			})
		case "textarea":
			values.Add(name, c.Text())
		}
	})
	values.Add(button, form.Find(`[name="`+button+`"]`).First().AttrOr("value", ""))
	return form.AttrOr("action", ""), values, nil
}

// disabled says whether a control is disabled itself or inside a disabled
// fieldset (or, for an option, a disabled optgroup).
func disabled(c *goquery.Selection) bool {
	if _, ok := c.Attr("disabled"); ok {
		return true
	}
	return c.ParentsFiltered("fieldset[disabled], optgroup[disabled]").Length() > 0
}

// lastPage reads the number of a changelist's last page from its paginator:
// the highest page it links to or shows as the current one, 1 without one.
func lastPage(page io.Reader) (int, error) {
	doc, err := goquery.NewDocumentFromReader(page)
	if err != nil {
		return 0, err
	}
	last := 1
	doc.Find(".paginator .this-page").Each(func(_ int, s *goquery.Selection) {
		if n, err := strconv.Atoi(strings.TrimSpace(s.Text())); err == nil {
			last = max(last, n)
		}
	})
	doc.Find(".paginator a[href]").Each(func(_ int, s *goquery.Selection) {
		u, err := url.Parse(s.AttrOr("href", ""))
		if err != nil {
			return
		}
		if n, err := strconv.Atoi(u.Query().Get("p")); err == nil {
			last = max(last, n)
		}
	})
	return last, nil
}
