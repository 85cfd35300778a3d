"""Bring your own photo to lessons 01-03: read an uploaded file into an RGB (or grey) array.

- :func:`load_photo`: bytes or a path -> ``uint8`` array; reads PNG (8- and 16-bit),
  JPEG, GIF (first frame) and TIFF, turns the picture upright as the camera's EXIF
  orientation says, and shrinks it so that its longer side is at most 512 px. A file
  that is empty, too large or not an image gets one sentence (:class:`PhotoError`),
  never a traceback.
- :func:`uploaded_files`: the files of an ipywidgets ``FileUpload``, whose ``value`` has
  one shape in ipywidgets 7 (Colab) and another in ipywidgets 8 (JupyterLab).
- :class:`PhotoChooser`: an *Upload* button in JupyterLab and Binder; on Colab, where
  ``FileUpload`` is unreliable, ``chooser.upload()`` opens Colab's own file picker.
  Until a photo arrives, ``chooser.image`` is the lesson's bundled image, so *Run all*
  never waits for an upload.

Pillow is there already: matplotlib and scikit-image depend on it.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np

__all__ = ["MAX_BYTES", "MAX_SIDE", "PhotoError", "load_photo", "uploaded_files", "PhotoChooser"]

MAX_BYTES = 20 * 1024 * 1024
"""Largest file accepted (20 MB): a phone photo is 2-8 MB."""
MAX_SIDE = 512
"""Photos are shrunk so that their longer side is at most this many pixels (the lessons' loops stay fast)."""


class PhotoError(ValueError):
    """A file that cannot be used as a photo; the message says which file and what to do."""


def _read_bytes(source, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        label = name or path.name
        if not path.is_file():
            raise PhotoError(f"{path}: there is no such file; check the name and the folder.")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PhotoError(f"{label} is {size / 2**20:.1f} MB; photos up to {MAX_BYTES // 2**20} MB are accepted: "
                             "choose a smaller file, or shrink it first.")
        return path.read_bytes(), label
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or "the file"
    raise TypeError(f"source must be the file's bytes or its path, got {type(source).__name__}")


def load_photo(source, *, name: str | None = None, grey: bool = False, max_side: int = MAX_SIDE) -> np.ndarray:
    """Read a photo file into a ``uint8`` array, upright and at most ``max_side`` pixels on its longer side.

    Parameters
    ----------
    source
        The file's content (``bytes``, as an upload delivers it) or its path.
    name
        The file's name, used in messages (default: the path's name, or "the file").
    grey
        True for a grey image ``(H, W)``; False (default) for RGB ``(H, W, 3)``.
    max_side
        Longer side after shrinking (pictures already smaller are not enlarged).

    Returns
    -------
    numpy.ndarray
        ``uint8``, 0..255: ``(H, W, 3)`` RGB, or ``(H, W)`` with ``grey=True``. A
        transparent background becomes white; a 16-bit image is scaled to 8 bits.

    Raises
    ------
    PhotoError
        The file is empty, larger than 20 MB, or not an image Pillow can read.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if isinstance(max_side, bool) or not isinstance(max_side, (int, np.integer)) or max_side < 1:
        raise ValueError(f"max_side must be a positive whole number of pixels, got {max_side!r}")
    data, label = _read_bytes(source, name)
    if not data:
        raise PhotoError(f"{label} is empty (0 bytes): choose the photo again, or another file.")
    if len(data) > MAX_BYTES:
        raise PhotoError(f"{label} is {len(data) / 2**20:.1f} MB; photos up to {MAX_BYTES // 2**20} MB are accepted: "
                         "choose a smaller file, or shrink it first.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.seek(0)  # a GIF or a multi-page TIFF: its first frame
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        too_big = not isinstance(error, UnidentifiedImageError)
        raise PhotoError(
            f"{label} has too many pixels to open safely: choose a smaller picture." if too_big else
            f"{label} is not an image this course can read (PNG, JPEG, GIF or TIFF): choose a photo file.") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise PhotoError(f"{label} looks like an image but is damaged or cut short ({error}): "
                         "download or copy it again.") from None
    image = ImageOps.exif_transpose(image)
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode.startswith("I;16") or values.max() > 255 else 255.0
        image = Image.fromarray(np.round(np.clip(values / top, 0, 1) * 255).astype(np.uint8), mode="L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    image = image.convert("L" if grey else "RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return np.asarray(image, dtype=np.uint8).copy()


def uploaded_files(value) -> list[tuple[str, bytes]]:
    """``(name, content)`` of each file in a ``FileUpload``'s ``value``, for ipywidgets 7 and 8.

    ipywidgets 8 gives a tuple of dicts with ``name`` and ``content`` (a memoryview);
    ipywidgets 7 gives a dict from file name to ``{"metadata": {...}, "content": bytes}``.
    """
    if isinstance(value, dict):  # ipywidgets 7
        return [(str(name), bytes(entry["content"])) for name, entry in value.items()]
    if isinstance(value, (tuple, list)):  # ipywidgets 8
        return [(str(entry["name"]), bytes(entry["content"])) for entry in value]
    raise TypeError(f"value must be a FileUpload's value (a dict or a tuple of dicts), got {type(value).__name__}")


class PhotoChooser:
    """Let the learner swap the lesson's image for their own photo, without making *Run all* wait.

    In JupyterLab and Binder, showing the chooser shows an *Upload* button and a status
    line; on Colab it says to run ``chooser.upload()``, which opens Colab's file picker.
    ``chooser.image`` is the photo once one has arrived, else ``default``.

    Parameters
    ----------
    default
        The lesson's bundled image, used until a photo is chosen.
    grey
        True to read photos as grey images (as ``default`` should be then).
    """

    def __init__(self, default: np.ndarray, *, grey: bool = False):
        self.default = np.asarray(default)
        self.grey = grey
        self.photo: np.ndarray | None = None
        self.name: str | None = None
        self.message = "No photo chosen yet: the lesson's own image is used."
        self._widget = None
        self._status = None

    def title(self, default: str) -> str:
        """A figure title: the photo's file name once one is chosen, else ``default`` (the lesson image's name)."""
        return default if self.photo is None else str(self.name)

    @property
    def image(self) -> np.ndarray:
        """The chosen photo, or the default image while none has been chosen."""
        return self.default if self.photo is None else self.photo

    def use(self, name: str, content: bytes) -> bool:
        """Read one file; on success it becomes :attr:`image`. Returns whether it worked."""
        try:
            self.photo = load_photo(content, name=name, grey=self.grey)
        except PhotoError as error:
            kept = "its own image" if self.photo is None else f"your photo {self.name}"
            self.message = f"{error} The lesson keeps using {kept}."
            ok = False
        else:
            self.name = name
            height, width = self.photo.shape[:2]
            self.message = (f"Using your photo {name} ({width} x {height} pixels). "
                            "Now run the next cells to see the lesson's steps on it.")
            ok = True
        if self._status is not None:
            self._status.value = self.message
        return ok

    def upload(self) -> bool:
        """On Colab: open Colab's file picker and use the first file chosen."""
        from . import notebook

        if not notebook.in_colab():
            raise RuntimeError("upload() is for Colab; in JupyterLab click the Upload button the chooser shows.")
        from google.colab import files  # type: ignore[import-not-found]

        chosen = files.upload()
        if not chosen:
            self.message = "No file chosen: the lesson keeps using its own image."
            print(self.message)
            return False
        name, content = next(iter(chosen.items()))
        ok = self.use(name, content)
        print(self.message)
        return ok

    def widget(self):
        """The *Upload* button and status line (JupyterLab, Binder)."""
        import ipywidgets as widgets

        if self._widget is None:
            button = widgets.FileUpload(accept="image/*", multiple=False, description="Upload a photo",
                                        layout=widgets.Layout(width="200px"))
            self._status = widgets.Label(value=self.message)
            self._status.add_class("photo-status")  # for the browser test

            def arrived(change) -> None:
                files = uploaded_files(change["new"])
                if files:
                    self.use(*files[0])

            button.observe(arrived, names="value")
            self._widget = widgets.VBox([button, self._status])
        return self._widget

    def _ipython_display_(self) -> None:
        from IPython.display import display

        from . import notebook

        if notebook.in_colab():
            print("On Colab, run  chooser.upload()  in a new cell to pick a photo "
                  "(Colab's file picker works more reliably than an upload button there).")
        else:
            display(self.widget())
