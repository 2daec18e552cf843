"""pyftpdlib for ftpconform's interop run: one user, a writable home, loopback only.

Run with Debian's interpreter (/usr/bin/python3), which has python3-pyftpdlib:
    /usr/bin/python3 server.py --port P --home DIR --user U --password P --passive MIN-MAX [--cert PEM]
"""
import argparse
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
# A process per session: the default FTPServer runs every session in one loop, where one that
# blocks (a TLS handshake, a reset data connection) holds the others' replies up, and the
# suite's parallel scenarios then time out for reasons that are not theirs. Not a thread per
# session either: pyftpdlib's CWD changes the process's working directory and back
# (os.getcwd, os.chdir), so with threads one session's RMD of a scratch directory that another
# thread has just entered makes that CWD raise FileNotFoundError and drop its connection.
from pyftpdlib.servers import MultiprocessFTPServer


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--home", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--passive", required=True, help="MIN-MAX")
    p.add_argument("--cert", help="PEM file with certificate and key: offer AUTH TLS")
    p.add_argument("--log")
    a = p.parse_args()

    logging.basicConfig(filename=a.log, level=logging.INFO,
                        format="%(asctime)s %(message)s")

    authorizer = DummyAuthorizer()
    # e l r a d f m w M T: every permission pyftpdlib knows (change dir, list, read, append,
    # delete, rename, mkdir, write, chmod, mtime).
    authorizer.add_user(a.user, a.password, a.home, perm="elradfmwMT")

    handler = FTPHandler
    if a.cert:
        from pyftpdlib.handlers import TLS_FTPHandler
        handler = TLS_FTPHandler
        handler.certfile = a.cert
        handler.tls_control_required = False
        handler.tls_data_required = False
    handler.authorizer = authorizer
    handler.banner = "ftpconform interop: pyftpdlib"
    lo, hi = a.passive.split("-")
    handler.passive_ports = range(int(lo), int(hi) + 1)
    handler.timeout = 600

    server = MultiprocessFTPServer(("127.0.0.1", a.port), handler)
    server.max_cons = 256
    server.max_cons_per_ip = 0
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
