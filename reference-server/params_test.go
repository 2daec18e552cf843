package refserver

import "testing"

func TestTransferParameters(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Users = append(c.Users, User{Name: "q", Password: "pw", Quota: 100}) })
	tsPage := startServer(t, func(c *Config) { c.PageStructure = true })
	for _, tc := range []struct {
		arg  string
		code int
		has  string
	}{
		{"TYPE A", 200, "ASCII Non-print"},
		{"TYPE a", 200, "ASCII"},
		{"TYPE A N", 200, "Non-print"},
		{"TYPE A T", 200, "Telnet"},
		{"TYPE A C", 200, "ASA"},
		{"TYPE E", 200, "EBCDIC"},
		{"TYPE E T", 200, ""},
		{"TYPE I", 200, "BINARY"},
		{"TYPE L 8", 200, "LOCAL 8"},
		{"TYPE L 7", 504, ""},
		{"TYPE L 36", 504, ""},
		{"TYPE X", 504, ""},
		{"TYPE A X", 504, ""},
		{"TYPE L", 501, ""},
		{"TYPE L eight", 501, ""},
		{"TYPE L 0", 501, ""},
		{"TYPE I N", 501, ""},
		{"TYPE AB", 501, ""},
		{"TYPE 1", 501, ""},
		{"TYPE A N X", 501, ""},
		{"TYPE A NN", 501, ""},
		{"STRU F", 200, "File"},
		{"STRU R", 200, "Record"},
		{"STRU P", 504, "not offered"},
		{"STRU X", 504, ""},
		{"STRU FF", 501, ""},
		{"MODE S", 200, "Stream"},
		{"MODE B", 200, "Block"},
		{"MODE C", 200, "Compressed"},
		{"MODE Z", 200, "Deflate"},
		{"MODE X", 504, ""},
		{"MODE SS", 501, ""},
		{"ALLO 1000", 202, ""},
		{"ALLO 1000 R 80", 202, ""},
		{"ALLO x", 501, ""},
		{"ALLO 10 R", 501, ""},
		{"ALLO 10 X 5", 501, ""},
		{"ALLO -1", 501, ""},
	} {
		c := login(t, ts.addr)
		c.run([]step{{tc.arg, tc.code, tc.has}})
	}
	c := login(t, tsPage.addr)
	c.run([]step{{"STRU P", 200, "Page"}})
	q := loginAs(t, ts.addr, "q", "pw")
	q.run([]step{{"ALLO 50", 200, "room"}, {"ALLO 500", 200, "only 100"}})
}
