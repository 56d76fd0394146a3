#!/usr/bin/env python3
"""Writes a Windows .ico that holds one PNG image (the form Windows Vista and later read for
256-pixel icons): ICONDIR, one ICONDIRENTRY, the PNG bytes. Usage: png-to-ico.py in.png out.ico"""
import struct
import sys

png = open(sys.argv[1], "rb").read()
if png[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit(f"{sys.argv[1]} is not a PNG")
width, height = struct.unpack(">II", png[16:24])
if width > 256 or height > 256:
    sys.exit("an icon image is at most 256 pixels wide and high")
entry = struct.pack(
    "<BBBBHHII",
    width % 256,  # 0 means 256
    height % 256,
    0,  # no palette
    0,
    1,  # colour planes
    32,  # bits per pixel
    len(png),
    6 + 16,  # offset: after ICONDIR and the one entry
)
with open(sys.argv[2], "wb") as out:
    out.write(struct.pack("<HHH", 0, 1, 1) + entry + png)
