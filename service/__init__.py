"""The use cases between the front doors (dashboard pages and command lines) and the packages
below: opening the store, the guarded write path, uploads, follow-up, and the read model the
pages render. Front doors import only this package."""

import os

# The numerical work here is small (intervals, tests, frames of a few thousand rows): one
# OpenBLAS thread, unless the operator says otherwise. NumPy starts the pool when it is first
# imported, and a pool of one thread per core cost every command line about 0,1 s of CPU
# (issue 33); a front door imports this package before pandas or NumPy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
