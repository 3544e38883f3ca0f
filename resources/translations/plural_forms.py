#!/usr/bin/env python3
"""Writes resources/translations/roledrop_en.ts: the English singular and plural of every "%n ...(s)" text.

RoleDrop's texts are English in the sources; what source text alone cannot say is a plural, so each
tr("%n file(s)", nullptr, n) gets its two English forms here ("%n file" / "%n files") and lrelease builds
them into the binary (ui/CMakeLists.txt). Run it after adding or changing such a text:

    python3 resources/translations/plural_forms.py          # rewrites roledrop_en.ts
    python3 resources/translations/plural_forms.py --check  # fails if roledrop_en.ts is out of date (ctest)

The context is what Qt uses: the class of the member function a tr() sits in (with its namespace), or the
first argument of QCoreApplication::translate / Class::tr.
"""
import html
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "roledrop_en.ts"
FOLDERS = ("ui", "app", "core")

# Where dropping "(s)" or turning it into "s" is not English on its own: singular, plural.
IRREGULAR = {
    "%1 of %n item(s) match the filter": ("%1 of %n item matches the filter", "%1 of %n items match the filter"),
    "Every object inside the %n selected folder(s) is deleted too.": (
        "Every object inside the selected folder is deleted too.",
        "Every object inside the %n selected folders is deleted too."),
}
# Verbs that agree with the count: the singular's replacement.
SINGULAR_VERBS = {"(s) exist ": " exists ", "replace them or --skip-existing to leave them": "replace it or --skip-existing to leave it"}

CALL = re.compile(r'(?:\b(\w+)::tr\(|QCoreApplication::translate\(\s*"([^"]+)"\s*,|\btr\()\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\s*,\s*nullptr')
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
DEFINITION = re.compile(r'^[A-Za-z].*?\b(\w+)::(?:~?\w+)\([^;]*$', re.M)
NAMESPACE = re.compile(r'^namespace ([\w:]+) \{', re.M)


def unescape(text):
    return bytes(text, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8") if "\\" in text else text


def messages():
    found = {}
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.cpp")):
            source = path.read_text(encoding="utf-8")
            for call in CALL.finditer(source):
                text = "".join(unescape(part) for part in LITERAL.findall(call.group(3)))
                if "%n" not in text or "(s)" not in text:
                    continue
                context = call.group(2)
                if not context:
                    namespaces = [n.group(1) for n in NAMESPACE.finditer(source, 0, call.start())]
                    prefix = namespaces[-1] + "::" if namespaces else ""
                    klass = call.group(1)
                    if not klass:
                        definitions = list(DEFINITION.finditer(source, 0, call.start()))
                        if not definitions:
                            sys.exit(f"{path.relative_to(ROOT)}: tr() with %n outside a member function")
                        klass = definitions[-1].group(1)
                    context = prefix + klass
                found.setdefault(context, set()).add(text)
    return found


def forms(text):
    if text in IRREGULAR:
        return IRREGULAR[text]
    one = text
    for plural, singular in SINGULAR_VERBS.items():
        one = one.replace(plural, singular)
    return one.replace("(s)", ""), text.replace("(s)", "s")


def ts_text():
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>",
             '<!-- Written by plural_forms.py from the sources: edit the sources (or IRREGULAR there), not this file. -->',
             '<TS version="2.1" language="en" sourcelanguage="en">']
    for context, texts in sorted(messages().items()):
        lines += ["<context>", f"    <name>{html.escape(context, quote=False)}</name>"]
        for text in sorted(texts):
            one, many = forms(text)
            lines += ['    <message numerus="yes">',
                      f"        <source>{html.escape(text, quote=False)}</source>",
                      "        <translation>",
                      f"            <numerusform>{html.escape(one, quote=False)}</numerusform>",
                      f"            <numerusform>{html.escape(many, quote=False)}</numerusform>",
                      "        </translation>",
                      "    </message>"]
        lines.append("</context>")
    lines.append("</TS>")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    wanted = ts_text()
    if "--check" in sys.argv[1:]:
        if not TS.exists() or TS.read_text(encoding="utf-8") != wanted:
            sys.exit("resources/translations/roledrop_en.ts is out of date: run python3 resources/translations/plural_forms.py")
        print("roledrop_en.ts has the plural forms of every %n text")
    else:
        TS.write_text(wanted, encoding="utf-8")
