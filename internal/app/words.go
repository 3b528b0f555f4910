package app

import "fmt"

// Days says n days, one day being a day: what the CLI and the pages print.
func Days(n int) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d day", n)
	}
	return fmt.Sprintf("%d days", n)
}

// Share says v of all as a percentage a reader can compare: "0.8%", "12%".
func Share(v, all int) string {
	if all <= 0 {
		return ""
	}
	p := 100 * float64(v) / float64(all)
	if p > 0 && p < 10 {
		return fmt.Sprintf("%.1f%%", p)
	}
	return fmt.Sprintf("%.0f%%", p)
}
