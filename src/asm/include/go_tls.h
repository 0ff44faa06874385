// Access to the goroutine pointer g kept in thread-local storage at FS:-8 (linux/amd64, static binaries).
// get_tls(r) loads the TLS base marker into r; g(r) then addresses g.
#define	get_tls(r)	MOVQ TLS, r
#define	g(r)	0(r)(TLS*1)
