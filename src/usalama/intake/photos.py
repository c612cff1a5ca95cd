"""Photo checks and metadata stripping: decode with Pillow, re-encode pixels only.

Re-encoding drops EXIF (camera serial, GPS position, time), XMP and ICC blocks; the
orientation is applied to the pixels first so the picture still looks right.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from usalama.core.errors import InvalidInput, TooLarge

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 3
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048  # larger photos are scaled down: smaller to keep, nothing lost for triage
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int
    sha256: str
    content_type: str = "image/jpeg"


def clean_photo(raw: bytes) -> CleanPhoto:
    if len(raw) > MAX_PHOTO_BYTES:
        raise TooLarge(f"photo is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    if not raw:
        raise InvalidInput("photo is empty")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise InvalidInput("photo must be JPEG, PNG or WebP")
            if probe.width * probe.height > MAX_PIXELS:
                raise TooLarge("photo has too many pixels")
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            pixels = upright.convert("RGB")
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as bad:
        raise InvalidInput("photo could not be read as an image") from bad
    pixels.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    # A fresh image with no info dict: no EXIF, GPS, XMP or ICC profile is written.
    bare = Image.new("RGB", pixels.size)
    bare.paste(pixels)
    bare.save(out, format="JPEG", quality=85, optimize=True)
    data = out.getvalue()
    return CleanPhoto(data, bare.width, bare.height, hashlib.sha256(data).hexdigest())
