"""Generate an addon's README.rst and static/description/index.html, OCA style.

The layout is the one of OCA's addon readme generator: title, badges, description,
table of contents, Configuration, Usage, Bug Tracker and Credits (Authors,
Contributors, Maintainers), from the manifest and the readme/*.md fragments.
index.html is README.rst rendered by docutils with the same settings.

    python scripts/gen_readme.py siao_justice           # write both files
    python scripts/gen_readme.py --check siao_justice   # fail if either is stale

Fragments use a small subset of Markdown: paragraphs, "- " lists (an item may
continue on lines indented by two spaces), *emphasis*, **strong**, `code` and
[links](https://...). Anything else stops the generation with a message.
"""

import argparse
import ast
import difflib
import hashlib
import io
import os
import re
import sys

from docutils.core import publish_string

FRAGMENTS_DIR = "readme"
# (fragment, title) in OCA's order; DESCRIPTION, CONTRIBUTORS and CREDITS are placed
# by the template itself.
SECTIONS = (
    ("CONTEXT", "Use Cases / Context"),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("DEVELOP", "Development"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
)
FRAGMENTS = ("DESCRIPTION", "CONTRIBUTORS", "CREDITS") + tuple(s for s, _t in SECTIONS)

LICENSE_BADGES = {
    "AGPL-3": (
        "https://img.shields.io/badge/license-AGPL--3-blue.png",
        "http://www.gnu.org/licenses/agpl-3.0-standalone.html",
        "License: AGPL-3",
    ),
    "LGPL-3": (
        "https://img.shields.io/badge/license-LGPL--3-blue.png",
        "http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
        "License: LGPL-3",
    ),
    "GPL-3": (
        "https://img.shields.io/badge/license-GPL--3-blue.png",
        "http://www.gnu.org/licenses/gpl-3.0-standalone.html",
        "License: GPL-3",
    ),
}
STATUS_BADGES = {
    "mature": ("Mature", "brightgreen"),
    "production/stable": ("Production%2FStable", "green"),
    "beta": ("Beta", "yellow"),
    "alpha": ("Alpha", "red"),
}
STATUS_URL = "https://odoo-community.org/page/development-status"

# As OCA's generator (from pypa/readme_renderer): no file inclusion, no raw HTML,
# and any docutils warning stops the generation.
RST2HTML_SETTINGS = {
    "file_insertion_enabled": False,
    "halt_level": 2,
    "report_level": 2,
    "math_output": "MathJax",
    "raw_enabled": False,
    "smart_quotes": True,
    "syntax_highlight": "short",
    "embed_stylesheet": True,
    "output_encoding": "utf-8",
}


class FragmentError(Exception):
    pass


def md_inline(text, where):
    """Convert the inline Markdown of one line to reStructuredText."""
    out = []
    pos = 0
    pattern = re.compile(
        r"(?P<code>`[^`]+`)|(?P<link>\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\))"
    )
    for match in pattern.finditer(text):
        out.append(text[pos : match.start()])
        if match.group("code"):
            out.append("``%s``" % match.group("code")[1:-1])
        else:
            out.append("`%s <%s>`__" % (match.group("label"), match.group("url")))
        pos = match.end()
    out.append(text[pos:])
    result = "".join(out)
    if re.search(r"(^|\s)(#|```|\|)", result) or "](" in result:
        raise FragmentError(f"{where}: unsupported Markdown: {text.strip()}")
    return result


def md_to_rst(markdown, where):
    """Convert a readme fragment from the Markdown subset above to reStructuredText."""
    lines = []
    in_item = False
    for number, line in enumerate(markdown.splitlines(), 1):
        here = f"{where}:{number}"
        stripped = line.strip()
        if not stripped:
            in_item = False
            lines.append("")
            continue
        if re.match(r"^#{1,6}\s|^```|^\s*\|.*\|\s*$|^\s*>", line):
            raise FragmentError(
                f"{here}: headings, code blocks, tables and quotes are not supported"
            )
        item = re.match(r"^([-*+])\s+(.*)$", line)
        if item:
            if lines and lines[-1] and not in_item:
                lines.append("")  # reStructuredText wants a blank line before a list
            lines.append("- " + md_inline(item.group(2), here))
            in_item = True
        elif in_item:
            if not line.startswith("  ") or re.match(r"^\s+[-*+]\s", line):
                raise FragmentError(
                    f"{here}: nested lists and unindented continuations are not"
                    " supported"
                )
            lines.append("  " + md_inline(stripped, here))
        else:
            if line.startswith(" "):
                raise FragmentError(
                    f"{here}: indented text outside a list is not supported"
                )
            lines.append(md_inline(line.rstrip(), here))
    text = "\n".join(lines).strip("\n")
    return text + "\n" if text else ""


def read_fragments(addon_dir):
    fragments = {}
    for name in FRAGMENTS:
        md_path = os.path.join(addon_dir, FRAGMENTS_DIR, name + ".md")
        rst_path = os.path.join(addon_dir, FRAGMENTS_DIR, name + ".rst")
        if os.path.exists(md_path):
            with open(md_path, encoding="utf-8") as f:
                text = md_to_rst(f.read(), os.path.relpath(md_path))
        elif os.path.exists(rst_path):
            with open(rst_path, encoding="utf-8") as f:
                text = f.read().strip("\n") + "\n"
        else:
            continue
        if text.strip():
            fragments[name] = text
    return fragments


def source_digest(addon_dir):
    digest = hashlib.sha256()
    paths = [os.path.join(addon_dir, "__manifest__.py")]
    fragments_dir = os.path.join(addon_dir, FRAGMENTS_DIR)
    paths += sorted(
        os.path.join(fragments_dir, name) for name in os.listdir(fragments_dir)
    )
    for path in paths:
        with open(path, "rb") as f:
            digest.update(os.path.basename(path).encode() + b"\0" + f.read())
    return "sha256:" + digest.hexdigest()[:32]


def render_readme(addon_dir):
    addon_name = os.path.basename(os.path.abspath(addon_dir))
    with open(os.path.join(addon_dir, "__manifest__.py"), encoding="utf-8") as f:
        manifest = ast.literal_eval(f.read())
    fragments = read_fragments(addon_dir)
    if "DESCRIPTION" not in fragments:
        raise FragmentError(f"{addon_dir}/{FRAGMENTS_DIR}/DESCRIPTION.md is missing")
    website = manifest.get("website", "")
    match = re.match(r"^https://github\.com/([^/]+)/([^/]+?)/?$", website)
    if not match:
        raise FragmentError(
            "the manifest's website must be https://github.com/ORG/REPO,"
            f" not {website!r}"
        )
    org, repo = match.groups()
    branch = ".".join(manifest["version"].split(".")[:2])
    repo_url = f"https://github.com/{org}/{repo}"
    addon_url = f"{repo_url}/tree/{branch}/{addon_name}"

    badges = []
    status = manifest.get("development_status", "Beta").lower()
    if status in STATUS_BADGES:
        label, color = STATUS_BADGES[status]
        badges.append(
            (
                f"https://img.shields.io/badge/maturity-{label}-{color}.png",
                STATUS_URL,
                label.replace("%2F", "/"),
            )
        )
    if manifest.get("license") in LICENSE_BADGES:
        badges.append(LICENSE_BADGES[manifest["license"]])
    badges.append(
        (
            "https://img.shields.io/badge/github-%s%%2F%s-lightgray.png?logo=github"
            % (
                org.replace("-", "--").replace("_", "__"),
                repo.replace("-", "--").replace("_", "__"),
            ),
            addon_url,
            f"{org}/{repo}",
        )
    )

    out = io.StringIO()
    w = out.write
    name = manifest["name"]
    w("=" * len(name) + "\n" + name + "\n" + "=" * len(name) + "\n\n")
    w(
        "..\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        "   !! This file is generated by scripts/gen_readme.py from  !!\n"
        "   !! the manifest and readme/: changes will be overwritten !!\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        f"   !! source digest: {source_digest(addon_dir)}\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n"
    )
    for index, (image, target, alt) in enumerate(badges, 1):
        w(
            f".. |badge{index}| image:: {image}\n"
            f"    :target: {target}\n    :alt: {alt}\n"
        )
    w("\n" + " ".join(f"|badge{i}|" for i in range(1, len(badges) + 1)) + "\n\n")
    w(fragments["DESCRIPTION"] + "\n")
    if status == "alpha":
        w(
            ".. IMPORTANT::\n"
            "   This is an alpha version, the data model and design can change at any "
            "time without warning.\n"
            "   Only for development or testing purpose, do not use in production.\n"
            f"   `More details on development status <{STATUS_URL}>`_\n\n"
        )
    w("**Table of contents**\n\n.. contents::\n   :local:\n\n")
    for fragment, title in SECTIONS:
        if fragment in fragments:
            w(f"{title}\n{'=' * len(title)}\n\n{fragments[fragment]}\n")
    w(
        "Bug Tracker\n===========\n\n"
        f"Bugs are tracked on `GitHub Issues <{repo_url}/issues>`_.\n"
        "In case of trouble, please check there if your issue has already been"
        " reported.\n"
        "If you spotted it first, help us to smash it by providing a detailed and"
        " welcomed\n"
        f"`feedback <{repo_url}/issues/new?body=module:%20{addon_name}%0Aversion:%20"
        f"{branch}%0A%0A**Steps%20to%20reproduce**%0A-%20...%0A%0A**Current%20behavior**"
        "%0A%0A**Expected%20behavior**>`_.\n\n"
        "Do not contact contributors directly about support or help with technical"
        " issues.\n\n"
    )
    w("Credits\n=======\n\n")
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    if authors:
        w("Authors\n-------\n\n" + "".join(f"* {a}\n" for a in authors) + "\n")
    if "CONTRIBUTORS" in fragments:
        w("Contributors\n------------\n\n" + fragments["CONTRIBUTORS"] + "\n")
    if "CREDITS" in fragments:
        w("Other credits\n-------------\n\n" + fragments["CREDITS"] + "\n")
    w("Maintainers\n-----------\n\n")
    maintainers = manifest.get("maintainers", [])
    if maintainers:
        for login in maintainers:
            w(
                f".. |maintainer-{login}| image:: https://github.com/{login}.png?size=40px\n"
                f"    :target: https://github.com/{login}\n    :alt: {login}\n"
            )
        w("\nCurrent maintainer%s:\n\n" % ("s" if len(maintainers) > 1 else ""))
        w(" ".join(f"|maintainer-{login}|" for login in maintainers) + "\n\n")
    w(
        f"This module is part of the `{org}/{repo} <{addon_url}>`_ project on"
        " GitHub.\n\n"
        "You are welcome to contribute.\n"
    )
    return out.getvalue()


def render_index(readme):
    html = publish_string(
        source=readme,
        writer_name="html4css1",
        settings_overrides=RST2HTML_SETTINGS,
    )
    html = html.decode("utf-8")
    # Odoo 17+ warns about an XML declaration in a module description: drop it.
    return re.sub(r"\A<\?xml [^>]*\?>\n", "", html)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("addon_dirs", nargs="+")
    parser.add_argument(
        "--check", action="store_true", help="only report stale files, write nothing"
    )
    args = parser.parse_args(argv)
    stale = 0
    for addon_dir in args.addon_dirs:
        try:
            readme = render_readme(addon_dir)
            index = render_index(readme)
        except FragmentError as exc:
            print(f"gen_readme: {exc}", file=sys.stderr)
            return 2
        targets = (
            (os.path.join(addon_dir, "README.rst"), readme),
            (os.path.join(addon_dir, "static", "description", "index.html"), index),
        )
        for path, content in targets:
            current = None
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    current = f.read()
            if current == content:
                if not args.check:
                    print(f"{path} is up to date")
                continue
            if args.check:
                stale += 1
                print(
                    f"{path} is out of date with the manifest and readme/:"
                    " run make readme"
                )
                diff = difflib.unified_diff(
                    (current or "").splitlines(),
                    content.splitlines(),
                    path,
                    "generated",
                    lineterm="",
                    n=1,
                )
                for line in list(diff)[:20]:
                    print("    " + line)
            else:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(content)
                print(f"wrote {path}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
