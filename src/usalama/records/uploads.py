"""An upload handler that refuses a file past the size limit while it is still arriving.

Django's own handlers spool any upload to a temporary file, however large, before a view
sees it. This one goes first in the chain: a request whose declared length is already over
the limit is not read at all, and a file that grows past it mid-stream stops the parse, so
the partial temporary file is closed (and deleted) and nothing reaches storage.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

# Room for the form's other fields and a mapping file on top of the data file itself.
FORM_OVERHEAD_BYTES = 1024 * 1024


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False
        self._file_bytes = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,  # noqa: N803 - Django's parameter name
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, Any]] | None:
        if content_length > self.limit + FORM_OVERHEAD_BYTES:
            self.exceeded = True
            # "Handled": an empty form, and not one byte of the body read.
            return QueryDict(), MultiValueDict()
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._file_bytes = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self._file_bytes += len(raw_data)
        if self._file_bytes > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler in the chain builds the file
