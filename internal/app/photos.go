package app

import (
	"context"

	"github.com/rapport-app/rapport/internal/store"
)

// Photo returns the picture of the person ref names, or ENOTFOUND.
func (a *App) Photo(ctx context.Context, ref string) (*store.Photo, error) {
	tx := a.view(ctx)
	r, err := tx.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	return tx.Photo(ctx, r.ID)
}

// RemovePhoto forgets the picture of the person ref names; back to initials.
func (a *App) RemovePhoto(ctx context.Context, ref string) error {
	return a.update(ctx, func(tx *store.Tx) error {
		r, err := tx.Resolve(ctx, ref)
		if err != nil {
			return err
		}
		return tx.DeletePhoto(ctx, r.ID)
	})
}
