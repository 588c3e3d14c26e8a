"""The Python function of the SnapStart benchmark: its Init is mostly imports (>= 300 ms at one vCPU).

A slice of the standard library a web-facing function pulls in, then heavy_modules/ (140
generated modules standing in for third-party packages, written by generate.py, compiled at
every cold start because /var/task is read-only and they ship without bytecode). A restore from
a snapshot skips all of it: the modules are already in the restored interpreter.
"""

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import concurrent.futures  # noqa: E402
import csv  # noqa: E402
import dataclasses  # noqa: E402
import decimal  # noqa: E402
import email.mime.multipart  # noqa: E402
import email.mime.text  # noqa: E402
import email.policy  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import logging.handlers  # noqa: E402
import multiprocessing.pool  # noqa: E402
import sqlite3  # noqa: E402
import ssl  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tarfile  # noqa: E402
import unittest.mock  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402
import xml.dom.minidom  # noqa: E402
import xml.etree.ElementTree  # noqa: E402
import zipfile  # noqa: E402

STDLIB_MS = (time.perf_counter() - _T0) * 1000

try:
    import heavy_modules  # noqa: E402
except ModuleNotFoundError as e:
    if e.name != "heavy_modules":
        raise
    raise ImportError("heavy_modules/ is missing: run python3 examples/snapstart-python-heavy/generate.py"
                      " (scripts/setup.sh does)") from e

IMPORT_MS = (time.perf_counter() - _T0) * 1000
print("INIT imports took %.0f ms (stdlib %.0f ms, %d generated modules; %d modules loaded)"
      % (IMPORT_MS, STDLIB_MS, heavy_modules.COUNT, len(sys.modules)), flush=True)


def lambda_handler(event, context):
    return {"import_ms": round(IMPORT_MS, 1), "stdlib_ms": round(STDLIB_MS, 1),
            "generated_modules": heavy_modules.COUNT, "modules_loaded": len(sys.modules)}
