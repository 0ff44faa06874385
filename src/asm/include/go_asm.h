// Hook for the constants that `go tool compile -asmhdr` would generate (struct field offsets, sizes).
// Model programs have no Go package behind them, so this header is empty: define what you need with #define.
