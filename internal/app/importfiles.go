package app

import (
	"context"
	"os"
	"path/filepath"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer/formats"
)

// ImportRequest is what to import: a source and its files, as the CLI and
// the web take them.
type ImportRequest struct {
	Source   string   // linkedin, google, csv, vcard, mbox, maildir, ics, facebook, or json (a Rapport backup)
	Paths    []string // files or folders
	Me       []string // you, as the source knows you
	DryRun   bool
	Photos   bool                    // vcard: keep each card's photo
	Progress func(read, total int64) // bytes read so far, when set
	// Name is how a file is named in messages when Paths are where the
	// server keeps an upload for the moment; empty: the paths themselves.
	Name func(path string) string
}

// ImportFiles is the one way in for files: an export read by its source's
// parser and imported, or a JSON backup restored into an empty database.
func (a *App) ImportFiles(ctx context.Context, req ImportRequest) (*ImportSummary, error) {
	if req.Photos && req.Source != "vcard" {
		return nil, rapport.FieldErrorf(rapport.EINVALID, "photos", "is for vCard files; %s has no pictures to keep", req.Source)
	}
	if req.Source == "json" {
		return a.restoreFile(ctx, req)
	}
	res, err := formats.Read(req.Source, req.Paths, formats.Options{Me: req.Me, Now: a.Now(), Photos: req.Photos, Progress: req.Progress})
	if err != nil {
		return nil, err
	}
	return a.Import(ctx, req.Source, res, req.DryRun)
}

func (a *App) restoreFile(ctx context.Context, req ImportRequest) (*ImportSummary, error) {
	if len(req.Paths) != 1 {
		return nil, rapport.Errorf(rapport.EINVALID, "import json takes one backup file")
	}
	if req.DryRun {
		return nil, rapport.Errorf(rapport.EINVALID, "import json restores into an empty database; a dry run has nothing to show")
	}
	name := req.Paths[0]
	if req.Name != nil {
		name = req.Name(name)
	}
	f, err := os.Open(req.Paths[0])
	if err != nil {
		return nil, rapport.Errorf(rapport.EINVALID, "%s: %v", filepath.Base(name), err)
	}
	defer f.Close()
	rs, err := a.RestoreJSON(ctx, f, name)
	if err != nil {
		return nil, err
	}
	return &ImportSummary{Source: "json", Read: rs.Rows["people"] + rs.Rows["interactions"], PeopleCreated: rs.Rows["people"],
		InteractionsCreated: rs.Rows["interactions"], SkippedWhy: map[string]int{}, Errors: []string{}, Merges: []ImportMerge{}, Rows: rs.Rows}, nil
}
