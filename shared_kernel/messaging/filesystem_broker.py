"""Kombu's filesystem transport (embedded mode's broker), writing each message atomically.

Kombu's own creates a message file under its final name and then writes into it: a worker
listing the folder in between takes the empty file, cannot decode it and stops
("Unrecoverable error: JSONDecodeError"), seen with `make run`'s worker under load. Here a
message is written under a name readers skip, then renamed to its final name: a rename
within one folder is atomic, so a reader sees a whole message or none.
"""

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

PARTIAL_SUFFIX = ".partial"  # kombu's reader takes only names ending in `.<queue>.msg`


class Channel(filesystem.Channel):
    # The signature of kombu's filesystem Channel, whose stub differs from its base's.
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + PARTIAL_SUFFIX
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
