"""Installs the baogao Python module: ctypes bindings of the installed C
library libbaogao.so.0 (nothing is compiled).

A plain setup.py, without pyproject.toml, on purpose: pip then builds without
build isolation, so ``pip install ./bindings/python`` works offline with the
system's setuptools (Debian 12: python3-setuptools 66, pip 23). Pass
``--no-build-isolation`` to be sure.
"""
import os
import re

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))


def read(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return f.read()


VERSION = re.search(r'^__version__ = "([^"]+)"', read("baogao/__init__.py"), re.M).group(1)

setup(
    name="baogao",
    version=VERSION,
    description="Full-text search over Chinese government reports (ctypes bindings of libbaogao)",
    long_description=read("README.md"),
    long_description_content_type="text/markdown",
    packages=["baogao"],
    package_data={"baogao": ["py.typed"]},
    python_requires=">=3.7",
    zip_safe=False,
    classifiers=[
        "Programming Language :: Python :: 3",
        "Operating System :: POSIX :: Linux",
        "Natural Language :: Chinese (Simplified)",
        "Topic :: Text Processing :: Indexing",
    ],
)
