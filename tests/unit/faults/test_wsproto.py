from __future__ import annotations

from drillctl.faults.wsproto import CLOSE, TEXT, client_frame, parse_frames, upgrade_request


def unmask(frame: bytes) -> bytes:
    size, offset = frame[1] & 0x7F, 2
    if size == 126:
        size, offset = int.from_bytes(frame[2:4], "big"), 4
    mask = frame[offset : offset + 4]
    return bytes(b ^ mask[i & 3] for i, b in enumerate(frame[offset + 4 :]))


def test_client_frames_are_final_masked_and_carry_the_payload():
    frame = client_frame(b"40")
    assert frame[0] == 0x80 | TEXT and frame[1] & 0x80 and frame[1] & 0x7F == 2
    assert unmask(frame) == b"40"
    big = client_frame(b"x" * 300)
    assert big[1] & 0x7F == 126 and unmask(big) == b"x" * 300
    assert client_frame(b"\x03\xe8", CLOSE)[0] == 0x88


def test_server_frames_are_parsed_whole_and_partial_ones_wait():
    data = bytearray(b"\x81\x020{" + b"\x81\x0440{}" + b"\x81\x7e\x01\x00" + b"y" * 100)
    frames = parse_frames(data)
    assert frames == [(TEXT, b"0{"), (TEXT, b"40{}")]
    assert len(data) == 104  # the 256-byte frame is not complete yet
    data += b"y" * 156
    assert parse_frames(data) == [(TEXT, b"y" * 256)] and not data


def test_the_upgrade_request_has_a_fresh_key_each_time():
    one = upgrade_request("ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket")
    assert one.startswith(
        b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:8080"
    )
    assert b"Upgrade: websocket" in one and one.endswith(b"\r\n\r\n")
    assert one != upgrade_request("ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket")
