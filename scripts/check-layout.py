#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check the source layout rules of docs/ARCHITECTURE.md and print KTAP.

    scripts/check-layout.py [--max-file N] [--max-func N] [DIR...]

Rules, for every .c and .h file below DIR (default: userspace bpf):
  1. no file over 600 lines;
  2. no function over 80 lines, counted from the first line of its
     signature to its closing brace.

A function is found the way the kernel coding style writes one: its opening
brace alone at the start of a line (or, against the style, at the end of a
signature that starts at column 0), its closing brace at the start of a
line. Initializers (tables) open their brace after '=' on the signature
line, so they are not functions and need no exception. The exceptions list
below is for a table that had to be written as a function (a switch that
only maps values, say); each entry says why, and an entry that no longer
matches a long function fails the check, so the list cannot go stale.

Exit status 0 when every rule holds, 1 otherwise.
"""
import os
import re
import sys

MAX_FILE_LINES = 600
MAX_FUNC_LINES = 80

# "path:function": why it may be longer than MAX_FUNC_LINES. Tables only.
EXCEPTIONS = {
}

IDENT_CALL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)\s*\(')
# libbpf's program macros: the function's name is their first argument.
BPF_WRAPPERS = {'BPF_PROG', 'BPF_KPROBE', 'BPF_KRETPROBE', 'BPF_PROG2',
                'BPF_KSYSCALL', 'BPF_UPROBE', 'BPF_URETPROBE'}


def signature_start(lines, brace):
    """Index of the first line of the signature above the brace line."""
    i = brace - 1
    while i > 0:
        prev = lines[i - 1].rstrip()
        # The signature continues upwards while the previous line is part
        # of it: not blank, not the end of a statement, a block, a
        # comment or a preprocessor line.
        if (not prev or prev.endswith((';', '}', '*/')) or
                prev.startswith('#') or prev.startswith('//')):
            break
        i -= 1
    return i


def function_name(sig):
    calls = IDENT_CALL.findall(sig)
    if not calls:
        return None
    # The declarator is the first identifier followed by '(' that is not a
    # type-ish attribute macro; SEC("...") comes before it in BPF code.
    for j, name in enumerate(calls):
        if name in ('SEC', '__attribute__', '__printf', '__weak'):
            continue
        if name in BPF_WRAPPERS:
            m = re.search(name + r'\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)', sig)
            return m.group(1) if m else name
        return name
    return None


def functions(path, lines):
    """Yield (name, first line, last line), 1-based, for each function."""
    i = 0
    n = len(lines)
    while i < n:
        brace_alone = re.match(r'^\{\s*(/\*.*\*/)?\s*$', lines[i])
        # Not the kernel style, but still a function: "int f(void) {".
        brace_after = re.match(r'^[A-Za-z_].*\)\s*\{\s*$', lines[i])
        if brace_alone or brace_after:
            start = signature_start(lines, i) if brace_alone else i
            sig = ' '.join(l.strip() for l in lines[start:i + (0 if brace_alone else 1)])
            end = i + 1
            while end < n and not re.match(r'^\}', lines[end]):
                end += 1
            name = function_name(sig)
            if name and '=' not in sig.split('(')[0]:
                yield name, start + 1, end + 1
            i = end + 1
        else:
            i += 1


def sources(dirs):
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith(('.c', '.h')):
                    yield os.path.join(root, f)


def main(argv):
    global MAX_FILE_LINES, MAX_FUNC_LINES
    dirs = []
    args = iter(argv)
    for a in args:
        if a == '--max-file':
            MAX_FILE_LINES = int(next(args))
        elif a == '--max-func':
            MAX_FUNC_LINES = int(next(args))
        else:
            dirs.append(a.rstrip('/'))
    dirs = dirs or ['userspace', 'bpf']

    big_files = []
    long_funcs = []
    longest = (0, '')
    largest = (0, '')
    used = set()
    for path in sorted(sources(dirs)):
        with open(path, encoding='utf-8', errors='replace') as f:
            lines = f.read().split('\n')
        if lines and lines[-1] == '':
            lines.pop()
        largest = max(largest, (len(lines), path))
        if len(lines) > MAX_FILE_LINES:
            big_files.append('%s: %d lines' % (path, len(lines)))
        for name, first, last in functions(path, lines):
            length = last - first + 1
            longest = max(longest, (length, '%s:%s' % (path, name)))
            if length <= MAX_FUNC_LINES:
                continue
            key = '%s:%s' % (path, name)
            if key in EXCEPTIONS:
                used.add(key)
                continue
            long_funcs.append('%s:%d: %s(): %d lines' %
                              (path, first, name, length))
    stale = ['exception %s matches no function over %d lines' %
             (k, MAX_FUNC_LINES) for k in sorted(set(EXCEPTIONS) - used)]

    tests = [
        ('files-at-most-%d-lines' % MAX_FILE_LINES, big_files,
         'largest: %s, %d lines' % (largest[1], largest[0])),
        ('functions-at-most-%d-lines' % MAX_FUNC_LINES, long_funcs,
         'longest: %s(), %d lines' % (longest[1], longest[0])),
        ('layout-exceptions-in-use', stale, '%d exceptions' % len(EXCEPTIONS)),
    ]
    print('KTAP version 1')
    print('1..%d' % len(tests))
    failed = 0
    for i, (name, problems, summary) in enumerate(tests, 1):
        print('# %s' % summary)
        for p in problems:
            print('# %s' % p)
        if problems:
            failed += 1
            print('not ok %d %s' % (i, name))
        else:
            print('ok %d %s' % (i, name))
    return 1 if failed else 0


if __name__ == '__main__':
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
    sys.exit(main(sys.argv[1:]))
