#!/usr/bin/env python3
"""Checks the Windows subsystem in PE executables' optional headers.

    pe-subsystem.py FILE gui|console [FILE gui|console ...]

The window program must be a GUI-subsystem executable (no console flashes up when it is opened
from the Start menu) and the command-line program a console one (cmd and PowerShell give it their
stdout and wait for its exit code). Wine runs both alike, so this is checked in the headers.
Layout: Microsoft PE format, "Optional Header Windows-Specific Fields", Subsystem at offset 68.
"""
import struct
import sys

SUBSYSTEMS = {"gui": 2, "console": 3}


def subsystem(path):
    with open(path, "rb") as f:
        data = f.read(4096)
    if data[:2] != b"MZ":
        raise SystemExit(f"{path}: not a PE executable (no MZ header)")
    (pe_offset,) = struct.unpack_from("<I", data, 0x3C)
    if data[pe_offset : pe_offset + 4] != b"PE\0\0":
        raise SystemExit(f"{path}: no PE signature at {pe_offset:#x}")
    optional = pe_offset + 24
    (value,) = struct.unpack_from("<H", data, optional + 68)
    return value


def main(args):
    if not args or len(args) % 2:
        raise SystemExit(__doc__)
    for path, wanted in zip(args[::2], args[1::2]):
        got = subsystem(path)
        if got != SUBSYSTEMS[wanted]:
            raise SystemExit(f"{path}: subsystem {got}, expected {wanted} ({SUBSYSTEMS[wanted]})")
        print(f"{path.rsplit('/', 1)[-1]}: {wanted} subsystem")


if __name__ == "__main__":
    main(sys.argv[1:])
