package rfc

// The seed is where the project started: the first two tables of
// ../shared/seed/ftp-commands-and-reply-codes.md ("FTP命令", 33 commands, and "FTP响应码", 39 reply
// codes; that page was copied from http://blog.csdn.net/jinhao2003/archive/2008/03/03/2141378.aspx).
// The coverage test requires scenarios for each. They are the RFC 959 commands and the RFC 959
// §4.2.2 reply codes; the tests here check both against the texts. Do not modify them.

// SeedCommands are the seed's 33 commands, in the seed's order.
var SeedCommands = []string{
	"ABOR", "ACCT", "ALLO", "APPE", "CDUP", "CWD", "DELE", "HELP", "LIST", "MODE", "MKD",
	"NLST", "NOOP", "PASS", "PASV", "PORT", "PWD", "QUIT", "REIN", "REST", "RETR", "RMD",
	"RNFR", "RNTO", "SITE", "SMNT", "STAT", "STOR", "STOU", "STRU", "SYST", "TYPE", "USER",
}

// SeedCodes are the seed's 39 reply codes, in the seed's order.
var SeedCodes = []int{
	110, 120, 125, 150, 200, 202, 211, 212, 213, 214, 215, 220, 221, 225, 226, 227, 230, 250, 257,
	331, 332, 350, 421, 425, 426, 450, 451, 452, 500, 501, 502, 503, 504, 530, 532, 550, 551,
	552, 553,
}
