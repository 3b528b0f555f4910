// Package google reads the Google Contacts CSV export, in its current form
// (First Name, …, Labels, E-mail 1 - Label, E-mail 1 - Value, …) and its older
// one (Name, Given Name, …, Group Membership, E-mail 1 - Type, …). Numbered
// groups grow with the data, so columns are found by name; several values in
// one cell are joined by " ::: ".
package google

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"strings"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
)

var numbered = regexp.MustCompile(`^(E-MAIL|PHONE|WEBSITE|ORGANIZATION) (\d+) - (VALUE|NAME|TITLE)$`)

// The columns of the other address books whose CSV looks like Google's (a
// First Name column): Outlook's and Thunderbird's exports. Without these
// only their names were kept.
var (
	otherEmails = []string{"E-MAIL ADDRESS", "E-MAIL 2 ADDRESS", "E-MAIL 3 ADDRESS", "PRIMARY EMAIL", "SECONDARY EMAIL", "EMAIL ADDRESS", "EMAIL"}
	otherPhones = []string{"PRIMARY PHONE", "MOBILE PHONE", "BUSINESS PHONE", "BUSINESS PHONE 2", "HOME PHONE", "HOME PHONE 2", "OTHER PHONE",
		"CAR PHONE", "COMPANY MAIN PHONE", "MOBILE NUMBER", "WORK PHONE", "PHONE"}
	otherSites = []string{"WEB PAGE", "WEB PAGE 1", "WEB PAGE 2", "WEBSITE"}
	otherOrgs  = []string{"COMPANY", "ORGANIZATION"}
	otherTitle = []string{"JOB TITLE"}
	otherNames = []string{"DISPLAY NAME"}
)

// Read parses a Google Contacts CSV file.
func Read(r io.Reader, file string) (*importer.Result, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	c := csv.NewReader(br)
	c.FieldsPerRecord = -1
	c.LazyQuotes = true
	head, err := c.Read()
	if err == io.EOF {
		return nil, importer.Error(file, "empty file")
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	cols := map[string]int{}
	var emails, phones, sites, orgNames, orgTitles []int
	for i, h := range head {
		name := strings.ToUpper(strings.TrimSpace(h))
		cols[name] = i
		if m := numbered.FindStringSubmatch(name); m != nil {
			switch {
			case m[1] == "E-MAIL" && m[3] == "VALUE":
				emails = append(emails, i)
			case m[1] == "PHONE" && m[3] == "VALUE":
				phones = append(phones, i)
			case m[1] == "WEBSITE" && m[3] == "VALUE":
				sites = append(sites, i)
			case m[1] == "ORGANIZATION" && m[3] == "NAME":
				orgNames = append(orgNames, i)
			case m[1] == "ORGANIZATION" && m[3] == "TITLE":
				orgTitles = append(orgTitles, i)
			}
		}
	}
	for _, o := range []struct {
		names []string
		dst   *[]int
	}{{otherEmails, &emails}, {otherPhones, &phones}, {otherSites, &sites}, {otherOrgs, &orgNames}, {otherTitle, &orgTitles}} {
		for _, n := range o.names {
			if i, ok := cols[n]; ok {
				*o.dst = append(*o.dst, i)
			}
		}
	}
	_, current := cols["FIRST NAME"]
	_, older := cols["GIVEN NAME"]
	_, display := cols["DISPLAY NAME"]
	if !current && !older && !display {
		return nil, importer.Error(file, "not a contacts CSV from Google, Outlook or Thunderbird: no First Name, Given Name or Display Name column (the columns are %s)", strings.Join(head[:min(len(head), 8)], ", "))
	}
	get := func(rec []string, name string) string {
		if i, ok := cols[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	multi := func(rec []string, idx []int) []string {
		var out []string
		for _, i := range idx {
			if i < len(rec) {
				for _, v := range strings.Split(rec[i], ":::") {
					if v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "* ")); v != "" {
						out = append(out, v)
					}
				}
			}
		}
		return out
	}
	res := &importer.Result{}
	for {
		rec, err := c.Read()
		if err == io.EOF {
			return res, nil
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := c.FieldPos(0)
		if err := importer.CheckRow(file, line, rec, len(head)); err != nil {
			return nil, err
		}
		where := importer.Where(file, line)
		res.Read++
		p := importer.Person{Where: where, Emails: multi(rec, emails), Phones: multi(rec, phones), URLs: multi(rec, sites)}
		p.Name = strings.Join(strings.Fields(strings.Join([]string{get(rec, "FIRST NAME"), get(rec, "MIDDLE NAME"), get(rec, "LAST NAME")}, " ")), " ")
		for _, alt := range append([]string{"NAME", "GIVEN NAME"}, append(otherNames, "FILE AS", "NICKNAME")...) {
			if p.Name == "" {
				p.Name = get(rec, alt)
			}
		}
		if older && p.Name == get(rec, "GIVEN NAME") && get(rec, "FAMILY NAME") != "" {
			p.Name = strings.TrimSpace(p.Name + " " + get(rec, "FAMILY NAME"))
		}
		p.Org, p.Title = get(rec, "ORGANIZATION NAME"), get(rec, "ORGANIZATION TITLE")
		if p.Org == "" {
			if v := multi(rec, orgNames); len(v) > 0 {
				p.Org = v[0]
			}
		}
		if p.Title == "" {
			if v := multi(rec, orgTitles); len(v) > 0 {
				p.Title = v[0]
			}
		}
		if p.Name == "" {
			p.Name = p.Org
		}
		labels := get(rec, "LABELS")
		if labels == "" {
			labels = get(rec, "GROUP MEMBERSHIP")
		}
		for _, l := range strings.Split(labels, ":::") {
			l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "* "))
			// Google's own groups are not your tags.
			if sys := strings.ToLower(strings.ReplaceAll(l, " ", "")); l != "" && sys != "mycontacts" && sys != "starred" {
				p.Tags = append(p.Tags, l)
			}
		}
		if n := get(rec, "NOTES"); n != "" {
			p.Notes = []string{n}
		}
		if p.Name == "" && len(p.Emails)+len(p.Phones)+len(p.URLs) == 0 {
			res.Skip("a contact with no name, email, phone or URL")
			continue
		}
		if len(p.Emails)+len(p.Phones)+len(p.URLs) == 0 {
			p.Key = "google:name:" + rapport.NameKey(p.Name)
		}
		res.People = append(res.People, p)
	}
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return importer.Error(importer.Where(file, pe.Line), "%v", pe.Err)
	}
	return err
}
