#!/usr/bin/python3
"""Reads a TensorBoard event file with python3-protobuf only (no TensorFlow, no TensorBoard).

Checks the TFRecord framing and both masked CRC32Cs of every record, parses each record as a
tensorflow.Event built at run time from a descriptor (only the fields ember writes), checks that
no field is unknown (a wrong field number would show up there) and that re-serializing gives the
same bytes, and prints JSON:

  {"file_version": "brain.Event:2", "records": 3,
   "scalars": [{"wall_time": 1.7e9, "step": 1, "tag": "loss", "value": 0.5}, ...]}

Non-finite values are printed as the strings "nan", "inf", "-inf". Exit status 1 on any error.
Usage: read_tfevents.py EVENT_FILE
"""
import json
import math
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto


def crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


TABLE = crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def add_field(msg, name, number, type_, label=F.LABEL_OPTIONAL, type_name=None, oneof=None):
    f = msg.field.add(name=name, number=number, type=type_, label=label)
    if type_name:
        f.type_name = type_name
    if oneof is not None:
        f.oneof_index = oneof


def event_class():
    """tensorflow.Event with the subset of event.proto / summary.proto that ember writes."""
    fdp = descriptor_pb2.FileDescriptorProto(name="ember_event.proto", package="tensorflow",
                                             syntax="proto3")
    summary = fdp.message_type.add(name="Summary")
    value = summary.nested_type.add(name="Value")
    value.oneof_decl.add(name="value")
    add_field(value, "tag", 1, F.TYPE_STRING)
    add_field(value, "simple_value", 2, F.TYPE_FLOAT, oneof=0)
    add_field(summary, "value", 1, F.TYPE_MESSAGE, F.LABEL_REPEATED, ".tensorflow.Summary.Value")
    event = fdp.message_type.add(name="Event")
    event.oneof_decl.add(name="what")
    add_field(event, "wall_time", 1, F.TYPE_DOUBLE)
    add_field(event, "step", 2, F.TYPE_INT64)
    add_field(event, "file_version", 3, F.TYPE_STRING, oneof=0)
    add_field(event, "summary", 5, F.TYPE_MESSAGE, type_name=".tensorflow.Summary", oneof=0)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    desc = pool.FindMessageTypeByName("tensorflow.Event")
    if hasattr(message_factory, "GetMessageClass"):  # protobuf >= 4.22
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory(pool).GetPrototype(desc)


def records(data):
    pos = 0
    while pos < len(data):
        if len(data) - pos < 12:
            raise ValueError(f"offset {pos}: truncated record header")
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        if length_crc != masked_crc32c(header):
            raise ValueError(f"offset {pos}: bad length CRC")
        body = data[pos + 12:pos + 12 + length]
        if len(body) != length or len(data) < pos + 16 + length:
            raise ValueError(f"offset {pos}: truncated record")
        (data_crc,) = struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])
        if data_crc != masked_crc32c(body):
            raise ValueError(f"offset {pos}: bad data CRC")
        yield pos, body
        pos += 16 + length


def has_unknown_fields(msg):
    copy = type(msg)()
    copy.CopyFrom(msg)
    copy.DiscardUnknownFields()
    return copy.SerializeToString() != msg.SerializeToString()


def json_number(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    Event = event_class()
    with open(argv[1], "rb") as f:
        data = f.read()
    out = {"file_version": None, "records": 0, "scalars": []}
    for offset, body in records(data):
        event = Event()
        event.ParseFromString(body)
        if has_unknown_fields(event) or any(has_unknown_fields(v) for v in event.summary.value):
            raise ValueError(f"offset {offset}: unknown fields (wrong field numbers?)")
        if event.SerializeToString(deterministic=True) != body:
            raise ValueError(f"offset {offset}: re-serialized event differs from the record")
        what = event.WhichOneof("what")
        if out["records"] == 0 and what != "file_version":
            raise ValueError("the first record is not a file_version event")
        if what == "file_version":
            out["file_version"] = event.file_version
        elif what == "summary":
            for v in event.summary.value:
                if v.WhichOneof("value") != "simple_value":
                    raise ValueError(f"offset {offset}: value {v.tag!r} has no simple_value")
                out["scalars"].append({"wall_time": event.wall_time, "step": event.step,
                                       "tag": v.tag, "value": json_number(v.simple_value)})
        else:
            raise ValueError(f"offset {offset}: event with neither file_version nor summary")
        out["records"] += 1
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, ValueError) as e:
        print(f"read_tfevents.py: {e}", file=sys.stderr)
        sys.exit(1)
