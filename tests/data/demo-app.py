# The demo app: what a program run in a venvrun env sees of Python.
import site
import sys

print("python    ", sys.version.split()[0], "at", sys.executable)
print("sys.prefix", sys.prefix, "(the env)")
print("base      ", sys.base_prefix, "(the interpreter it runs on)")
print("in an env ", sys.prefix != sys.base_prefix)
print("site dirs ", [p for p in sys.path if p.endswith("-packages")])
print("user site ", site.ENABLE_USER_SITE)
