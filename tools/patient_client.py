"""nbclient's NotebookClient, waiting for kernel messages in slices of at most 1 s.

Used by every tool that executes lessons with nbclient: ``tools/run_notebooks.py``
(``make notebooks``), ``benchmarks/run.py`` (``make bench``) and ``tools/colab_check.py``
(which copies this file into its Colab-like root next to itself).

Why: on cells with widgets (``interact``), nbclient 0.11 with pyzmq 27 sometimes does not
notice an execute reply that has already arrived until its wait for that reply times out;
the cell then takes the whole cell timeout and passes (seen on lesson 02 under Colab's
versions two runs out of two, and with the course's own .venv on about one ``interact``
cell in ten; cf. jupyter/nbclient#312). A new wait finds a queued message at once, so
waiting in short slices costs at most a second instead. Nothing else changes: the same
messages arrive in the same order, the notebook gets the same outputs.
"""

from __future__ import annotations

import time
from queue import Empty

from nbclient import NotebookClient
from nbclient.util import run_sync

SLICE_SECONDS = 1.0


class PatientClient(NotebookClient):
    """A NotebookClient whose shell and iopub waits are loops of waits of <= 1 s."""

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        for channel in (kc.shell_channel, kc.iopub_channel):
            channel.get_msg = _sliced(channel.get_msg)
        return kc

    # NotebookClient binds its sync twin to the base coroutine: re-bind it to ours, or
    # `setup_kernel()` (used by benchmarks/run.py) would bypass the override.
    start_new_kernel_client = run_sync(async_start_new_kernel_client)


def _sliced(get_msg):
    """Wrap a channel's async ``get_msg(timeout=...)`` so it waits at most 1 s at a time."""

    async def patient_get_msg(timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = SLICE_SECONDS if deadline is None else min(SLICE_SECONDS, max(0.0, deadline - time.monotonic()))
            try:
                return await get_msg(timeout=left)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    return patient_get_msg
