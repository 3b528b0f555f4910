// Package rapport holds Rapport's domain: people, interactions, the catalogue of
// kinds and the action ladder, coded errors and the parsing of user-typed values.
// It imports no storage or HTTP code; internal/model computes tie strength from
// these values and internal/store keeps them.
package rapport
