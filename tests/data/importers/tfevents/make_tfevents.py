#!/usr/bin/env python3
"""Writes the TensorBoard event files used by tests/core/importers (NOT real training logs).

The stored public corpus holds event files only as Git LFS pointers, so these are written here,
independently of the C++ reader: a hand-written protobuf encoder and TFRecord framing from the
documented formats, and a bit-by-bit CRC32C (the reader uses Boost.CRC's table-driven one).

  TFRecord: uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)
  masked(c) = ((c >> 15) | (c << 17)) + 0xa282ead8  (mod 2^32), little-endian throughout
  tensorflow.Event: wall_time=1 (double), step=2 (int64), file_version=3 (string), summary=5
  Summary: value=1 (repeated Value); Value: tag=1, simple_value=2 (float), tensor=8 (TensorProto)
  TensorProto: dtype=1 (DT_FLOAT=1, DT_DOUBLE=2), tensor_shape=2, tensor_content=4,
               float_val=5 (packed), double_val=6 (packed)

Run from this folder: python3 make_tfevents.py (rewrites the files below).
"""
import os
import struct


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(data: bytes) -> int:
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def varint(v: int) -> bytes:
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def key(field: int, wire: int) -> bytes:
    return varint(field << 3 | wire)


def length_delimited(field: int, payload: bytes) -> bytes:
    return key(field, 2) + varint(len(payload)) + payload


def event(step: int, wall_time: float, summary: bytes = b"", file_version: str = "") -> bytes:
    out = key(1, 1) + struct.pack("<d", wall_time) + key(2, 0) + varint(step)
    if file_version:
        out += length_delimited(3, file_version.encode())
    if summary:
        out += length_delimited(5, summary)
    return out


def simple_value(tag: str, value: float) -> bytes:
    return length_delimited(1, length_delimited(1, tag.encode()) + key(2, 5) + struct.pack("<f", value))


def tensor_value(tag: str, tensor: bytes) -> bytes:
    return length_delimited(1, length_delimited(1, tag.encode()) + length_delimited(8, tensor))


def float_content(x: float) -> bytes:  # DT_FLOAT scalar in tensor_content (tf.summary in TF 2)
    return key(1, 0) + varint(1) + length_delimited(2, b"") + length_delimited(4, struct.pack("<f", x))


def double_val(x: float) -> bytes:  # DT_DOUBLE scalar in packed double_val
    return key(1, 0) + varint(2) + length_delimited(2, b"") + length_delimited(6, struct.pack("<d", x))


def record(data: bytes) -> bytes:
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked(header)) + data + struct.pack("<I", masked(data))


def write(path: str, events) -> bytes:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    blob = b"".join(record(e) for e in events)
    with open(path, "wb") as f:
        f.write(blob)
    return blob


# Run "small": simple_value scalars (torch.utils.tensorboard / tensorboardX style). train/loss at
# steps 100..500 (values exact in float32), a learning rate, and eval/loss at 250 and 500.
small = [event(0, 1700000000.0, file_version="brain.Event:2")]
train_losses = {100: 4.5, 200: 3.75, 300: 3.25, 400: 3.0, 500: 2.875}
for i, (step, loss) in enumerate(train_losses.items()):
    small.append(event(step, 1700000001.0 + i, simple_value("train/learning_rate", 3e-4) + simple_value("train/loss", loss)))
    if step in (250, 500) or step == 500:
        small.append(event(step, 1700000001.5 + i, simple_value("eval/loss", loss + 0.125)))
small.append(event(250, 1700000010.0, simple_value("eval/loss", 3.5)))
blob = write("small/events.out.tfevents.1700000000.host.1234.0", small)

# Run "tensors": TF 2 style tensor scalars: loss as DT_FLOAT tensor_content, tokens seen as a
# DT_DOUBLE double_val (a tokens tag, so no tokens per step is needed).
tensors = [event(0, 1700000000.0, file_version="brain.Event:2")]
for step, loss, tokens in [(10, 6.5, 40960.0), (20, 5.25, 81920.0), (30, 4.75, 122880.0)]:
    tensors.append(event(step, 1700000000.0 + step,
                         tensor_value("loss", float_content(loss)) + tensor_value("num_tokens", double_val(tokens))))
write("tensors/events.out.tfevents.1700000100.host.99.0", tensors)

# Broken copies of "small": one with a flipped data byte in its third record (CRC mismatch), one
# cut in the middle of its last record (a file still being written).
offsets = []
pos = 0
while pos < len(blob):
    offsets.append(pos)
    (n,) = struct.unpack_from("<Q", blob, pos)
    pos += 12 + n + 4
third = offsets[2]
corrupt = bytearray(blob)
corrupt[third + 12 + 3] ^= 0x40
os.makedirs("corrupt", exist_ok=True)
with open("corrupt/events.out.tfevents.1700000000.host.1234.0", "wb") as f:
    f.write(bytes(corrupt))
os.makedirs("truncated", exist_ok=True)
with open("truncated/events.out.tfevents.1700000000.host.1234.0", "wb") as f:
    f.write(blob[: offsets[-1] + 7])
print("third record at byte offset", third, "; last record at", offsets[-1], "; records", len(offsets))
