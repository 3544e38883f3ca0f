#!/usr/bin/python3
"""Checks the architecture that the folder names promise, by reading the sources (no build needed):

  1. core/ is layered: a subsystem includes only from itself and from the subsystems below it
       common < sigv4 < http < {sts, s3} < {transfer, auth} < session
     (subsystems on one level are independent of each other), and never from ui/ or app/.
     ui/ never includes from app/.
  2. No include cycle among RoleDrop's own headers.
  3. ui/ talks to core/session's operations: no ui/ file names the keychain, the HTTP client, the STS client,
     the credential provider, or pages through listings itself; `continuationToken` appears only in core/s3/.
  4. Every CMakeLists.txt under core/, ui/, app/ and tests/ lists its files (no file(GLOB ...)), and every
     source file under core/, ui/ and app/ is listed in its folder's CMakeLists.txt.

Usage: check_architecture.py [ROOT]      prints one line per violation, exits 1 if there is any
       check_architecture.py --self-test  builds small trees with one violation each and checks each is found
"""
import os
import re
import sys
import tempfile

LEVELS = {"common": 0, "sigv4": 1, "http": 2, "sts": 3, "s3": 3, "transfer": 4, "auth": 4, "session": 5}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# Names ui/ must not use: the session offers operations instead.
UI_FORBIDDEN = ["KeychainStore", "AwsHttpClient", "StsClient", "CredentialProvider", "readSecret(", "writeSecret(",
                "removeSecret(", "continuationToken", "listObjects(", "listEachPage(", "resolveProfile("]


def sources(root, top):
    for folder, _, files in os.walk(os.path.join(root, top)):
        for name in sorted(files):
            if name.endswith((".h", ".cpp")):
                yield os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def includes_of(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return INCLUDE.findall(f.read())


def subsystem(path):
    parts = path.split("/")
    return parts[1] if parts[0] == "core" and len(parts) > 2 else None


def check_layers(root):
    problems = []
    for top in ("core", "ui", "app"):
        for path in sources(root, top):
            for included in includes_of(root, path):
                target_top = included.split("/")[0]
                if top == "core" and target_top in ("ui", "app"):
                    problems.append("%s: core/ includes %s (core/ never depends on the front ends)" % (path, included))
                if top == "ui" and target_top == "app":
                    problems.append("%s: ui/ includes %s (app/ is above ui/)" % (path, included))
                if top != "core" or target_top != "core":
                    continue
                mine, theirs = subsystem(path), subsystem(included)
                if mine is None or theirs is None or mine == theirs:
                    continue
                if mine not in LEVELS or theirs not in LEVELS:
                    problems.append("%s: subsystem %s or %s has no place in the layering" % (path, mine, theirs))
                elif LEVELS[theirs] >= LEVELS[mine]:
                    problems.append("%s: core/%s includes %s from core/%s, which is not below it" % (path, mine, included, theirs))
    return problems


def check_cycles(root):
    graph = {}
    for top in ("core", "ui", "app"):
        for path in sources(root, top):
            if path.endswith(".h"):
                graph[path] = [i for i in includes_of(root, path) if i.split("/")[0] in ("core", "ui", "app")]
    problems, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == "open":
                problems.append("include cycle: " + " -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt in graph and nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return problems


def check_ui_calls(root):
    problems = []
    for path in sources(root, "ui"):
        with open(os.path.join(root, path), encoding="utf-8") as f:
            code = strip_comments(f.read())
        for name in UI_FORBIDDEN:
            if name in code:
                problems.append("%s: ui/ uses %s directly (ask core/session for the operation)" % (path, name.rstrip("(")))
    for top in ("core", "app", "bench"):
        for path in sources(root, top):
            if path.startswith("core/s3/"):
                continue
            with open(os.path.join(root, path), encoding="utf-8") as f:
                if "continuationToken" in strip_comments(f.read()):
                    problems.append("%s: follows continuation tokens (only core/s3/'s listing helper may)" % path)
    return problems


def check_cmake(root):
    problems = []
    for top in ("core", "ui", "app", "tests"):
        for folder, _, files in os.walk(os.path.join(root, top)):
            if "node_modules" in folder:
                continue
            if "CMakeLists.txt" in files:
                with open(os.path.join(folder, "CMakeLists.txt"), encoding="utf-8") as f:
                    if re.search(r"file\s*\(\s*GLOB", f.read(), re.I):
                        problems.append("%s/CMakeLists.txt: globs its sources (list them)" % os.path.relpath(folder, root))
    for top in ("core", "ui", "app"):
        cmake = os.path.join(root, top, "CMakeLists.txt")
        if not os.path.exists(cmake):
            problems.append("%s/CMakeLists.txt is missing" % top)
            continue
        with open(cmake, encoding="utf-8") as f:
            listed = set(re.findall(r"[\w./-]+\.(?:h|cpp)\b", f.read()))
        for path in sources(root, top):
            inside = path[len(top) + 1:]
            if inside not in listed:
                problems.append("%s: not listed in %s/CMakeLists.txt" % (path, top))
    return problems


def check(root):
    return check_layers(root) + check_cycles(root) + check_ui_calls(root) + check_cmake(root)


def self_test():
    """Each case is a tiny tree with one violation; the checker must find it (and nothing in a clean tree)."""
    clean = {
        "core/CMakeLists.txt": "set(S common/outcome.h http/client.h http/client.cpp)",
        "core/common/outcome.h": "#pragma once\n",
        "core/http/client.h": '#include "core/common/outcome.h"\n',
        "core/http/client.cpp": '#include "core/http/client.h"\n',
        "ui/CMakeLists.txt": "set(S window.cpp)",
        "ui/window.cpp": '#include "core/http/client.h"\n// a comment may say KeychainStore\n',
        "app/CMakeLists.txt": "add_executable(x main.cpp)",
        "app/main.cpp": '#include "ui/window.h"\n',
    }
    cases = {
        "upward include": {"core/common/outcome.h": '#include "core/http/client.h"\n'},
        "sideways include": {"core/CMakeLists.txt": "set(S common/outcome.h http/client.h http/client.cpp sts/a.h s3/b.h)",
                             "core/sts/a.h": '#include "core/s3/b.h"\n', "core/s3/b.h": "#pragma once\n"},
        "core includes ui": {"core/http/client.cpp": '#include "ui/window.h"\n'},
        "cycle": {"core/CMakeLists.txt": "set(S common/outcome.h common/other.h http/client.h http/client.cpp)",
                  "core/common/outcome.h": '#include "core/common/other.h"\n',
                  "core/common/other.h": '#include "core/common/outcome.h"\n'},
        "ui uses the keychain": {"ui/window.cpp": "void f() { KeychainStore store; }\n"},
        "token outside core/s3": {"core/http/client.cpp": "QString continuationToken;\n"},
        "glob": {"ui/CMakeLists.txt": "file(GLOB S *.cpp)\nset(S window.cpp)"},
        "unlisted file": {"core/http/extra.cpp": "int x;\n"},
    }
    failures = 0
    for name, changes in [("clean tree", {})] + list(cases.items()):
        with tempfile.TemporaryDirectory() as root:
            for path, content in {**clean, **changes}.items():
                os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
                with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                    f.write(content)
            found = check(root)
            ok = (not found) if name == "clean tree" else bool(found)
            print("%s: %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else " (found: %s)" % found))
            failures += 0 if ok else 1
    return failures


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(1 if self_test() else 0)
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    found = check(os.path.abspath(root))
    for line in found:
        print(line)
    print("%d architecture problem(s)" % len(found))
    sys.exit(1 if found else 0)
