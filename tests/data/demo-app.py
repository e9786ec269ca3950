# The demo app: what a program run by venvrun sees of the machine.
import os
import sys


def listing(path):
    try:
        entries = os.listdir(path)
    except OSError as e:
        return "absent (%s)" % e.strerror
    return "empty" if not entries else "%d entries" % len(entries)


print("python      ", sys.version.split()[0], "at", sys.executable)
print("sys.prefix  ", sys.prefix, "(the env)")
print("sys.path    ", [p for p in sys.path if p])
print("pid         ", os.getpid(), "(PID 1 is venvrun's init)")
print("/           ", sorted(os.listdir("/")))
for path in ("/root", "/home", "/run", os.path.expanduser("~"),
             "/usr/lib/python3/dist-packages"):
    print("%-12s" % path, listing(path))
try:
    open(os.path.join(sys.prefix, "written-by-demo"), "w")
    print("env         ", "writable")
except OSError as e:
    print("env         ", "read-only (%s)" % e.strerror)
status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\t" in line)
print("uid         ", os.getuid(), "(nobody when venvrun runs as root)" if os.getuid() == 65534 else "")
print("seccomp     ", {"0": "off", "1": "strict", "2": "filter"}.get(status.get("Seccomp", "").strip(), "?"),
      "| no_new_privs", status.get("NoNewPrivs", "?").strip(),
      "| capabilities", status.get("CapEff", "?").strip())
