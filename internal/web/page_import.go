package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
	"github.com/rapport-app/rapport/internal/importer/formats"
)

type importView struct {
	Sources []string
	Summary *app.ImportSummary
}

func (s *Server) importPage(r *http.Request) (string, pageData, error) {
	return "import", pageData{Title: "Import and export", Nav: "import", Data: importView{Sources: uploadSources()}}, nil
}

// uploadSources are the sources a browser can upload: files, not folders.
func uploadSources() []string {
	var out []string
	for _, s := range formats.Sources {
		if s != "maildir" {
			out = append(out, s)
		}
	}
	return append(out, "json")
}

func (s *Server) importPost(r *http.Request) (string, pageData, error) {
	sum, err := s.importUpload(r)
	if err != nil {
		return "", pageData{}, err
	}
	if !sum.DryRun {
		s.changed(r.Context())
	}
	return "import", pageData{Title: "Import and export", Nav: "import", Data: importView{Sources: uploadSources(), Summary: sum}}, nil
}

// importUpload saves the uploaded files to a private folder under their own
// names (parsers tell formats apart by name), reads them and imports them.
func (s *Server) importUpload(r *http.Request) (*app.ImportSummary, error) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, rapport.Errorf(rapport.ETOOLARGE, "the upload is larger than the %d MB allowed", mbe.Limit>>20)
		}
		return nil, rapport.Errorf(rapport.EINVALID, "could not read the upload: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	source := r.FormValue("source")
	files := r.MultipartForm.File["file"]
	if len(files) == 0 {
		return nil, rapport.Errorf(rapport.EINVALID, "choose a file to import")
	}
	dir, err := os.MkdirTemp("", "rapport-import-")
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer os.RemoveAll(dir)
	var paths []string
	for i, fh := range files {
		name := filepath.Base(filepath.Clean("/" + fh.Filename))
		if name == "/" || name == "." {
			name = "upload"
		}
		sub := filepath.Join(dir, strconv.Itoa(i))
		if err := os.Mkdir(sub, 0o700); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		p := filepath.Join(sub, name)
		if err := saveUpload(fh.Open, p); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	var me []string
	if m := strings.TrimSpace(r.FormValue("me")); m != "" {
		me = fields(m)
	}
	dry := r.FormValue("dry_run") != ""
	return s.runImport(r.Context(), source, paths, me, dry, r.FormValue("photos") != "")
}

func (s *Server) runImport(ctx context.Context, source string, paths, me []string, dry, photos bool) (*app.ImportSummary, error) {
	sum, err := s.app.ImportFiles(ctx, app.ImportRequest{Source: source, Paths: paths, Me: me, DryRun: dry, Photos: photos, Name: filepath.Base})
	return sum, hidePaths(err, paths)
}

// hidePaths names uploaded files by their own names in an error: where the
// server keeps them for the moment is none of the page's business.
func hidePaths(err error, paths []string) error {
	if err == nil {
		return nil
	}
	msg := rapport.FieldMessage(err, fieldLabel)
	for _, p := range paths {
		msg = strings.ReplaceAll(msg, p, filepath.Base(p))
		msg = strings.ReplaceAll(msg, filepath.Dir(p)+string(filepath.Separator), "")
	}
	msg = strings.ReplaceAll(msg, os.TempDir()+string(filepath.Separator), "")
	return &rapport.Error{Code: rapport.ErrorCode(err), Message: msg}
}

func saveUpload(open func() (multipart.File, error), path string) error {
	src, err := open()
	if err != nil {
		return rapport.Errorf(rapport.EINVALID, "could not read the upload: %v", err)
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return fmt.Errorf("import: %w", err)
	}
	return dst.Close()
}

func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	format := r.PathValue("format")
	ctx := r.Context()
	var buf bytes.Buffer
	var err error
	var ctype, ext string
	switch format {
	case "vcard":
		ctype, ext = "text/vcard; charset=utf-8", "vcf"
		err = s.app.ExportVCard(ctx, &buf, app.ExportFilter{})
	case "csv":
		ctype, ext = "text/csv; charset=utf-8", "csv"
		err = s.app.ExportCSV(ctx, &buf, app.ExportFilter{})
	case "json":
		ctype, ext = "application/json", "json"
		err = s.app.ExportJSON(ctx, &buf)
	case "ics":
		ctype, ext = "text/calendar; charset=utf-8", "ics"
		err = s.app.ExportICS(ctx, &buf)
	default:
		s.fail(w, r, rapport.Errorf(rapport.ENOTFOUND, "no export format %q: expected vcard, csv, json or ics", format))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	if format != "ics" || r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="rapport-%s.%s"`, s.app.Now().In(s.app.Zone()).Format("2006-01-02"), ext))
	}
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) backup(w http.ResponseWriter, r *http.Request) {
	dir, err := os.MkdirTemp("", "rapport-backup-")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "rapport.db")
	if err := s.app.Backup(r.Context(), p); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.sqlite3")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="rapport-backup-%s.db"`, s.app.Now().In(s.app.Zone()).Format("2006-01-02")))
	http.ServeFile(w, r, p)
}
