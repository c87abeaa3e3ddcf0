"""The output contract of docs/FORMAT.md, in Python, for the tests' expected files.

A TSV field is written as it is, or, when it holds a double quote, RFC 4180-quoted: wrapped in
double quotes with each one doubled.  TAB, CR and LF in text became spaces before that.
tests/lib.sh puts this directory on PYTHONPATH.
"""


def field(s):
    """One TSV field as the tool writes it."""
    s = str(s)
    return '"' + s.replace('"', '""') + '"' if '"' in s else s


def clean(s):
    """Text as the tool keeps it: TAB, CR and LF become spaces."""
    return s.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def line(fields):
    """One TSV line (with its newline) from the field values."""
    return "\t".join(field(f) for f in fields) + "\n"
