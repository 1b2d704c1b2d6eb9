# signals.py -- run under librumphijack by signals.sh: an unmodified
# python3 whose sockets are the kernel's, blocked in accept, recv and
# poll when SIGALRM comes.  CPython installs handlers without SA_RESTART,
# so the blocked call returns EINTR and (PEP 475) Python runs the
# handler: one that raises ends the call with its exception; one that
# returns makes Python call again, and the call then gets the data sent
# later.  Prints one line per check; exits non-zero on a failure.
import os
import select
import signal
import socket
import sys
import threading
import time


class Alarm(Exception):
    pass


def raising(signum, frame):
    raise Alarm()


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def kernel_socket(s):
    # librumphijack shows a kernel descriptor as a placeholder for
    # /dev/null: not a host socket
    return os.readlink("/proc/self/fd/%d" % s.fileno()) == "/dev/null"


def interrupted(what, call):
    signal.signal(signal.SIGALRM, raising)
    signal.alarm(1)
    try:
        call()
    except Alarm:
        print("%s: interrupted, the handler's exception ended it" % what)
        return
    finally:
        signal.alarm(0)
    fail("%s returned without the alarm's exception" % what)


port = int(sys.argv[1])
lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
if not kernel_socket(lst):
    fail("the socket is not the kernel's")
lst.bind(("127.0.0.1", port))
lst.listen(1)
interrupted("accept", lst.accept)

cli = socket.create_connection(("127.0.0.1", port))
srv, _ = lst.accept()
interrupted("recv", lambda: srv.recv(16))
p = select.poll()
p.register(srv, select.POLLIN)
interrupted("poll", lambda: p.poll())

# A handler that returns: PEP 475 calls recv again, which gets the data
# a thread sends once the handler has run.
ran = threading.Event()


def counting(signum, frame):
    ran.set()


def send_later():
    ran.wait()
    time.sleep(0.1)
    cli.sendall(b"later")


signal.signal(signal.SIGALRM, counting)
t = threading.Thread(target=send_later)
t.start()
signal.alarm(1)
got = srv.recv(16)
t.join()
if not ran.is_set() or got != b"later":
    fail("recv after a returning handler: %r (handler ran: %s)" %
         (got, ran.is_set()))
print("recv: the handler returned, the call went on and got %r" % got)

# the connection and the sockets still work
cli.sendall(b"again")
if srv.recv(16) != b"again":
    fail("the socket does not work after the interruptions")
print("ok")
