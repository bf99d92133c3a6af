"""The optional C fast path of PolicySet.value() (src/policykit/model/_lookup.c).

Everything else is in pyproject.toml. `optional=True`: where no C compiler is found the
build goes on without it and policykit uses the same lookup in pure Python.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("policykit.model._lookup", ["src/policykit/model/_lookup.c"], optional=True)])
