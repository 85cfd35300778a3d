"""helpers.photos: a learner's own photo, read from files this test makes itself."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from helpers import photos


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def gradient(width: int = 60, height: int = 40) -> Image.Image:
    """Red grows to the right, green downwards: orientation and channels are visible."""
    x = np.linspace(0, 255, width)[None, :].repeat(height, 0)
    y = np.linspace(0, 255, height)[:, None].repeat(width, 1)
    return Image.fromarray(np.stack([x, y, np.full_like(x, 60)], axis=-1).astype(np.uint8), "RGB")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_reads_common_formats_as_rgb_uint8(fmt):
    photo = photos.load_photo(encoded(gradient(), fmt), name=f"photo.{fmt.lower()}")
    assert photo.shape == (40, 60, 3) and photo.dtype == np.uint8
    assert photo[20, -1, 0] > 200 and photo[20, 0, 0] < 40  # red grows to the right
    assert photo[-1, 30, 1] > 200 and photo[0, 30, 1] < 40  # green grows downwards


def test_a_gif_gives_its_first_frame():
    frames = [Image.new("RGB", (20, 10), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    photo = photos.load_photo(data, name="anim.gif")
    assert photo.shape == (10, 20, 3) and photo[5, 5, 0] > 200 and photo[5, 5, 2] < 50


def test_a_16_bit_png_is_scaled_to_8_bits():
    levels = np.array([[0, 16384, 32768, 65535]], dtype=np.uint16).repeat(4, axis=0)
    data = encoded(Image.fromarray(levels), "PNG")
    photo = photos.load_photo(data, grey=True)
    assert photo.dtype == np.uint8 and photo.shape == (4, 4)
    assert list(photo[0]) == [0, 64, 128, 255]


def test_exif_orientation_turns_the_picture_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    data = encoded(gradient(60, 40), "JPEG", exif=exif)
    photo = photos.load_photo(data)
    assert photo.shape == (60, 40, 3)  # turned: portrait now
    assert photo[-1, 20, 0] > 200 and photo[0, 20, 0] < 40  # red now grows downwards


def test_transparency_becomes_white_and_grey_is_one_channel():
    rgba = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    rgba.putpixel((0, 0), (0, 0, 0, 255))
    photo = photos.load_photo(encoded(rgba, "PNG"))
    assert photo[4, 4].tolist() == [255, 255, 255] and photo[0, 0].tolist() == [0, 0, 0]
    grey = photos.load_photo(encoded(gradient(), "PNG"), grey=True)
    assert grey.shape == (40, 60)


def test_large_photos_are_shrunk_to_512_on_the_longer_side_keeping_the_shape():
    photo = photos.load_photo(encoded(gradient(1600, 1200), "PNG"))
    assert photo.shape == (384, 512, 3)
    small = photos.load_photo(encoded(gradient(100, 50), "PNG"), max_side=512)
    assert small.shape == (50, 100, 3)  # never enlarged


def test_reads_a_path_as_well_as_bytes(tmp_path):
    path = tmp_path / "mine.png"
    path.write_bytes(encoded(gradient(), "PNG"))
    assert photos.load_photo(path).shape == (40, 60, 3)
    with pytest.raises(photos.PhotoError, match="no such file"):
        photos.load_photo(tmp_path / "missing.png")


@pytest.mark.parametrize("data, message", [
    (b"", "cat.png is empty"),
    (b"This is a text file, not a picture.\n" * 3, "cat.png is not an image"),
    (encoded(gradient(), "PNG")[:120], "damaged or cut short"),
])
def test_bad_files_get_one_clear_sentence(data, message):
    with pytest.raises(photos.PhotoError, match=message) as caught:
        photos.load_photo(data, name="cat.png")
    assert caught.value.__cause__ is None and "Traceback" not in str(caught.value)


def test_a_file_over_20_mb_is_refused_before_decoding():
    with pytest.raises(photos.PhotoError, match=r"huge.jpg is 21.0 MB; photos up to 20 MB"):
        photos.load_photo(bytes(21 * 1024 * 1024), name="huge.jpg")


def test_uploaded_files_handles_ipywidgets_7_and_8():
    content = encoded(gradient(), "PNG")
    v7 = {"cat.png": {"metadata": {"name": "cat.png", "type": "image/png", "size": len(content)}, "content": content}}
    v8 = ({"name": "cat.png", "type": "image/png", "size": len(content), "content": memoryview(content),
           "last_modified": 0},)
    assert photos.uploaded_files(v7) == photos.uploaded_files(v8) == [("cat.png", content)]
    assert photos.uploaded_files(()) == [] and photos.uploaded_files({}) == []
    with pytest.raises(TypeError, match="FileUpload's value"):
        photos.uploaded_files("cat.png")


def test_chooser_keeps_the_default_until_a_photo_arrives_and_after_a_bad_one():
    default = np.zeros((10, 10, 3), np.uint8)
    chooser = photos.PhotoChooser(default)
    assert chooser.image is default
    assert not chooser.use("notes.txt", b"not an image")
    assert chooser.image is default and "notes.txt is not an image" in chooser.message
    assert chooser.title("astronaut") == "astronaut"
    assert chooser.use("cat.png", encoded(gradient(), "PNG"))
    assert chooser.image.shape == (40, 60, 3) and "cat.png (60 x 40 pixels)" in chooser.message
    assert chooser.title("astronaut") == "cat.png"
    assert not chooser.use("empty.png", b"")  # a failed second upload keeps the first photo, and says so
    assert chooser.image.shape == (40, 60, 3) and "keeps using your photo cat.png" in chooser.message


def test_chooser_widget_reads_an_upload():
    ipywidgets = pytest.importorskip("ipywidgets")
    chooser = photos.PhotoChooser(np.zeros((4, 4), np.uint8), grey=True)
    box = chooser.widget()
    button, status = box.children
    assert isinstance(button, ipywidgets.FileUpload)
    content = encoded(gradient(), "PNG")
    if int(ipywidgets.__version__.split(".")[0]) >= 8:
        import datetime as dt

        button.value = ({"name": "cat.png", "type": "image/png", "size": len(content), "content": memoryview(content),
                         "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)},)
    else:  # pragma: no cover - ipywidgets 7 (Colab)
        button.value = {"cat.png": {"metadata": {"name": "cat.png"}, "content": content}}
    assert chooser.image.shape == (40, 60) and status.value.startswith("Using your photo cat.png")
