package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/internal/app"
)

// BenchmarkDavPoll is a device polling a 5,000-card book with its sync
// token through the whole handler (sign-in included): unchanged, and after
// one edit in Rapport (the book compared with the people again).
func BenchmarkDavPoll(b *testing.B) {
	f := newFixture(b, 0)
	ctx := context.Background()
	for i := range 5000 {
		if _, err := f.app.AddPerson(ctx, fmt.Sprintf("Person %04d", i), app.PersonEdit{AddEmails: []string{fmt.Sprintf("p%04d@example.com", i)},
			AddPhones: []string{fmt.Sprintf("+1 555 %04d", i)}, AddTags: []string{"tag" + fmt.Sprint(i%7)}, Force: true}); err != nil {
			b.Fatal(err)
		}
	}
	_, secret, err := f.app.CreateAppToken(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	poll := func(token string) (int, string) {
		req := httptest.NewRequest("REPORT", "http://127.0.0.1"+davBook, strings.NewReader(fmt.Sprintf(syncReport, token)))
		req.Header.Set("Content-Type", "application/xml")
		req.SetBasicAuth("me", secret)
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusMultiStatus {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
		return rec.Body.Len(), syncTokenRE.FindStringSubmatch(rec.Body.String())[1]
	}
	_, token := poll("")
	b.Run("unchanged", func(b *testing.B) {
		n := 0
		for b.Loop() {
			n, _ = poll(token)
		}
		b.ReportMetric(float64(n), "bytes/answer")
	})
	b.Run("one-edit", func(b *testing.B) {
		i := 0
		for b.Loop() {
			b.StopTimer()
			if _, err := f.app.EditPerson(ctx, fmt.Sprintf("p%04d@example.com", i%5000), app.PersonEdit{AddTags: []string{fmt.Sprintf("t%d", i)}}); err != nil {
				b.Fatal(err)
			}
			i++
			b.StartTimer()
			_, token = poll(token)
		}
	})
}
