"""The filesystem photo store under PUTs of one photo at once: a retry racing its own first attempt."""
import hashlib
import io
import os
import threading
import time

from field_api.sync_service import photos
from field_api.sync_service.photos import FilesystemPhotoStore, PhotoError

IMAGE = b"\xff\xd8\xff\xe0" + b"pixels " * 5000
SHA = hashlib.sha256(IMAGE).hexdigest()


def _partial_files(root) -> list[str]:
    folder = os.path.join(root, "partial")
    return os.listdir(folder) if os.path.isdir(folder) else []


def test_a_put_that_waited_for_the_lock_cannot_write_into_the_photo_the_holder_moved_into_place(tmp_path):
    store = FilesystemPhotoStore(str(tmp_path))
    entered, outcome = threading.Event(), {}

    def racing_put():
        entered.set()
        with store.exclusive(SHA) as partial:  # waits until the first PUT has moved the photo
            outcome["found_complete"] = store.has(SHA)
            outcome["size_seen"] = partial.size()
            partial.write_at(0, io.BytesIO(IMAGE[:100]), 100)  # what the old code did to the final file

    with store.exclusive(SHA) as partial:
        partial.write_at(0, io.BytesIO(IMAGE), len(IMAGE))
        waiter = threading.Thread(target=racing_put)
        waiter.start()
        entered.wait(5)
        time.sleep(0.2)  # the racing PUT has opened the file and waits for its lock
        assert partial.finish()
    waiter.join(10)

    assert outcome == {"found_complete": True, "size_seen": 0}
    with store.open(SHA) as fh:
        assert fh.read() == IMAGE
    assert _partial_files(tmp_path) == []


def test_a_put_waits_for_another_put_of_the_same_photo_no_longer_than_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(photos, "LOCK_WAIT_S", 0.2)
    store = FilesystemPhotoStore(str(tmp_path))
    errors = []

    def second_put():
        try:
            with store.exclusive(SHA):
                pass
        except PhotoError as exc:
            errors.append(exc)

    with store.exclusive(SHA) as partial:
        partial.write_at(0, io.BytesIO(IMAGE[:10]), 10)
        second = threading.Thread(target=second_put)
        second.start()
        second.join(5)

    assert [e.status for e in errors] == [409]
    assert "in progress" in str(errors[0])
    assert store.received(SHA) == 10  # the bytes of the first PUT are kept for resuming


def test_taking_the_lock_never_truncates_the_bytes_already_received(tmp_path):
    store = FilesystemPhotoStore(str(tmp_path))
    with store.exclusive(SHA) as partial:
        partial.write_at(0, io.BytesIO(IMAGE), 1000)
    with store.exclusive(SHA) as partial:
        assert partial.size() == 1000
        assert partial.head(4) == IMAGE[:4]
        assert partial.write_at(1000, io.BytesIO(IMAGE[1000:]), len(IMAGE) - 1000) == len(IMAGE)
        assert partial.finish()
    with store.open(SHA) as fh:
        assert fh.read() == IMAGE


def test_bytes_that_fail_the_hash_are_dropped_and_no_partial_file_is_left(tmp_path):
    store = FilesystemPhotoStore(str(tmp_path))
    wrong = IMAGE[:-1] + b"!"
    with store.exclusive(SHA) as partial:
        partial.write_at(0, io.BytesIO(wrong), len(wrong))
        assert not partial.finish()
    assert not store.has(SHA) and store.received(SHA) == 0
    assert _partial_files(tmp_path) == []


def test_many_puts_of_one_photo_at_once_store_it_whole_once(tmp_path):
    store = FilesystemPhotoStore(str(tmp_path))
    half = len(IMAGE) // 2
    results, barrier = [], threading.Barrier(8)

    def put(parts):
        barrier.wait(5)
        for start, data in parts:  # as put_photo: resume only from what the server holds
            with store.exclusive(SHA) as partial:
                if store.has(SHA) or start not in (0, partial.size()):
                    results.append("skipped")
                    continue
                if partial.write_at(start, io.BytesIO(data), len(data)) == len(IMAGE):
                    results.append("moved" if partial.finish() else "refused")

    whole, halves = [(0, IMAGE)], [(0, IMAGE[:half]), (half, IMAGE[half:])]
    threads = [threading.Thread(target=put, args=(whole if k % 2 else halves,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)

    assert "refused" not in results and "moved" in results
    with store.open(SHA) as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == SHA
    assert _partial_files(tmp_path) == []
